package app_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connect-iam/connect-iam/internal/app"
)

func TestNewErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		dir  string
		env  map[string]string
		want string
	}{
		{"data dir is a file", file, nil, "is a file; pass a directory with --data"},
		{"half a bootstrap key", filepath.Join(t.TempDir(), "d"), map[string]string{"CONNECT_IAM_BOOTSTRAP_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE"},
			"must be set together"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := app.New(context.Background(), app.Config{DataDir: tt.dir, Logger: slog.New(slog.DiscardHandler),
				Getenv: func(k string) string { return tt.env[k] }})
			if err == nil {
				a.Close()
				t.Fatal("New succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want %q", err, tt.want)
			}
		})
	}
}

// TestRestart checks that a second App on the same data directory keeps
// the first one's account and that both serve /healthz.
func TestRestart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	var accounts []string
	for i := 0; i < 2; i++ {
		a, err := app.New(context.Background(), app.Config{DataDir: dir, Logger: slog.New(slog.DiscardHandler),
			Getenv: func(string) string { return "" }})
		if err != nil {
			t.Fatal(err)
		}
		if a.Bootstrap.Created != (i == 0) {
			t.Errorf("start %d: Created = %v", i, a.Bootstrap.Created)
		}
		accounts = append(accounts, a.Bootstrap.AccountID)
		rec := httptest.NewRecorder()
		a.Server.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		if rec.Code != http.StatusOK {
			t.Errorf("start %d: /healthz %d", i, rec.Code)
		}
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if accounts[0] != accounts[1] {
		t.Errorf("account changed across restarts: %v", accounts)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("data directory mode %v, want 0700", fi.Mode().Perm())
	}
}
