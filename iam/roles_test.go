package iam

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/connect-iam/connect-iam/store"
)

// TestRoles covers roles, trust policies, session durations and
// permissions boundaries.
func TestRoles(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	trust := fixture(t, "trust-ec2.json")
	r := must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("worker"), Path: aws.String("/svc/"),
		AssumeRolePolicyDocument: aws.String(trust), MaxSessionDuration: aws.Int32(7200), Description: aws.String("batch"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}}))(t)
	if aws.ToString(r.Role.Arn) != "arn:aws:iam::123456789012:role/svc/worker" || aws.ToInt32(r.Role.MaxSessionDuration) != 7200 ||
		!strings.HasPrefix(aws.ToString(r.Role.RoleId), "AROA") {
		t.Errorf("CreateRole = %+v", r.Role)
	}
	g := must(c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("worker")}))(t)
	if decode(t, aws.ToString(g.Role.AssumeRolePolicyDocument)) != trust || aws.ToString(g.Role.Description) != "batch" || len(g.Role.Tags) != 1 {
		t.Errorf("GetRole = %+v", g.Role)
	}
	def := must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("plain"), AssumeRolePolicyDocument: aws.String(trust)}))(t)
	if aws.ToInt32(def.Role.MaxSessionDuration) != 3600 {
		t.Errorf("default MaxSessionDuration = %d, want 3600", aws.ToInt32(def.Role.MaxSessionDuration))
	}
	must(c.UpdateRole(ctx, &awsiam.UpdateRoleInput{RoleName: aws.String("worker"), MaxSessionDuration: aws.Int32(43200), Description: aws.String("nightly")}))(t)
	g = must(c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("worker")}))(t)
	if aws.ToInt32(g.Role.MaxSessionDuration) != 43200 || aws.ToString(g.Role.Description) != "nightly" {
		t.Errorf("after UpdateRole = %+v", g.Role)
	}
	newTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	must(c.UpdateAssumeRolePolicy(ctx, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("worker"), PolicyDocument: aws.String(newTrust)}))(t)
	g = must(c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("worker")}))(t)
	if decode(t, aws.ToString(g.Role.AssumeRolePolicyDocument)) != newTrust {
		t.Errorf("trust after UpdateAssumeRolePolicy = %s", aws.ToString(g.Role.AssumeRolePolicyDocument))
	}
	bnd := must(c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("bnd"), PolicyDocument: aws.String(fixture(t, "boundary-s3-only.json"))}))(t)
	must(c.PutRolePermissionsBoundary(ctx, &awsiam.PutRolePermissionsBoundaryInput{RoleName: aws.String("worker"), PermissionsBoundary: bnd.Policy.Arn}))(t)
	g = must(c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("worker")}))(t)
	if g.Role.PermissionsBoundary == nil || aws.ToString(g.Role.PermissionsBoundary.PermissionsBoundaryArn) != aws.ToString(bnd.Policy.Arn) ||
		g.Role.PermissionsBoundary.PermissionsBoundaryType != types.PermissionsBoundaryAttachmentTypePolicy {
		t.Errorf("role boundary = %+v", g.Role.PermissionsBoundary)
	}
	gp := must(c.GetPolicy(ctx, &awsiam.GetPolicyInput{PolicyArn: bnd.Policy.Arn}))(t)
	if aws.ToInt32(gp.Policy.PermissionsBoundaryUsageCount) != 1 {
		t.Errorf("PermissionsBoundaryUsageCount = %d", aws.ToInt32(gp.Policy.PermissionsBoundaryUsageCount))
	}
	_, err := c.PutUserPermissionsBoundary(ctx, &awsiam.PutUserPermissionsBoundaryInput{UserName: aws.String("admin"),
		PermissionsBoundary: aws.String("arn:aws:iam::123456789012:policy/missing")})
	if code, _ := apiError(t, err); code != "NoSuchEntity" {
		t.Errorf("boundary with a missing policy: %v", err)
	}
	must(c.PutUserPermissionsBoundary(ctx, &awsiam.PutUserPermissionsBoundaryInput{UserName: aws.String("admin"),
		PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/PowerUserAccess")}))(t)
	u := must(c.GetUser(ctx, &awsiam.GetUserInput{}))(t)
	if u.User.PermissionsBoundary == nil || aws.ToString(u.User.PermissionsBoundary.PermissionsBoundaryArn) != "arn:aws:iam::aws:policy/PowerUserAccess" {
		t.Errorf("user boundary = %+v", u.User.PermissionsBoundary)
	}
	must(c.DeleteRolePermissionsBoundary(ctx, &awsiam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("worker")}))(t)
	must(c.TagRole(ctx, &awsiam.TagRoleInput{RoleName: aws.String("worker"), Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}}))(t)
	rt := must(c.ListRoleTags(ctx, &awsiam.ListRoleTagsInput{RoleName: aws.String("worker")}))(t)
	if len(rt.Tags) != 2 {
		t.Errorf("ListRoleTags = %+v", rt.Tags)
	}
	must(c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("worker"), PolicyName: aws.String("p"), PolicyDocument: aws.String(fixture(t, "s3-read.json"))}))(t)
	_, err = c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("worker")})
	if code, _ := apiError(t, err); code != "DeleteConflict" {
		t.Errorf("DeleteRole with a policy: %v", err)
	}
	must(c.DeleteRolePolicy(ctx, &awsiam.DeleteRolePolicyInput{RoleName: aws.String("worker"), PolicyName: aws.String("p")}))(t)
	must(c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("worker")}))(t)
	lr := must(c.ListRoles(ctx, &awsiam.ListRolesInput{}))(t)
	if len(lr.Roles) != 1 || aws.ToString(lr.Roles[0].RoleName) != "plain" {
		t.Errorf("ListRoles = %+v", lr.Roles)
	}
}

