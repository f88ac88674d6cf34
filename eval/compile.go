package eval

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/arn"
	"github.com/connect-iam/connect-iam/policy"
)

// Policy is a compiled policy, ready to be evaluated any number of times,
// concurrently. Build it with [Compile].
type Policy struct {
	src   *policy.Policy
	name  string
	stmts []statement

	// The action index (see actionIndex). A statement is listed under
	// each of its exact (wildcard-free) actions, lower-cased, in exact;
	// under the lower-cased literal prefix of each wildcard action (the
	// text before the first "*" or "?", such as "connect:describe" for
	// "connect:Describe*", or "" for "*") in wild, whose distinct prefix
	// lengths are wildLens, ascending; and, for NotAction, in always. A
	// request looks up its action in exact and each of its prefixes of a
	// length in wildLens in wild, so the cost grows with the number of
	// statements that could match, not with the size of the policy.
	exact    actionIndex
	wild     actionIndex
	wildLens []int
	always   []int32
}

// Name returns the name given with [WithName], or "".
func (p *Policy) Name() string { return p.name }

// Source returns the parsed policy p was compiled from.
func (p *Policy) Source() *policy.Policy { return p.src }

type statement struct {
	src       *policy.Statement
	deny      bool
	notAction bool
	actions   []string // lower-cased patterns, for explanations
	actPieces [][]arn.Piece

	hasResource bool // false: no Resource element (role trust policies): any resource
	notResource bool
	resources   []arnPattern
	// resUnresolved records whether some entry of resources may be
	// unresolvable for a request (it has a policy variable without
	// default); see matchResource.
	resUnresolved bool

	principal *principalSpec // nil: no Principal element
	conds     []condition    // in source order, as Explain reports them
	// condOrder is the order in which Decide checks conds: cheapest
	// first, so that a statement whose conditions fail is rejected early.
	// Conditions are ANDed and have no side effects, so the order does
	// not change the result.
	condOrder []int32
}

// Option configures [Compile].
type Option func(*compileOptions)

type compileOptions struct {
	name    string
	keyType func(key string) (string, bool)
	typ     PolicyType
	typed   bool
}

// WithType declares where the policy will be used, and makes Compile
// enforce that type's grammar: every statement needs Resource or
// NotResource; Principal and NotPrincipal are required in resource-based
// policies and resource control policies, and forbidden in the others.
// Without it, Compile accepts any statement shape (for example role trust
// policies, which have no Resource).
func WithType(t PolicyType) Option {
	return func(o *compileOptions) { o.typ, o.typed = t, true }
}

// WithName names the policy in explanations and errors, for example
// "identityPolicies[0]" or an ARN.
func WithName(name string) Option {
	return func(o *compileOptions) { o.name = name }
}

// WithKeyTypes supplies the type of condition keys, as the service
// authorization reference spells them ("String", "ArrayOfString", "ARN",
// "Date", "Bool", ...), for example from the catalog package. The engine
// uses it to reject policy variables that name multivalued keys (types
// beginning with "ArrayOf"), which IAM does not substitute. Without it,
// any key may be a variable and a key with several values in the request
// is treated as missing when substituted.
func WithKeyTypes(f func(key string) (typ string, ok bool)) Option {
	return func(o *compileOptions) { o.keyType = f }
}

// CompileError reports a policy that cannot be compiled. Pos locates the
// problem in the policy's source text.
type CompileError struct {
	Policy string // the policy's name (WithName), or ""
	Pos    policy.Pos
	Msg    string // what is wrong and how to fix it
	Err    error  // the underlying error, if any
}

// Error returns "NAME: LINE:COL: MSG".
func (e *CompileError) Error() string {
	var sb strings.Builder
	if e.Policy != "" {
		sb.WriteString(e.Policy)
		sb.WriteString(": ")
	}
	if e.Pos.Line > 0 {
		fmt.Fprintf(&sb, "%d:%d: ", e.Pos.Line, e.Pos.Column)
	}
	sb.WriteString(e.Msg)
	return sb.String()
}

// Unwrap returns the underlying error.
func (e *CompileError) Unwrap() error { return e.Err }

