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
	}{
		{"missing UserName", "Action=CreateUser&Version=2010-05-08", 400,
			[]string{"<Code>ValidationError</Code>", "Value null at &#39;userName&#39; failed to satisfy constraint: Member must not be null"}},
		{"TagUser without tags", "Action=TagUser&Version=2010-05-08&UserName=admin", 400,
			[]string{"<Code>ValidationError</Code>", "tags"}},
		{"MaxItems out of range", "Action=ListUsers&Version=2010-05-08&MaxItems=0", 400,
			[]string{"<Code>ValidationError</Code>", "maxItems"}},
		{"bad Scope", "Action=ListPolicies&Version=2010-05-08&Scope=Mine", 400,
			[]string{"<Code>ValidationError</Code>", "scope"}},
		{"percent-encoded document accepted", "Action=PutUserPolicy&Version=2010-05-08&UserName=admin&PolicyName=p&PolicyDocument=" +
			"%257B%2522Version%2522%253A%25222012-10-17%2522%252C%2522Statement%2522%253A%255B%257B%2522Effect%2522%253A%2522Allow%2522%252C%2522Action%2522%253A%2522s3%253AGetObject%2522%252C%2522Resource%2522%253A%2522*%2522%257D%255D%257D",
			200, []string{"<PutUserPolicyResponse"}},
		{"unknown operation", "Action=CreateWidget&Version=2010-05-08", 400, []string{"<Code>InvalidAction</Code>"}},
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
		})
	}
}
