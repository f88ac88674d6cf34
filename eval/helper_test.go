package eval

import (
	"testing"

	"github.com/connect-iam/connect-iam/policy"
)

// parsePolicy parses a test policy.
func parsePolicy(t testing.TB, src string) *policy.Policy {
	t.Helper()
	p, err := policy.Parse([]byte(src))
	if err != nil {
		t.Fatalf("test policy does not parse: %v\n%s", err, src)
	}
	return p
}

// compilePolicy parses and compiles a test policy.
func compilePolicy(t testing.TB, name, src string) *Policy {
	t.Helper()
	p, err := Compile(parsePolicy(t, src), WithName(name))
	if err != nil {
		t.Fatalf("Compile(%s): %v", name, err)
	}
	return p
}
