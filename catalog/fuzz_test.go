package catalog

import (
	"regexp"
	"strings"
	"testing"
)

// FuzzClassifyARN checks that classification never panics and that every
// resource type it returns does match the ARN.
func FuzzClassifyARN(f *testing.F) {
	for _, s := range []string{
		"arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-1",
		"arn:aws:connect:*:*:instance/*/queue/*",
		"arn:aws:iam::111122223333:role/a/b/c",
		"arn:aws:wisdom:us-east-1:1:ai-agent/a/b:1",
		"arn:aws:s3:::bucket/key/with/slashes",
		"arn:::::",
		"arn:",
	} {
		f.Add(s)
	}
	c := Default()
	f.Fuzz(func(t *testing.T, arn string) {
		for _, rt := range c.ClassifyARN(arn) {
			if !rt.MatchesARN(arn) {
				t.Errorf("ClassifyARN(%q) returned %s:%s, which does not match it", arn, rt.Service.Prefix, rt.Name)
			}
		}
	})
}

// FuzzGlob compares glob with a regular-expression rendering of the same
// pattern.
func FuzzGlob(f *testing.F) {
	f.Add("describe*", "describeuser")
	f.Add("*user*", "listusers")
	f.Add("a?c*", "abcd")
	f.Add("**?", "")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		var re strings.Builder
		re.WriteString(`(?s)\A`)
		for _, r := range pattern {
			switch r {
			case '*':
				re.WriteString(`.*`)
			case '?':
				re.WriteString(`.`)
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		re.WriteString(`\z`)
		// glob works on bytes and ? matches one byte; compare on ASCII only.
		for i := 0; i < len(pattern); i++ {
			if pattern[i] >= 0x80 {
				return
			}
		}
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				return
			}
		}
		want := regexp.MustCompile(re.String()).MatchString(s)
		if got := glob(pattern, s); got != want {
			t.Errorf("glob(%q, %q) = %v, regexp says %v", pattern, s, got, want)
		}
	})
}
