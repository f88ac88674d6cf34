package eval

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/connect-iam/connect-iam/policy"
)

// Explanation is a decision with its reasons: what decided it, the
// access-denied (or allowed) message, and a trace of every statement of
// every applicable policy. It is computed by Explain, a separate and
// slower path than Decide that evaluates every statement and records why
// each element matched or not.
type Explanation struct {
	Decision Decision `json:"decision"`
	// Message is AWS's access-denied message for denies (spec §3.6), or a
	// sentence naming the allowing statement.
	Message string `json:"message"`
	// DecidingPolicyType is the type of the policy that decided: the one
	// with the explicit deny, the one whose allow was missing, or the one
	// that allowed.
	DecidingPolicyType PolicyType `json:"decidingPolicyType"`
	// DecidedBy is the deciding statement. For an SCP or RCP level without
	// an applicable Allow (an ExplicitDeny that no statement made) it
	// names the level: PolicyType and Level set, PolicyIndex and
	// Statement -1. It is nil when another policy type's allow was
	// missing.
	DecidedBy *StatementRef  `json:"decidedBy,omitempty"`
	Request   RequestSummary `json:"request"`
	// Policies traces every policy evaluated, in evaluation order.
	Policies []PolicyTrace `json:"policies"`
}

// RequestSummary describes the request as the engine saw it.
type RequestSummary struct {
	Principal       string        `json:"principal"`
	PrincipalType   PrincipalType `json:"principalType"`
	Account         string        `json:"account,omitempty"`
	Action          string        `json:"action"`
	Resource        string        `json:"resource"`
	ResourceAccount string        `json:"resourceAccount,omitempty"`
	CrossAccount    bool          `json:"crossAccount"`
}

// StatementRef names a statement of a policy.
type StatementRef struct {
	PolicyType  PolicyType `json:"policyType"`
	Policy      string     `json:"policy,omitempty"` // the policy's name
	PolicyIndex int        `json:"policyIndex"`
	// Level is the organization level of an SCP or RCP, or -1.
	Level     int    `json:"level"`
	Statement int    `json:"statement"`
	Sid       string `json:"sid,omitempty"`
	Effect    string `json:"effect"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
}

// PolicyTrace is the evaluation of one policy.
type PolicyTrace struct {
	PolicyType  PolicyType `json:"policyType"`
	Policy      string     `json:"policy,omitempty"`
	PolicyIndex int        `json:"policyIndex"`
	Level       int        `json:"level"`
	// Result is "explicit deny", "allow" or "no matching statement".
	Result     string           `json:"result"`
	Statements []StatementTrace `json:"statements"`
}

// StatementTrace is the evaluation of one statement. The statement applies
// when its action, resource, principal (resource-based and resource
// control policies only) and every condition match.
type StatementTrace struct {
	Statement  int              `json:"statement"`
	Sid        string           `json:"sid,omitempty"`
	Effect     string           `json:"effect"`
	Line       int              `json:"line"`
	Column     int              `json:"column"`
	Applies    bool             `json:"applies"`
	Action     Check            `json:"action"`
	Resource   Check            `json:"resource"`
	Principal  *Check           `json:"principal,omitempty"`
	Conditions []ConditionCheck `json:"conditions,omitempty"`
}

// Check is whether one element matched, and why.
type Check struct {
	Matched bool   `json:"matched"`
	Reason  string `json:"reason"`
}

// ConditionCheck is the evaluation of one condition.
type ConditionCheck struct {
	Operator string `json:"operator"`
	Key      string `json:"key"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Matched  bool   `json:"matched"`
	// KeyPresent reports whether the request context has the key.
	KeyPresent    bool     `json:"keyPresent"`
	RequestValues []string `json:"requestValues"`
	// PolicyValues are the policy's values with variables substituted
	// (a missing variable shows as <missing KEY>).
	PolicyValues []string `json:"policyValues"`
	Reason       string   `json:"reason"`
}

