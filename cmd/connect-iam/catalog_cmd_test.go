package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateCatalogGolden = flag.Bool("update-catalog-golden", false, "rewrite testdata/catalog/*.golden from the actions and describe commands' output")

// TestCatalogCommands runs the actions and describe commands and compares
// stdout and stderr with golden files in testdata/catalog.
func TestCatalogCommands(t *testing.T) {
	t.Setenv("CONNECT_IAM_CATALOG_DIR", "")
	tests := []struct {
		golden string
		args   []string
		status int
	}{
		{"actions-connect-describe", []string{"actions", "connect:Describe*"}, exitOK},
		{"actions-user-json", []string{"actions", "--format", "json", "connect:*User*"}, exitOK},
		{"actions-flags-after", []string{"actions", "connect:CreateUser", "connect:createuser", "--format=json"}, exitOK},
		{"actions-no-match", []string{"actions", "conect:Describe*", "connect:Zzz*", "connect:ListUsers"}, exitFinding},
		{"actions-not-a-pattern", []string{"actions", "connect"}, exitFinding},
		{"actions-no-args", []string{"actions"}, exitUsage},
		{"actions-bad-format", []string{"actions", "--format", "yaml", "connect:*"}, exitUsage},
		{"describe-createuser", []string{"describe", "connect:CreateUser"}, exitOK},
		{"describe-createuser-json", []string{"describe", "--format", "json", "CONNECT:createuser"}, exitOK},
		{"describe-service-typo", []string{"describe", "app-integartions"}, exitFinding},
		{"describe-queue-arn", []string{"describe", "arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-1"}, exitOK},
		{"describe-queue-arn-json", []string{"describe", "arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-1", "--format", "json"}, exitOK},
		{"describe-keys", []string{"describe", "aws:RequestTag/Owner", "aws:TagKeys", "connect:SearchTag/Team"}, exitOK},
		{"describe-service", []string{"describe", "connect-campaigns"}, exitOK},
		{"describe-mixed", []string{"describe", "connect:ResourceTag/Owner", "aws:SourceIP", "arn:aws:conect:us-east-1:1:instance/i-1"}, exitFinding},
		{"describe-double-colon", []string{"describe", "app-integrations::ListEventIntegrations"}, exitFinding},
		{"describe-wildcard", []string{"describe", "connect:Describe*"}, exitFinding},
		{"describe-no-resource-level", []string{"describe", "connect:ListInstances"}, exitOK},
		{"describe-override-dir", []string{"describe", "--catalog-dir", "../../catalog/testdata/mini", "demo:CreateWidget"}, exitOK},
		{"describe-bad-dir", []string{"describe", "--catalog-dir", "testdata/catalog/no-such-dir", "connect"}, exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			status := run(tt.args, strings.NewReader(""), &stdout, &stderr)
			if status != tt.status {
				t.Errorf("connect-iam %s: exit status %d, want %d\nstderr: %s", strings.Join(tt.args, " "), status, tt.status, stderr.String())
			}
			got := "$ connect-iam " + strings.Join(tt.args, " ") + "\n--- stdout\n" + stdout.String() + "--- stderr\n" + stderr.String()
			path := filepath.Join("testdata", "catalog", tt.golden+".golden")
			if *updateCatalogGolden {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/connect-iam -run TestCatalogCommands -update-catalog-golden to create it)", err)
			}
			if got != string(want) {
				t.Errorf("output differs from %s (rerun with -update-catalog-golden if the change is intended)\n got:\n%s\nwant:\n%s", path, got, want)
			}
			if strings.Contains(strings.Join(tt.args, " "), "json") && tt.status == exitOK {
				var v any
				if err := json.Unmarshal(stdout.Bytes(), &v); err != nil {
					t.Errorf("--format json output is not JSON: %v", err)
				}
			}
		})
	}
}

// TestCatalogEnvOverride checks that CONNECT_IAM_CATALOG_DIR replaces the
// embedded catalog.
func TestCatalogEnvOverride(t *testing.T) {
	t.Setenv("CONNECT_IAM_CATALOG_DIR", "../../catalog/testdata/mini")
	var stdout, stderr bytes.Buffer
	if status := run([]string{"actions", "*:*"}, nil, &stdout, &stderr); status != exitOK {
		t.Fatalf("exit status %d: %s", status, stderr.String())
	}
	want := "demo:CreateWidget\ndemo:DescribeWidget\ndemo:ListWidgets\ndemo:TagResource\nhelper:Assist\n"
	if stdout.String() != want {
		t.Errorf("actions '*:*' with the override = %q, want %q", stdout.String(), want)
	}
}

func TestCatParse(t *testing.T) {
	tests := []struct {
		args   []string
		pos    string
		format string
	}{
		{[]string{"a", "b"}, "a b", "text"},
		{[]string{"--format", "json", "a"}, "a", "json"},
		{[]string{"a", "--format", "json", "b"}, "a b", "json"},
		{[]string{"a", "-format=json"}, "a", "json"},
		{[]string{"a", "--", "--format", "b"}, "a --format b", "text"},
		{[]string{"--", "-x"}, "-x", "text"},
		{nil, "", "text"},
	}
	for _, tt := range tests {
		var f catFlags
		fs := catFlagSet("test", "usage", &bytes.Buffer{}, &f)
		pos, err := catParse(fs, tt.args)
		if err != nil {
			t.Errorf("catParse(%q): %v", tt.args, err)
			continue
		}
		if strings.Join(pos, " ") != tt.pos || f.format != tt.format {
			t.Errorf("catParse(%q) = %q, format %q; want %q, %q", tt.args, pos, f.format, tt.pos, tt.format)
		}
	}
}
