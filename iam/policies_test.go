package iam

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/connect-iam/connect-iam/policy"
)

// TestManagedPolicyVersions covers customer managed policies: versions,
// the five-version limit, the default version, attachment and deletion.
func TestManagedPolicyVersions(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	doc := fixture(t, "s3-read.json")
	p := must(c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("S3Read"), Path: aws.String("/app/"),
		PolicyDocument: aws.String(doc), Description: aws.String("read reports"),
		Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("data")}}}))(t)
	arn := aws.ToString(p.Policy.Arn)
	if arn != "arn:aws:iam::123456789012:policy/app/S3Read" || aws.ToString(p.Policy.DefaultVersionId) != "v1" || !p.Policy.IsAttachable {
		t.Fatalf("CreatePolicy = %+v", p.Policy)
	}
	for i := 2; i <= 5; i++ {
		v := must(c.CreatePolicyVersion(ctx, &awsiam.CreatePolicyVersionInput{PolicyArn: aws.String(arn),
			PolicyDocument: aws.String(fixture(t, "tagged-write.json")), SetAsDefault: i == 3}))(t)
		if want := "v" + string(rune('0'+i)); aws.ToString(v.PolicyVersion.VersionId) != want {
			t.Errorf("version %d id = %s", i, aws.ToString(v.PolicyVersion.VersionId))
		}
	}
	_, err := c.CreatePolicyVersion(ctx, &awsiam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(doc)})
	if code, msg := apiError(t, err); code != "LimitExceeded" || !strings.Contains(msg, "up to 5 versions") {
		t.Errorf("sixth version: %s %q, want LimitExceeded", code, msg)
	}
	got := must(c.GetPolicy(ctx, &awsiam.GetPolicyInput{PolicyArn: aws.String(arn)}))(t)
	if aws.ToString(got.Policy.DefaultVersionId) != "v3" || aws.ToString(got.Policy.Description) != "read reports" || len(got.Policy.Tags) != 1 {
		t.Errorf("GetPolicy = %+v", got.Policy)
	}
	_, err = c.DeletePolicyVersion(ctx, &awsiam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v3")})
	if code, _ := apiError(t, err); code != "DeleteConflict" {
		t.Errorf("deleting the default version: %v, want DeleteConflict", err)
	}
	must(c.SetDefaultPolicyVersion(ctx, &awsiam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")}))(t)
	must(c.DeletePolicyVersion(ctx, &awsiam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v3")}))(t)
	vs := must(c.ListPolicyVersions(ctx, &awsiam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)}))(t)
	if len(vs.Versions) != 4 {
		t.Errorf("ListPolicyVersions = %d versions, want 4", len(vs.Versions))
	}
	v1 := must(c.GetPolicyVersion(ctx, &awsiam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")}))(t)
	if d := decode(t, aws.ToString(v1.PolicyVersion.Document)); d != doc || !v1.PolicyVersion.IsDefaultVersion {
		t.Errorf("GetPolicyVersion v1 document = %q (default %v), want the fixture", d, v1.PolicyVersion.IsDefaultVersion)
	}

	must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("u")}))(t)
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(fixture(t, "trust-ec2.json"))}))(t)
	must(c.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String(arn)}))(t)
	must(c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(arn)}))(t)
	must(c.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonConnect_FullAccess")}))(t)
	att := must(c.ListAttachedUserPolicies(ctx, &awsiam.ListAttachedUserPoliciesInput{UserName: aws.String("u")}))(t)
	if len(att.AttachedPolicies) != 2 || aws.ToString(att.AttachedPolicies[0].PolicyName) == "" {
		t.Errorf("ListAttachedUserPolicies = %+v", att.AttachedPolicies)
	}
	ents := must(c.ListEntitiesForPolicy(ctx, &awsiam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn)}))(t)
	if len(ents.PolicyUsers) != 1 || len(ents.PolicyRoles) != 1 || aws.ToString(ents.PolicyRoles[0].RoleName) != "r" {
		t.Errorf("ListEntitiesForPolicy = users %+v roles %+v", ents.PolicyUsers, ents.PolicyRoles)
	}
	_, err = c.DeletePolicy(ctx, &awsiam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	if code, _ := apiError(t, err); code != "DeleteConflict" {
		t.Errorf("DeletePolicy while attached: %v, want DeleteConflict", err)
	}
	must(c.DetachUserPolicy(ctx, &awsiam.DetachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String(arn)}))(t)
	must(c.DetachRolePolicy(ctx, &awsiam.DetachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(arn)}))(t)
	_, err = c.DetachRolePolicy(ctx, &awsiam.DetachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(arn)})
	if code, _ := apiError(t, err); code != "NoSuchEntity" {
		t.Errorf("detaching again: %v, want NoSuchEntity", err)
	}
	must(c.DeletePolicy(ctx, &awsiam.DeletePolicyInput{PolicyArn: aws.String(arn)}))(t)

	// Attached-policy quota.
	for i := 0; i < maxAttachedPolicies; i++ {
		pn := "q" + string(rune('a'+i))
		q := must(c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String(pn), PolicyDocument: aws.String(doc)}))(t)
		_, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: q.Policy.Arn})
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
	if code, msg := apiError(t, err); code != "LimitExceeded" || msg != "Cannot exceed quota for PoliciesPerRole: 10" {
		t.Errorf("eleventh attachment: %s %q", code, msg)
	}
}

