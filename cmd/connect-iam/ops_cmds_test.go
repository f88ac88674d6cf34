package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connect-iam/connect-iam/internal/app"
)

// TestKeysAndDBCommands runs keys rotate, db check and db backup on a
// bootstrapped data directory, and db check on a damaged copy.
func TestKeysAndDBCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	a, err := app.New(context.Background(), app.Config{DataDir: dir, Logger: slog.New(slog.DiscardHandler), Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	backup := filepath.Join(t.TempDir(), "backup.db")
	tests := []struct {
		name    string
		args    []string
		code    int
		wantOut string
		wantErr string
	}{
		{"rotate", []string{"keys", "rotate", "--data", dir}, exitOK, "secrets resealed", ""},
		{"check", []string{"db", "check", "--data", dir}, exitOK, "connect-iam.db: ok", ""},
		{"backup", []string{"db", "backup", "--data", dir, backup}, exitOK, "backed up", ""},
		{"backup over a file", []string{"db", "backup", "--data", dir, backup}, 1, "", "the file exists"},
		{"backup without FILE", []string{"db", "backup", "--data", dir}, exitUsage, "", "backup needs one FILE"},
		{"unknown subcommand", []string{"keys", "show"}, exitUsage, "", `unknown subcommand "show"`},
		{"no data", []string{"db", "check", "--data", filepath.Join(dir, "nothing")}, 1, "", "no connect-iam database"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(tc.args, nil, &out, &errb); code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tc.code, errb.String())
			}
			if !strings.Contains(out.String(), tc.wantOut) || !strings.Contains(errb.String(), tc.wantErr) {
				t.Errorf("stdout %q (want %q), stderr %q (want %q)", out.String(), tc.wantOut, errb.String(), tc.wantErr)
			}
		})
	}
	// The server starts on the rotated key.
	a, err = app.New(context.Background(), app.Config{DataDir: dir, Logger: slog.New(slog.DiscardHandler), Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatalf("start after the rotation: %v", err)
	}
	a.Close()
	// A damaged database is reported by db check.
	db := filepath.Join(dir, app.DatabaseFile)
	fi, err := os.Stat(db)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(db, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xA5}, 8192), fi.Size()/2/4096*4096); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var out, errb bytes.Buffer
	if code := run([]string{"db", "check", "--data", dir}, nil, &out, &errb); code != 1 || !strings.Contains(errb.String(), "is damaged") {
		t.Errorf("db check of a damaged database: exit %d, stderr %s", code, errb.String())
	}
}
