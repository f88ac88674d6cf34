package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/store/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestOpenPostgresMasterKey checks how nodes of one database share the
// master key: the first creates it, a node with a copy opens, a node
// without it or with another key is refused, naming the key to copy.
func TestOpenPostgresMasterKey(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	first := filepath.Join(t.TempDir(), "first")
	st, box, err := OpenPostgres(t.Context(), first, dsn)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	key, err := os.ReadFile(filepath.Join(first, secretbox.KeyFile))
	if err != nil {
		t.Fatalf("the first node has no master key: %v", err)
	}

	copied := filepath.Join(t.TempDir(), "copied")
	os.MkdirAll(copied, 0o700)
	if err := os.WriteFile(filepath.Join(copied, secretbox.KeyFile), key, 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "other")
	os.MkdirAll(other, 0o700)
	if _, err := secretbox.Create(filepath.Join(other, secretbox.KeyFile)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir string
		want      string // "" for success
	}{
		{"same key", copied, ""},
		{"no key", filepath.Join(t.TempDir(), "none"), "is missing"},
		{"another key", other, box.KeyID()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, b, err := OpenPostgres(t.Context(), tc.dir, dsn)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				if b.KeyID() != box.KeyID() {
					t.Errorf("key ID %s, want %s", b.KeyID(), box.KeyID())
				}
				return
			}
			if err == nil {
				st.Close()
				t.Fatal("opened, want refused")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
	if _, _, err := OpenPostgres(t.Context(), first, "mysql://x/y"); err == nil || !strings.Contains(err.Error(), "not a postgres:// URL") {
		t.Errorf("a non-postgres URL: %v", err)
	}
}
