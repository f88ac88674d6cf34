package iam

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/server/sigv4"
)

// TestRawValidation sends awsQuery requests the SDK would refuse to send,
// and checks IAM's ValidationError envelope.
func TestRawValidation(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name   string
		body   string
		status int
		want   []string
		absent []string
	}{
		{"missing UserName", "Action=CreateUser&Version=2010-05-08", 400,
			[]string{"<Code>ValidationError</Code>", "Value null at &#39;userName&#39; failed to satisfy constraint: Member must not be null"}, nil},
		{"TagUser without tags", "Action=TagUser&Version=2010-05-08&UserName=admin", 400,
			[]string{"<Code>ValidationError</Code>", "tags"}, nil},
		{"MaxItems out of range", "Action=ListUsers&Version=2010-05-08&MaxItems=0", 400,
			[]string{"<Code>ValidationError</Code>", "maxItems"}, nil},
		{"bad Scope", "Action=ListPolicies&Version=2010-05-08&Scope=Mine", 400,
			[]string{"<Code>ValidationError</Code>", "scope"}, nil},
		{"percent-encoded document accepted", "Action=PutUserPolicy&Version=2010-05-08&UserName=admin&PolicyName=p&PolicyDocument=" +
			"%257B%2522Version%2522%253A%25222012-10-17%2522%252C%2522Statement%2522%253A%255B%257B%2522Effect%2522%253A%2522Allow%2522%252C%2522Action%2522%253A%2522s3%253AGetObject%2522%252C%2522Resource%2522%253A%2522*%2522%257D%255D%257D",
			200, []string{"<PutUserPolicyResponse"}, nil},
		{"unknown operation", "Action=CreateWidget&Version=2010-05-08", 400, []string{"<Code>InvalidAction</Code>"}, nil},
		{"CreateUser result has only the members set", "Action=CreateUser&Version=2010-05-08&UserName=plain", 200,
			[]string{"<UserName>plain</UserName>", "<Path>/</Path>"}, []string{"PermissionsBoundary", "<Tags", "PasswordLastUsed"}},
		{"duplicate tag keys", "Action=CreateUser&Version=2010-05-08&UserName=tagged&Tags.member.1.Key=team&Tags.member.1.Value=a" +
			"&Tags.member.2.Key=Team&Tags.member.2.Value=b", 400,
			[]string{"<Code>InvalidInput</Code>", "<Message>Duplicate tag keys found. Please note that Tag keys are case insensitive.</Message>"}, nil},
		{"duplicate tag keys on TagUser", "Action=TagUser&Version=2010-05-08&UserName=admin&Tags.member.1.Key=k&Tags.member.1.Value=a" +
			"&Tags.member.2.Key=k&Tags.member.2.Value=b", 400, []string{"<Code>InvalidInput</Code>", "Duplicate tag keys found."}, nil},
		{"ListRoles path prefix without a trailing slash", "Action=ListRoles&Version=2010-05-08&PathPrefix=%2FTestPath", 200,
			[]string{"<ListRolesResponse"}, nil},
		{"ListUsers path prefix not starting with a slash", "Action=ListUsers&Version=2010-05-08&PathPrefix=TestPath", 400,
			[]string{"<Code>ValidationError</Code>", "pathPrefix"}, nil},
		{"ListPolicies path prefix is a policy path", "Action=ListPolicies&Version=2010-05-08&PathPrefix=%2FTestPath", 400,
			[]string{"<Code>ValidationError</Code>", "pathPrefix"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, e.url, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			creds := sigv4.Credentials{AccessKeyID: adminKeyID, SecretAccessKey: adminSecret}
			if err := sigv4.Sign(req, []byte(tt.body), creds, "us-east-1", "iam", time.Now()); err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(body), w) {
					t.Errorf("response lacks %q: %s", w, body)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(string(body), a) {
					t.Errorf("response has %q: %s", a, body)
				}
			}
		})
	}
}