// Compile compiles a parsed policy. It fails with a *CompileError for
// anything the engine could only evaluate by guessing: an unknown
// condition operator, a condition value the operator cannot read (a
// Numeric value that is not a number, a Date that is not a date, an
// invalid CIDR block or base64 value, a Bool or Null value other than true
// or false), a malformed policy variable, a variable before the fifth colon
// of a Resource ARN, an action without a service prefix, or a malformed
// Principal. Compile never silently
// turns a bad condition into one that never matches.
func Compile(p *policy.Policy, opts ...Option) (*Policy, error) {
	if p == nil {
		return nil, errors.New("eval: Compile of a nil policy")
	}
	var o compileOptions
	for _, f := range opts {
		f(&o)
	}
	c := compiler{opts: o, vars: p.Version == policy.Version2012}
	out := &Policy{src: p, name: o.name}
	for _, st := range p.Statements {
		cs, err := c.statement(st)
		if err != nil {
			var ce *CompileError
			if errors.As(err, &ce) {
				ce.Policy = o.name
			}
			return nil, err
		}
		out.stmts = append(out.stmts, cs)
		out.index(int32(len(out.stmts)-1), &out.stmts[len(out.stmts)-1])
	}
	out.exact.seal()
	out.wild.seal()
	out.stmts = slices.Clip(out.stmts)
	return out, nil
}

type compiler struct {
	opts compileOptions
	vars bool // policy variables are substituted (Version 2012-10-17)
}

func errAt(pos policy.Pos, err error, format string, args ...any) *CompileError {
	return &CompileError{Pos: pos, Msg: fmt.Sprintf(format, args...), Err: err}
}

// valuePos is the position of byte offset off inside a string value
// (assuming no escapes before it, and the value on one line).
func valuePos(s policy.String, off int) policy.Pos {
	pos := s.Span.Start
	if s.Kind == policy.KindString {
		pos.Offset++
		pos.Column++
	}
	pos.Offset += off
	pos.Column += len([]rune(s.Text[:min(off, len(s.Text))]))
	return pos
}

func (c *compiler) templateErr(s policy.String, err error, what string) *CompileError {
	var ve *policy.VariableError
	if errors.As(err, &ve) {
		return errAt(valuePos(s, ve.Offset), err, "%s %q: %s", what, s.Text, ve.Msg)
	}
	return errAt(s.Span.Start, err, "%s %q: %v", what, s.Text, err)
}

// checkVars rejects variables that name multivalued keys, when key types
// are known.
func (c *compiler) checkVars(s policy.String, what string) error {
	if !c.vars || c.opts.keyType == nil {
		return nil
	}
	t, err := policy.ParseTemplate(s.Text)
	if err != nil {
		return nil // reported by the caller's own parse
	}
	for _, sg := range t.Segments {
		if sg.Kind != policy.SegVar {
			continue
		}
		if typ, ok := c.opts.keyType(sg.Text); ok && strings.HasPrefix(typ, "ArrayOf") {
			return errAt(valuePos(s, sg.Offset), nil, "%s %q: ${%s} is a multivalued key (%s) and cannot be a policy variable; use a single-valued key, or test the key in a Condition with ForAnyValue:/ForAllValues:", what, s.Text, sg.Text, typ)
		}
	}
	return nil
}

// checkShape enforces the grammar of the declared policy type.
func (c *compiler) checkShape(st *policy.Statement) error {
	if !c.opts.typed {
		return nil
	}
	if st.Resource == nil {
		return errAt(st.Span.Start, nil, "statement %d has neither Resource nor NotResource; add \"Resource\": \"*\" or the ARNs it applies to", st.Index)
	}
	needsPrincipal := c.opts.typ == Resource || c.opts.typ == RCP
	switch {
	case needsPrincipal && st.Principal == nil:
		return errAt(st.Span.Start, nil, "statement %d of a %s policy has no Principal; add \"Principal\" naming who it applies to (for example {\"AWS\": \"arn:aws:iam::111122223333:root\"} or \"*\")", st.Index, c.opts.typ)
	case !needsPrincipal && st.Principal != nil:
		elem := "Principal"
		if st.Principal.Not {
			elem = "NotPrincipal"
		}
		return errAt(st.Principal.Key.Start, nil, "%s is not allowed in a %s policy, which applies to the principal it is attached to; remove it (name principals in resource-based policies)", elem, c.opts.typ)
	}
	return nil
}