// TestServiceLinkedRoles covers the Amazon Connect service-linked role:
// creation, protection against edits, and asynchronous deletion.
func TestServiceLinkedRoles(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	r := must(c.CreateServiceLinkedRole(ctx, &awsiam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("connect.amazonaws.com"), Description: aws.String("instance i-1")}))(t)
	roleName := aws.ToString(r.Role.RoleName)
	if !strings.HasPrefix(roleName, "AWSServiceRoleForAmazonConnect_") || len(roleName) != len("AWSServiceRoleForAmazonConnect_")+20 ||
		aws.ToString(r.Role.Path) != "/aws-service-role/connect.amazonaws.com/" ||
		aws.ToString(r.Role.Arn) != "arn:aws:iam::123456789012:role/aws-service-role/connect.amazonaws.com/"+roleName {
		t.Fatalf("CreateServiceLinkedRole = %+v", r.Role)
	}
	if trust := decode(t, aws.ToString(r.Role.AssumeRolePolicyDocument)); !strings.Contains(trust, `"Service":"connect.amazonaws.com"`) {
		t.Errorf("SLR trust policy = %s", trust)
	}
	att := must(c.ListAttachedRolePolicies(ctx, &awsiam.ListAttachedRolePoliciesInput{RoleName: aws.String(roleName)}))(t)
	if len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyArn) != "arn:aws:iam::aws:policy/aws-service-role/AmazonConnectServiceLinkedRolePolicy" {
		t.Errorf("SLR attached policies = %+v", att.AttachedPolicies)
	}
	second := must(c.CreateServiceLinkedRole(ctx, &awsiam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("connect.amazonaws.com")}))(t)
	if aws.ToString(second.Role.RoleName) == roleName {
		t.Error("two Connect SLRs got the same name")
	}
	must(c.CreateServiceLinkedRole(ctx, &awsiam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("profile.amazonaws.com")}))(t)
	_, err := c.CreateServiceLinkedRole(ctx, &awsiam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("profile.amazonaws.com")})
	if code, msg := apiError(t, err); code != "InvalidInput" || !strings.Contains(msg, "AWSServiceRoleForProfile has been taken") {
		t.Errorf("second profile SLR: %s %q", code, msg)
	}

	protected := []struct {
		name string
		call func() error
	}{
		{"PutRolePolicy", func() error {
			_, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String(roleName), PolicyName: aws.String("x"), PolicyDocument: aws.String(fixture(t, "s3-read.json"))})
			return err
		}},
		{"DetachRolePolicy", func() error {
			_, err := c.DetachRolePolicy(ctx, &awsiam.DetachRolePolicyInput{RoleName: aws.String(roleName), PolicyArn: att.AttachedPolicies[0].PolicyArn})
			return err
		}},
		{"AttachRolePolicy", func() error {
			_, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String(roleName), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			return err
		}},
		{"UpdateAssumeRolePolicy", func() error {
			_, err := c.UpdateAssumeRolePolicy(ctx, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String(roleName), PolicyDocument: aws.String(fixture(t, "trust-ec2.json"))})
			return err
		}},
		{"DeleteRole", func() error {
			_, err := c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String(roleName)})
			return err
		}},
		{"UpdateRole MaxSessionDuration", func() error {
			_, err := c.UpdateRole(ctx, &awsiam.UpdateRoleInput{RoleName: aws.String(roleName), MaxSessionDuration: aws.Int32(7200)})
			return err
		}},
		{"PutRolePermissionsBoundary", func() error {
			_, err := c.PutRolePermissionsBoundary(ctx, &awsiam.PutRolePermissionsBoundaryInput{RoleName: aws.String(roleName), PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			return err
		}},
	}
	for _, tt := range protected {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := apiError(t, tt.call())
			if code != "UnmodifiableEntity" || msg != "Cannot perform the operation on the protected role '"+roleName+"' - this role is only modifiable by AWS" {
				t.Errorf("%s on the SLR = %s %q, want UnmodifiableEntity", tt.name, code, msg)
			}
		})
	}
	// The description stays editable.
	must(c.UpdateRoleDescription(ctx, &awsiam.UpdateRoleDescriptionInput{RoleName: aws.String(roleName), Description: aws.String("renamed instance")}))(t)

	// A role with an active session cannot be deleted yet: the task fails.
	blocked := aws.ToString(second.Role.RoleName)
	err = e.st.Update(ctx, func(tx store.Tx) error {
		return tx.CreateSession(store.Session{ID: "ASIATESTSESSION00001", AccountID: testAccount, Kind: store.SessionAssumedRole,
			PrincipalARN: "arn:aws:sts::123456789012:assumed-role/" + blocked + "/connect", PrincipalID: aws.ToString(second.Role.RoleId) + ":connect",
			SourceARN: aws.ToString(second.Role.Arn), SessionName: "connect", SecretCiphertext: []byte{1}, TokenHash: []byte{1},
			Created: e.now, Expiration: e.now.Add(3600e9)})
	})
	if err != nil {
		t.Fatal(err)
	}
	task := must(c.DeleteServiceLinkedRole(ctx, &awsiam.DeleteServiceLinkedRoleInput{RoleName: aws.String(blocked)}))(t)
	status := must(c.GetServiceLinkedRoleDeletionStatus(ctx, &awsiam.GetServiceLinkedRoleDeletionStatusInput{DeletionTaskId: task.DeletionTaskId}))(t)
	if status.Status != types.DeletionTaskStatusTypeFailed || status.Reason == nil || !strings.Contains(aws.ToString(status.Reason.Reason), "active sessions") {
		t.Errorf("deletion with an active session: %s %+v", status.Status, status.Reason)
	}
	must(c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String(blocked)}))(t)

	_, err = c.DeleteServiceLinkedRole(ctx, &awsiam.DeleteServiceLinkedRoleInput{RoleName: aws.String("admin")})
	if code, _ := apiError(t, err); code != "NoSuchEntity" {
		t.Errorf("DeleteServiceLinkedRole of a missing role: %v", err)
	}
	del := must(c.DeleteServiceLinkedRole(ctx, &awsiam.DeleteServiceLinkedRoleInput{RoleName: aws.String(roleName)}))(t)
	if !strings.HasPrefix(aws.ToString(del.DeletionTaskId), "task/aws-service-role/connect.amazonaws.com/"+roleName+"/") {
		t.Errorf("DeletionTaskId = %s", aws.ToString(del.DeletionTaskId))
	}
	st := must(c.GetServiceLinkedRoleDeletionStatus(ctx, &awsiam.GetServiceLinkedRoleDeletionStatusInput{DeletionTaskId: del.DeletionTaskId}))(t)
	if st.Status != types.DeletionTaskStatusTypeSucceeded {
		t.Errorf("deletion status = %s, want SUCCEEDED", st.Status)
	}
	_, err = c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String(roleName)})
	if code, _ := apiError(t, err); code != "NoSuchEntity" {
		t.Errorf("the SLR still exists after deletion: %v", err)
	}
	_, err = c.GetServiceLinkedRoleDeletionStatus(ctx, &awsiam.GetServiceLinkedRoleDeletionStatusInput{DeletionTaskId: aws.String("task/aws-service-role/x/y/z")})
	if code, _ := apiError(t, err); code != "NoSuchEntity" {
		t.Errorf("unknown deletion task: %v", err)
	}
}

