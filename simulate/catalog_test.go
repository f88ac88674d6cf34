package simulate

import (
	"strings"
	"testing"
)

// The simulator types context values with the catalog and notes what a
// real request would do differently (issue: "use it in the engine").
func TestCatalogIntegration(t *testing.T) {
	const allowAll = `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`
	input := func(action, resource, context string) string {
		return `{"principal": {"arn": "arn:aws:iam::111122223333:user/alice"}, "action": "` + action +
			`", "resource": "` + resource + `", "context": {` + context + `}, "identityPolicies": [` + allowAll + `]}`
	}
	const user = "arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/u-1"
	const queue = "arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-1"
	tests := []struct {
		name      string
		input     string
		wantErr   string // substring of the error; "" for none
		wantNote  string // substring of a note; "" for no notes at all
		wantAllow bool
	}{
		{"known action on its resource type has no notes", input("connect:DescribeUser", user, ""), "", "", true},
		{"action name is case-insensitive for the catalog", input("CONNECT:describeuser", user, ""), "", "", true},
		{"unknown action is noted with a suggestion", input("connect:DescribUser", user, ""), "", "did you mean connect:DescribeUser", true},
		{"unknown service is noted with a suggestion", input("app-integartions:ListEventIntegrations", "*", ""), "", "app-integrations", true},
		{"resource of the wrong type is noted", input("connect:DescribeUser", queue, ""), "", "none of the resource types of connect:DescribeUser", true},
		{"missing resource names the resource types", input("connect:DescribeUser", "*", ""), "", "connect:DescribeUser acts on user (required)", true},
		{"action without resource-level permissions given an ARN is noted", input("connect:ListInstances", queue, ""), "", "supports no resource-level permissions", true},
		{"action without resource-level permissions on * has no notes", input("connect:ListInstances", "*", ""), "", "", true},
		{"Bool key with a non-boolean value is an error", input("connect:ListInstances", "*", `"aws:MultiFactorAuthPresent": "yes"`), `"aws:MultiFactorAuthPresent" has type Bool`, "", false},
		{"Bool key accepts a JSON boolean", input("connect:ListInstances", "*", `"aws:MultiFactorAuthPresent": true`), "", "", true},
		{"Numeric key with a non-number is an error", input("connect:ListInstances", "*", `"aws:MultiFactorAuthAge": "recent"`), "has type Numeric", "", false},
		{"IP key with a non-address is an error", input("connect:ListInstances", "*", `"aws:SourceIp": "localhost"`), "has type IPAddress", "", false},
		{"IP key accepts IPv6", input("connect:ListInstances", "*", `"aws:SourceIp": "2001:db8::1"`), "", "", true},
		{"single-valued key with several values is an error", input("connect:ListInstances", "*", `"aws:SourceIp": ["203.0.113.1", "203.0.113.2"]`), "single-valued", "", false},
		{"multivalued key accepts one string", input("connect:ListInstances", "*", `"aws:TagKeys": "Owner"`), "", "", true},
		{"keys unknown to the catalog are taken as written", input("connect:ListInstances", "*", `"example:Custom": "x"`), "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Evaluate([]byte(tt.input))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Decision.String() == "Allow"; got != tt.wantAllow {
				t.Errorf("decision = %s", res.Decision)
			}
			if tt.wantNote == "" {
				if len(res.Notes) != 0 {
					t.Errorf("notes = %q, want none", res.Notes)
				}
				return
			}
			if !strings.Contains(strings.Join(res.Notes, "\n"), tt.wantNote) {
				t.Errorf("notes = %q, want one containing %q", res.Notes, tt.wantNote)
			}
		})
	}
}