func (c *compiler) statement(st *policy.Statement) (statement, error) {
	if err := c.checkShape(st); err != nil {
		return statement{}, err
	}
	cs := statement{src: st, deny: st.Effect == policy.Deny}
	if st.Action != nil {
		cs.notAction = st.Action.Not
		for _, v := range st.Action.Values {
			if svc, name, ok := strings.Cut(v.Text, ":"); v.Text != "*" && (!ok || svc == "" || name == "") {
				elem := "Action"
				if cs.notAction {
					elem = "NotAction"
				}
				return statement{}, errAt(v.Span.Start, nil, "%s %q has no service prefix: an action is service:ActionName, such as connect:DescribeUser (or \"*\" for every action); IAM rejects the policy with \"Actions/Conditions must be prefaced by a vendor\"", elem, v.Text)
			}
			a := strings.ToLower(v.Text)
			cs.actions = append(cs.actions, a)
			cs.actPieces = append(cs.actPieces, arn.AppendPieces(nil, a))
		}
	}
	if st.Resource != nil {
		cs.hasResource = true
		cs.notResource = st.Resource.Not
		what := "Resource"
		if cs.notResource {
			what = "NotResource"
		}
		for _, v := range st.Resource.Values {
			if err := c.checkVars(v, what); err != nil {
				return statement{}, err
			}
			pat, err := compileARNPattern(v.Text, c.vars, true)
			if err != nil {
				return statement{}, c.templateErr(v, err, what)
			}
			cs.resources = append(cs.resources, pat)
			cs.resUnresolved = cs.resUnresolved || pat.hasVar || pat.short
		}
	}
	if st.Principal != nil {
		ps, err := compilePrincipal(st.Principal)
		if err != nil {
			return statement{}, err
		}
		cs.principal = ps
	}
	for _, cond := range st.Conditions {
		cc, err := c.condition(cond)
		if err != nil {
			return statement{}, err
		}
		cs.conds = append(cs.conds, cc)
	}
	cs.condOrder = make([]int32, len(cs.conds))
	for i := range cs.condOrder {
		cs.condOrder[i] = int32(i)
	}
	slices.SortStableFunc(cs.condOrder, func(a, b int32) int {
		return cs.conds[a].cost() - cs.conds[b].cost()
	})
	return cs, nil
}

// condition is one compiled operator/key pair.
type condition struct {
	src  *policy.Condition
	op   policy.Operator
	neg  bool
	key  keyID // the lower-cased key, interned
	vals []condValue
}

// cost ranks how expensive the condition is to check: a typed comparison
// (number, date, boolean, address, presence) before a string comparison,
// before a glob, before anything with a policy variable or an ARN.
func (c *condition) cost() int {
	switch c.op.Base.Family() {
	case policy.FamilyString:
		for i := range c.vals {
			if c.vals[i].tmpl.hasVar {
				return 3
			}
		}
		if c.op.Base == policy.OpStringLike || c.op.Base == policy.OpStringNotLike {
			return 2
		}
		return 1
	case policy.FamilyARN:
		return 3
	case policy.FamilyBool:
		for i := range c.vals {
			if c.vals[i].tmpl.hasVar {
				return 3
			}
		}
	}
	return 0
}

// condValue is one policy value in the form its operator compares.
type condValue struct {
	tmpl   template    // String and Bool (with variables)
	arn    *arnPattern // ARN operators
	num    decimal
	time   time.Time
	prefix netip.Prefix
	boolV  bool
	bin    []byte
}