// Explain decides the request like Decide and explains the decision.
func (s *PolicySet) Explain(r *Request) *Explanation {
	tr := &tracer{}
	out := s.decide(r, tr)
	resAcct := r.EffectiveResourceAccount()
	x := &Explanation{
		Decision:           out.decision,
		DecidingPolicyType: out.typ,
		Policies:           tr.policies,
		Request: RequestSummary{
			Principal:       r.Principal.DisplayARN(),
			PrincipalType:   r.Principal.Type,
			Account:         r.Principal.Account,
			Action:          r.Action,
			Resource:        r.Resource,
			ResourceAccount: resAcct,
			CrossAccount:    r.Principal.Account == "" || r.Principal.Account != resAcct,
		},
	}
	if out.by.pol != nil && out.by.stmt >= 0 {
		st := out.by.pol.src.Statements[out.by.stmt]
		x.DecidedBy = &StatementRef{
			PolicyType:  out.by.typ,
			Policy:      out.by.pol.name,
			PolicyIndex: out.by.index,
			Level:       out.by.level,
			Statement:   out.by.stmt,
			Sid:         sid(st),
			Effect:      st.Effect.String(),
			Line:        st.Span.Start.Line,
			Column:      st.Span.Start.Column,
		}
	}
	if out.by.pol == nil && out.by.level >= 0 {
		// An SCP or RCP level without an applicable Allow: name the level.
		x.DecidedBy = &StatementRef{PolicyType: out.by.typ, PolicyIndex: -1, Level: out.by.level, Statement: -1}
	}
	x.Message = message(r, out, x.DecidedBy)
	return x
}

// message formats AWS's access-denied message (spec §3.6), or a sentence
// naming the allowing statement.
func message(r *Request, out outcome, by *StatementRef) string {
	var sb strings.Builder
	if out.decision == Allow {
		if by == nil {
			return fmt.Sprintf("Allowed: the account root user may perform %s in its own account", r.Action)
		}
		return "Allowed by " + by.describe()
	}
	fmt.Fprintf(&sb, "User: %s is not authorized to perform: %s", r.Principal.DisplayARN(), r.Action)
	if r.Resource != "" && r.Resource != "*" {
		fmt.Fprintf(&sb, " on resource: %s", r.Resource)
	}
	switch {
	case out.decision == ExplicitDeny && out.by.pol == nil && out.by.level >= 0:
		// "If there is no applicable Allow statement, the request is
		// explicitly denied, even if the denial is implicit": the
		// decision is an explicit deny, but no statement denied, and AWS
		// words it "because no service control policy allows ...".
		fmt.Fprintf(&sb, " because no %s allows the %s action", out.typ.noAllowPhrase(), r.Action)
	case out.decision == ExplicitDeny:
		fmt.Fprintf(&sb, " with an explicit deny in %s", out.typ.denyPhrase())
	default:
		fmt.Fprintf(&sb, " because no %s allows the %s action", out.typ.noAllowPhrase(), r.Action)
	}
	return sb.String()
}

// describe names the statement: statement 0 (Sid "X") of identity-based
// policy identityPolicies[0] at 4:9.
func (s *StatementRef) describe() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "statement %d", s.Statement)
	if s.Sid != "" {
		fmt.Fprintf(&sb, " (Sid %q)", s.Sid)
	}
	fmt.Fprintf(&sb, " of %s", policyLabel(s.PolicyType, s.Policy, s.PolicyIndex, s.Level))
	fmt.Fprintf(&sb, " at %d:%d", s.Line, s.Column)
	return sb.String()
}

func policyLabel(t PolicyType, name string, index, level int) string {
	var sb strings.Builder
	sb.WriteString(t.String())
	if t != PermissionsBoundary {
		sb.WriteString(" policy")
	}
	if name != "" {
		sb.WriteString(" " + name)
	} else {
		fmt.Fprintf(&sb, " #%d", index)
	}
	if level >= 0 {
		fmt.Fprintf(&sb, " (level %d)", level)
	}
	return sb.String()
}

func sid(st *policy.Statement) string {
	if st.Sid == nil {
		return ""
	}
	return st.Sid.Text
}

// tracer records every statement's evaluation for Explain.
type tracer struct {
	policies []PolicyTrace
}

