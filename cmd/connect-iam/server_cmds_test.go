package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/store"
)

func TestServeUsageErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string
	}{
		{"bad log format", []string{"--log-format", "xml"}, nil, exitUsage, `--log-format "xml": use text or json`},
		{"bad log level", []string{"--log-level", "loud"}, nil, exitUsage, `--log-level "loud"`},
		{"bad addr", []string{"--addr", "8080"}, nil, exitUsage, `--addr "8080"`},
		{"extra argument", []string{"now"}, nil, exitUsage, `unexpected argument "now"`},
		{"data is a file", []string{"--data", file, "--addr", "127.0.0.1:0"}, nil, 1, "is a file; pass a directory with --data"},
		{"bad bootstrap env", []string{"--data", filepath.Join(t.TempDir(), "d"), "--addr", "127.0.0.1:0"},
			map[string]string{"CONNECT_IAM_ACCOUNT_ID": "1234"}, 1, "is not 12 digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := serve(context.Background(), tt.args, func(k string) string { return tt.env[k] }, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr.String(), tt.code, tt.want)
			}
		})
	}
}

// TestServeLifecycle starts serve, checks /healthz, stops it with its
// context (as SIGTERM does) and checks that it exits cleanly, bootstraps
// once and warns about non-loopback addresses.
func TestServeLifecycle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	env := map[string]string{"CONNECT_IAM_ACCOUNT_ID": "123456789012"}
	for i, addr := range []string{"127.0.0.1:0", "0.0.0.0:0"} {
		ctx, cancel := context.WithCancel(context.Background())
		var stderr syncBuffer
		done := make(chan int)
		args := []string{"--addr", addr, "--data", dir}
		if i == 1 {
			args = append(args, "--log-format", "json")
		}
		go func() { done <- serve(ctx, args, func(k string) string { return env[k] }, &stderr) }()
		var url string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if m := regexp.MustCompile(`serving on (http://\S+)`).FindStringSubmatch(stderr.String()); m != nil {
				url = m[1]
				break
			}
		}
		if url == "" {
			cancel()
			t.Fatalf("serve did not start:\n%s", stderr.String())
		}
		resp, err := httpGet(url + "/healthz")
		if err != nil || resp != "ok\n" {
			t.Errorf("/healthz = %q, %v", resp, err)
		}
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("exit %d:\n%s", code, stderr.String())
		}
		out := stderr.String()
		if got := strings.Contains(out, "bootstrapped account 123456789012"); got != (i == 0) {
			t.Errorf("run %d: bootstrap message present = %v:\n%s", i, got, out)
		}
		if got := strings.Contains(out, "non-loopback"); got != (addr == "0.0.0.0:0") {
			t.Errorf("run %d: non-loopback warning present = %v:\n%s", i, got, out)
		}
		if !strings.Contains(out, "store closed") {
			t.Errorf("run %d: no clean store close logged:\n%s", i, out)
		}
		if i == 1 {
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				if strings.HasPrefix(line, "connect-iam serve:") {
					continue // the command's own messages
				}
				var rec map[string]any
				if err := json.Unmarshal([]byte(line), &rec); err != nil {
					t.Errorf("--log-format json: line is not JSON: %s", line)
				}
			}
		}
		if strings.Contains(out, "aws_secret_access_key") {
			t.Errorf("the secret reached stderr")
		}
	}
}

// newDataDir returns the data directory of a server that was started once.
func newDataDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	a, err := app.New(context.Background(), app.Config{DataDir: dir, Logger: slog.New(slog.DiscardHandler),
		Getenv: func(k string) string { return map[string]string{"CONNECT_IAM_ACCOUNT_ID": "123456789012"}[k] }})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestAccountsCommand(t *testing.T) {
	dir := newDataDir(t)
	empty := filepath.Join(t.TempDir(), "empty")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no subcommand", nil, exitUsage, "missing subcommand"},
		{"unknown subcommand", []string{"delete"}, exitUsage, `unknown subcommand "delete"`},
		{"bad id", []string{"create", "--data", dir, "--id", "12"}, exitUsage, `--id "12"`},
		{"create", []string{"create", "--data", dir, "--id", "210987654321"}, exitOK,
			"created account 210987654321 with administrator arn:aws:iam::210987654321:user/admin"},
		{"create again", []string{"create", "--data", dir, "--id", "210987654321"}, 1, "exists already"},
		{"create random", []string{"create", "--data", dir}, exitOK, "credentials: " + filepath.Join(dir, "credentials-")},
		{"no data", []string{"create", "--data", empty}, 1, "no connect-iam data in " + empty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"accounts"}, tt.args...), nil, &stdout, &stderr)
			out := stdout.String() + stderr.String()
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, output:\n%s\nwant exit %d and %q", code, out, tt.code, tt.want)
			}
			if strings.Contains(out, "aws_secret_access_key") {
				t.Errorf("secret printed")
			}
		})
	}
	// list prints every account ID, one per line, in ID order: the
	// bootstrapped one, the one created with --id and the random one.
	var stdout, stderr bytes.Buffer
	if code := run([]string{"accounts", "list", "--data", dir}, nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("accounts list: exit %d: %s", code, stderr.String())
	}
	ids := strings.Fields(stdout.String())
	if len(ids) != 3 || !slices.IsSorted(ids) || !slices.Contains(ids, "123456789012") || !slices.Contains(ids, "210987654321") {
		t.Errorf("accounts list = %q, want 3 sorted IDs including 123456789012 and 210987654321", ids)
	}
	if _, err := os.Stat(empty); !os.IsNotExist(err) {
		t.Errorf("accounts created the missing data directory %s: %v", empty, err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "credentials-210987654321"))
	if err != nil || !bytes.Contains(b, []byte("[default]\naws_access_key_id = AKIA")) {
		t.Errorf("credentials file: %v\n%s", err, b)
	}
}

func TestAuditCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	st, _, err := app.OpenData(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	alice, bob := "arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:user/bob"
	events := []store.Event{
		{EventID: "e1", Time: t0, Source: "iam.amazonaws.com", Name: "CreateUser", AccountID: "123456789012", PrincipalARN: alice,
			RequestParameters: json.RawMessage(`{"userName":"carol"}`), Decision: "Allow"},
		{EventID: "e2", Time: t0.Add(time.Hour), Source: "iam.amazonaws.com", Name: "DeleteUser", AccountID: "123456789012", PrincipalARN: bob,
			ErrorCode: "AccessDenied", ErrorMessage: "User: bob is not authorized", Decision: "ImplicitDeny"},
		{EventID: "e3", Time: t0.Add(2 * time.Hour), Source: "sts.amazonaws.com", Name: "GetCallerIdentity", AccountID: "123456789012", PrincipalARN: alice},
	}
	err = st.Update(context.Background(), func(tx store.Tx) error {
		for _, e := range events {
			if _, err := tx.AppendEvent(e); err != nil {
				return err
			}
		}
		return nil
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	now := t0.Add(3 * time.Hour)
	tests := []struct {
		name    string
		args    []string
		code    int
		wantIDs []string // for JSON output
		want    string   // for text output or errors
	}{
		{"all json, newest first", []string{"--format", "json"}, exitOK, []string{"e3", "e2", "e1"}, ""},
		{"oldest first", []string{"--format", "json", "--oldest-first"}, exitOK, []string{"e1", "e2", "e3"}, ""},
		{"by principal", []string{"--format", "json", "--principal", alice}, exitOK, []string{"e3", "e1"}, ""},
		{"by name", []string{"--format", "json", "--event-name", "DeleteUser"}, exitOK, []string{"e2"}, ""},
		{"by error code", []string{"--format", "json", "--error-code", "AccessDenied"}, exitOK, []string{"e2"}, ""},
		{"errors only", []string{"--format", "json", "--errors"}, exitOK, []string{"e2"}, ""},
		{"by source", []string{"--format", "json", "--source", "iam.amazonaws.com"}, exitOK, []string{"e2", "e1"}, ""},
		{"by source sts", []string{"--format", "json", "--source", "sts.amazonaws.com"}, exitOK, []string{"e3"}, ""},
		{"denied", []string{"--format", "json", "--denied"}, exitOK, []string{"e2"}, ""},
		{"since date-time", []string{"--format", "json", "--since", "2026-05-01T11:00:00Z"}, exitOK, []string{"e3", "e2"}, ""},
		{"since duration, until", []string{"--format", "json", "--since", "3h", "--until", "2026-05-01T12:00:00Z"}, exitOK, []string{"e2", "e1"}, ""},
		{"limit says more exist", []string{"--format", "json", "--limit", "1"}, exitOK, []string{"e3"}, "showing the newest 1 matching events; more exist: run again with the same flags and --next "},
		{"limit, all shown", []string{"--format", "json", "--limit", "1", "--denied"}, exitOK, []string{"e2"}, ""},
		{"bad next", []string{"--next", "bm90IGEgbWFya2Vy"}, exitUsage, nil, `--next "bm90IGEgbWFya2Vy": not a token`},
		{"text", []string{"--event-name", "DeleteUser"}, exitOK, nil, "iam.amazonaws.com  DeleteUser  " + bob},
		{"bad since", []string{"--since", "yesterday"}, exitUsage, nil, `--since: "yesterday" is not a time`},
		{"bad format", []string{"--format", "csv"}, exitUsage, nil, `--format "csv"`},
		{"bad limit", []string{"--limit", "0"}, exitUsage, nil, "--limit 0"},
		{"no data", []string{"--data", filepath.Join(t.TempDir(), "nothing")}, 1, nil, "no connect-iam data in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := auditAt(append([]string{"--data", dir}, tt.args...), now, &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("exit %d, want %d:\n%s%s", code, tt.code, stdout.String(), stderr.String())
			}
			if tt.want != "" && !strings.Contains(stdout.String()+stderr.String(), tt.want) {
				t.Errorf("output lacks %q:\n%s%s", tt.want, stdout.String(), stderr.String())
			}
			if tt.want == "" && strings.Contains(stderr.String(), "more exist") {
				t.Errorf("says more events exist when none do:\n%s", stderr.String())
			}
			if tt.wantIDs == nil {
				return
			}
			var out struct {
				Records []struct {
					EventID           string          `json:"eventID"`
					EventTime         string          `json:"eventTime"`
					EventSource       string          `json:"eventSource"`
					RequestParameters json.RawMessage `json:"requestParameters"`
				}
			}
			if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, stdout.String())
			}
			var ids []string
			for _, r := range out.Records {
				ids = append(ids, r.EventID)
				if r.EventTime == "" || r.EventSource == "" || len(r.RequestParameters) == 0 {
					t.Errorf("record lacks fields: %+v", r)
				}
			}
			if strings.Join(ids, ",") != strings.Join(tt.wantIDs, ",") {
				t.Errorf("events %v, want %v", ids, tt.wantIDs)
			}
		})
	}
	// Paging with --next: pages of one give every event once, newest first.
	var ids []string
	next := ""
	for range 4 {
		args := []string{"--data", dir, "--format", "json", "--limit", "1"}
		if next != "" {
			args = append(args, "--next", next)
		}
		var stdout, stderr bytes.Buffer
		if code := auditAt(args, now, &stdout, &stderr); code != exitOK {
			t.Fatalf("audit %v: exit %d: %s", args, code, stderr.String())
		}
		var out struct {
			Records []struct {
				EventID string `json:"eventID"`
			}
			NextToken string
		}
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		for _, r := range out.Records {
			ids = append(ids, r.EventID)
		}
		if next = out.NextToken; next == "" {
			break
		}
	}
	if strings.Join(ids, ",") != "e3,e2,e1" {
		t.Errorf("pages of one with --next: %v, want e3,e2,e1", ids)
	}
}