func (c *compiler) condition(pc *policy.Condition) (condition, error) {
	op, err := policy.ParseOperator(pc.Operator.Text)
	if err != nil {
		return condition{}, errAt(pc.Operator.Span.Start, err, "%v", err)
	}
	cc := condition{src: pc, op: op, neg: op.Base.Negated(), key: internKey(strings.ToLower(pc.Key.Text))}
	fam := op.Base.Family()
	vars := c.vars && op.Base.SupportsVariables()
	for _, v := range pc.Values {
		if v.Kind == policy.KindNull {
			return condition{}, errAt(v.Span.Start, nil, "%s condition on %q: null is not a condition value; to test whether a key is absent use {\"Null\": {%q: \"true\"}}", op.Name, pc.Key.Text, pc.Key.Text)
		}
		var cv condValue
		bad := func(want string) error {
			return errAt(v.Span.Start, nil, "%s condition on %q: value %q is not %s", op.Name, pc.Key.Text, v.Text, want)
		}
		switch fam {
		case policy.FamilyString:
			if err := c.checkVars(v, op.Name+" value"); err != nil {
				return condition{}, err
			}
			glob := op.Base == policy.OpStringLike || op.Base == policy.OpStringNotLike
			t, err := compileTemplate(v.Text, vars, glob)
			if err != nil {
				return condition{}, c.templateErr(v, err, op.Name+" value")
			}
			cv.tmpl = t
		case policy.FamilyARN:
			if err := c.checkVars(v, op.Name+" value"); err != nil {
				return condition{}, err
			}
			p, err := compileARNPattern(v.Text, vars, false)
			if err != nil {
				return condition{}, c.templateErr(v, err, op.Name+" value")
			}
			cv.arn = &p
		case policy.FamilyBool:
			t, err := compileTemplate(v.Text, vars, false)
			if err != nil {
				return condition{}, c.templateErr(v, err, op.Name+" value")
			}
			cv.tmpl = t
			if !t.hasVar {
				b, ok := parseBool(v.Text)
				if !ok {
					return condition{}, bad(`a boolean; write true or false`)
				}
				cv.boolV = b
			}
		case policy.FamilyNumeric:
			d, ok := parseDecimal(v.Text)
			if !ok {
				return condition{}, bad(`a number; write an integer or decimal such as "10" or "2.5" (no exponents, no variables)`)
			}
			cv.num = d
		case policy.FamilyDate:
			t, ok := parseDate(v.Text)
			if !ok {
				return condition{}, bad(`a date; write an ISO 8601 date such as "2026-11-22" or "2026-11-22T10:00:00Z", or epoch seconds such as "1795000000"`)
			}
			cv.time = t
		case policy.FamilyIP:
			p, ok := parsePrefix(v.Text)
			if !ok {
				return condition{}, bad(`an IP address or CIDR block; write for example "203.0.113.0/24" or "2001:db8::/32"`)
			}
			cv.prefix = p
		case policy.FamilyBinary:
			b, ok := parseBinary(v.Text)
			if !ok {
				return condition{}, bad(`base64; BinaryEquals compares base64-encoded bytes such as "QmluYXJ5"`)
			}
			cv.bin = b
		case policy.FamilyNull:
			b, ok := parseBool(v.Text)
			if !ok {
				return condition{}, bad(`true or false; Null "true" means the key is absent, "false" that it is present`)
			}
			cv.boolV = b
		default:
			return condition{}, errAt(pc.Operator.Span.Start, nil, "condition operator %q has no known value family", op.Name)
		}
		cc.vals = append(cc.vals, cv)
	}
	return cc, nil
}

// principalSpec is a compiled Principal or NotPrincipal element.
type principalSpec struct {
	not       bool
	any       bool
	accounts  []string // 12-digit account IDs (also from :root ARNs)
	arns      []string // user, role, assumed-role and federated-user ARNs
	roles     []roleRef
	ids       []string // unique IDs (AIDA..., AROA...)
	services  []string
	federated []string
	canonical []string
}

type roleRef struct{ arn, account, name string }

func compilePrincipal(pp *policy.Principal) (*principalSpec, error) {
	ps := &principalSpec{not: pp.Not, any: pp.Wildcard}
	for _, e := range pp.Entries {
		for _, v := range e.Values {
			if err := ps.add(e.Type, v); err != nil {
				return nil, err
			}
		}
	}
	return ps, nil
}

func (ps *principalSpec) add(typ, v policy.String) error {
	s := v.Text
	switch typ.Text {
	case "AWS":
		switch {
		case s == "*":
			ps.any = true
		case isAccountID(s):
			ps.accounts = append(ps.accounts, s)
		case isUniqueID(s):
			ps.ids = append(ps.ids, s)
		default:
			if strings.ContainsAny(s, "*?") {
				return errAt(v.Span.Start, nil, "principal %q: wildcards cannot match part of a principal; use \"*\" with a condition on aws:PrincipalArn (ArnLike) instead", s)
			}
			p, err := ParsePrincipal(s)
			if err != nil || p.Type == AnonymousPrincipal || p.Type == ServicePrincipal {
				return errAt(v.Span.Start, err, "AWS principal %q is not an account ID, account root ARN, or user, role, assumed-role or federated-user ARN", s)
			}
			switch p.Type {
			case AccountPrincipal:
				ps.accounts = append(ps.accounts, p.Account)
			case RolePrincipal:
				ps.roles = append(ps.roles, roleRef{arn: s, account: p.Account, name: p.Name})
			default:
				ps.arns = append(ps.arns, s)
			}
		}
	case "Service":
		if s == "*" {
			ps.any = true
		} else {
			ps.services = append(ps.services, s)
		}
	case "Federated":
		ps.federated = append(ps.federated, s)
	case "CanonicalUser":
		ps.canonical = append(ps.canonical, s)
	default:
		return errAt(typ.Span.Start, nil, "unknown principal type %q: use AWS, Service, Federated or CanonicalUser", typ.Text)
	}
	return nil
}

func isUniqueID(s string) bool {
	if len(s) < 16 || !(strings.HasPrefix(s, "AIDA") || strings.HasPrefix(s, "AROA")) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
