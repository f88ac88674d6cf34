package sqlite

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// populated returns a closed database file with a few hundred KiB of rows.
func populated(t testing.TB, rows int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := s.writer.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if _, err := tx.Exec("INSERT INTO accounts (id, alias, created_us) VALUES (?, ?, ?)",
			fmt.Sprintf("%012d", i), fmt.Sprintf("alias-%d-%s", i, strings.Repeat("x", 64)), i); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOpenRefusesDamage: 8 KiB of garbage in the middle of the file (the
// fault the attack probe injected) is refused at open, by quick_check
// and by the full check, with a message that says what to do.
func TestOpenRefusesDamage(t *testing.T) {
	for _, full := range []bool{false, true} {
		t.Run(fmt.Sprintf("full=%v", full), func(t *testing.T) {
			path := populated(t, 5000)
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			off := fi.Size() / 2 / 4096 * 4096
			if _, err := f.WriteAt(bytes.Repeat([]byte{0xA5, 0x5A, 0x00, 0xFF}, 2048), off); err != nil {
				t.Fatal(err)
			}
			f.Close()
			s, err := OpenOptions(t.Context(), path, Options{FullCheck: full})
			if err == nil {
				s.Close()
				t.Fatal("Open accepted a damaged database")
			}
			var ce *CorruptError
			if !errors.As(err, &ce) || ce.Path != path {
				t.Fatalf("error %v, want a *CorruptError for %s", err, path)
			}
			for _, w := range []string{path, "restore"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestBackupAndCheck(t *testing.T) {
	path := populated(t, 200)
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Check(t.Context()); err != nil {
		t.Fatalf("Check of a healthy database: %v", err)
	}
	out := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(t.Context(), out); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, mode %v, want 0600", err, fi.Mode().Perm())
	}
	if err := s.Backup(t.Context(), out); err == nil || !strings.Contains(err.Error(), "the file exists") {
		t.Errorf("second Backup to the same file: %v, want a refusal", err)
	}
	b, err := Open(t.Context(), out)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var n int
	if err := b.readers.QueryRow("SELECT count(*) FROM accounts").Scan(&n); err != nil || n != 200 {
		t.Errorf("backup holds %d accounts (%v), want 200", n, err)
	}
}

// BenchmarkOpenCheck measures what the check at open costs on a database
// of 20,000 rows (about 3 MiB): compare quick_check with integrity_check.
func BenchmarkOpenCheck(b *testing.B) {
	path := populated(b, 20000)
	for _, full := range []bool{false, true} {
		b.Run(fmt.Sprintf("full=%v", full), func(b *testing.B) {
			s, err := Open(b.Context(), path)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			for b.Loop() {
				if err := check(b.Context(), s.writer, path, full); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
