package sts_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/iam"
	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/sigv4"
	"github.com/connect-iam/connect-iam/store"
	"github.com/connect-iam/connect-iam/store/sqlite"
	"github.com/connect-iam/connect-iam/sts"
)

// TestWithIAM drives IAM and STS together through the watched store: the
// administrator creates a role with the iam client, a user assumes it, and
// every later IAM change to the role's policies applies to the session's
// very next request although the authorizer caches resolved policies.
func TestWithIAM(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "iam.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st := authz.Watch(db)
	box, err := secretbox.New(bytes.Repeat([]byte{9}, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	const adminKey, adminSecret = "AKIAADMINISTRATOR001", "admin-secret"
	err = st.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateAccount(store.Account{ID: acct}); err != nil {
			return err
		}
		if err := tx.CreateUser(store.User{AccountID: acct, ID: store.NewID("AIDA", 21), Name: "admin", ARN: "arn:aws:iam::" + acct + ":user/admin"}); err != nil {
			return err
		}
		if err := tx.AttachPolicy(acct, store.EntityRef{Kind: store.KindUser, Name: "admin"}, "arn:aws:iam::aws:policy/AdministratorAccess"); err != nil {
			return err
		}
		return tx.CreateAccessKey(store.AccessKey{ID: adminKey, AccountID: acct, UserName: "admin", SecretCiphertext: box.Seal([]byte(adminSecret), []byte(adminKey))})
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{Authenticator: server.SigV4(&sigv4.Verifier{Store: authz.NewCredentialStore(st, box, nil)}),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	engine := authz.New(st, authz.Options{ManagedPolicy: iam.ManagedPolicy, Observe: srv.ObserveDecision})
	t.Cleanup(engine.Close)
	iam.Register(srv, iam.Deps{Store: st, Box: box, Authorizer: engine})
	sts.Register(srv, sts.Deps{Store: st, Box: box, Authorizer: engine, ManagedPolicy: iam.ManagedPolicy})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	cfg := func(id, secret, token string) aws.Config {
		return aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider(id, secret, token), BaseEndpoint: aws.String(ts.URL)}
	}
	adminIAM := awsiam.NewFromConfig(cfg(adminKey, adminSecret, ""))

	// IAM resolves the trust policy's principals when it is saved: dev first.
	if _, err := adminIAM.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:user/dev"},"Action":"sts:AssumeRole"}]}`
	if _, err := adminIAM.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("reader"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := adminIAM.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("reader"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	key, err := adminIAM.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("dev")})
	if err != nil {
		t.Fatal(err)
	}
	dev := cfg(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey), "")
	out, err := awssts.NewFromConfig(dev).AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + acct + ":role/reader"), RoleSessionName: aws.String("dev-session")})
	if err != nil {
		t.Fatalf("dev AssumeRole reader: %v", err)
	}
	c := out.Credentials
	session := awsiam.NewFromConfig(cfg(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)))
	for range 2 { // the second call is served from the caches
		if _, err := session.ListUsers(ctx, &awsiam.ListUsersInput{}); err != nil {
			t.Fatalf("ListUsers with the role session: %v", err)
		}
	}
	if _, err := session.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("x")}); err == nil {
		t.Fatal("a read-only role session created a user")
	}
	if _, err := adminIAM.DetachRolePolicy(ctx, &awsiam.DetachRolePolicyInput{RoleName: aws.String("reader"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	_, err = session.ListUsers(ctx, &awsiam.ListUsersInput{})
	apiError(t, err, "AccessDenied", "User: arn:aws:sts::"+acct+":assumed-role/reader/dev-session is not authorized to perform: iam:ListUsers")

	// Deactivating the user's key takes effect at once, too.
	if _, err := adminIAM.UpdateAccessKey(ctx, &awsiam.UpdateAccessKeyInput{UserName: aws.String("dev"), AccessKeyId: key.AccessKey.AccessKeyId, Status: "Inactive"}); err != nil {
		t.Fatal(err)
	}
	_, err = awssts.NewFromConfig(dev).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	apiError(t, err, "InvalidClientTokenId", "")
}
