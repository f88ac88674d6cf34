package iam

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/connect-iam/connect-iam/store"
)

// TestUsersAndGroups drives users, groups and membership through the SDK.
func TestUsersAndGroups(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	u := must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("alice"), Path: aws.String("/eng/"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}}))(t)
	if got := aws.ToString(u.User.Arn); got != "arn:aws:iam::123456789012:user/eng/alice" {
		t.Errorf("CreateUser ARN = %s", got)
	}
	if !strings.HasPrefix(aws.ToString(u.User.UserId), "AIDA") || len(aws.ToString(u.User.UserId)) != 21 {
		t.Errorf("CreateUser UserId = %s", aws.ToString(u.User.UserId))
	}
	if len(u.User.Tags) != 1 || aws.ToString(u.User.Tags[0].Value) != "blue" {
		t.Errorf("CreateUser tags = %+v", u.User.Tags)
	}
	for _, n := range []string{"bob", "carol"} {
		must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String(n)}))(t)
	}
	got := must(c.GetUser(ctx, &awsiam.GetUserInput{UserName: aws.String("ALICE")}))(t)
	if aws.ToString(got.User.UserName) != "alice" || !got.User.CreateDate.Equal(e.now) || len(got.User.Tags) != 1 {
		t.Errorf("GetUser = %+v", got.User)
	}
	self := must(c.GetUser(ctx, &awsiam.GetUserInput{}))(t)
	if aws.ToString(self.User.UserName) != "admin" {
		t.Errorf("GetUser without UserName = %s, want the caller admin", aws.ToString(self.User.UserName))
	}

	// Pagination: four users (admin, alice, bob, carol) one page at a time.
	var names []string
	var marker *string
	for pages := 0; ; pages++ {
		out := must(c.ListUsers(ctx, &awsiam.ListUsersInput{MaxItems: aws.Int32(1), Marker: marker}))(t)
		for _, u := range out.Users {
			names = append(names, aws.ToString(u.UserName))
		}
		if !out.IsTruncated {
			break
		}
		if pages > 10 {
			t.Fatal("ListUsers does not end")
		}
		marker = out.Marker
	}
	if want := []string{"admin", "alice", "bob", "carol"}; !slices.Equal(names, want) {
		t.Errorf("ListUsers pages = %v, want %v", names, want)
	}
	paged := must(c.ListUsers(ctx, &awsiam.ListUsersInput{PathPrefix: aws.String("/eng/")}))(t)
	if len(paged.Users) != 1 || aws.ToString(paged.Users[0].UserName) != "alice" {
		t.Errorf("ListUsers PathPrefix=/eng/ = %+v", paged.Users)
	}

	must(c.CreateGroup(ctx, &awsiam.CreateGroupInput{GroupName: aws.String("devs")}))(t)
	must(c.AddUserToGroup(ctx, &awsiam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String("alice")}))(t)
	must(c.AddUserToGroup(ctx, &awsiam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String("bob")}))(t)
	g := must(c.GetGroup(ctx, &awsiam.GetGroupInput{GroupName: aws.String("devs")}))(t)
	if aws.ToString(g.Group.Arn) != "arn:aws:iam::123456789012:group/devs" || len(g.Users) != 2 {
		t.Errorf("GetGroup = %+v with %d users", g.Group, len(g.Users))
	}
	gs := must(c.ListGroupsForUser(ctx, &awsiam.ListGroupsForUserInput{UserName: aws.String("alice")}))(t)
	if len(gs.Groups) != 1 || aws.ToString(gs.Groups[0].GroupName) != "devs" {
		t.Errorf("ListGroupsForUser = %+v", gs.Groups)
	}
	_, err := c.DeleteGroup(ctx, &awsiam.DeleteGroupInput{GroupName: aws.String("devs")})
	if code, _ := apiError(t, err); code != "DeleteConflict" {
		t.Errorf("DeleteGroup with members: %v, want DeleteConflict", err)
	}
	_, err = c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("bob")})
	if code, msg := apiError(t, err); code != "DeleteConflict" || !strings.Contains(msg, "remove users from group") {
		t.Errorf("DeleteUser of a member: %v, want DeleteConflict", err)
	}
	must(c.RemoveUserFromGroup(ctx, &awsiam.RemoveUserFromGroupInput{GroupName: aws.String("devs"), UserName: aws.String("bob")}))(t)
	must(c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("bob")}))(t)
	must(c.UpdateUser(ctx, &awsiam.UpdateUserInput{UserName: aws.String("carol"), NewUserName: aws.String("caroline"), NewPath: aws.String("/ops/")}))(t)
	ren := must(c.GetUser(ctx, &awsiam.GetUserInput{UserName: aws.String("caroline")}))(t)
	if aws.ToString(ren.User.Arn) != "arn:aws:iam::123456789012:user/ops/caroline" {
		t.Errorf("renamed user ARN = %s", aws.ToString(ren.User.Arn))
	}
	must(c.UpdateGroup(ctx, &awsiam.UpdateGroupInput{GroupName: aws.String("devs"), NewGroupName: aws.String("developers")}))(t)
	lg := must(c.ListGroups(ctx, &awsiam.ListGroupsInput{}))(t)
	if len(lg.Groups) != 1 || aws.ToString(lg.Groups[0].GroupName) != "developers" {
		t.Errorf("ListGroups after rename = %+v", lg.Groups)
	}

	// Tags.
	must(c.TagUser(ctx, &awsiam.TagUserInput{UserName: aws.String("alice"), Tags: []types.Tag{{Key: aws.String("cost"), Value: aws.String("42")}}}))(t)
	must(c.UntagUser(ctx, &awsiam.UntagUserInput{UserName: aws.String("alice"), TagKeys: []string{"team"}}))(t)
	tags := must(c.ListUserTags(ctx, &awsiam.ListUserTagsInput{UserName: aws.String("alice")}))(t)
	if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "cost" {
		t.Errorf("ListUserTags = %+v", tags.Tags)
	}
}

