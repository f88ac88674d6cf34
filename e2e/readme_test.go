package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/connect-iam/connect-iam/internal/bootstrap"
)

// TestREADMEServerSDK runs the README's "server in one minute" with
// aws-sdk-go-v2 instead of the AWS CLI: the client is configured only by
// the environment the README exports (AWS_SHARED_CREDENTIALS_FILE naming
// the data directory's bootstrap-credentials, and the region variables),
// through the SDK's own default configuration loader, and points at the
// server with BaseEndpoint as docs/server.md shows.
// scripts/readme-server.sh runs the same block verbatim with the AWS CLI v1
// and v2.
func TestREADMEServerSDK(t *testing.T) {
	s := startServer(t)
	creds := filepath.Join(s.App.DataDir, bootstrap.CredentialsFile)
	if _, err := os.Stat(creds); err != nil {
		t.Fatalf("the README's credentials file: %v", err)
	}
	for k, v := range map[string]string{
		"AWS_SHARED_CREDENTIALS_FILE": creds,
		"AWS_DEFAULT_REGION":          "us-east-1",
		"AWS_REGION":                  "us-east-1",
		"AWS_CONFIG_FILE":             os.DevNull,
		"AWS_PROFILE":                 "", "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "",
	} {
		t.Setenv(k, v)
	}
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "us-east-1" {
		t.Errorf("region %q from the README's variables, want us-east-1", cfg.Region)
	}
	id, err := sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(s.URL) }).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("sts get-caller-identity: %v", err)
	}
	if got, want := aws.ToString(id.Arn), "arn:aws:iam::"+account+":user/admin"; got != want {
		t.Errorf("caller %s, want %s", got, want)
	}
	u, err := iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = aws.String(s.URL) }).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatalf("iam create-user --user-name alice: %v", err)
	}
	if aws.ToString(u.User.UserName) != "alice" {
		t.Errorf("created %+v", u.User)
	}
}
