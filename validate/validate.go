package validate

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/connect-iam/connect-iam/policy"
)

// PolicyType is the kind of policy being validated. It decides which
// elements are required or forbidden, the size quota and several checks.
type PolicyType string

// Policy types. The first four are Access Analyzer's; the others are
// checked as identity policies with their own quota and rules.
const (
	IdentityPolicy        PolicyType = "IDENTITY_POLICY"
	ResourcePolicy        PolicyType = "RESOURCE_POLICY"
	ServiceControlPolicy  PolicyType = "SERVICE_CONTROL_POLICY"
	ResourceControlPolicy PolicyType = "RESOURCE_CONTROL_POLICY"
	RoleTrustPolicy       PolicyType = "ROLE_TRUST_POLICY"
	SessionPolicy         PolicyType = "SESSION_POLICY"
	PermissionsBoundary   PolicyType = "PERMISSIONS_BOUNDARY_POLICY"
)

// PolicyTypes lists every policy type with its command-line name.
var PolicyTypes = []struct {
	Name string
	Type PolicyType
}{
	{"identity", IdentityPolicy},
	{"resource", ResourcePolicy},
	{"trust", RoleTrustPolicy},
	{"scp", ServiceControlPolicy},
	{"rcp", ResourceControlPolicy},
	{"session", SessionPolicy},
	{"boundary", PermissionsBoundary},
}

// ParsePolicyType parses a policy type given by its command-line name
// ("identity", "resource", "trust", "scp", "rcp", "session", "boundary")
// or by its constant value ("IDENTITY_POLICY", ...), in any case.
func ParsePolicyType(s string) (PolicyType, error) {
	ls := strings.ToLower(strings.ReplaceAll(s, "_", "-"))
	names := make([]string, 0, len(PolicyTypes))
	for _, t := range PolicyTypes {
		if ls == t.Name || strings.EqualFold(s, string(t.Type)) {
			return t.Type, nil
		}
		names = append(names, t.Name)
	}
	switch ls {
	case "role-trust", "role-trust-policy", "trust-policy":
		return RoleTrustPolicy, nil
	case "permissions-boundary":
		return PermissionsBoundary, nil
	}
	return "", fmt.Errorf("unknown policy type %q: use one of %s", s, strings.Join(names, ", "))
}

// Options configures a Validator.
type Options struct {
	// PolicyType is the kind of policy; the zero value means IdentityPolicy.
	PolicyType PolicyType
	// ResourceType optionally names the resource a RESOURCE_POLICY is
	// attached to, as a CloudFormation type such as "AWS::S3::Bucket".
	ResourceType string
	// Catalog is the service authorization reference; nil means the
	// project's default catalog (catalog.Default). Set NoCatalog to skip
	// the checks that need one.
	Catalog Catalog
	// NoCatalog skips the checks that need to know actions, resource
	// types and condition keys.
	NoCatalog bool
	// LegacySCPGrammar applies the SCP restrictions that AWS Organizations
	// lifted in 2025 (Allow statements without Condition, NotAction or
	// specific resources, and wildcards only at the end of actions).
	LegacySCPGrammar bool
}

// Validator validates policies. Build one with New and reuse it: it
// indexes the catalog once.
type Validator struct {
	opts    Options
	cat     *index // nil without a catalog
	resType *resourceTypeInfo
}

// New returns a Validator for opts. It fails when the policy type or the
// resource type is unknown, or when a resource type is given for a policy
// type other than RESOURCE_POLICY.
func New(opts Options) (*Validator, error) {
	if opts.PolicyType == "" {
		opts.PolicyType = IdentityPolicy
	}
	known := false
	for _, t := range PolicyTypes {
		known = known || t.Type == opts.PolicyType
	}
	if !known {
		return nil, fmt.Errorf("validate: unknown policy type %q", opts.PolicyType)
	}
	v := &Validator{opts: opts}
	if opts.ResourceType != "" {
		if opts.PolicyType != ResourcePolicy {
			return nil, fmt.Errorf("validate: resource type %s given for a %s: it applies only to RESOURCE_POLICY", opts.ResourceType, opts.PolicyType)
		}
		rt, ok := lookupResourceType(opts.ResourceType)
		if !ok {
			return nil, fmt.Errorf("validate: unknown resource type %q: use one of %s", opts.ResourceType, strings.Join(resourceTypeNames(), ", "))
		}
		if rt.name == "AWS::IAM::AssumeRolePolicyDocument" {
			// A role's trust policy: checked as such.
			v.opts.PolicyType = RoleTrustPolicy
		} else {
			v.resType = rt
		}
	}
	switch {
	case opts.NoCatalog:
	case opts.Catalog != nil:
		v.cat = indexFor(opts.Catalog)
	default:
		v.cat = defaultCatalogIndex()
	}
	return v, nil
}

// PolicyType returns the policy type the Validator checks.
func (v *Validator) PolicyType() PolicyType { return v.opts.PolicyType }

