package eval

import (
	"fmt"
	"strings"
	"testing"
)

// benchPolicy returns a policy of n statements in the shape of real
// Connect policies: each allows a distinct action on a resource with a
// policy variable, under a tag condition with a variable and a date
// condition; one statement in ten is a Deny on a wildcard action.
func benchPolicy(n int) string {
	var sb strings.Builder
	sb.WriteString(`{"Version": "2012-10-17", "Statement": [`)
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		effect, action := "Allow", fmt.Sprintf("connect:Action%d", i)
		if i%10 == 9 {
			effect, action = "Deny", fmt.Sprintf("connect:Delete%d*", i)
		}
		fmt.Fprintf(&sb, `{"Sid": "S%d", "Effect": %q, "Action": [%q, "connect:List%d"],
			"Resource": "arn:aws:connect:*:111122223333:instance/*/agent/${aws:PrincipalTag/AgentPrefix, 'u-'}*",
			"Condition": {"StringEquals": {"aws:ResourceTag/Department": "${aws:PrincipalTag/Department}"},
			              "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
			              "Bool": {"aws:SecureTransport": "true"}}}`, i, effect, action, i)
	}
	sb.WriteString(`]}`)
	return sb.String()
}

func benchRequest(tb testing.TB, action string) *Request {
	p, err := ParsePrincipal("arn:aws:iam::111122223333:user/alice")
	if err != nil {
		tb.Fatal(err)
	}
	p.Tags = map[string]string{"Department": "Test"}
	ctx := NewContext()
	ctx.Set("aws:ResourceTag/Department", "Test")
	ctx.Set("aws:CurrentTime", "2026-11-22T10:00:00Z")
	ctx.Set("aws:SecureTransport", "true")
	p.AddToContext(ctx)
	r := &Request{Principal: p, Action: action, Resource: "arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/u-1", Context: ctx}
	r.ResourceAccount = r.EffectiveResourceAccount()
	return r
}

func BenchmarkDecide(b *testing.B) {
	for _, n := range []int{1, 10, 100, 1000} {
		b.Run(fmt.Sprintf("statements=%d", n), func(b *testing.B) {
			s := &PolicySet{
				Identity:            []*Policy{compilePolicy(b, "identity", benchPolicy(n))},
				PermissionsBoundary: compilePolicy(b, "boundary", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "connect:*", "Resource": "*"}}`),
			}
			// The last allowed action: the worst case for a linear scan.
			last := n - 1
			if last%10 == 9 {
				last--
			}
			r := benchRequest(b, fmt.Sprintf("connect:action%d", last))
			if d := s.Decide(r); d != Allow {
				b.Fatalf("Decide = %s, want Allow", d)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				s.Decide(r)
			}
		})
	}
}

func TestDecideDoesNotAllocate(t *testing.T) {
	s := &PolicySet{
		Identity:            []*Policy{compilePolicy(t, "identity", benchPolicy(10))},
		PermissionsBoundary: compilePolicy(t, "boundary", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "connect:*", "Resource": "*"}}`),
		Resource:            compilePolicy(t, "resource", resPolicy(`{"AWS": "111122223333"}`)),
		SCPs:                [][]*Policy{{compilePolicy(t, "scp", allowAll)}},
	}
	for _, action := range []string{"connect:Action3", "connect:Delete9x", "connect:List5", "s3:GetObject"} {
		r := benchRequest(t, action)
		allocs := testing.AllocsPerRun(100, func() { s.Decide(r) })
		if allocs != 0 {
			t.Errorf("Decide(%s) allocates %v times, want 0", action, allocs)
		}
	}
}

// TestVariableGlobDoesNotAllocate: a resource and a condition value with
// policy variables and wildcards are substituted on the stack and matched
// by arn.MatchPieces without allocating.
func TestVariableGlobDoesNotAllocate(t *testing.T) {
	s := &PolicySet{Identity: []*Policy{compilePolicy(t, "identity", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "connect:*",
		"Resource": "arn:aws:connect:*:*:instance/*/agent/*",
		"Condition": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:user/*${aws:username}*", "aws:ResourceTag/Department": "*${aws:PrincipalTag/Department}*"}}}}`)}}
	r := benchRequest(t, "connect:DescribeUser")
	if d := s.Decide(r); d != Allow {
		t.Fatalf("Decide = %s, want Allow", d)
	}
	if allocs := testing.AllocsPerRun(100, func() { s.Decide(r) }); allocs != 0 {
		t.Errorf("Decide with variables in globs allocates %v times, want 0", allocs)
	}
}

// TestFailSafeRulesDoNotAllocate checks the paths of the fail-safe rules:
// an unresolvable Resource variable, a short ARN pattern, a Deny with
// NotPrincipal for a principal with a boundary, and a service-linked
// role's exemption from SCPs.
func TestFailSafeRulesDoNotAllocate(t *testing.T) {
	s := &PolicySet{
		Identity: []*Policy{compilePolicy(t, "identity", `{"Version": "2012-10-17", "Statement": [
			{"Effect": "Allow", "Action": "connect:*", "NotResource": "arn:aws:connect:*:*:instance/*/agent/${aws:username}"},
			{"Effect": "Allow", "Action": "connect:*", "Resource": "arn:aws:connect:*"},
			{"Effect": "Deny", "Action": "connect:Delete*", "NotResource": ["arn:aws:connect:*:*:instance/${aws:PrincipalTag/missing}/*", "arn:aws:connect:*"]}]}`)},
		PermissionsBoundary: compilePolicy(t, "boundary", allowAll),
		Resource:            compilePolicy(t, "resource", `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "NotPrincipal": {"AWS": "111122223333"}, "Action": "connect:List*", "Resource": "*"}}`),
		SCPs:                [][]*Policy{{compilePolicy(t, "scp", allowOther)}},
	}
	slr, err := ParsePrincipal("arn:aws:iam::111122223333:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_1")
	if err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{"connect:DescribeUser", "connect:DeleteUser", "connect:ListUsers"} {
		r := benchRequest(t, action)
		for _, p := range []Principal{r.Principal, slr} {
			r.Principal = p
			if allocs := testing.AllocsPerRun(100, func() { s.Decide(r) }); allocs != 0 {
				t.Errorf("Decide(%s) for %s allocates %v times, want 0", action, p.ARN, allocs)
			}
		}
	}
}
