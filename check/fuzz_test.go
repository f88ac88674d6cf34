package check

import (
	"testing"

	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/simulate"
)

// FuzzNoNewAccess checks any two identity policies the engine compiles:
// the check never fails on them, and every counterexample of a FAIL
// replays through simulate as allowed by the new policy and not by the
// existing one.
func FuzzNoNewAccess(f *testing.F) {
	f.Add([]byte(pol(`{"Effect":"Allow","Action":"connect:DescribeUser","Resource":"*"}`)), []byte(pol(`{"Effect":"Allow","Action":"connect:Describe*","Resource":"*"}`)))
	f.Add([]byte(pol(`{"Effect":"Allow","Action":"*","Resource":"*"}`, `{"Effect":"Deny","Action":"iam:PassRole","NotResource":"arn:aws:iam::*:role/ok/*"}`)),
		[]byte(pol(`{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::1:role/no/x","Condition":{"StringLike":{"aws:ResourceTag/a":"${aws:PrincipalTag/b}*"}}}`)))
	f.Add([]byte(pol(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`)),
		[]byte(pol(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01"}}}`)))
	f.Fuzz(func(t *testing.T, existing, newDoc []byte) {
		res, err := NoNewAccess(existing, newDoc, IdentityPolicy, nil)
		if err != nil {
			return // not a policy the engine compiles
		}
		for _, r := range res.Reasons {
			cx := r.Counterexample
			if cx == nil {
				continue
			}
			got, err := simulate.Evaluate(cx.NewInput)
			if err != nil || got.Decision != eval.Allow {
				t.Fatalf("counterexample not allowed by the new policy: %v %v\n%s", got, err, cx.NewInput)
			}
			got, err = simulate.Evaluate(cx.ExistingInput)
			if err != nil || got.Decision == eval.Allow {
				t.Fatalf("counterexample allowed by the existing policy: %v %v\n%s", got, err, cx.ExistingInput)
			}
		}
	})
}
