package check

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/policy"
)

var (
	propertyPairs = flag.Int("check.pairs", 30, "random policy pairs TestRandomPairs checks (raise for a longer run)")
	propertySeed  = flag.Uint64("check.seed", 13, "the seed of TestRandomPairs's generator")
)

// gen builds random identity policies from a grammar that covers every
// operator family: String (Equals, Like, IgnoreCase, negated, with a
// policy variable), ARN, Numeric, Date, Bool, IP, Null, IfExists and the
// set qualifiers, with Action/NotAction and Resource/NotResource.
type gen struct{ r *rand.Rand }

var (
	genActions   = []string{"connect:DescribeUser", "connect:DeleteQueue", "connect:Describe*", "connect:*", "s3:GetObject", "s3:*", "iam:PassRole", "*"}
	genResources = []string{
		"*", "arn:aws:connect:*:*:instance/i-1/*", "arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/*",
		"arn:aws:connect:*:*:instance/i-?/queue/*", "arn:aws:s3:::b/*", "arn:aws:s3:::b/${aws:username}/*", "arn:aws:iam::*:role/ok/*",
	}
)

func (g gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

func (g gen) condition() string {
	switch g.r.IntN(11) {
	case 0:
		return fmt.Sprintf(`"%s":{"aws:ResourceTag/team":%q}`, g.pick([]string{"StringEquals", "StringNotEquals", "StringLike", "StringNotLike", "StringEqualsIgnoreCase"}), g.pick([]string{"a", "A", "a*", "b", "${aws:PrincipalTag/team}"}))
	case 1:
		return fmt.Sprintf(`"%s":{"aws:TagKeys":[%q,%q]}`, g.pick([]string{"ForAllValues:StringEquals", "ForAnyValue:StringEquals", "ForAnyValue:StringLike"}), g.pick([]string{"Owner", "Team"}), g.pick([]string{"Owner", "O*"}))
	case 2:
		return fmt.Sprintf(`"%s":{"s3:max-keys":%q}`, g.pick([]string{"NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericEquals", "NumericNotEquals"}), g.pick([]string{"10", "10.5", "-3", "100"}))
	case 3:
		return fmt.Sprintf(`"%s":{"aws:CurrentTime":%q}`, g.pick([]string{"DateLessThan", "DateGreaterThanEquals", "DateEquals", "DateNotEquals"}), g.pick([]string{"2030-01-01T00:00:00Z", "2020-06-01", "2030-01-01T00:00:01Z"}))
	case 4:
		return fmt.Sprintf(`"%s":{"aws:MultiFactorAuthPresent":%q}`, g.pick([]string{"Bool", "BoolIfExists"}), g.pick([]string{"true", "false"}))
	case 5:
		return fmt.Sprintf(`"%s":{"aws:SourceIp":%q}`, g.pick([]string{"IpAddress", "NotIpAddress"}), g.pick([]string{"10.0.0.0/8", "10.1.0.0/16", "192.0.2.7", "2001:db8::/32"}))
	case 6:
		return fmt.Sprintf(`"%s":{"aws:SourceArn":%q}`, g.pick([]string{"ArnLike", "ArnNotLike", "ArnEquals"}), g.pick([]string{"arn:aws:s3:::b*", "arn:aws:sns:*:111122223333:t", "arn:aws:s3:::b/x"}))
	case 7:
		return fmt.Sprintf(`"Null":{%q:%q}`, g.pick([]string{"aws:ResourceTag/team", "aws:RequestTag/Owner", "aws:SourceIp"}), g.pick([]string{"true", "false"}))
	case 8:
		return fmt.Sprintf(`"StringEqualsIfExists":{"aws:RequestTag/Owner":%q}`, g.pick([]string{"me", "you"}))
	case 9:
		return fmt.Sprintf(`"StringLike":{"aws:username":%q}`, g.pick([]string{"check-*", "alice", "*"}))
	default:
		return fmt.Sprintf(`"ForAllValues:StringLike":{"aws:TagKeys":%q}`, g.pick([]string{"O*", "*"}))
	}
}

var genPrincipals = []string{
	`"Principal":"*"`, `"Principal":{"AWS":"111111111111"}`, `"Principal":{"AWS":"arn:aws:iam::111111111111:role/r"}`,
	`"Principal":{"AWS":["222222222222","arn:aws:iam::111111111111:user/u"]}`, `"Principal":{"Service":"sns.amazonaws.com"}`,
	`"NotPrincipal":{"AWS":"111111111111"}`, `"Principal":{"Federated":"cognito-identity.amazonaws.com"}`,
}

func (g gen) statementFor(allowBias, resource bool) string {
	effect := "Allow"
	if !allowBias && g.r.IntN(3) == 0 {
		effect = "Deny"
	}
	act := `"Action"`
	if g.r.IntN(6) == 0 {
		act = `"NotAction"`
	}
	res := `"Resource"`
	if g.r.IntN(8) == 0 {
		res = `"NotResource"`
	}
	s := fmt.Sprintf(`{"Effect":%q,%s:[%q,%q],%s:%q`, effect, act, g.pick(genActions), g.pick(genActions), res, g.pick(genResources))
	if resource {
		s += "," + g.pick(genPrincipals)
	}
	if n := g.r.IntN(3); n > 0 {
		var cs []string
		seen := map[string]bool{}
		for range n {
			c := g.condition()
			op, _, _ := strings.Cut(c, ":{")
			if !seen[op] {
				seen[op] = true
				cs = append(cs, c)
			}
		}
		s += `,"Condition":{` + strings.Join(cs, ",") + `}`
	}
	return s + "}"
}

func (g gen) policy() []byte { return g.policyFor(false) }

func (g gen) policyFor(resource bool) []byte {
	n := 1 + g.r.IntN(3)
	var ss []string
	for i := range n {
		ss = append(ss, g.statementFor(i == 0, resource))
	}
	return pol(ss...)
}

// requestPool is what TestRandomPairs samples requests from.
var (
	poolActions   = []string{"connect:DescribeUser", "connect:DeleteQueue", "connect:DescribeQueue", "connect:ListUsers", "s3:GetObject", "s3:PutObject", "iam:PassRole", "iam:GetUser", "ec2:RunInstances"}
	poolResources = []string{
		"*", "arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/u", "arn:aws:connect:us-east-1:111122223333:instance/i-2/queue/q",
		"arn:aws:connect:eu-west-1:111122223333:instance/i-1/queue/q", "arn:aws:s3:::b/x", "arn:aws:s3:::b/check-user/x", "arn:aws:s3:::c/x",
		"arn:aws:iam::111122223333:role/ok/r", "arn:aws:iam::111122223333:role/no/r",
	}
	poolContext = map[string][]string{
		"aws:ResourceTag/team":       {"a", "A", "ab", "b", "ops"},
		"aws:PrincipalTag/team":      {"a", "ops"},
		"aws:TagKeys":                {"Owner", "Team", "Other"},
		"s3:max-keys":                {"-5", "9", "10", "10.5", "11", "100", "1000"},
		"aws:CurrentTime":            {"2019-01-01T00:00:00Z", "2020-06-01T00:00:00Z", "2025-01-01T00:00:00Z", "2030-01-01T00:00:00Z", "2030-01-01T00:00:01Z", "2031-01-01T00:00:00Z"},
		"aws:MultiFactorAuthPresent": {"true", "false"},
		"aws:SourceIp":               {"10.0.0.1", "10.1.2.3", "192.0.2.7", "192.0.2.8", "2001:db8::1", "203.0.113.9"},
		"aws:SourceArn":              {"arn:aws:s3:::b", "arn:aws:s3:::b/x", "arn:aws:sns:us-east-1:111122223333:t", "arn:aws:s3:::c"},
		"aws:RequestTag/Owner":       {"me", "you"},
	}
)

func randomRequest(r *rand.Rand, users []eval.Principal) *eval.Request {
	p := users[r.IntN(len(users))]
	ctx := eval.NewContext()
	keys := make([]string, 0, len(poolContext))
	for k := range poolContext {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		vs := poolContext[k]
		// aws:CurrentTime is in every request; the other keys may be missing.
		if r.IntN(3) == 0 && k != "aws:CurrentTime" {
			continue
		}
		if k == "aws:TagKeys" {
			var set []string
			for _, v := range vs {
				if r.IntN(2) == 0 {
					set = append(set, v)
				}
			}
			ctx.Set(k, set...)
			continue
		}
		ctx.Set(k, vs[r.IntN(len(vs))])
	}
	p.AddToContext(ctx)
	for {
		act, res := poolActions[r.IntN(len(poolActions))], poolResources[r.IntN(len(poolResources))]
		if inUniverse(catalog.Default(), act, res) {
			return &eval.Request{Principal: p, Action: act, Resource: res, Context: ctx, ResourceAccount: p.Account}
		}
	}
}

func compiled(t *testing.T, doc []byte) *eval.Policy {
	t.Helper()
	p, err := policy.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	c, err := eval.Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRandomPairs checks random policy pairs: every FAIL's counterexample
// is allowed by the new policy and not by the existing one (through
// simulate), and for every PASS, thousands of sampled requests find none
// that is.
func TestRandomPairs(t *testing.T) {
	r := rand.New(rand.NewPCG(*propertySeed, 2026))
	g := gen{r}
	var users []eval.Principal
	for _, id := range []string{"arn:aws:iam::111122223333:user/check-user", "arn:aws:iam::111122223333:user/alice", "arn:aws:sts::111122223333:assumed-role/check-role/check-session"} {
		p, err := eval.ParsePrincipal(id)
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, p)
	}
	var pass, fail, undecided int
	for i := 0; i < *propertyPairs; i++ {
		a, b := g.policy(), g.policy()
		res, err := NoNewAccess(a, b, IdentityPolicy, nil)
		if err != nil {
			t.Fatalf("pair %d: %v\nexisting %s\nnew %s", i, err, a, b)
		}
		switch {
		case res.Result == Fail && len(res.Undecided) > 0:
			undecided++
		case res.Result == Fail:
			fail++
			for _, re := range res.Reasons {
				confirmCounterexample(t, fmt.Sprintf("pair %d (existing %s, new %s)", i, a, b), re.Counterexample)
			}
		default:
			pass++
			ea, eb := compiled(t, a), compiled(t, b)
			for range 3000 {
				req := randomRequest(r, users)
				sa := eval.PolicySet{Identity: []*eval.Policy{ea}}
				sb := eval.PolicySet{Identity: []*eval.Policy{eb}}
				if sb.Decide(req) == eval.Allow && sa.Decide(req) != eval.Allow {
					vals := map[string][]string{}
					for _, k := range req.Context.Keys() {
						vals[k], _ = req.Context.Values(k)
					}
					t.Fatalf("pair %d: PASS, but %s may %s on %s with %v under the new policy only\nexisting %s\nnew %s", i, req.Principal.ARN, req.Action, req.Resource, vals, a, b)
				}
			}
		}
	}
	t.Logf("%d pairs: %d PASS, %d FAIL with a counterexample, %d FAIL undecided", *propertyPairs, pass, fail, undecided)
	if undecided > *propertyPairs/4+1 {
		t.Errorf("%d of %d pairs undecided: the cells are too coarse", undecided, *propertyPairs)
	}
}

// TestRandomResourcePairs is TestRandomPairs for resource-based policies:
// random Principal/NotPrincipal elements, cross-account callers.
func TestRandomResourcePairs(t *testing.T) {
	r := rand.New(rand.NewPCG(*propertySeed+1, 2026))
	g := gen{r}
	var callers []eval.Principal
	for _, id := range []string{"anonymous", "arn:aws:iam::111111111111:root", "arn:aws:iam::111111111111:user/u", "arn:aws:iam::111111111111:role/r",
		"arn:aws:sts::111111111111:assumed-role/r/s", "arn:aws:iam::222222222222:user/x", "arn:aws:iam::333333333333:user/check-user", "sns.amazonaws.com", "sqs.amazonaws.com"} {
		p, err := eval.ParsePrincipal(id)
		if err != nil {
			t.Fatal(err)
		}
		callers = append(callers, p)
	}
	callers = append(callers, eval.Principal{Type: eval.AnonymousPrincipal, Federated: "cognito-identity.amazonaws.com", UserID: "anonymous"})
	allowAll := compiled(t, allowAllDoc)
	pairs := *propertyPairs / 3
	var pass, fail int
	for i := 0; i < pairs; i++ {
		a, b := g.policyFor(true), g.policyFor(true)
		res, err := NoNewAccess(a, b, ResourcePolicy, nil)
		if err != nil {
			t.Fatalf("pair %d: %v\nexisting %s\nnew %s", i, err, a, b)
		}
		if res.Result == Fail {
			if len(res.Undecided) == 0 {
				fail++
				for _, re := range res.Reasons {
					confirmCounterexample(t, fmt.Sprintf("pair %d (existing %s, new %s)", i, a, b), re.Counterexample)
				}
			}
			continue
		}
		pass++
		ea, eb := compiled(t, a), compiled(t, b)
		for range 2000 {
			req := randomRequest(r, callers)
			req.ResourceAccount = "123456789012"
			sa := eval.PolicySet{Identity: []*eval.Policy{allowAll}, Resource: ea}
			sb := eval.PolicySet{Identity: []*eval.Policy{allowAll}, Resource: eb}
			if sb.Decide(req) == eval.Allow && sa.Decide(req) != eval.Allow {
				t.Fatalf("pair %d: PASS, but %s (%s) may %s on %s under the new policy only\nexisting %s\nnew %s", i, req.Principal.ARN, req.Principal.Federated, req.Action, req.Resource, a, b)
			}
		}
	}
	t.Logf("%d resource-policy pairs: %d PASS, %d FAIL with a counterexample", pairs, pass, fail)
}
