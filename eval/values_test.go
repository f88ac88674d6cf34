package eval

import (
	"testing"
	"time"
)

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		a, b string
		cmp  int // -2: a does not parse
	}{
		{"10", "10.0", 0},
		{"-0", "0", 0},
		{"+3", "3", 0},
		{".5", "0.50", 0},
		{"0.5", "0.51", -1},
		{"9", "10", -1},
		{"-10", "-9", -1},
		{"-1", "1", -1},
		{"100000000000000000001", "100000000000000000000", 1},
		{"007", "7", 0},
		{"1e3", "1000", -2},
		{"", "0", -2},
		{".", "0", -2},
		{"-", "0", -2},
		{"1.2.3", "0", -2},
		{"0x10", "16", -2},
	}
	for _, tt := range tests {
		a, ok := parseDecimal(tt.a)
		if tt.cmp == -2 {
			if ok {
				t.Errorf("parseDecimal(%q) succeeded, want failure", tt.a)
			}
			continue
		}
		b, okb := parseDecimal(tt.b)
		if !ok || !okb {
			t.Fatalf("parseDecimal(%q, %q) failed", tt.a, tt.b)
		}
		if got := a.cmp(b); got != tt.cmp {
			t.Errorf("cmp(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.cmp)
		}
		if got := b.cmp(a); got != -tt.cmp {
			t.Errorf("cmp(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.cmp)
		}
	}
}

func TestParseDate(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2026", utc(2026, 1, 1, 0, 0, 0, 0), true},
		{"2026-11", utc(2026, 11, 1, 0, 0, 0, 0), true},
		{"2026-11-22", utc(2026, 11, 22, 0, 0, 0, 0), true},
		{"2026-11-22T10:30Z", utc(2026, 11, 22, 10, 30, 0, 0), true},
		{"2026-11-22T10:30:15Z", utc(2026, 11, 22, 10, 30, 15, 0), true},
		{"2026-11-22T10:30:15.25Z", utc(2026, 11, 22, 10, 30, 15, 250000000), true},
		{"2026-11-22T10:30:15+01:00", utc(2026, 11, 22, 9, 30, 15, 0), true},
		{"2026-11-22T10:30:15-05:30", utc(2026, 11, 22, 16, 0, 15, 0), true},
		{"2026-11-22t10:30:15z", utc(2026, 11, 22, 10, 30, 15, 0), true},
		{"2026-11-22T10:30:15", utc(2026, 11, 22, 10, 30, 15, 0), true}, // no zone: UTC
		{"1795000000", time.Unix(1795000000, 0).UTC(), true},
		{"1795000000.5", time.Unix(1795000000, 500000000).UTC(), true},
		{"0", time.Unix(0, 0).UTC(), true},
		{"2024-02-29", utc(2024, 2, 29, 0, 0, 0, 0), true},
		{"2026-02-29", time.Time{}, false},
		{"2026-13", time.Time{}, false},
		{"2026-11-22T24:00Z", time.Time{}, false},
		{"2026-11-22T10:60Z", time.Time{}, false},
		{"2026-11-22T10Z", time.Time{}, false},
		{"2026-11-22 10:30Z", time.Time{}, false},
		{"2026-11-22T10:30:15.Z", time.Time{}, false},
		{"2026-11-22T10:30:15+0100", time.Time{}, false},
		{"26-11-22", time.Time{}, false},
		{"", time.Time{}, false},
		{"today", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in)
		if ok != tt.ok || ok && !got.Equal(tt.want) {
			t.Errorf("parseDate(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParsePrefix(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"203.0.113.0/24", "203.0.113.0/24", true},
		{"203.0.113.7/24", "203.0.113.0/24", true},
		{"203.0.113.7", "203.0.113.7/32", true},
		{"2001:DB8::/32", "2001:db8::/32", true},
		{"2001:db8::1", "2001:db8::1/128", true},
		{"::ffff:203.0.113.0/120", "203.0.113.0/24", true},
		{"203.0.113.0/33", "", false},
		{"fe80::1%eth0", "", false},
		{"not an ip", "", false},
	}
	for _, tt := range tests {
		got, ok := parsePrefix(tt.in)
		if ok != tt.ok || ok && got.String() != tt.want {
			t.Errorf("parsePrefix(%q) = %v, %v; want %s, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
