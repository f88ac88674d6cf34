package catalog

import (
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