// TestAWSManagedPolicies checks the built-in AWS managed policies through
// the API.
func TestAWSManagedPolicies(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	var names []string
	var marker *string
	for {
		out := must(c.ListPolicies(ctx, &awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, MaxItems: aws.Int32(7), Marker: marker}))(t)
		for _, p := range out.Policies {
			names = append(names, aws.ToString(p.PolicyName))
		}
		if !out.IsTruncated {
			break
		}
		marker = out.Marker
	}
	if len(names) != len(managedList("")) {
		t.Errorf("ListPolicies Scope=AWS listed %d policies, want %d", len(names), len(managedList("")))
	}
	for _, want := range []string{"AdministratorAccess", "AmazonConnect_FullAccess", "AmazonConnectReadOnlyAccess", "IAMFullAccess", "ReadOnlyAccess", "AmazonConnectServiceLinkedRolePolicy"} {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Errorf("ListPolicies Scope=AWS lacks %s", want)
		}
	}
	must(c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("Mine"), PolicyDocument: aws.String(fixture(t, "s3-read.json"))}))(t)
	local := must(c.ListPolicies(ctx, &awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal}))(t)
	if len(local.Policies) != 1 || aws.ToString(local.Policies[0].PolicyName) != "Mine" {
		t.Errorf("ListPolicies Scope=Local = %+v", local.Policies)
	}
	all := must(c.ListPolicies(ctx, &awsiam.ListPoliciesInput{}))(t)
	if len(all.Policies) != len(managedList(""))+1 {
		t.Errorf("ListPolicies Scope=All = %d policies", len(all.Policies))
	}
	// Paging Scope=All crosses from the AWS managed to the local policies.
	seen := map[string]int{}
	marker = nil
	for pages := 0; pages < 100; pages++ {
		out := must(c.ListPolicies(ctx, &awsiam.ListPoliciesInput{MaxItems: aws.Int32(5), Marker: marker}))(t)
		for _, p := range out.Policies {
			seen[aws.ToString(p.Arn)]++
		}
		if !out.IsTruncated {
			break
		}
		marker = out.Marker
	}
	if len(seen) != len(managedList(""))+1 || seen["arn:aws:iam::123456789012:policy/Mine"] != 1 {
		t.Errorf("paging Scope=All saw %d distinct policies, want %d", len(seen), len(managedList(""))+1)
	}
	for arn, n := range seen {
		if n != 1 {
			t.Errorf("%s listed %d times", arn, n)
		}
	}
	slr := must(c.ListPolicies(ctx, &awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, PathPrefix: aws.String("/aws-service-role/")}))(t)
	for _, p := range slr.Policies {
		if aws.ToString(p.Path) != "/aws-service-role/" {
			t.Errorf("PathPrefix=/aws-service-role/ listed %s at %s", aws.ToString(p.PolicyName), aws.ToString(p.Path))
		}
	}

	const admin = "arn:aws:iam::aws:policy/AdministratorAccess"
	gp := must(c.GetPolicy(ctx, &awsiam.GetPolicyInput{PolicyArn: aws.String(admin)}))(t)
	if aws.ToString(gp.Policy.PolicyName) != "AdministratorAccess" || aws.ToString(gp.Policy.DefaultVersionId) != "v1" || aws.ToString(gp.Policy.Path) != "/" {
		t.Errorf("GetPolicy AdministratorAccess = %+v", gp.Policy)
	}
	v := must(c.GetPolicyVersion(ctx, &awsiam.GetPolicyVersionInput{PolicyArn: aws.String(admin), VersionId: aws.String("v1")}))(t)
	var parsed struct {
		Statement []struct{ Action, Resource string }
	}
	if err := json.Unmarshal([]byte(decode(t, aws.ToString(v.PolicyVersion.Document))), &parsed); err != nil || len(parsed.Statement) != 1 || parsed.Statement[0].Action != "*" {
		t.Errorf("AdministratorAccess document = %+v, %v", parsed, err)
	}
	must(c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("admins")}))(t)
	must(c.AttachGroupPolicy(ctx, &awsiam.AttachGroupPolicyInput{GroupName: aws.String("admins"), PolicyArn: aws.String(admin)}))(t)
	gp = must(c.GetPolicy(ctx, &awsiam.GetPolicyInput{PolicyArn: aws.String(admin)}))(t)
	if aws.ToInt32(gp.Policy.AttachmentCount) != 1 {
		t.Errorf("AdministratorAccess AttachmentCount = %d after attaching it", aws.ToInt32(gp.Policy.AttachmentCount))
	}
	_, err := c.DeletePolicy(ctx, &awsiam.DeletePolicyInput{PolicyArn: aws.String(admin)})
	if code, _ := apiError(t, err); code != "UnmodifiableEntity" {
		t.Errorf("DeletePolicy of an AWS managed policy: %v", err)
	}
}

