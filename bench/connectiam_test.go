package bench

import (
	"testing"

	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/policy"
)

// prepareConnectIAM compiles the scenario's policies as identity-based
// policies of an IAM user and builds the request and its context once.
func prepareConnectIAM(tb testing.TB, sc *scenario) func() bool {
	tb.Helper()
	set := &eval.PolicySet{}
	for _, stmts := range sc.Policies {
		set.Identity = append(set.Identity, compileIAM(tb, iamJSON(stmts, false)))
	}
	r := connectIAMRequest(tb, &sc.Req)
	return func() bool { return set.Decide(r) == eval.Allow }
}

// compileIAM parses and compiles one identity-based policy.
func compileIAM(tb testing.TB, src string) *eval.Policy {
	tb.Helper()
	p, err := policy.Parse([]byte(src))
	if err != nil {
		tb.Fatalf("parse: %v\n%s", err, src)
	}
	cp, err := eval.Compile(p, eval.WithType(eval.Identity))
	if err != nil {
		tb.Fatalf("compile: %v", err)
	}
	return cp
}

// connectIAMRequest builds the engine's request for the user req.User.
func connectIAMRequest(tb testing.TB, req *request) *eval.Request {
	tb.Helper()
	p, err := eval.ParsePrincipal("arn:aws:iam::" + account + ":user/" + req.User)
	if err != nil {
		tb.Fatal(err)
	}
	ctx := eval.NewContext()
	for k, v := range req.Tags {
		ctx.Set("aws:ResourceTag/"+k, v)
	}
	for k, v := range req.Context {
		ctx.Set(k, v)
	}
	p.AddToContext(ctx)
	r := &eval.Request{Principal: p, Action: req.Action, Resource: req.Resource, Context: ctx}
	r.ResourceAccount = r.EffectiveResourceAccount()
	return r
}

func TestConnectIAMDecisions(t *testing.T) {
	checkScenarios(t, "connect-iam", nil, prepareConnectIAM)
}

func BenchmarkConnectIAM(b *testing.B) {
	benchScenarios(b, "connect-iam", nil, prepareConnectIAM)
}

func BenchmarkConnectIAMParallel(b *testing.B) {
	parallelScenarios(b, "connect-iam", nil, prepareConnectIAM)
}