// TestStoresSemanticFindings checks that a policy whose only ERROR
// findings judge its meaning, not its grammar, is stored, as IAM does.
func TestStoresSemanticFindings(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	doc := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "connect:ListInstances", "Resource": "*", "Condition": {"StringEquals": {"connect:InstanceId": "i-1"}}}]}`
	must(e.client.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("semantic"), PolicyDocument: aws.String(doc)}))(t)
}

// TestErrors checks IAM's error codes and messages as the SDK reports them.
func TestErrors(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("dup")}))(t)
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(fixture(t, "trust-ec2.json"))}))(t)
	tests := []struct {
		name     string
		call     func() error
		code     string
		status   int
		contains string
	}{
		{"no such user", func() error {
			_, err := c.GetUser(ctx, &awsiam.GetUserInput{UserName: aws.String("ghost")})
			return err
		}, "NoSuchEntity", 404, "The user with name ghost cannot be found."},
		{"no such role", func() error {
			_, err := c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("ghost")})
			return err
		}, "NoSuchEntity", 404, "The role with name ghost cannot be found."},
		{"duplicate user", func() error {
			_, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("DUP")})
			return err
		}, "EntityAlreadyExists", 409, "User with name DUP already exists."},
		{"bad user name", func() error {
			_, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("bad name!")})
			return err
		}, "ValidationError", 400, "userName"},
		{"session duration too short", func() error {
			_, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("short"),
				AssumeRolePolicyDocument: aws.String(fixture(t, "trust-ec2.json")), MaxSessionDuration: aws.Int32(600)})
			return err
		}, "ValidationError", 400, "maxSessionDuration"},
		{"session duration too long", func() error {
			_, err := c.UpdateRole(ctx, &awsiam.UpdateRoleInput{RoleName: aws.String("app"), MaxSessionDuration: aws.Int32(43201)})
			return err
		}, "ValidationError", 400, "maxSessionDuration"},
		{"malformed identity policy", func() error {
			_, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("bad"), PolicyDocument: aws.String(fixture(t, "malformed-effect.json"))})
			return err
		}, "MalformedPolicyDocument", 400, "Syntax errors in policy."},
		{"malformed trust policy", func() error {
			_, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("r2"), AssumeRolePolicyDocument: aws.String(fixture(t, "trust-no-principal.json"))})
			return err
		}, "MalformedPolicyDocument", 400, ""},
		{"malformed inline policy", func() error {
			_, err := c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("dup"), PolicyName: aws.String("p"), PolicyDocument: aws.String("{not json")})
			return err
		}, "MalformedPolicyDocument", 400, "Syntax errors in policy."},
		{"no such inline policy", func() error {
			_, err := c.GetUserPolicy(ctx, &awsiam.GetUserPolicyInput{UserName: aws.String("dup"), PolicyName: aws.String("nope")})
			return err
		}, "NoSuchEntity", 404, "The user policy with name nope cannot be found."},
		{"attach unknown AWS managed policy", func() error {
			_, err := c.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String("dup"), PolicyArn: aws.String("arn:aws:iam::aws:policy/NoSuchPolicy")})
			return err
		}, "NoSuchEntity", 404, "does not exist or is not attachable"},
		{"attach service role policy", func() error {
			_, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: aws.String("arn:aws:iam::aws:policy/aws-service-role/AmazonConnectServiceLinkedRolePolicy")})
			return err
		}, "PolicyNotAttachable", 400, "Cannot attach a Service Role Policy to a Customer Role."},
		{"get missing policy", func() error {
			_, err := c.GetPolicy(ctx, &awsiam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::123456789012:policy/missing")})
			return err
		}, "NoSuchEntity", 404, "Policy arn:aws:iam::123456789012:policy/missing was not found."},
		{"unknown service for SLR", func() error {
			_, err := c.CreateServiceLinkedRole(ctx, &awsiam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("Connect.amazonaws.com")})
			return err
		}, "InvalidInput", 400, "connect.amazonaws.com"},
		{"managed policy too large", func() error {
			_, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("big"), PolicyDocument: aws.String(bigPolicy(7000))})
			return err
		}, "LimitExceeded", 409, "Cannot exceed quota for PolicySize: 6144"},
		{"inline user policies too large", func() error {
			_, err := c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("dup"), PolicyName: aws.String("big"), PolicyDocument: aws.String(bigPolicy(2100))})
			return err
		}, "LimitExceeded", 409, "Maximum policy size of 2048 bytes exceeded for user dup"},
		{"missing access key", func() error {
			_, err := c.UpdateAccessKey(ctx, &awsiam.UpdateAccessKeyInput{UserName: aws.String("dup"), AccessKeyId: aws.String("AKIANOTHERE000000000"), Status: types.StatusTypeInactive})
			return err
		}, "NoSuchEntity", 404, "The Access Key with id AKIANOTHERE000000000 cannot be found."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			code, msg := apiError(t, err)
			if code != tt.code || !strings.Contains(msg, tt.contains) {
				t.Errorf("error = %s: %q, want %s containing %q", code, msg, tt.code, tt.contains)
			}
			var re *awshttp.ResponseError
			if !errors.As(err, &re) || re.HTTPStatusCode() != tt.status {
				t.Errorf("HTTP status of %v, want %d", err, tt.status)
			}
		})
	}
}

// TestAccessDenied checks that a denied call is AccessDenied with the
// authorizer's message and changes nothing.
func TestAccessDenied(t *testing.T) {
	fa := &fakeAuthz{deny: map[string]bool{"iam:DeleteUser": true, "iam:GetUser": true}}
	e := newEnv(t, fa)
	ctx := context.Background()
	must(e.client.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("keep")}))(t)
	_, err := e.client.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("keep")})
	code, msg := apiError(t, err)
	want := "User: arn:aws:iam::123456789012:user/admin is not authorized to perform: iam:DeleteUser on resource: arn:aws:iam::123456789012:user/keep because no identity-based policy allows the iam:DeleteUser action"
	if code != "AccessDenied" || msg != want {
		t.Errorf("DeleteUser = %s %q, want AccessDenied %q", code, msg, want)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 403 {
		t.Errorf("AccessDenied HTTP status of %v, want 403", err)
	}
	// A user that does not exist is denied too, not reported missing.
	_, err = e.client.GetUser(ctx, &awsiam.GetUserInput{UserName: aws.String("ghost")})
	if code, _ := apiError(t, err); code != "AccessDenied" {
		t.Errorf("GetUser of a missing user while denied = %s, want AccessDenied", code)
	}
	err = e.st.View(ctx, func(tx store.ReadTx) error { _, err := tx.GetUser(testAccount, "keep"); return err })
	if err != nil {
		t.Errorf("user deleted despite the denial: %v", err)
	}
}

// TestAuthorizationContext checks the action, resource and condition keys
// each operation asks the authorizer about.
func TestAuthorizationContext(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	bnd := must(c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("bnd"), PolicyDocument: aws.String(fixture(t, "boundary-s3-only.json"))}))(t)
	bndARN := aws.ToString(bnd.Policy.Arn)
	must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("tagged"), PermissionsBoundary: aws.String(bndARN),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}, {Key: aws.String("env"), Value: aws.String("prod")}}}))(t)
	must(c.GetUser(ctx, &awsiam.GetUserInput{UserName: aws.String("tagged")}))(t)
	must(c.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String("tagged"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}))(t)
	must(c.CreateServiceLinkedRole(ctx, &awsiam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("connect.amazonaws.com"), CustomSuffix: aws.String("inst1")}))(t)
	must(c.DeleteUserPermissionsBoundary(ctx, &awsiam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("tagged")}))(t)
	must(c.UntagUser(ctx, &awsiam.UntagUserInput{UserName: aws.String("tagged"), TagKeys: []string{"env"}}))(t)

	userARN := "arn:aws:iam::123456789012:user/tagged"
	tests := []struct {
		action, resource string
		context          map[string][]string
	}{
		{"iam:CreateUser", userARN, map[string][]string{"aws:RequestTag/team": {"blue"}, "aws:RequestTag/env": {"prod"},
			"aws:TagKeys": {"team", "env"}, "iam:PermissionsBoundary": {bndARN}}},
		{"iam:TagUser", userARN, map[string][]string{"aws:RequestTag/team": {"blue"}, "aws:RequestTag/env": {"prod"},
			"aws:TagKeys": {"team", "env"}, "iam:PermissionsBoundary": {bndARN}}},
		{"iam:GetUser", userARN, map[string][]string{"aws:ResourceTag/team": {"blue"}, "aws:ResourceTag/env": {"prod"}}},
		{"iam:AttachUserPolicy", userARN, map[string][]string{"iam:PolicyARN": {"arn:aws:iam::aws:policy/ReadOnlyAccess"},
			"aws:ResourceTag/team": {"blue"}, "aws:ResourceTag/env": {"prod"}}},
		{"iam:CreateServiceLinkedRole", "arn:aws:iam::123456789012:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_inst1",
			map[string][]string{"iam:AWSServiceName": {"connect.amazonaws.com"}}},
		{"iam:DeleteUserPermissionsBoundary", userARN, map[string][]string{"iam:PermissionsBoundary": {bndARN},
			"aws:ResourceTag/team": {"blue"}, "aws:ResourceTag/env": {"prod"}}},
		{"iam:UntagUser", userARN, map[string][]string{"aws:TagKeys": {"env"}, "aws:ResourceTag/team": {"blue"}, "aws:ResourceTag/env": {"prod"}}},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			req, ok := e.authz.last(tt.action)
			if !ok {
				t.Fatalf("%s was never authorized", tt.action)
			}
			if req.Resource != tt.resource {
				t.Errorf("resource = %s, want %s", req.Resource, tt.resource)
			}
			if req.Caller == nil || req.Caller.UserName != "admin" || req.HTTP == nil || req.Region != "us-east-1" {
				t.Errorf("request caller/HTTP/region = %+v, %v, %q", req.Caller, req.HTTP != nil, req.Region)
			}
			if len(req.Context) != len(tt.context) {
				t.Errorf("context = %v, want %v", req.Context, tt.context)
			}
			for k, want := range tt.context {
				if got := req.Context[k]; !slices.Equal(got, want) {
					t.Errorf("context[%s] = %v, want %v", k, got, want)
				}
			}
		})
	}
}

// decode decodes a policy document as the AWS CLI does.
func decode(t *testing.T, s string) string {
	t.Helper()
	d, err := url.QueryUnescape(strings.ReplaceAll(s, "+", "%2B"))
	if err != nil {
		t.Fatalf("document %q is not percent-encoded: %v", s, err)
	}
	return d
}

// bigPolicy returns a valid identity policy of at least size characters.
func bigPolicy(size int) string {
	var resources []string
	n := 0
	for i := 0; n < size; i++ {
		r := fmt.Sprintf(`"arn:aws:s3:::bucket-%04d/*"`, i)
		resources = append(resources, r)
		n += len(r) + 1
	}
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":[` + strings.Join(resources, ",") + `]}]}`
}
