package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/store"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files of testdata/policy-generate")

// policyFixture writes testdata/policy-generate/events.json to a new data
// directory and returns it with the events.
func policyFixture(t *testing.T) (string, []store.Event) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "policy-generate", "events.json"))
	if err != nil {
		t.Fatal(err)
	}
	var events []store.Event
	if err := json.Unmarshal(b, &events); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "data")
	st, _, err := app.OpenData(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Update(context.Background(), func(tx store.Tx) error {
		for _, e := range events {
			if _, err := tx.AppendEvent(e); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return dir, events
}

func TestPolicyGenerate(t *testing.T) {
	dir, _ := policyFixture(t)
	const user = "arn:aws:iam::123456789012:user/app"
	now := time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		args   []string
		code   int
		golden string   // expected stdout, testdata/policy-generate/NAME
		want   []string // in stdout+stderr
		not    []string
	}{
		{"default", []string{"--principal", user}, exitOK, "default.json", []string{
			"connect-iam policy: 9 calls (10 events) of " + user,
			"left out: 1 requests the server denied",
			"generalised: arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555/queue/* (6 sibling resources touched)",
			"check validate: PASS", "check re-decide: PASS (9 observed calls", "note: the principal no longer exists",
		}, []string{"connect:DeleteUser"}},
		{"tag conditions", []string{"--principal", user, "--with-tag-conditions"}, exitOK, "tags.json", []string{"aws:ResourceTag/team", "aws:RequestTag/level"}, nil},
		{"never generalise", []string{"--principal", user, "--siblings", "0"}, exitOK, "", []string{"/queue/q5\"", "check re-decide: PASS"}, []string{"generalised:"}},
		{"window", []string{"--principal", user, "--until", "2026-05-01T10:04:00Z"}, exitOK, "", []string{"3 calls (3 events)", "/queue/q2\""}, []string{"queue/*"}},
		{"json", []string{"--principal", user, "--format", "json"}, exitOK, "", []string{`"checks": {`, `"redecided": 9`, `"reason": "siblings"`}, nil},
		{"other principal", []string{"--principal", "arn:aws:iam::123456789012:user/nobody"}, 1, "", []string{"no allowed calls of arn:aws:iam::123456789012:user/nobody"}, nil},
		{"no principal", nil, exitUsage, "", []string{"--principal is required"}, nil},
		{"bad format", []string{"--principal", user, "--format", "yaml"}, exitUsage, "", []string{`--format "yaml"`}, nil},
		{"bad since", []string{"--principal", user, "--since", "soon"}, exitUsage, "", []string{`--since: "soon" is not a time`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := policyAt(context.Background(), append([]string{"generate", "--data", dir}, tt.args...), now, &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("exit %d, want %d:\n%s%s", code, tt.code, stdout.String(), stderr.String())
			}
			all := stdout.String() + stderr.String()
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("output lacks %q:\n%s", w, all)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(all, w) {
					t.Errorf("output has %q:\n%s", w, all)
				}
			}
			if tt.golden == "" {
				return
			}
			path := filepath.Join("testdata", "policy-generate", tt.golden)
			if *updateGolden {
				if err := os.WriteFile(path, stdout.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if stdout.String() != string(want) {
				t.Errorf("policy:\n%s\nwant (%s):\n%s", stdout.String(), path, want)
			}
		})
	}
	var stdout, stderr bytes.Buffer
	if code := policyAt(context.Background(), []string{"-h"}, now, &stdout, &stderr); code != exitOK || !strings.Contains(stdout.String(), "Usage: connect-iam policy generate") {
		t.Errorf("policy -h: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
}

func TestAuditUnusedAndFollowText(t *testing.T) {
	dir, events := policyFixture(t)
	var stdout, stderr bytes.Buffer
	code := auditAt([]string{"unused", "--data", dir, "--principal", "arn:aws:iam::123456789012:user/app"}, time.Now(), &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "principal arn:aws:iam::123456789012:user/app") {
		t.Errorf("audit unused of a missing user: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	if code := auditAt([]string{"unused", "--data", dir}, time.Now(), &stdout, &stderr); code != exitUsage || !strings.Contains(stderr.String(), "--principal is required") {
		t.Errorf("audit unused without --principal: exit %d\n%s", code, stderr.String())
	}
	var out bytes.Buffer
	for _, e := range events {
		if e.Name == "ListUsers" {
			writeFollowText(&out, e)
		}
	}
	for _, w := range []string{"ImplicitDeny (would have been denied; the call proceeded)", "missing: iam:ListUsers on arn:aws:iam::123456789012:user/*",
		`allow: {"Effect":"Allow","Action":["iam:ListUsers"],"Resource":["*"]}`} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("follow text lacks %q:\n%s", w, out.String())
		}
	}
}