// Validate checks the policy document src and returns its findings,
// sorted by position. It never fails: malformed input is reported as
// findings (JSON_SYNTAX_ERROR and others) and the checks run on whatever
// the parser recovered.
func (v *Validator) Validate(src []byte) []Finding {
	if fragmentKind(src) != notFragment {
		return v.validateFragment(src)
	}
	return v.check(src).findings()
}

// check parses and checks one document.
func (v *Validator) check(src []byte) *checker {
	c := &checker{v: v, src: src}
	p, err := policy.Parse(src)
	c.parseErrors(err)
	c.p = p
	c.checkSize()
	if p != nil {
		c.run()
	}
	return c
}

func (c *checker) findings() []Finding {
	SortFindings(c.out)
	return suppressKnockOn(dedupe(c.out), c.src)
}

// suppressKnockOn drops the findings a syntax error causes rather than
// finds. A line with two or more JSON syntax errors is garbled (an
// unterminated string, a key in single quotes: the parser's recovery
// then reads the rest of the line as other tokens): only its first syntax
// error is kept, no other finding on it, and no "document ends inside"
// error after it. A line with one syntax error (a trailing comma) keeps
// the findings of the values around it.
func suppressKnockOn(fs []Finding, src []byte) []Finding {
	perLine := map[int]int{}
	for _, f := range fs {
		if f.IssueCode == "JSON_SYNTAX_ERROR" {
			perLine[f.Pos().Line]++
		}
	}
	garbled := map[int]bool{}
	firstGarbled := 0
	for line, n := range perLine {
		if n >= 2 {
			garbled[line] = true
			if firstGarbled == 0 || line < firstGarbled {
				firstGarbled = line
			}
		}
	}
	if len(garbled) == 0 {
		return fs
	}
	out := fs[:0]
	kept := map[int]bool{}
	unclosed := false
	for _, f := range fs {
		line := f.Pos().Line
		if line > firstGarbled && unclosed {
			// A missing quote shifts every later quote: nothing after
			// it is read reliably.
			continue
		}
		switch {
		case garbled[line] && f.IssueCode == "JSON_SYNTAX_ERROR":
			if kept[line] {
				continue
			}
			kept[line] = true
			if hint, ok := unclosedStringHint(f, src); ok {
				f.FindingDetails = hint
				unclosed = unclosed || line == firstGarbled
			}
		case garbled[line]:
			continue
		case f.IssueCode == "JSON_SYNTAX_ERROR" && line > firstGarbled && strings.HasPrefix(f.FindingDetails, "The document ends"):
			continue
		}
		out = append(out, f)
	}
	return out
}

type fragment int

const (
	notFragment fragment = iota
	// statementMembers is one or more statements' members without the
	// policy around them: "Sid": ..., "Effect": ... }, { ... }. (A single
	// statement object is recognized by the parser, which reports
	// MISSING_STATEMENT and parses it as the policy's statement.)
	statementMembers
)

// fragmentKind recognizes the policy fragments documentation often shows:
// a statement without the policy around it.
func fragmentKind(src []byte) fragment {
	trimmed := bytes.TrimLeft(src, " \t\r\n\ufeff")
	if len(trimmed) == 0 || trimmed[0] != '"' {
		return notFragment
	}
	// A string followed by a colon: the member of an object.
	end := bytes.IndexByte(trimmed[1:], '"')
	if end < 0 {
		return notFragment
	}
	rest := bytes.TrimLeft(trimmed[end+2:], " \t\r\n")
	if len(rest) > 0 && rest[0] == ':' {
		return statementMembers
	}
	return notFragment
}

// validateFragment validates a statement fragment as the policy it
// belongs in, and reports what is missing around it.
func (v *Validator) validateFragment(src []byte) []Finding {
	prefix := `{"Version":"2012-10-17","Statement":[{`
	wrapped := make([]byte, 0, len(prefix)+len(src)+3)
	wrapped = append(append(append(wrapped, prefix...), src...), "\n]}"...)
	wc := v.check(wrapped)
	c := &checker{v: v, src: src}
	start := policy.Pos{Line: 1, Column: 1}
	first := policy.Span{Start: start, End: policy.Pos{Offset: 1, Line: 1, Column: 2}}
	c.report("JSON_SYNTAX_ERROR", path{}, first, `The document is not a JSON object: it starts with the member "`+firstKey(src)+`" of a statement. Wrap it as {"Version": "2012-10-17", "Statement": [{ ... }]}.`)
	c.report("MISSING_STATEMENT", path{}, first, `The document is a statement, not a policy: it has no Statement element. Wrap it as {"Version": "2012-10-17", "Statement": [ ... ]}; the statement was checked as if it were.`)
	end := lastPos(src)
	L := len(prefix)
	shift := func(p Position) (Position, bool) {
		if p.Offset < L {
			return p, false
		}
		if p.Offset > L+len(src) {
			return end, true
		}
		p.Offset -= L
		if p.Line == 1 {
			p.Column -= L
		}
		return p, true
	}
	for _, f := range wc.out {
		keep := true
		for i := range f.Locations {
			var ok1, ok2 bool
			sp := &f.Locations[i].Span
			sp.Start, ok1 = shift(sp.Start)
			sp.End, ok2 = shift(sp.End)
			if !ok1 {
				keep = false
			}
			if !ok2 {
				sp.End = sp.Start
			}
		}
		if keep {
			c.out = append(c.out, f)
		}
	}
	return c.findings()
}

