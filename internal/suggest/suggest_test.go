package suggest

import (
	"slices"
	"testing"
)

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"", "", 3, 0},
		{"abc", "abc", 3, 0},
		{"abc", "abd", 3, 1},
		{"abc", "acb", 3, 1}, // a transposition is one edit
		{"simulate", "simulat", 3, 1},
		{"app-integartions", "app-integrations", 3, 1},
		{"kitten", "sitting", 5, 3},
		{"kitten", "sitting", 2, 3}, // stops early at limit+1
		{"a", "abcdef", 2, 3},       // length difference alone exceeds the limit
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
		if got := Distance(tt.b, tt.a, tt.limit); got != tt.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d (not symmetric)", tt.b, tt.a, tt.limit, got, tt.want)
		}
	}
}

func TestClosest(t *testing.T) {
	cands := []string{"simulate", "validate", "describe", "actions", "StringEquals", "StringNotEquals"}
	tests := []struct {
		name string
		max  int
		want []string
	}{
		{"simulat", 3, []string{"simulate"}},
		{"valdiate", 3, []string{"validate"}},
		{"stringequals", 3, []string{"StringEquals", "StringNotEquals"}}, // case alone is one suggestion, nearest first
		{"StringEquals", 3, []string{"StringNotEquals"}},                 // itself is not a suggestion
		{"xyz", 3, []string{}},
		{"StringNotEqual", 1, []string{"StringNotEquals"}},
	}
	for _, tt := range tests {
		if got := Closest(tt.name, cands, tt.max); !slices.Equal(got, tt.want) {
			t.Errorf("Closest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := Best("describ", cands); got != "describe" {
		t.Errorf("Best = %q", got)
	}
	if got := Best("nothing-like-it", cands); got != "" {
		t.Errorf("Best = %q, want \"\"", got)
	}
}

func FuzzDistance(f *testing.F) {
	f.Add("app-integartions", "app-integrations")
	f.Add("", "x")
	f.Fuzz(func(t *testing.T, a, b string) {
		d := Distance(a, b, 3)
		if d < 0 || d > 4 {
			t.Fatalf("Distance = %d, outside [0, limit+1]", d)
		}
		if (d == 0) != (a == b) {
			t.Fatalf("Distance(%q, %q) = %d", a, b, d)
		}
		if e := Distance(b, a, 3); e != d {
			t.Fatalf("not symmetric: %d vs %d", d, e)
		}
	})
}
