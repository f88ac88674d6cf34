package e2e_test

import (
	"context"
	"net/url"
	"strings"
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
	fed, err := srv.sts(userOpts).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("contractor"), Policy: aws.String(allowAll)})
	if err != nil {
		t.Fatal(err)
	}
	fedSession := clientOptions{key: aws.ToString(fed.Credentials.AccessKeyId), secret: aws.ToString(fed.Credentials.SecretAccessKey),
		token: aws.ToString(fed.Credentials.SessionToken)}
	if _, err := srv.sts(fedSession).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("the federation token before the user is deleted: %v", err)
	}

	// A role that trusts user/trusted and role/ephemeral by ARN: IAM binds
	// both to their unique IDs when the policy is saved.
	gateTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::` + account + `:user/trusted",` +
		`"arn:aws:iam::` + account + `:role/ephemeral"]},"Action":"sts:AssumeRole"}]}`
	if _, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("gate"), AssumeRolePolicyDocument: aws.String(gateTrust)}); err != nil {
		t.Fatal(err)
	}
	gateARN := "arn:aws:iam::" + account + ":role/gate"
	if _, err := srv.sts(userOpts).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(gateARN), RoleSessionName: aws.String("before")}); err != nil {
		t.Fatalf("trusted assumes gate before it is recreated: %v", err)
	}
	if _, err := srv.sts(roleSession).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(gateARN), RoleSessionName: aws.String("before")}); err != nil {
		t.Fatalf("an ephemeral session assumes gate before the role is recreated: %v", err)
	}
	oldUser, err := admin.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("trusted")})
	if err != nil {
		t.Fatal(err)
	}
	oldRole, err := admin.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("ephemeral")})
	if err != nil {
		t.Fatal(err)
	}
	// A trust policy naming a user that does not exist is refused, as IAM does.
	_, err = admin.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("gate"),
		PolicyDocument: aws.String(strings.ReplaceAll(gateTrust, "user/trusted", "user/nobody"))})
	wantAPIError(t, err, "MalformedPolicyDocument", `Invalid principal in policy: "AWS":"arn:aws:iam::`+account+`:user/nobody"`)

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

	for name, o := range map[string]clientOptions{"role session": roleSession, "GetSessionToken session": userSession, "GetFederationToken session": fedSession} {
		_, err := srv.sts(o).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		wantAPIError(t, err, "InvalidClientTokenId", "The security token included in the request is invalid")
		_, err = srv.iam(o).ListUsers(ctx, &iam.ListUsersInput{})
		if code, _ := apiError(t, err); code != "InvalidClientTokenId" {
			t.Errorf("%s after its principal was recreated: ListUsers error %q, want InvalidClientTokenId", name, code)
		}
	}
	// A new session of the new role works.
	newRole, err := srv.sts(clientOptions{}).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + account + ":role/ephemeral"), RoleSessionName: aws.String("new")})
	if err != nil {
		t.Fatal(err)
	}

	// The trust policy still refers to the old principals, by unique ID:
	// GetRole and ListRoles show the IDs, and the new principals of the
	// same names are not trusted.
	gate, err := admin.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("gate")})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := url.QueryUnescape(aws.ToString(gate.Role.AssumeRolePolicyDocument))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer("\"arn:aws:iam::"+account+":user/trusted\"", "\""+aws.ToString(oldUser.User.UserId)+"\"",
		"\"arn:aws:iam::"+account+":role/ephemeral\"", "\""+aws.ToString(oldRole.Role.RoleId)+"\"").Replace(gateTrust)
	if doc != want {
		t.Errorf("GetRole gate after its principals were recreated:\n got %s\nwant %s", doc, want)
	}
	roles, err := admin.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles.Roles {
		if aws.ToString(r.RoleName) == "gate" {
			if got, _ := url.QueryUnescape(aws.ToString(r.AssumeRolePolicyDocument)); got != want {
				t.Errorf("ListRoles gate: got %s, want %s", got, want)
			}
		}
	}
	key2, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("trusted")})
	if err != nil {
		t.Fatal(err)
	}
	newUser := clientOptions{key: aws.ToString(key2.AccessKey.AccessKeyId), secret: aws.ToString(key2.AccessKey.SecretAccessKey)}
	newRoleSession := clientOptions{key: aws.ToString(newRole.Credentials.AccessKeyId), secret: aws.ToString(newRole.Credentials.SecretAccessKey),
		token: aws.ToString(newRole.Credentials.SessionToken)}
	for name, o := range map[string]clientOptions{"the recreated user": newUser, "a session of the recreated role": newRoleSession} {
		_, err := srv.sts(o).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(gateARN), RoleSessionName: aws.String("after")})
		if code, _ := apiError(t, err); code != "AccessDenied" {
			t.Errorf("%s assumes gate: error %q, want AccessDenied", name, code)
		}
	}
	// Saving the trust policy again binds the ARNs to the new principals.
	if _, err := admin.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("gate"), PolicyDocument: aws.String(gateTrust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.sts(newUser).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(gateARN), RoleSessionName: aws.String("rebound")}); err != nil {
		t.Errorf("the recreated user after the trust policy is saved again: %v", err)
	}
}
