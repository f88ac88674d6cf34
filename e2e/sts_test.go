package e2e_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/connect-iam/connect-iam/store"
)

const deployerTrust = `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}]
}`

const deployerPolicy = `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "iam:CreateUser", "Resource": "arn:aws:iam::111122223333:user/app-*"}]
}`

// TestAssumeRole assumes a role as the administrator and acts with the
// temporary credentials: the caller is the role session, the role's
// policy applies, and the credentials are refused once expired.
func TestAssumeRole(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	admin := srv.iam(clientOptions{})
	if _, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("deployer"),
		AssumeRolePolicyDocument: aws.String(deployerTrust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("deployer"),
		PolicyName: aws.String("create-app-users"), PolicyDocument: aws.String(deployerPolicy)}); err != nil {
		t.Fatal(err)
	}
	out, err := srv.sts(clientOptions{}).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + account + ":role/deployer"), RoleSessionName: aws.String("e2e"),
		DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(out.AssumedRoleUser.Arn), "arn:aws:sts::"+account+":assumed-role/deployer/e2e"; got != want {
		t.Errorf("assumed role ARN %s, want %s", got, want)
	}
	skew := new(atomic.Int64)
	temp := clientOptions{key: aws.ToString(out.Credentials.AccessKeyId), secret: aws.ToString(out.Credentials.SecretAccessKey),
		token: aws.ToString(out.Credentials.SessionToken), skew: skew}

	id, err := srv.sts(temp).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != aws.ToString(out.AssumedRoleUser.Arn) || aws.ToString(id.Account) != account {
		t.Errorf("GetCallerIdentity = %s in %s", aws.ToString(id.Arn), aws.ToString(id.Account))
	}
	roleIAM := srv.iam(temp)
	if _, err := roleIAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("app-1")}); err != nil {
		t.Fatalf("CreateUser app-1 with the role: %v", err)
	}
	_, err = roleIAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("other")})
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:sts::"+account+":assumed-role/deployer/e2e is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::"+
		account+":user/other because no identity-based policy allows the iam:CreateUser action")

	// The audit log names the role session and the role behind it.
	ev := srv.waitEvent(t, store.EventQuery{Name: "CreateUser", PrincipalARN: aws.ToString(out.AssumedRoleUser.Arn)},
		func(e store.Event) bool { return e.ErrorCode == "" })
	for _, want := range []string{`"type":"AssumedRole"`, `"accessKeyId":"` + temp.key + `"`,
		`"sessionIssuer":{"type":"Role"`, `"arn":"arn:aws:iam::` + account + `:role/deployer"`} {
		if !strings.Contains(string(ev.UserIdentity), want) {
			t.Errorf("userIdentity lacks %s: %s", want, ev.UserIdentity)
		}
	}

	// An hour later (on the server's clock and the client's), the
	// 15-minute credentials are expired.
	srv.clock.Set(time.Hour)
	skew.Store(int64(time.Hour))
	_, err = srv.sts(temp).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "ExpiredToken", "The security token included in the request is expired")
}

// TestAuthenticationFailures checks the AWS error of each way a signature
// can be wrong.
func TestAuthenticationFailures(t *testing.T) {
	srv := startServer(t)
	tenMinutesSlow := new(atomic.Int64)
	tenMinutesSlow.Store(int64(-10 * time.Minute))
	tests := []struct {
		name    string
		opts    clientOptions
		code    string
		message string
	}{
		{"tampered signature", clientOptions{tamper: true}, "SignatureDoesNotMatch",
			"The request signature we calculated does not match the signature you provided."},
		{"wrong secret", clientOptions{key: adminKey, secret: "not-the-secret-key-at-all-0123456789abcd"}, "SignatureDoesNotMatch",
			"The request signature we calculated does not match the signature you provided."},
		{"unknown key", clientOptions{key: "AKIAUNKNOWNEXAMPLE00", secret: adminSecret}, "InvalidClientTokenId",
			"The security token included in the request is invalid"},
		{"skewed clock", clientOptions{skew: tenMinutesSlow}, "SignatureDoesNotMatch", "Signature expired: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, call := range []struct {
				name string
				fn   func() error
			}{
				{"sts", func() error {
					_, err := srv.sts(tt.opts).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
					return err
				}},
				{"iam", func() error {
					_, err := srv.iam(tt.opts).ListUsers(context.Background(), &iam.ListUsersInput{})
					return err
				}},
			} {
				t.Run(call.name, func(t *testing.T) { wantAPIError(t, call.fn(), tt.code, tt.message) })
			}
		})
	}
}

// TestSessionTokens covers the other STS credentials: GetSessionToken
// credentials act as the user; GetFederationToken credentials are a
// federated user, who may call GetCallerIdentity but, as in AWS, no IAM
// operation.
func TestSessionTokens(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	stsAdmin := srv.sts(clientOptions{})

	st, err := stsAdmin.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	session := clientOptions{key: aws.ToString(st.Credentials.AccessKeyId), secret: aws.ToString(st.Credentials.SecretAccessKey),
		token: aws.ToString(st.Credentials.SessionToken)}
	id, err := srv.sts(session).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(id.Arn), "arn:aws:iam::"+account+":user/admin"; got != want {
		t.Errorf("GetSessionToken caller %s, want %s", got, want)
	}

	ft, err := stsAdmin.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("bob"), DurationSeconds: aws.Int32(900),
		Policy: aws.String(readUsersPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	fed := clientOptions{key: aws.ToString(ft.Credentials.AccessKeyId), secret: aws.ToString(ft.Credentials.SecretAccessKey),
		token: aws.ToString(ft.Credentials.SessionToken)}
	fedARN := "arn:aws:sts::" + account + ":federated-user/bob"
	if got := aws.ToString(ft.FederatedUser.Arn); got != fedARN {
		t.Errorf("federated user %s, want %s", got, fedARN)
	}
	id, err = srv.sts(fed).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(id.Arn); got != fedARN {
		t.Errorf("GetFederationToken caller %s, want %s", got, fedARN)
	}
	_, err = srv.iam(fed).ListUsers(ctx, &iam.ListUsersInput{})
	if code, msg := apiError(t, err); code != "AccessDenied" || !strings.HasPrefix(msg, "User: "+fedARN+" is not authorized to perform: iam:ListUsers") {
		t.Errorf("ListUsers with federation credentials: %s %q, want AccessDenied", code, msg)
	}
}

// TestPresignedGetCallerIdentity sends the request the SDK presigns (the
// signature in the query string, as EKS-style authenticators use it).
func TestPresignedGetCallerIdentity(t *testing.T) {
	srv := startServer(t)
	// The SDK leaves X-Amz-Expires out unless asked; clients that presign
	// GetCallerIdentity (aws-iam-authenticator, for one) set it like this.
	expires := func(po *sts.PresignOptions) {
		po.ClientOptions = append(po.ClientOptions, func(o *sts.Options) {
			o.APIOptions = append(o.APIOptions, smithyhttp.SetHeaderValue("X-Amz-Expires", "60"))
		})
	}
	req, err := sts.NewPresignClient(srv.sts(clientOptions{})).PresignGetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}, expires)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(req.URL, "X-Amz-Signature=") {
		t.Fatalf("not a presigned URL: %s", req.URL)
	}
	hr, err := http.NewRequest(req.Method, req.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	hr.Header = req.SignedHeader.Clone()
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "<Arn>arn:aws:iam::"+account+":user/admin</Arn>") {
		t.Errorf("presigned GetCallerIdentity: %d\n%s", resp.StatusCode, body)
	}
}
