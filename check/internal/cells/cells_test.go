package cells

import (
	"testing"

	"github.com/connect-iam/connect-iam/arn"
)

// sigOf is which of the patterns s matches.
func sigOf(pats []Pattern, s string, match func(Pattern, string) bool) string {
	b := make([]byte, len(pats))
	for i, p := range pats {
		b[i] = '0'
		if match(p, s) {
			b[i] = '1'
		}
	}
	return string(b)
}

func TestStringsComplete(t *testing.T) {
	tests := []struct {
		name   string
		pats   []Pattern
		probes []string // strings whose signature some representative must have
	}{
		{"literal and glob", []Pattern{Literal("abc", false), Glob("a*", false), Glob("*c", false)}, []string{"", "abc", "ac", "a", "zc", "zz", "abcabc"}},
		{"question mark", []Pattern{Glob("a?c", false), Glob("a*", false)}, []string{"abc", "ac", "abbc", "xbc"}},
		{"fold", []Pattern{Literal("Abc", true), Literal("abc", false)}, []string{"ABC", "abc", "aBc", "x"}},
		{"unicode", []Pattern{Glob("é*", false), Literal("ü", false)}, []string{"é", "éa", "ü", "u"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reps, complete := Strings(tt.pats, "")
			if !complete {
				t.Fatal("incomplete")
			}
			have := map[string]bool{}
			for _, r := range reps {
				have[sigOf(tt.pats, r, Pattern.Match)] = true
			}
			for _, p := range tt.probes {
				if s := sigOf(tt.pats, p, Pattern.Match); !have[s] {
					t.Errorf("%q matches %s, which no representative of %q does", p, s, reps)
				}
			}
		})
	}
}

func TestPatternMatchAgreesWithArnGlob(t *testing.T) {
	for _, c := range []struct{ pat, s string }{
		{"a*b?c", "axxbyc"}, {"a*b?c", "abc"}, {"*", ""}, {"?", ""}, {"a**", "a"}, {"*a*", "bab"}, {"x?", "xé"},
	} {
		if got, want := Glob(c.pat, false).Match(c.s), arn.Glob(c.pat, c.s); got != want {
			t.Errorf("Glob(%q).Match(%q) = %v, arn.Glob says %v", c.pat, c.s, got, want)
		}
	}
}

func TestARNsComplete(t *testing.T) {
	pats := []string{
		"arn:aws:connect:*:*:instance/i-1/*",
		"arn:aws:connect:us-east-1:111122223333:instance/*",
		"arn:aws:s3:::b/*",
		"arn:*:connect:*:*:instance/*/queue/*",
		"*",
	}
	var ps []Pattern
	for _, p := range pats {
		ps = append(ps, Glob(p, false))
	}
	reps, complete := ARNs(ps)
	if !complete {
		t.Fatal("incomplete")
	}
	match := func(p Pattern, s string) bool { return MatchARN(p, s) }
	have := map[string]bool{}
	for _, r := range reps {
		have[sigOf(ps, r, match)] = true
		if _, err := arn.Parse(r); err != nil {
			t.Errorf("representative %q is not an ARN: %v", r, err)
		}
	}
	for _, probe := range []string{
		"arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q",
		"arn:aws:connect:eu-west-1:111122223333:instance/i-1/agent/a",
		"arn:aws:connect:us-east-1:111122223333:instance/i-2",
		"arn:aws-cn:connect:x:y:instance/i-2/queue/q",
		"arn:aws:s3:::b/k",
		"arn:aws:s3:::c/k",
	} {
		if s := sigOf(ps, probe, match); !have[s] {
			t.Errorf("%q matches %s, which no representative does (%q)", probe, s, reps)
		}
		for i, p := range pats {
			if got, want := MatchARN(ps[i], probe), arn.Match(p, probe); got != want {
				t.Errorf("MatchARN(%q, %q) = %v, arn.Match says %v", p, probe, got, want)
			}
		}
	}
}

func TestPrettifyKeepsSignature(t *testing.T) {
	ps := []Pattern{Glob("arn:*:connect:*:*:instance/*/queue/*", false), Glob("arn:aws:connect:*:*:instance/i-1/*", false)}
	for _, rep := range []string{"arn:x:connect:::instance//queue/", "arn:aws:connect:::instance/i-1/"} {
		got := Prettify(rep, ps)
		if sigOf(ps, got, MatchARN) != sigOf(ps, rep, MatchARN) {
			t.Errorf("Prettify(%q) = %q changes which patterns match", rep, got)
		}
	}
	if got := Prettify("arn:x:connect:::instance//queue/", ps); got != "arn:aws:connect:us-east-1:111122223333:instance/example/queue/example" {
		t.Errorf("Prettify = %q", got)
	}
}
