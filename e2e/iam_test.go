package e2e_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/connect-iam/connect-iam/store"
)

const readUsersPolicy = `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": ["iam:GetUser", "iam:ListUsers"], "Resource": "*"}]
}`

// TestIAMUserWorkflow creates a user, a managed policy and an access key
// as the administrator, then acts as the new user: what the policy allows
// succeeds, anything else is AccessDenied with AWS's message, and both
// calls are in the audit log with their decisions.
func TestIAMUserWorkflow(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	admin := srv.iam(clientOptions{})

	cu, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("support")}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(cu.User.Arn), "arn:aws:iam::"+account+":user/alice"; got != want {
		t.Errorf("user ARN %s, want %s", got, want)
	}
	cp, err := admin.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("ReadUsers"), PolicyDocument: aws.String(readUsersPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(cp.Policy.Arn), "arn:aws:iam::"+account+":policy/ReadUsers"; got != want {
		t.Errorf("policy ARN %s, want %s", got, want)
	}
	if _, err := admin.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: cp.Policy.Arn}); err != nil {
		t.Fatal(err)
	}
	// A malformed policy is refused on write with the validator's message.
	_, err = admin.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Bad"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser"}]}`)})
	if code, _ := apiError(t, err); code != "MalformedPolicyDocument" {
		t.Errorf("CreatePolicy without Resource: error %s, want MalformedPolicyDocument", code)
	}
	key, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	akid := aws.ToString(key.AccessKey.AccessKeyId)
	if !strings.HasPrefix(akid, "AKIA") || len(aws.ToString(key.AccessKey.SecretAccessKey)) < 40 {
		t.Fatalf("access key %s with a secret of %d characters", akid, len(aws.ToString(key.AccessKey.SecretAccessKey)))
	}

	alice := srv.iam(clientOptions{key: akid, secret: aws.ToString(key.AccessKey.SecretAccessKey)})
	lu, err := alice.ListUsers(ctx, &iam.ListUsersInput{})
	if err != nil {
		t.Fatalf("ListUsers as alice: %v", err)
	}
	var names []string
	for _, u := range lu.Users {
		names = append(names, aws.ToString(u.UserName))
	}
	if strings.Join(names, ",") != "admin,alice" {
		t.Errorf("ListUsers = %v, want admin and alice", names)
	}
	_, err = alice.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mallory")})
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:iam::"+account+":user/alice is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::"+
		account+":user/mallory because no identity-based policy allows the iam:CreateUser action")

	// The audit log has both calls, with the caller and the decision.
	srv.waitEvent(t, store.EventQuery{Name: "CreateUser", ErrorCode: "AccessDenied"}, func(e store.Event) bool {
		return e.PrincipalARN == "arn:aws:iam::"+account+":user/alice" && e.Decision == "ImplicitDeny" &&
			e.Source == "iam.amazonaws.com" && strings.Contains(string(e.RequestParameters), `"userName":"mallory"`)
	})
	srv.waitEvent(t, store.EventQuery{Name: "CreateAccessKey"}, func(e store.Event) bool {
		return e.PrincipalARN == "arn:aws:iam::"+account+":user/admin" && e.Decision == "Allow" && e.ErrorCode == "" &&
			!strings.Contains(string(e.RequestParameters), aws.ToString(key.AccessKey.SecretAccessKey))
	})

	// No secret reached the logs, which have a line per request.
	logs := srv.logs.String()
	for _, secret := range []string{adminSecret, aws.ToString(key.AccessKey.SecretAccessKey)} {
		if strings.Contains(logs, secret) {
			t.Errorf("a secret access key is in the server log")
		}
	}
	if !strings.Contains(logs, `"operation":"CreateAccessKey"`) {
		t.Errorf("no request log line for CreateAccessKey:\n%s", logs)
	}

	// The metrics count the requests and the decisions, denials included.
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`operation="CreateUser"`, `code="AccessDenied"`, `result="implicit_deny"`, `result="allow"`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