// TestAccessKeys covers the access key lifecycle and the sealing of the
// secret.
func TestAccessKeys(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("dev")}))(t)
	k := must(c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("dev")}))(t)
	id, secret := aws.ToString(k.AccessKey.AccessKeyId), aws.ToString(k.AccessKey.SecretAccessKey)
	if !strings.HasPrefix(id, "AKIA") || len(id) != 20 || len(secret) != 40 || k.AccessKey.Status != types.StatusTypeActive {
		t.Fatalf("CreateAccessKey = %s %q %s", id, secret, k.AccessKey.Status)
	}
	var stored store.AccessKey
	if err := e.st.View(ctx, func(tx store.ReadTx) error {
		var err error
		stored, err = tx.GetAccessKey(id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(stored.SecretCiphertext), secret) {
		t.Error("the secret is stored in clear")
	}
	if plain, err := e.box.Open(stored.SecretCiphertext, []byte(id)); err != nil || string(plain) != secret {
		t.Errorf("sealed secret opens to %q, %v", plain, err)
	}
	if _, err := e.box.Open(stored.SecretCiphertext, []byte("AKIAOTHERKEY00000000")); err == nil {
		t.Error("the sealed secret opens with another key ID as associated data")
	}
	mine := must(c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{}))(t)
	if aws.ToString(mine.AccessKey.UserName) != "admin" {
		t.Errorf("CreateAccessKey without UserName made a key for %s, want the caller", aws.ToString(mine.AccessKey.UserName))
	}
	must(c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("dev")}))(t)
	_, err := c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("dev")})
	if code, msg := apiError(t, err); code != "LimitExceeded" || msg != "Cannot exceed quota for AccessKeysPerUser: 2" {
		t.Errorf("third key: %s %q", code, msg)
	}
	l := must(c.ListAccessKeys(ctx, &awsiam.ListAccessKeysInput{UserName: aws.String("dev")}))(t)
	status := func(l *awsiam.ListAccessKeysOutput) types.StatusType {
		for _, m := range l.AccessKeyMetadata {
			if aws.ToString(m.AccessKeyId) == id {
				return m.Status
			}
		}
		return ""
	}
	if len(l.AccessKeyMetadata) != 2 || status(l) != types.StatusTypeActive {
		t.Errorf("ListAccessKeys = %+v", l.AccessKeyMetadata)
	}
	must(c.UpdateAccessKey(ctx, &awsiam.UpdateAccessKeyInput{UserName: aws.String("dev"), AccessKeyId: aws.String(id), Status: types.StatusTypeInactive}))(t)
	if l = must(c.ListAccessKeys(ctx, &awsiam.ListAccessKeysInput{UserName: aws.String("dev")}))(t); status(l) != types.StatusTypeInactive {
		t.Errorf("status after UpdateAccessKey = %s", status(l))
	}
	l = must(c.ListAccessKeys(ctx, &awsiam.ListAccessKeysInput{UserName: aws.String("dev"), MaxItems: aws.Int32(1)}))(t)
	if len(l.AccessKeyMetadata) != 1 || !l.IsTruncated {
		t.Errorf("ListAccessKeys page = %+v truncated %v", l.AccessKeyMetadata, l.IsTruncated)
	}
	lu := must(c.GetAccessKeyLastUsed(ctx, &awsiam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(id)}))(t)
	if aws.ToString(lu.UserName) != "dev" || aws.ToString(lu.AccessKeyLastUsed.ServiceName) != "N/A" || lu.AccessKeyLastUsed.LastUsedDate != nil {
		t.Errorf("GetAccessKeyLastUsed (never used) = %+v", lu.AccessKeyLastUsed)
	}
	used := e.now.Add(-3600e9)
	if err := e.st.Update(ctx, func(tx store.Tx) error { return tx.RecordAccessKeyUse(id, used, "iam", "eu-west-1") }); err != nil {
		t.Fatal(err)
	}
	lu = must(c.GetAccessKeyLastUsed(ctx, &awsiam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(id)}))(t)
	if aws.ToString(lu.AccessKeyLastUsed.ServiceName) != "iam" || aws.ToString(lu.AccessKeyLastUsed.Region) != "eu-west-1" ||
		lu.AccessKeyLastUsed.LastUsedDate == nil || !lu.AccessKeyLastUsed.LastUsedDate.Equal(used) {
		t.Errorf("GetAccessKeyLastUsed = %+v", lu.AccessKeyLastUsed)
	}
	_, err = c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("dev")})
	if code, msg := apiError(t, err); code != "DeleteConflict" || msg != "Cannot delete entity, must delete access keys first." {
		t.Errorf("DeleteUser with keys: %s %q", code, msg)
	}
	must(c.DeleteAccessKey(ctx, &awsiam.DeleteAccessKeyInput{UserName: aws.String("dev"), AccessKeyId: aws.String(id)}))(t)
	_, err = c.GetAccessKeyLastUsed(ctx, &awsiam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(id)})
	if code, _ := apiError(t, err); code != "NoSuchEntity" {
		t.Errorf("GetAccessKeyLastUsed of a deleted key: %v", err)
	}
}
