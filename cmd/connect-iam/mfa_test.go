package main

import (
	"bytes"
	"strings"
	"testing"
)

// rfcSeed is the RFC 6238 test seed "12345678901234567890" in Base32.
const rfcSeed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func TestMFACommand(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		stdin  string
		status int
		out    string
		errOut string
	}{
		{"rfc 6238 vector", []string{"mfa", "code", "--secret", rfcSeed, "--at", "2009-02-13T23:31:30Z"}, "", exitOK, "005924\n", ""},
		{"two consecutive codes", []string{"mfa", "code", "--secret", strings.ToLower(rfcSeed), "--at", "1970-01-01T00:00:59Z", "--count", "2"}, "", exitOK, "287082\n", ""},
		{"seed from stdin", []string{"mfa", "code", "--secret", "-", "--at", "2033-05-18T03:33:20Z"}, rfcSeed + "\n", exitOK, "279037\n", ""},
		{"help", []string{"mfa", "-h"}, "", exitOK, "Usage: connect-iam mfa code", ""},
		{"no subcommand", []string{"mfa"}, "", exitUsage, "", "missing subcommand"},
		{"no secret", []string{"mfa", "code"}, "", exitUsage, "", "--secret is required"},
		{"bad seed", []string{"mfa", "code", "--secret", "not-base32!"}, "", exitUsage, "", "not Base32"},
		{"bad time", []string{"mfa", "code", "--secret", rfcSeed, "--at", "yesterday"}, "", exitUsage, "", "RFC 3339"},
		{"bad count", []string{"mfa", "code", "--secret", rfcSeed, "--count", "0"}, "", exitUsage, "", "out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			status := run(tc.args, strings.NewReader(tc.stdin), &out, &errOut)
			if status != tc.status {
				t.Fatalf("status %d, want %d; stderr %s", status, tc.status, errOut.String())
			}
			if !strings.HasPrefix(out.String(), tc.out) {
				t.Errorf("stdout %q, want it to start with %q", out.String(), tc.out)
			}
			if !strings.Contains(errOut.String(), tc.errOut) {
				t.Errorf("stderr %q, want it to contain %q", errOut.String(), tc.errOut)
			}
		})
	}
}
