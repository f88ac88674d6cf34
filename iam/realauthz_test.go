package iam

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestWithRealAuthorizer runs the IAM API behind the real authorizer and
// credential lookup: keys created by CreateAccessKey sign requests, AWS
// managed policies attached through the API grant what they say, and tag
// conditions see the request and resource tags the handlers supply.
func TestWithRealAuthorizer(t *testing.T) {
	e := newRealEnv(t)
	ctx := context.Background()
	admin := e.client
	must(admin.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("limited")}))(t)
	must(admin.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String("limited"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")}))(t)
	must(admin.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("limited"), PolicyName: aws.String("tag-blue"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateUser","iam:TagUser"],"Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"blue"}}},` +
			`{"Effect":"Deny","Action":"iam:GetUser","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"red"}}}]}`)}))(t)
	key := must(admin.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("limited")}))(t)
	lim := e.clientFor(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey))

	users := must(lim.ListUsers(ctx, &awsiam.ListUsersInput{}))(t)
	if len(users.Users) != 2 {
		t.Errorf("ListUsers as the read-only user = %d users", len(users.Users))
	}
	must(admin.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("redteam"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("red")}}}))(t)

	tests := []struct {
		name    string
		call    func() error
		code    string
		message string
	}{
		{"read-only policy allows GetUser", func() error {
			_, err := lim.GetUser(ctx, &awsiam.GetUserInput{UserName: aws.String("admin")})
			return err
		}, "", ""},
		{"AWS managed policies are readable in the account", func() error {
			_, err := lim.GetPolicyVersion(ctx, &awsiam.GetPolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonConnectReadOnlyAccess"), VersionId: aws.String("v4")})
			return err
		}, "", ""},
		{"no policy allows DeleteUser", func() error {
			_, err := lim.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("admin")})
			return err
		}, "AccessDenied", "User: arn:aws:iam::123456789012:user/limited is not authorized to perform: iam:DeleteUser on resource: arn:aws:iam::123456789012:user/admin because no identity-based policy allows the iam:DeleteUser action"},
		{"CreateUser without the required tag", func() error {
			_, err := lim.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("x1")})
			return err
		}, "AccessDenied", "iam:CreateUser on resource: arn:aws:iam::123456789012:user/x1"},
		{"CreateUser with the required tag", func() error {
			_, err := lim.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("x2"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}})
			return err
		}, "", ""},
		{"resource tag deny", func() error {
			_, err := lim.GetUser(ctx, &awsiam.GetUserInput{UserName: aws.String("redteam")})
			return err
		}, "AccessDenied", "with an explicit deny in an identity-based policy"},
		{"read-only user cannot create keys", func() error {
			_, err := lim.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{})
			return err
		}, "AccessDenied", "iam:CreateAccessKey"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := apiError(t, tt.call())
			if code != tt.code || !strings.Contains(msg, tt.message) {
				t.Errorf("error = %s %q, want %s containing %q", code, msg, tt.code, tt.message)
			}
		})
	}

	must(admin.UpdateAccessKey(ctx, &awsiam.UpdateAccessKeyInput{UserName: aws.String("limited"), AccessKeyId: key.AccessKey.AccessKeyId, Status: types.StatusTypeInactive}))(t)
	_, err := lim.ListUsers(ctx, &awsiam.ListUsersInput{})
	if code, _ := apiError(t, err); code != "InvalidClientTokenId" {
		t.Errorf("request with an inactive key: %v, want InvalidClientTokenId", err)
	}
}
