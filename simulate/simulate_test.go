package simulate

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixedNow is the simulated time of every golden test.
var fixedNow = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// TestGolden evaluates every input in ../examples/simulate and
// testdata/golden and compares the text and JSON output with the golden
// files beside the inputs in testdata/golden.
func TestGolden(t *testing.T) {
	inputs, _ := filepath.Glob("../examples/simulate/*.json")
	more, _ := filepath.Glob("testdata/golden/*.input.json")
	inputs = append(inputs, more...)
	if len(inputs) < 6 {
		t.Fatalf("found only %d golden inputs", len(inputs))
	}
	for _, in := range inputs {
		base := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(in), ".json"), ".input")
		t.Run(base, func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			res, err := evaluate(src, fixedNow)
			if err != nil {
				t.Fatalf("evaluate: %v", err)
			}
			var text bytes.Buffer
			if err := res.Explain.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			js, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			compareGolden(t, filepath.Join("testdata/golden", base+".txt"), text.Bytes())
			compareGolden(t, filepath.Join("testdata/golden", base+".out.json"), append(js, '\n'))
			if res.Decision != res.Explain.Decision || res.Message != res.Explain.Message {
				t.Errorf("Result and Explain disagree: %s %q vs %s %q", res.Decision, res.Message, res.Explain.Decision, res.Explain.Message)
			}
			req, set, err := Build(src, fixedNow)
			if err != nil {
				t.Fatal(err)
			}
			if d := set.Decide(req); d != res.Decision {
				t.Errorf("Decide = %s, Explain = %s", d, res.Decision)
			}
		})
	}
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./simulate -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test ./simulate -update if the change is intended):\n--- got\n%s", path, got)
	}
}

func TestDecisions(t *testing.T) {
	tests := []struct {
		file string
		want string
		msg  string
	}{
		{"../examples/simulate/view-user.json", "Allow", "Allowed by statement 0 of identity-based policy identityPolicies[0] at 9:9"},
		{"../examples/simulate/tag-based.json", "ImplicitDeny", "because no identity-based policy allows the connect:UpdateUserHierarchy action"},
		{"../examples/simulate/explicit-deny.json", "ExplicitDeny", "with an explicit deny in an identity-based policy"},
		{"../examples/simulate/cross-account.json", "Allow", ""},
		{"../examples/simulate/assumed-role.json", "ImplicitDeny", "because no session policy allows"},
	}
	for _, tt := range tests {
		src, err := os.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Evaluate(src)
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if res.Decision.String() != tt.want || !strings.Contains(res.Message, tt.msg) {
			t.Errorf("%s: %s %q, want %s containing %q", tt.file, res.Decision, res.Message, tt.want, tt.msg)
		}
	}
}

