package e2e_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestSessionsFollowUniqueID: a session belongs to the role or user it was
// issued for by unique ID. Deleting the principal and creating another of
// the same name does not bring the old session back (with the new
// principal's permissions): it is refused as an invalid token.
func TestSessionsFollowUniqueID(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	admin := srv.iam(clientOptions{})
	const allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

	createRole := func() {
		t.Helper()
		if _, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("ephemeral"), AssumeRolePolicyDocument: aws.String(deployerTrust)}); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("ephemeral"), PolicyName: aws.String("all"),
			PolicyDocument: aws.String(allowAll)}); err != nil {
			t.Fatal(err)
		}
	}
	deleteRole := func() {
		t.Helper()
		if _, err := admin.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("ephemeral"), PolicyName: aws.String("all")}); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("ephemeral")}); err != nil {
			t.Fatal(err)
		}
	}
	createRole()
	out, err := srv.sts(clientOptions{}).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + account + ":role/ephemeral"), RoleSessionName: aws.String("old")})
	if err != nil {
		t.Fatal(err)
	}
	roleSession := clientOptions{key: aws.ToString(out.Credentials.AccessKeyId), secret: aws.ToString(out.Credentials.SecretAccessKey),
		token: aws.ToString(out.Credentials.SessionToken)}
	if _, err := srv.sts(roleSession).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("the session before the role is deleted: %v", err)
	}

	// A user with its own key and a GetSessionToken session.
	if _, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("trusted")}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("trusted"), PolicyName: aws.String("all"),
		PolicyDocument: aws.String(allowAll)}); err != nil {
		t.Fatal(err)
	}
	key, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("trusted")})
	if err != nil {
		t.Fatal(err)
	}
	userOpts := clientOptions{key: aws.ToString(key.AccessKey.AccessKeyId), secret: aws.ToString(key.AccessKey.SecretAccessKey)}
	tok, err := srv.sts(userOpts).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	userSession := clientOptions{key: aws.ToString(tok.Credentials.AccessKeyId), secret: aws.ToString(tok.Credentials.SecretAccessKey),
		token: aws.ToString(tok.Credentials.SessionToken)}
	if _, err := srv.sts(userSession).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("the user session before the user is deleted: %v", err)
	}

	// Delete both principals and create new ones with the same names.
	deleteRole()
	createRole()
	if _, err := admin.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("trusted"), PolicyName: aws.String("all")}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("trusted"), AccessKeyId: key.AccessKey.AccessKeyId}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("trusted")}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("trusted")}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("trusted"), PolicyName: aws.String("all"),
		PolicyDocument: aws.String(allowAll)}); err != nil {
		t.Fatal(err)
	}

	for name, o := range map[string]clientOptions{"role session": roleSession, "GetSessionToken session": userSession} {
		_, err := srv.sts(o).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		wantAPIError(t, err, "InvalidClientTokenId", "The security token included in the request is invalid")
		_, err = srv.iam(o).ListUsers(ctx, &iam.ListUsersInput{})
		if code, _ := apiError(t, err); code != "InvalidClientTokenId" {
			t.Errorf("%s after its principal was recreated: ListUsers error %q, want InvalidClientTokenId", name, code)
		}
	}
	// A new session of the new role works.
	if _, err := srv.sts(clientOptions{}).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + account + ":role/ephemeral"), RoleSessionName: aws.String("new")}); err != nil {
		t.Fatal(err)
	}
}
