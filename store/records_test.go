package store

import (
	"errors"
	"strings"
	"testing"
)

func TestValidAccountID(t *testing.T) {
	cases := []struct {
		id   string
		want bool
	}{
		{"123456789012", true},
		{"000000000000", true},
		{"12345678901", false},
		{"1234567890123", false},
		{"12345678901a", false},
		{"", false},
		{"１２３４５６７８９０１２", false}, // full-width digits
	}
	for _, c := range cases {
		if got := ValidAccountID(c.id); got != c.want {
			t.Errorf("ValidAccountID(%q) = %v, want %v", c.id, got, c.want)
		}
	}
}

func TestParseVersionID(t *testing.T) {
	cases := []struct {
		s    string
		n    int
		want bool
	}{
		{"v1", 1, true},
		{"v5", 5, true},
		{"v123", 123, true},
		{"v0", 0, false},
		{"v01", 0, false},
		{"V1", 0, false},
		{"v", 0, false},
		{"1", 0, false},
		{"v1a", 0, false},
		{"v-1", 0, false},
		{"v99999999999999999999", 0, false},
	}
	for _, c := range cases {
		n, ok := ParseVersionID(c.s)
		if ok != c.want || (ok && n != c.n) {
			t.Errorf("ParseVersionID(%q) = %d, %v; want %d, %v", c.s, n, ok, c.n, c.want)
		}
		if ok && VersionID(n) != c.s {
			t.Errorf("VersionID(%d) = %q, want %q", n, VersionID(n), c.s)
		}
	}
}

func TestNewID(t *testing.T) {
	cases := []struct {
		prefix string
		n      int
	}{
		{"AIDA", 21}, {"AKIA", 20}, {"ASIA", 20}, {"AROA", 21}, {"", 8}, {"LONGPREFIX", 4},
	}
	for _, c := range cases {
		id := NewID(c.prefix, c.n)
		if !strings.HasPrefix(id, c.prefix) || len(id) != max(c.n, len(c.prefix)) {
			t.Errorf("NewID(%q, %d) = %q", c.prefix, c.n, id)
		}
		if strings.Trim(id[len(c.prefix):], "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
			t.Errorf("NewID(%q, %d) = %q uses characters outside A-Z2-7", c.prefix, c.n, id)
		}
	}
	seen := map[string]bool{}
	for range 1000 {
		id := NewID("AIDA", 21)
		if seen[id] {
			t.Fatalf("NewID repeated %s", id)
		}
		seen[id] = true
	}
}

func TestFoldName(t *testing.T) {
	for _, c := range [][2]string{{"Alice", "alice"}, {"ALICE", "alice"}, {"a+b=c,d.e@f-g_h", "a+b=c,d.e@f-g_h"}} {
		if got := FoldName(c[0]); got != c[1] {
			t.Errorf("FoldName(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}

func TestSchemaVersionError(t *testing.T) {
	var err error = &SchemaVersionError{Path: "/data/connect-iam.db", Database: 4, Binary: 2}
	msg := err.Error()
	for _, want := range []string{"/data/connect-iam.db", "schema version 4", "version 2", "connect-iam release"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not contain %q", msg, want)
		}
	}
	var sv *SchemaVersionError
	if !errors.As(err, &sv) || sv.Database != 4 {
		t.Errorf("errors.As failed on %v", err)
	}
}

func TestEntityRefString(t *testing.T) {
	if got := (EntityRef{Kind: KindRole, Name: "Admin"}).String(); got != `role "Admin"` {
		t.Errorf("String() = %s", got)
	}
}