// TestInputs covers input handling: defaults, policies as strings, and
// context value types.
func TestInputs(t *testing.T) {
	const allowDescribe = `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*"}}`
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"principal arn alone", `{"principal": {"arn": "arn:aws:iam::111122223333:user/alice"}, "action": "connect:DescribeUser"}`, "ImplicitDeny"},
		{"policy as string", `{"principal": {"arn": "arn:aws:iam::111122223333:user/alice"}, "action": "connect:DescribeUser", "identityPolicies": [` + strconvQuote(allowDescribe) + `]}`, "Allow"},
		{"missing SCPs: none apply", `{"principal": {"arn": "arn:aws:iam::111122223333:user/alice"}, "action": "connect:DescribeUser", "identityPolicies": [` + allowDescribe + `], "serviceControlPolicies": []}`, "Allow"},
		{"empty SCP level allows nothing", `{"principal": {"arn": "arn:aws:iam::111122223333:user/alice"}, "action": "connect:DescribeUser", "identityPolicies": [` + allowDescribe + `], "serviceControlPolicies": [[]]}`, "ExplicitDeny"},
		{"management account exempt", `{"principal": {"arn": "arn:aws:iam::111122223333:user/alice"}, "action": "connect:DescribeUser", "identityPolicies": [` + allowDescribe + `], "serviceControlPolicies": [[]], "isManagementAccount": true}`, "Allow"},
		{"resource account from ARN: cross-account", `{"principal": {"arn": "arn:aws:iam::111122223333:user/alice"}, "action": "connect:DescribeUser", "resource": "arn:aws:connect:us-east-1:444455556666:instance/i", "identityPolicies": [` + allowDescribe + `]}`, "ImplicitDeny"},
		{"resourceAccount overrides", `{"principal": {"arn": "arn:aws:iam::111122223333:user/alice"}, "action": "connect:DescribeUser", "resource": "arn:aws:connect:us-east-1:444455556666:instance/i", "resourceAccount": "111122223333", "identityPolicies": [` + allowDescribe + `]}`, "Allow"},
		{"context types", `{"principal": {"arn": "arn:aws:iam::111122223333:user/alice"}, "action": "connect:DescribeUser",
			"context": {"aws:MultiFactorAuthPresent": true, "aws:MultiFactorAuthAge": 30, "aws:TagKeys": ["a", "b"]},
			"identityPolicies": [{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {
				"Bool": {"aws:MultiFactorAuthPresent": true}, "NumericLessThan": {"aws:MultiFactorAuthAge": "60"}, "ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b", "c"]}}}}]}`, "Allow"},
		{"principal tags", `{"principal": {"arn": "arn:aws:iam::111122223333:user/alice", "tags": {"Team": "red"}}, "action": "connect:DescribeUser",
			"identityPolicies": [{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "red"}}}}]}`, "Allow"},
		{"context overrides derived keys", `{"principal": {"arn": "arn:aws:iam::111122223333:user/alice"}, "action": "connect:DescribeUser", "context": {"aws:username": "mallory"},
			"identityPolicies": [{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:username": "alice"}}}}]}`, "ImplicitDeny"},
		{"current time defaults to now", `{"principal": {"arn": "arn:aws:iam::111122223333:user/alice"}, "action": "connect:DescribeUser",
			"identityPolicies": [{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "2026-11-22T10:00:01Z"}, "NumericEquals": {"aws:EpochTime": "1795341600"}}}}]}`, "Allow"},
		{"web-identity caller and a role trust policy", `{"principal": {"arn": "anonymous", "federated": "arn:aws:iam::111122223333:oidc-provider/idp"}, "action": "sts:AssumeRoleWithWebIdentity", "resource": "arn:aws:iam::111122223333:role/r",
			"resourcePolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/idp"}, "Action": "sts:AssumeRoleWithWebIdentity"}]}}`, "Allow"},
		{"another provider", `{"principal": {"arn": "anonymous", "federated": "graph.facebook.com"}, "action": "sts:AssumeRoleWithWebIdentity", "resource": "arn:aws:iam::111122223333:role/r",
			"resourcePolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/idp"}, "Action": "sts:AssumeRoleWithWebIdentity"}]}}`, "ImplicitDeny"},
		{"canonical user", `{"principal": {"arn": "anonymous", "canonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
			"resourcePolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}}`, "Allow"},
		{"federated user needs session policy", `{"principal": {"arn": "arn:aws:sts::111122223333:federated-user/bob"}, "action": "connect:DescribeUser", "identityPolicies": [` + allowDescribe + `]}`, "ImplicitDeny"},
	}
	for _, tt := range tests {
		res, err := evaluate([]byte(tt.input), fixedNow)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if res.Decision.String() != tt.want {
			t.Errorf("%s: %s (%s), want %s", tt.name, res.Decision, res.Message, tt.want)
		}
	}
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

var located = regexp.MustCompile(`^\d+:\d+: `)

// TestErrors checks that every bad input in testdata/errors is rejected
// with a located error. Each file's first line is a JSON string: the
// expected substring of the message.
func TestErrors(t *testing.T) {
	files, _ := filepath.Glob("testdata/errors/*.json")
	if len(files) < 10 {
		t.Fatalf("found only %d error inputs", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			first, rest, _ := bytes.Cut(src, []byte("\n"))
			var want string
			if err := json.Unmarshal(first, &want); err != nil {
				t.Fatalf("first line must be the expected message as a JSON string: %v", err)
			}
			res, err := Evaluate(rest)
			if err == nil {
				t.Fatalf("Evaluate succeeded (%s), want an error containing %q", res.Decision, want)
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not contain %q", err, want)
			}
			if !located.MatchString(err.Error()) {
				t.Errorf("error %q is not located (LINE:COL: ...)", err)
			}
			var e *Error
			if !errors.As(err, &e) || e.Line == 0 {
				t.Errorf("error %T has no line", err)
			}
		})
	}
}