// TestManagedPolicyFiles checks every embedded AWS managed policy: it is
// indexed, parses as a policy and is returned by ManagedPolicy.
func TestManagedPolicyFiles(t *testing.T) {
	m, err := managed()
	if err != nil {
		t.Fatal(err)
	}
	if len(m) < 20 {
		t.Fatalf("only %d embedded managed policies", len(m))
	}
	for arn, p := range m {
		t.Run(p.Name, func(t *testing.T) {
			if !strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") || !strings.HasSuffix(arn, "/"+p.Name) {
				t.Errorf("ARN %s does not name policy %s", arn, p.Name)
			}
			if p.Created.IsZero() || p.DefaultVersionID == "" || len(p.uniqueID()) != 21 {
				t.Errorf("metadata = %+v", p)
			}
			if _, err := policy.Parse([]byte(p.Document)); err != nil {
				t.Errorf("document does not parse: %v", err)
			}
			doc, ok := ManagedPolicy(arn)
			if !ok || doc != p.Document {
				t.Errorf("ManagedPolicy(%s) = %v", arn, ok)
			}
		})
	}
	for _, arn := range []string{"arn:aws:iam::aws:policy/NoSuchPolicy", "arn:aws:iam::123456789012:policy/AdministratorAccess", ""} {
		if _, ok := ManagedPolicy(arn); ok {
			t.Errorf("ManagedPolicy(%q) found a policy", arn)
		}
	}
}

// TestInlinePolicies covers Put/Get/List/Delete for users, groups and roles.
func TestInlinePolicies(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	doc := fixture(t, "s3-read.json")
	must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("u")}))(t)
	must(c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("g")}))(t)
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(fixture(t, "trust-ec2.json"))}))(t)
	tests := []struct {
		kind string
		put  func() error
		get  func() (string, error)
		list func() ([]string, error)
		del  func() error
	}{
		{"user",
			func() error {
				_, err := c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)})
				return err
			},
			func() (string, error) {
				out, err := c.GetUserPolicy(ctx, &awsiam.GetUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("P")})
				if err != nil {
					return "", err
				}
				return aws.ToString(out.PolicyDocument), nil
			},
			func() ([]string, error) {
				out, err := c.ListUserPolicies(ctx, &awsiam.ListUserPoliciesInput{UserName: aws.String("u")})
				if err != nil {
					return nil, err
				}
				return out.PolicyNames, nil
			},
			func() error {
				_, err := c.DeleteUserPolicy(ctx, &awsiam.DeleteUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("p")})
				return err
			}},
		{"group",
			func() error {
				_, err := c.PutGroupPolicy(ctx, &awsiam.PutGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)})
				return err
			},
			func() (string, error) {
				out, err := c.GetGroupPolicy(ctx, &awsiam.GetGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("p")})
				if err != nil {
					return "", err
				}
				return aws.ToString(out.PolicyDocument), nil
			},
			func() ([]string, error) {
				out, err := c.ListGroupPolicies(ctx, &awsiam.ListGroupPoliciesInput{GroupName: aws.String("g")})
				if err != nil {
					return nil, err
				}
				return out.PolicyNames, nil
			},
			func() error {
				_, err := c.DeleteGroupPolicy(ctx, &awsiam.DeleteGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("p")})
				return err
			}},
		{"role",
			func() error {
				_, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)})
				return err
			},
			func() (string, error) {
				out, err := c.GetRolePolicy(ctx, &awsiam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p")})
				if err != nil {
					return "", err
				}
				return aws.ToString(out.PolicyDocument), nil
			},
			func() ([]string, error) {
				out, err := c.ListRolePolicies(ctx, &awsiam.ListRolePoliciesInput{RoleName: aws.String("r")})
				if err != nil {
					return nil, err
				}
				return out.PolicyNames, nil
			},
			func() error {
				_, err := c.DeleteRolePolicy(ctx, &awsiam.DeleteRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p")})
				return err
			}},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			if err := tt.put(); err != nil {
				t.Fatal(err)
			}
			got, err := tt.get()
			if err != nil || decode(t, got) != doc {
				t.Errorf("get = %q, %v", got, err)
			}
			names, err := tt.list()
			if err != nil || len(names) != 1 || names[0] != "p" {
				t.Errorf("list = %v, %v", names, err)
			}
			if err := tt.del(); err != nil {
				t.Fatal(err)
			}
			if code, _ := apiError(t, tt.del()); code != "NoSuchEntity" {
				t.Errorf("second delete: %s, want NoSuchEntity", code)
			}
		})
	}
}
