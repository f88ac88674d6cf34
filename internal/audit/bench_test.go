package audit

import (
	"testing"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/iam"
	"github.com/connect-iam/connect-iam/policy"
)

// BenchmarkDenialRecord is what the audit log adds per denied request:
// under deny the decision, message and missing permission; under log
// also the engine's explanation (here of iam:ListUsers against
// AmazonConnect_FullAccess, seven statements), as JSON.
func BenchmarkDenialRecord(b *testing.B) {
	doc, ok := iam.ManagedPolicy("arn:aws:iam::aws:policy/AmazonConnect_FullAccess")
	if !ok {
		b.Fatal("no AmazonConnect_FullAccess")
	}
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		b.Fatal(err)
	}
	pol, err := eval.Compile(p, eval.WithType(eval.Identity), eval.WithName("AmazonConnect_FullAccess"))
	if err != nil {
		b.Fatal(err)
	}
	pr, err := eval.ParsePrincipal("arn:aws:sts::111122223333:assumed-role/app/run")
	if err != nil {
		b.Fatal(err)
	}
	set := &eval.PolicySet{Identity: []*eval.Policy{pol}}
	req := &eval.Request{Principal: pr, Action: "iam:ListUsers", Resource: "arn:aws:iam::111122223333:user/*", Context: eval.NewContext()}
	x := set.Explain(req)
	for _, mode := range []authz.Enforcement{authz.EnforceDeny, authz.EnforceLog, authz.EnforceOff} {
		rec := authz.Record{Action: req.Action, Resource: req.Resource, Decision: x.Decision, Message: x.Message, Explanation: x, Enforcement: mode}
		if mode == authz.EnforceOff {
			rec.Message, rec.Explanation = "", nil
		}
		recs := []authz.Record{rec}
		b.Run(mode.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if authorizationData(recs) == nil {
					b.Fatal("no data")
				}
			}
		})
	}
	b.Run("explain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			set.Explain(req)
		}
	})
	b.Run("decide", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			set.Decide(req)
		}
	})
}
