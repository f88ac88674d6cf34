package main

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestSimulateCommand(t *testing.T) {
	viewUser, err := os.ReadFile("../../examples/simulate/view-user.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantExit   int
		wantStdout string         // substring
		wantStderr *regexp.Regexp // nil: stderr must be empty
	}{
		{name: "text", args: []string{"simulate", "../../examples/simulate/view-user.json"}, wantExit: 0,
			wantStdout: "Decision: Allow\nMessage:  Allowed by statement 0 of identity-based policy identityPolicies[0] at 9:9\n"},
		{name: "deny is still a decision", args: []string{"simulate", "../../examples/simulate/explicit-deny.json"}, wantExit: 0,
			wantStdout: "Decision: ExplicitDeny"},
		{name: "json", args: []string{"simulate", "--format", "json", "../../examples/simulate/tag-based.json"}, wantExit: 0,
			wantStdout: `"decision": "ImplicitDeny"`},
		{name: "stdin", args: []string{"simulate", "-format=json", "-"}, stdin: string(viewUser), wantExit: 0,
			wantStdout: `"decision": "Allow"`},
		{name: "bad input", args: []string{"simulate", "-"}, stdin: `{"principal": {"arn": "arn:aws:iam::111122223333:user/alice"}, "action": "connect:DescribeUser", "identityPolicys": []}`,
			wantExit: 2, wantStderr: regexp.MustCompile(`^<stdin>:1:98: unknown field "identityPolicys": did you mean "identityPolicies"\?`)},
		{name: "malformed JSON", args: []string{"simulate", "-"}, stdin: "{\n  \"action\": \"connect:DescribeUser\",\n}",
			wantExit: 2, wantStderr: regexp.MustCompile(`^<stdin>:2:\d+: malformed JSON`)},
		{name: "missing file", args: []string{"simulate", "no-such-file.json"}, wantExit: 2, wantStderr: regexp.MustCompile(`no-such-file.json`)},
		{name: "bad format", args: []string{"simulate", "--format", "yaml", "x.json"}, wantExit: 2, wantStderr: regexp.MustCompile(`unknown --format "yaml"`)},
		{name: "no file", args: []string{"simulate"}, wantExit: 2, wantStderr: regexp.MustCompile(`Usage: connect-iam simulate`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, strings.NewReader(tt.stdin), &stdout, &stderr)
			if code != tt.wantExit {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.wantExit, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout does not contain %q:\n%s", tt.wantStdout, stdout.String())
			}
			if tt.wantExit != 0 && stdout.Len() > 0 {
				t.Errorf("bad input printed a result: %s", stdout.String())
			}
			switch {
			case tt.wantStderr == nil && stderr.Len() > 0:
				t.Errorf("unexpected stderr: %s", stderr.String())
			case tt.wantStderr != nil && !tt.wantStderr.MatchString(stderr.String()):
				t.Errorf("stderr %q does not match %s", stderr.String(), tt.wantStderr)
			}
			if strings.Contains(strings.Join(tt.args, " "), "format json") || slices.Contains(tt.args, "-format=json") {
				var v map[string]any
				if err := json.Unmarshal(stdout.Bytes(), &v); err != nil {
					t.Errorf("--format json output is not one JSON object: %v", err)
				}
				for _, k := range []string{"decision", "message", "explain"} {
					if _, ok := v[k]; !ok {
						t.Errorf("JSON output lacks %q", k)
					}
				}
			}
		})
	}
}
