package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	goodPolicy  = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*"}]}`
	badPolicy   = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "conect:DescribeUser", "Resource": "*"}]}`
	trustPolicy = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`
	warnPolicy  = `{"Statement": [{"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*"}]}`
)

func TestValidateCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", goodPolicy)
	bad := write("tree/sub/bad.json", badPolicy)
	write("tree/.hidden/skipped.json", badPolicy)
	write("tree/notes.txt", "not a policy")
	warn := write("warn.json", warnPolicy)

	tests := []struct {
		name     string
		args     []string
		stdin    string
		wantCode int
		wantOut  []string // substrings of stdout
		wantErr  []string // substrings of stderr
	}{
		{"clean file", []string{good}, "", exitOK, nil, []string{"no findings in 1 file"}},
		{"error", []string{bad}, "", exitFinding, []string{"bad.json:1:71: ERROR INVALID_SERVICE_IN_ACTION", `Did you mean "connect:DescribeUser"?`, "^~~~"}, []string{"1 error in 1 file"}},
		{"directory walks *.json and skips dot directories", []string{filepath.Join(dir, "tree")}, "", exitFinding, []string{"sub/bad.json:1:71"}, []string{"1 error in 1 file"}},
		{"stdin", []string{"-"}, badPolicy, exitFinding, []string{"-:1:71: ERROR INVALID_SERVICE_IN_ACTION"}, nil},
		{"warning below default fail-on", []string{warn}, "", exitOK, []string{"WARNING MISSING_VERSION"}, nil},
		{"warning at fail-on warning", []string{"--fail-on", "warning", warn}, "", exitFinding, nil, nil},
		{"fail-on none", []string{"--fail-on", "none", bad}, "", exitOK, nil, nil},
		{"flags after the path", []string{bad, "--fail-on", "none", "--format", "json"}, "", exitOK, []string{`"issueCode": "INVALID_SERVICE_IN_ACTION"`}, nil},
		{"several paths", []string{good, bad}, "", exitFinding, nil, []string{"1 error in 2 files"}},
		{"policy type", []string{"--policy-type", "resource", good}, "", exitFinding, []string{"MISSING_PRINCIPAL"}, nil},
		{"trust policy as a resource type", []string{"--policy-type", "resource", "--resource-type", "AWS::IAM::AssumeRolePolicyDocument", "-"}, trustPolicy, exitOK, nil, []string{"no findings"}},
		{"json", []string{"--format", "json", bad}, "", exitFinding, []string{`"findings": [`, `"issueCode": "INVALID_SERVICE_IN_ACTION"`, `"learnMoreLink": "https://docs.aws.amazon.com/`}, nil},
		{"file over --max-bytes", []string{"--max-bytes", "64", good}, "", exitUsage, nil, []string{"good.json is", "larger than the limit of 64 bytes", "pass --max-bytes N"}},
		{"stdin over --max-bytes", []string{"--max-bytes", "64", "-"}, badPolicy, exitUsage, nil, []string{"standard input is larger than the limit of 64 bytes"}},
		{"--max-bytes raised", []string{"--max-bytes", "100000", good}, "", exitOK, nil, []string{"no findings in 1 file"}},
		{"no path", nil, "", exitUsage, nil, []string{"no PATH given"}},
		{"bad policy type", []string{"--policy-type", "idntity", good}, "", exitUsage, nil, []string{"unknown policy type"}},
		{"bad format", []string{"--format", "xml", good}, "", exitUsage, nil, []string{"unknown format"}},
		{"bad fail-on", []string{"--fail-on", "fatal", good}, "", exitUsage, nil, []string{"unknown level"}},
		{"missing file", []string{filepath.Join(dir, "nope.json")}, "", exitUsage, nil, []string{"nope.json", "no such file"}},
		{"resource type without resource policy", []string{"--resource-type", "AWS::S3::Bucket", good}, "", exitUsage, nil, []string{"applies only to RESOURCE_POLICY"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"validate"}, tc.args...), strings.NewReader(tc.stdin), &stdout, &stderr)
			if code != tc.wantCode {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.wantCode, stdout.String(), stderr.String())
			}
			for _, s := range tc.wantOut {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout.String())
				}
			}
			for _, s := range tc.wantErr {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr.String())
				}
			}
		})
	}
}

// TestValidateSARIF checks the SARIF log has what GitHub code scanning
// requires: version 2.1.0, a driver with rules, and results with a rule
// id, a message and a physical location with a region.
func TestValidateSARIF(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"validate", "--format", "sarif", "-"}, strings.NewReader(badPolicy), &stdout, &stderr)
	if code != exitFinding {
		t.Fatalf("exit status %d, want %d; stderr: %s", code, exitFinding, stderr.String())
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID      string `json:"id"`
						HelpURI string `json:"helpUri"`
						Help    struct {
							Text string `json:"text"`
						} `json:"help"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					Physical struct {
						Artifact struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine, StartColumn, EndLine, EndColumn int
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &log); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, stdout.String())
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs; want 2.1.0 and 1 run", log.Version, len(log.Runs))
	}
	r := log.Runs[0]
	if r.Tool.Driver.Name != "connect-iam" || len(r.Tool.Driver.Rules) == 0 || len(r.Results) == 0 {
		t.Fatalf("driver %q with %d rules and %d results", r.Tool.Driver.Name, len(r.Tool.Driver.Rules), len(r.Results))
	}
	res := r.Results[0]
	rule := r.Tool.Driver.Rules[res.RuleIndex]
	if res.RuleID != "INVALID_SERVICE_IN_ACTION" || rule.ID != res.RuleID || res.Level != "error" || res.Message.Text == "" || rule.HelpURI == "" || rule.Help.Text == "" {
		t.Errorf("result %+v, rule %+v", res, rule)
	}
	reg := res.Locations[0].Physical.Region
	if res.Locations[0].Physical.Artifact.URI != "stdin" || reg.StartLine != 1 || reg.StartColumn != 71 || reg.EndColumn <= reg.StartColumn {
		t.Errorf("location %+v", res.Locations[0])
	}
}
