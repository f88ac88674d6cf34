package validate

import (
	"strings"

	"github.com/connect-iam/connect-iam/policy"
)

// checkTop checks the top-level elements.
func (c *checker) checkTop() {
	p := c.p
	if p.StatementIsArray && len(p.Statements) == 0 && !zeroPos(p.StatementKey.Start) {
		c.report("MISSING_STATEMENT", path{}.val("Statement"), p.StatementKey, "The Statement array is empty, so the policy grants and denies nothing. Add statements.")
	}
	if p.VersionNode == nil && !zeroPos(p.StatementKey.Start) {
		c.report("MISSING_VERSION", path{}, topSpan(p),
			`The policy has no Version element, so it uses 2008-10-17, under which policy variables are literal text. Add "Version": "2012-10-17" as the policy's first element.`)
	}
}

func zeroPos(p policy.Pos) bool { return p.Offset == 0 && p.Line == 0 }

// topSpan is the span of the policy's opening brace.
func topSpan(p *policy.Policy) policy.Span {
	end := p.Span.Start
	if end.Line > 0 {
		end.Offset++
		end.Column++
	}
	return policy.Span{Start: p.Span.Start, End: end}
}

// stmtHead is the span to report a statement-level problem at: the
// statement's opening brace, or its Sid when it has one.
func stmtHead(s *stmt) policy.Span {
	if s.Sid != nil {
		return s.Sid.Span
	}
	end := s.Span.Start
	end.Offset++
	end.Column++
	return policy.Span{Start: s.Span.Start, End: end}
}

func (c *checker) checkStatementStructure(s *stmt) {
	t := c.v.opts.PolicyType
	trustHint := ""
	if t == IdentityPolicy && looksLikeTrust(s) {
		trustHint = " This looks like a role trust policy (a Principal allowed sts:AssumeRole and no Resource): validate it with --policy-type trust."
	}
	if s.Resource == nil && t != RoleTrustPolicy {
		c.report("MISSING_RESOURCE", s.path, stmtHead(s),
			`The statement has no Resource or NotResource element. Add "Resource": "*" or the ARNs of the resources it applies to.`+trustHint)
	}
	switch t {
	case ResourcePolicy, RoleTrustPolicy, ResourceControlPolicy:
		if s.Principal == nil {
			c.report("MISSING_PRINCIPAL", s.path, stmtHead(s),
				capitalize(article(humanType(t)))+" "+humanType(t)+" must name its principals: add a Principal element to the statement.")
		}
	case IdentityPolicy, SessionPolicy, PermissionsBoundary:
		if s.Principal != nil {
			name := "Principal"
			if s.Principal.Not {
				name = "NotPrincipal"
			}
			c.report("UNSUPPORTED_PRINCIPAL", s.path.key(name), s.Principal.Key,
				"The "+name+" element is not supported in "+article(humanType(t))+" "+humanType(t)+": it applies to the identity it is attached to. Remove the "+name+" element."+trustHint)
		}
	}
	if s.Sid != nil {
		if s.Sid.Text == "" {
			c.report("EMPTY_SID_VALUE", s.path.val("Sid"), s.Sid.Span, "The Sid is empty. Remove it or give it a value.")
		} else if t != ResourcePolicy && s.Sid.Kind == policy.KindString {
			if i := strings.IndexFunc(s.Sid.Text, func(r rune) bool { return !isAlnum(r) }); i >= 0 {
				fixed := strings.Map(func(r rune) rune {
					if isAlnum(r) {
						return r
					}
					return -1
				}, s.Sid.Text)
				var sugg []string
				if fixed != "" {
					sugg = []string{fixed}
				}
				c.report("UNSUPPORTED_SID", s.path.val("Sid"), s.Sid.Span,
					"The Sid "+quote(s.Sid.Text)+" contains "+quote(string(firstRune(s.Sid.Text[i:])))+": a Sid may contain only A-Z, a-z and 0-9."+didYouMean(sugg), sugg...)
			}
		}
	}
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// checkSids reports Sids used by more than one statement.
func (c *checker) checkSids() {
	seen := map[string]*policy.String{}
	code := "UNIQUE_SIDS_REQUIRED"
	if t := c.v.opts.PolicyType; t == ResourcePolicy || t == RoleTrustPolicy {
		code = "UNIQUE_SIDS_RECOMMENDED"
	}
	for _, st := range c.p.Statements {
		if st.Sid == nil || st.Sid.Text == "" {
			continue
		}
		if first, dup := seen[st.Sid.Text]; dup {
			p := path{}.val("Statement")
			if c.p.StatementIsArray {
				p = p.idx(st.Index)
			}
			c.report(code, p.val("Sid"), st.Sid.Span,
				"The Sid "+quote(st.Sid.Text)+" is already used at line "+itoa(first.Span.Start.Line)+". Give every statement a different Sid.")
			continue
		}
		seen[st.Sid.Text] = st.Sid
	}
}

func humanType(t PolicyType) string {
	switch t {
	case IdentityPolicy:
		return "identity-based policy"
	case ResourcePolicy:
		return "resource-based policy"
	case RoleTrustPolicy:
		return "role trust policy"
	case ServiceControlPolicy:
		return "service control policy"
	case ResourceControlPolicy:
		return "resource control policy"
	case SessionPolicy:
		return "session policy"
	case PermissionsBoundary:
		return "permissions boundary"
	}
	return string(t)
}

// looksLikeTrust reports whether a statement has the shape of a role trust
// policy's: a Principal, an sts:AssumeRole* action and no Resource.
func looksLikeTrust(s *stmt) bool {
	if s.Principal == nil || s.Resource != nil || s.Action == nil {
		return false
	}
	for _, v := range s.Action.Values {
		if strings.HasPrefix(strings.ToLower(v.Text), "sts:assumerole") {
			return true
		}
	}
	return false
}

// capitalize upper-cases the first letter of an ASCII word.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