// policy evaluates every statement of pol in order and records it.
func (t *tracer) policy(e *evaluator, pol *Policy, typ PolicyType, index, level int, checkPrincipal pcheck) policyResult {
	res := policyResult{denyStmt: -1, allowStmt: -1}
	pt := PolicyTrace{PolicyType: typ, Policy: pol.name, PolicyIndex: index, Level: level}
	r := e.r
	for i := range pol.stmts {
		st := &pol.stmts[i]
		src := st.src
		tr := StatementTrace{
			Statement: i,
			Sid:       sid(src),
			Effect:    src.Effect.String(),
			Line:      src.Span.Start.Line,
			Column:    src.Span.Start.Column,
		}
		tr.Action = st.traceAction(r.Action)
		tr.Resource = st.traceResource(r.Context, r.Resource)
		applies := tr.Action.Matched && tr.Resource.Matched
		g := grantDirect
		if checkPrincipal != skipPrincipal {
			c, pg := st.tracePrincipal(&r.Principal, checkPrincipal)
			tr.Principal = &c
			g = pg
			applies = applies && c.Matched
		}
		for ci := range st.conds {
			cc := st.conds[ci].trace(r.Context)
			tr.Conditions = append(tr.Conditions, cc)
			applies = applies && cc.Matched
		}
		tr.Applies = applies
		pt.Statements = append(pt.Statements, tr)
		if !applies {
			continue
		}
		if st.deny {
			if !res.deny {
				res.deny, res.denyStmt = true, i
			}
		} else if !res.allow || g > res.grant {
			res.allow, res.allowStmt, res.grant = true, i, g
		}
	}
	switch {
	case res.deny:
		pt.Result = "explicit deny"
	case res.allow:
		pt.Result = "allow"
	default:
		pt.Result = "no matching statement"
	}
	t.policies = append(t.policies, pt)
	return res
}

func (st *statement) traceAction(action string) Check {
	if st.src.Action == nil {
		return Check{Reason: "the statement has no Action element"}
	}
	for i, p := range st.src.Action.Values {
		if st.matchOne(i, action) {
			if st.notAction {
				return Check{Reason: fmt.Sprintf("%q is excluded by NotAction %q", action, p.Text)}
			}
			return Check{Matched: true, Reason: fmt.Sprintf("%q matches Action %q", action, p.Text)}
		}
	}
	if st.notAction {
		return Check{Matched: true, Reason: fmt.Sprintf("%q is not listed in NotAction %s", action, quoteList(st.src.Action.Values))}
	}
	return Check{Reason: fmt.Sprintf("%q matches none of Action %s", action, quoteList(st.src.Action.Values))}
}

func (st *statement) matchOne(i int, action string) bool {
	single := statement{actPieces: st.actPieces[i : i+1]}
	return single.matchAction(action)
}

func (st *statement) traceResource(ctx *Context, resource string) Check {
	if !st.hasResource {
		return Check{Matched: true, Reason: "the statement has no Resource element: every resource"}
	}
	elem := "Resource"
	if st.notResource {
		elem = "NotResource"
	}
	var shown []string
	for i := range st.resources {
		p := &st.resources[i]
		text, _ := p.text(ctx)
		if p.unresolved(ctx) {
			why := fmt.Sprintf("has a policy variable the request has no value for (%s)", text)
			if p.short {
				why = "has fewer than the six colon-separated fields of an ARN, so it can match no ARN"
			}
			if !st.deny {
				return Check{Reason: fmt.Sprintf("%s %q %s, so this Allow statement does not apply: an entry that cannot be resolved never grants, nor exempts a resource", elem, p.src, why)}
			}
			shown = append(shown, fmt.Sprintf("%s (it %s: matches nothing, exempts nothing)", p.src, why))
			continue
		} else if text != p.src {
			text = p.src + " = " + text
		}
		shown = append(shown, text)
		if p.matchResourceValue(ctx, resource) {
			if st.notResource {
				return Check{Reason: fmt.Sprintf("%q is excluded by NotResource %q", resource, text)}
			}
			return Check{Matched: true, Reason: fmt.Sprintf("%q matches Resource %q", resource, text)}
		}
	}
	if st.notResource {
		return Check{Matched: true, Reason: fmt.Sprintf("%q is not listed in NotResource [%s]", resource, strings.Join(shown, ", "))}
	}
	return Check{Reason: fmt.Sprintf("%q matches none of %s [%s]", resource, elem, strings.Join(shown, ", "))}
}