// firstKey returns the text of the first JSON string in src.
func firstKey(src []byte) string {
	i := bytes.IndexByte(src, '"')
	if i < 0 {
		return ""
	}
	j := bytes.IndexByte(src[i+1:], '"')
	if j < 0 {
		return ""
	}
	return string(src[i+1 : i+1+j])
}

// lastPos returns the position at the end of src.
func lastPos(src []byte) Position {
	p := Position{Line: 1, Column: 1, Offset: len(src)}
	for _, r := range string(src) {
		if r == '\n' {
			p.Line++
			p.Column = 1
		} else {
			p.Column++
		}
	}
	return p
}

// dedupe removes findings that repeat an earlier one's code and first
// location (the parser and a check may both see the same problem).
func dedupe(fs []Finding) []Finding {
	type k struct {
		code string
		off  int
		end  int
	}
	seen := map[k]bool{}
	out := fs[:0]
	for _, f := range fs {
		key := k{f.IssueCode, -1, -1}
		if len(f.Locations) > 0 {
			key.off, key.end = f.Locations[0].Span.Start.Offset, f.Locations[0].Span.End.Offset
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, f)
	}
	return out
}

// checker holds the state of one validation.
type checker struct {
	v     *Validator
	src   []byte
	p     *policy.Policy
	stmts []*stmt
	out   []Finding
}

// report adds a finding of code at one location.
func (c *checker) report(code string, p path, sp policy.Span, details string, suggestions ...string) {
	r := rules[code]
	if r == nil {
		panic("validate: unregistered issue code " + code)
	}
	c.out = append(c.out, Finding{
		FindingType:    r.Type,
		IssueCode:      code,
		FindingDetails: details,
		LearnMoreLink:  r.LearnMoreLink(),
		Locations:      []Location{{Path: p, Span: spanOf(sp)}},
		Suggestions:    suggestions,
	})
}

func (c *checker) run() {
	c.checkTop()
	for _, st := range c.p.Statements {
		s := &stmt{Statement: st, c: c}
		s.path = path{}.val("Statement")
		if c.p.StatementIsArray {
			s.path = s.path.idx(st.Index)
		}
		c.stmts = append(c.stmts, s)
		c.checkStatement(s)
	}
	c.checkSids()
	c.checkCrossStatement()
}

// stmt is a statement being checked, with its path and what the checks
// learned about it.
type stmt struct {
	*policy.Statement
	c    *checker
	path path
	// actions are the catalog actions the Action element matches, or the
	// actions NotAction leaves; see catalogActions.
	actions     []*actionRef
	actionsDone bool
	lowered     []string // lowercase action values; see lowerActions
	exact       map[string]int
	wild        []int
}

func (c *checker) checkStatement(s *stmt) {
	c.checkStatementStructure(s)
	c.checkActions(s)
	c.checkResources(s)
	c.checkPrincipals(s)
	c.checkConditions(s)
	c.checkVariables(s)
	switch c.v.opts.PolicyType {
	case RoleTrustPolicy:
		c.checkTrust(s)
	case ServiceControlPolicy:
		c.checkSCP(s)
	case ResourceControlPolicy:
		c.checkRCP(s)
	}
	c.checkSensitive(s)
	c.checkParliament(s)
	if c.v.opts.PolicyType == IdentityPolicy {
		// Boundaries and session policies only limit: "*" there grants nothing.
		c.checkLinters(s)
	}
}

// elementPath returns the path of a statement element's value.
func (s *stmt) elem(name string) path { return s.path.val(name) }

// valuePath returns the path of value i of a block written as an array or
// as a single value.
func valuePath(p path, isArray bool, i int) path {
	if isArray {
		return p.idx(i)
	}
	return p
}

// actionName returns "Action" or "NotAction" for a block.
func actionName(b *policy.ValueBlock) string {
	if b.Not {
		return "NotAction"
	}
	return "Action"
}

// resourceName returns "Resource" or "NotResource" for a block.
func resourceName(b *policy.ValueBlock) string {
	if b.Not {
		return "NotResource"
	}
	return "Resource"
}

// unclosedStringHint rewrites the first syntax error of a garbled line
// when the text before it shows a string whose closing quote is missing
// before a comma ("connect:DescribeUser, "Resource": ...): the parser read
// the next key's opening quote as the closing one.
func unclosedStringHint(f Finding, src []byte) (string, bool) {
	off := f.Locations[0].Span.Start.Offset
	if off < 3 || off > len(src) || src[off-1] != '"' {
		return "", false
	}
	before := bytes.TrimRight(src[:off-1], " \t")
	if len(before) == 0 || before[len(before)-1] != ',' {
		return "", false
	}
	open := bytes.LastIndexByte(before[:len(before)-1], '"')
	if open < 0 {
		return "", false
	}
	text := string(before[open+1 : len(before)-1])
	return "The string " + quote(text) + " is not closed: add the closing \" after it, before the comma. (The parser read the next key's opening quote as its end.)", true
}