// lockedBuffer is a bytes.Buffer safe for a writer and a reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestAuditFollow checks that audit --follow prints the events already
// there from --since and then each new one once, oldest first, as JSON
// lines, until interrupted.
func TestAuditFollow(t *testing.T) {
	old := followPoll
	followPoll = 10 * time.Millisecond
	t.Cleanup(func() { followPoll = old })
	dir := filepath.Join(t.TempDir(), "data")
	st, _, err := app.OpenData(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	appendEvents := func(evs ...store.Event) {
		t.Helper()
		if err := st.Update(context.Background(), func(tx store.Tx) error {
			for _, e := range evs {
				if _, err := tx.AppendEvent(e); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	ev := func(id string, at time.Time, src string) store.Event {
		return store.Event{EventID: id, Time: at, Source: src, Name: "CreateUser", AccountID: "123456789012"}
	}
	appendEvents(ev("before", t0.Add(-time.Hour), "iam.amazonaws.com"), ev("e1", t0, "iam.amazonaws.com"))
	ctx, cancel := context.WithCancel(context.Background())
	var out lockedBuffer
	var errOut bytes.Buffer
	done := make(chan int)
	go func() {
		done <- auditCtx(ctx, []string{"--data", dir, "--follow", "--format", "json", "--since", t0.Format(time.RFC3339), "--source", "iam.amazonaws.com"},
			t0, &out, &errOut)
	}()
	appendEvents(ev("e2", t0, "iam.amazonaws.com"), ev("other", t0.Add(time.Minute), "connect.amazonaws.com"))
	appendEvents(ev("e3", t0.Add(2*time.Minute), "iam.amazonaws.com"))
	var ids []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		ids = ids[:0]
		for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			var r struct{ EventID string }
			if json.Unmarshal([]byte(line), &r) == nil && r.EventID != "" {
				ids = append(ids, r.EventID)
			}
		}
		if len(ids) >= 3 {
			break
		}
	}
	time.Sleep(50 * time.Millisecond) // a few more polls: nothing is printed twice
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("exit %d; stderr %s", code, errOut.String())
	}
	ids = ids[:0]
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var r struct{ EventID string }
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %q is not a JSON record: %v", line, err)
		}
		ids = append(ids, r.EventID)
	}
	if want := []string{"e1", "e2", "e3"}; !slices.Equal(ids, want) {
		t.Errorf("followed %v, want %v", ids, want)
	}
}