func (st *statement) tracePrincipal(p *Principal, c pcheck) (Check, grant) {
	if st.principal == nil {
		return Check{Reason: "the statement has no Principal element, so it grants or denies nobody in a resource-based policy"}, grantNone
	}
	g := st.principalGrant(p, c)
	who := p.DisplayARN()
	if c == checkWithBoundary && st.deny && st.principal.not {
		return Check{Matched: true, Reason: fmt.Sprintf("%s has a permissions boundary, and a Deny with NotPrincipal always denies such a principal, whatever NotPrincipal lists", who)}, g
	}
	elem := "Principal"
	if st.principal.not {
		elem = "NotPrincipal"
	}
	switch g {
	case grantDirect:
		if st.principal.not {
			return Check{Matched: true, Reason: fmt.Sprintf("%s is not excepted by NotPrincipal (a caller is excepted only when it, its role and its account are all listed)", who)}, g
		}
		return Check{Matched: true, Reason: fmt.Sprintf("%s is named by Principal (directly or by \"*\")", who)}, g
	case grantRole:
		return Check{Matched: true, Reason: fmt.Sprintf("%s is a session of the role %s named by Principal; the permissions boundary and session policies still limit this grant", who, p.RoleARN)}, g
	case grantAccount:
		return Check{Matched: true, Reason: fmt.Sprintf("%s belongs to account %s named by Principal; naming an account delegates to it, so an identity-based policy must also allow", who, p.Account)}, g
	}
	if st.principal.not {
		return Check{Reason: fmt.Sprintf("%s is excluded by NotPrincipal", who)}, g
	}
	return Check{Reason: fmt.Sprintf("%s is not named by %s", who, elem)}, g
}

func (c *condition) trace(ctx *Context) ConditionCheck {
	cc := ConditionCheck{
		Operator:      c.src.Operator.Text,
		Key:           c.src.Key.Text,
		Line:          c.src.Key.Span.Start.Line,
		Column:        c.src.Key.Span.Start.Column,
		Matched:       c.eval(ctx),
		RequestValues: []string{},
	}
	if e := ctx.lookup(c.key); e != nil {
		cc.KeyPresent = true
		for _, v := range e.values {
			cc.RequestValues = append(cc.RequestValues, v.str)
		}
	}
	for i := range c.vals {
		cc.PolicyValues = append(cc.PolicyValues, c.vals[i].text(ctx, c.src.Values[i].Text))
	}
	verdict := "does not match"
	if cc.Matched {
		verdict = "matches"
	}
	switch {
	case c.op.Base == policy.OpNull:
		cc.Reason = fmt.Sprintf("key %s is %s; Null %s", c.src.Key.Text, presence(cc.KeyPresent && len(cc.RequestValues) > 0), verdict)
	case !cc.KeyPresent || len(cc.RequestValues) == 0:
		why := "a missing key matches no value"
		switch {
		case c.op.IfExists:
			why = "IfExists matches a missing key"
		case c.op.Set == policy.SetForAllValues:
			why = "ForAllValues matches an empty or missing set"
		case c.op.Set == policy.SetForAnyValue:
			why = "ForAnyValue never matches an empty or missing set"
		case c.neg:
			why = "a negated operator matches a missing key"
		}
		cc.Reason = fmt.Sprintf("key %s is missing from the request; %s, so the condition %s", c.src.Key.Text, why, verdict)
	default:
		cc.Reason = fmt.Sprintf("request value(s) %s compared by %s with policy value(s) %s: %s", quoteStrings(cc.RequestValues), c.src.Operator.Text, quoteStrings(cc.PolicyValues), verdict)
	}
	return cc
}

func presence(present bool) string {
	if present {
		return "present"
	}
	return "missing"
}

func (v *condValue) text(ctx *Context, written string) string {
	var s string
	var ok bool
	switch {
	case v.arn != nil:
		s, ok = v.arn.text(ctx)
	case v.tmpl.hasVar:
		s, ok = v.tmpl.text(ctx)
	default:
		return written
	}
	if !ok {
		return written + " (a policy variable is missing: null)"
	}
	if s != written {
		return written + " = " + s
	}
	return s
}

func quoteList(vs []policy.String) string {
	ss := make([]string, len(vs))
	for i, v := range vs {
		ss[i] = v.Text
	}
	return quoteStrings(ss)
}

func quoteStrings(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
