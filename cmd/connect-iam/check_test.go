package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connect-iam/connect-iam/simulate"
)

func TestCheckCommand(t *testing.T) {
	ex := filepath.Join("..", "..", "examples", "check")
	cand := filepath.Join(ex, "candidates")
	dir := t.TempDir()
	cx := filepath.Join(dir, "cx.json")
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout string // substring
		stderr string // substring
	}{
		{"no new access PASS", []string{"no-new-access", "--existing", filepath.Join(ex, "no-production-instances.json"), filepath.Join(cand, "agent-admin-test-instance.json")}, "", exitOK, "PASS: The modified permissions do not grant new access", ""},
		{"no new access FAIL", []string{"no-new-access", "--existing", filepath.Join(ex, "no-production-instances.json"), filepath.Join(cand, "instance-admin.json")}, "", exitFinding, `statement 0 (Sid "ManageAllInstances"): New access in the statement with index: 0.`, ""},
		{"owner tag FAIL", []string{"no-new-access", "--existing", filepath.Join(ex, "no-user-management-without-owner-tag.json"), "--counterexample", cx, filepath.Join(cand, "instance-admin.json")}, "", exitFinding, "connect:DeleteUser", ""},
		{"owner tag PASS", []string{"no-new-access", "--existing", filepath.Join(ex, "no-user-management-without-owner-tag.json"), filepath.Join(cand, "agent-admin-test-instance.json")}, "", exitOK, "PASS", ""},
		{"no deletion FAIL", []string{"no-new-access", "--existing", filepath.Join(ex, "no-deletion.json"), filepath.Join(cand, "instance-admin.json")}, "", exitFinding, "connect:Delete", ""},
		{"access not granted PASS", []string{"access-not-granted", "--action", "connect:DeleteInstance", "--action", "connect:DeleteQueue", filepath.Join(cand, "agent-admin-test-instance.json")}, "", exitOK, "PASS", ""},
		{"access not granted FAIL stdin", []string{"access-not-granted", "--action", "connect:DeleteInstance", "-"}, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"connect:Delete*","Resource":"*"}]}`, exitFinding, "connect:DeleteInstance", ""},
		{"no public access FAIL", []string{"no-public-access", "--resource-type", "AWS::S3::Bucket", "-"}, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`, exitFinding, "grants public access", ""},
		{"no public access PASS", []string{"no-public-access", "--resource-type", "AWS::S3::Bucket", "-"}, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`, exitOK, "does not grant public access", ""},
		{"unknown check", []string{"no-such-check"}, "", exitUsage, "", "unknown check"},
		{"missing existing", []string{"no-new-access", filepath.Join(cand, "instance-admin.json")}, "", exitUsage, "", "--existing"},
		{"bad policy", []string{"access-not-granted", "--action", "connect:DeleteInstance", "-"}, `{"Statement": [`, exitUsage, "", "policyDocument"},
		{"bad resource type", []string{"no-public-access", "--resource-type", "AWS::Nope", "-"}, `{"Version":"2012-10-17","Statement":[]}`, exitUsage, "", "unknown resource type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"check"}, tc.args...), strings.NewReader(tc.stdin), &stdout, &stderr)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, stdout.String())
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr.String())
			}
		})
	}
	// The written counterexample replays through simulate as an Allow.
	in, err := os.ReadFile(cx)
	if err != nil {
		t.Fatal(err)
	}
	r, err := simulate.Evaluate(in)
	if err != nil || r.Decision.String() != "Allow" {
		t.Fatalf("simulate on the counterexample: %v, %v\n%s", r, err, in)
	}
}

func TestCheckFormats(t *testing.T) {
	ex := filepath.Join("..", "..", "examples", "check")
	args := []string{"check", "no-new-access", "--existing", filepath.Join(ex, "no-deletion.json"), filepath.Join(ex, "candidates", "instance-admin.json")}
	var stdout, stderr bytes.Buffer
	if code := run(append(args, "--format", "json"), nil, &stdout, &stderr); code != exitFinding {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var res struct {
		Result  string `json:"result"`
		Reasons []struct {
			StatementIndex int `json:"statementIndex"`
			Counterexample struct {
				SimulateNew json.RawMessage `json:"simulateNew"`
			} `json:"counterexample"`
		} `json:"reasons"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil || res.Result != "FAIL" || len(res.Reasons) != 1 {
		t.Fatalf("JSON: %v %+v\n%s", err, res, stdout.String())
	}
	if r, err := simulate.Evaluate(res.Reasons[0].Counterexample.SimulateNew); err != nil || r.Decision.String() != "Allow" {
		t.Fatalf("simulateNew does not replay as Allow: %v %v", r, err)
	}
	stdout.Reset()
	if code := run(append(args, "--format", "sarif"), nil, &stdout, &stderr); code != exitFinding {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) != 1 {
		t.Fatalf("SARIF: %v\n%s", err, stdout.String())
	}
	if r := log.Runs[0].Results[0]; r.RuleID != "CheckNoNewAccess" || r.Locations[0].PhysicalLocation.Region.StartLine != 4 {
		t.Errorf("SARIF result %+v: want rule CheckNoNewAccess at line 4", r)
	}
}
