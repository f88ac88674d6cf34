package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "routes.go")
	if err := run("testdata/routes.json", "testdata/errors.json", out); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/routes.go.golden")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("generated\n%s\nwant\n%s", got, want)
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"X": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		routes, errors, want string
	}{
		{"testdata/none.json", "testdata/errors.json", "none.json"},
		{bad, "testdata/errors.json", "bad.json"},
		{"testdata/routes.json", bad, "bad.json"},
	}
	for _, tt := range tests {
		err := run(tt.routes, tt.errors, filepath.Join(dir, "out.go"))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%s, %s) = %v, want an error naming %s", tt.routes, tt.errors, err, tt.want)
		}
	}
}
