package eval

import (
	"bytes"
	"strings"

	"github.com/connect-iam/connect-iam/arn"
	"github.com/connect-iam/connect-iam/policy"
)

// grant is how a resource-based policy statement's Principal matched the
// caller; it decides which other policy types still limit the grant
// (spec §3.3).
type grant uint8

const (
	grantNone    grant = iota
	grantAccount       // the caller's account: delegation, identity policies must allow too
	grantRole          // the role of a role session: boundary and session policies still limit
	grantDirect        // the caller itself, or "*": nothing else needs to allow
)

// matchAction reports whether the (any-case) action matches the
// statement's Action/NotAction element.
func (st *statement) matchAction(action string) bool {
	for _, p := range st.actPieces {
		if arn.MatchPieces(p, action, true) {
			return !st.notAction
		}
	}
	return st.notAction
}

// matchResource reports whether resource matches the Resource/NotResource
// element. A statement without either element (a role trust policy)
// matches every resource. An entry that cannot be resolved (see
// unresolved) never widens access: it makes an Allow statement not apply,
// and in a Deny statement it matches nothing and exempts nothing.
func (st *statement) matchResource(ctx *Context, resource string) bool {
	if !st.hasResource {
		return true
	}
	for i := range st.resources {
		p := &st.resources[i]
		if st.resUnresolved && p.unresolved(ctx) {
			if !st.deny {
				return false
			}
			continue
		}
		if p.matchResourceValue(ctx, resource) {
			return !st.notResource
		}
	}
	return st.notResource
}

// unresolved reports whether a Resource or NotResource entry cannot be
// resolved into a pattern for this request: a policy variable in it has
// no value (and no default).
// A pattern of fewer than six fields counts as unresolved too: with its
// missing fields empty it matches no ARN, and as a NotResource entry of an
// Allow it would exempt nothing and so grant every resource.
func (p *arnPattern) unresolved(ctx *Context) bool {
	return p.short || !p.resolvable(ctx)
}

// matchResourceValue is match for a request's resource: a value that is
// not an ARN (the resource "*") matches only the pattern "*".
func (p *arnPattern) matchResourceValue(ctx *Context, resource string) bool {
	if p.any {
		return true
	}
	if _, ok := arn.Split(resource); !ok {
		return false
	}
	return p.match(ctx, resource)
}

// matchPrincipal reports how the statement's Principal/NotPrincipal
// element matches p.
func (ps *principalSpec) match(p *Principal) grant {
	if ps.not {
		if ps.any || ps.listsAll(p) {
			return grantNone
		}
		return grantDirect
	}
	if ps.any {
		return grantDirect
	}
	if p.Federated != "" && contains(ps.federated, p.Federated) || p.CanonicalUser != "" && contains(ps.canonical, p.CanonicalUser) {
		return grantDirect
	}
	switch p.Type {
	case AnonymousPrincipal:
		return grantNone
	case ServicePrincipal:
		if contains(ps.services, p.Name) {
			return grantDirect
		}
		return grantNone
	}
	if contains(ps.arns, p.ARN) {
		return grantDirect
	}
	if p.Type == AccountPrincipal && contains(ps.accounts, p.Account) {
		return grantDirect
	}
	for _, id := range ps.ids {
		if id == p.UserID {
			return grantDirect
		}
		if rid, _, ok := strings.Cut(p.UserID, ":"); ok && rid == id && p.Type == AssumedRolePrincipal {
			return grantRole
		}
	}
	if p.Type == AssumedRolePrincipal || p.Type == RolePrincipal {
		if ps.listsRole(p) {
			if p.Type == RolePrincipal {
				return grantDirect
			}
			return grantRole
		}
	}
	if contains(ps.accounts, p.Account) {
		return grantAccount
	}
	return grantNone
}

// listsAll reports whether a NotPrincipal element lists every identity the
// caller is evaluated as. IAM "might validate the account first, then the
// role, and then the assumed-role user" (spec §1.5), so a caller is
// excepted from a NotPrincipal only when each of them is listed: a user
// with its account; a role session with its role and account; the root
// user by its account; a service by its name. An anonymous caller is
// never excepted.
func (ps *principalSpec) listsAll(p *Principal) bool {
	switch p.Type {
	case AnonymousPrincipal:
		return false
	case ServicePrincipal:
		return contains(ps.services, p.Name)
	}
	if !contains(ps.accounts, p.Account) {
		return false
	}
	switch p.Type {
	case AccountPrincipal:
		return true
	case AssumedRolePrincipal:
		return contains(ps.arns, p.ARN) && ps.listsRole(p)
	case RolePrincipal:
		return ps.listsRole(p)
	}
	return contains(ps.arns, p.ARN)
}

// listsRole reports whether a role entry names the role of p.
func (ps *principalSpec) listsRole(p *Principal) bool {
	for _, r := range ps.roles {
		if r.matches(p) {
			return true
		}
	}
	return false
}

// matches reports whether the role entry names p's role: by ARN when p's
// role ARN (with its path) is known, else by account and name.
func (r roleRef) matches(p *Principal) bool {
	if p.RoleARNKnown {
		return r.arn == p.RoleARN
	}
	return r.account == p.Account && r.name == p.Name
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// eval evaluates the condition against ctx (spec §4).
func (c *condition) eval(ctx *Context) bool {
	e := ctx.lookup(c.key)
	present := e != nil && len(e.values) > 0
	if c.op.Base == policy.OpNull {
		switch c.op.Set {
		case policy.SetForAllValues:
			return true
		case policy.SetForAnyValue:
			return false
		}
		for i := range c.vals {
			if c.vals[i].boolV == !present {
				return true
			}
		}
		return false
	}
	if !present {
		switch {
		case c.op.IfExists:
			return true
		case c.op.Set == policy.SetForAllValues:
			return true
		case c.op.Set == policy.SetForAnyValue:
			return false
		}
		return c.neg
	}
	// Per request value: does it match any policy value (positive
	// operators), or none of them (negated operators: NOR)?
	all := c.op.Set == policy.SetForAllValues || c.op.Set == policy.SetNone && c.neg
	for i := range e.values {
		ok := c.matchAny(ctx, &e.values[i]) != c.neg
		if all && !ok {
			return false
		}
		if !all && ok {
			return true
		}
	}
	return all
}

// matchAny reports whether the request value matches at least one policy
// value under the positive form of the operator.
func (c *condition) matchAny(ctx *Context, r *contextValue) bool {
	for i := range c.vals {
		if c.match(ctx, r, &c.vals[i]) {
			return true
		}
	}
	return false
}

// match compares one request value with one policy value under the
// positive form of the operator. A request value the operator cannot read
// (a Numeric comparison with "abc") matches no policy value.
func (c *condition) match(ctx *Context, r *contextValue, p *condValue) bool {
	switch c.op.Base {
	case policy.OpStringEquals, policy.OpStringNotEquals, policy.OpStringLike, policy.OpStringNotLike:
		return p.tmpl.match(ctx, r.str, false)
	case policy.OpStringEqualsIgnoreCase, policy.OpStringNotEqualsIgnoreCase:
		if !p.tmpl.hasVar {
			return strings.EqualFold(r.str, p.tmpl.src)
		}
		return p.tmpl.match(ctx, r.str, true)
	case policy.OpArnEquals, policy.OpArnLike, policy.OpArnNotEquals, policy.OpArnNotLike:
		return p.arn.match(ctx, r.str)
	case policy.OpNumericEquals, policy.OpNumericNotEquals:
		return r.numOK && r.num.cmp(p.num) == 0
	case policy.OpNumericLessThan:
		return r.numOK && r.num.cmp(p.num) < 0
	case policy.OpNumericLessThanEquals:
		return r.numOK && r.num.cmp(p.num) <= 0
	case policy.OpNumericGreaterThan:
		return r.numOK && r.num.cmp(p.num) > 0
	case policy.OpNumericGreaterThanEquals:
		return r.numOK && r.num.cmp(p.num) >= 0
	case policy.OpDateEquals, policy.OpDateNotEquals:
		return r.timeOK && r.time.Equal(p.time)
	case policy.OpDateLessThan:
		return r.timeOK && r.time.Before(p.time)
	case policy.OpDateLessThanEquals:
		return r.timeOK && !r.time.After(p.time)
	case policy.OpDateGreaterThan:
		return r.timeOK && r.time.After(p.time)
	case policy.OpDateGreaterThanEquals:
		return r.timeOK && !r.time.Before(p.time)
	case policy.OpBool:
		if !r.boolOK {
			return false
		}
		if p.tmpl.hasVar {
			want := "false"
			if r.boolV {
				want = "true"
			}
			return p.tmpl.match(ctx, want, true)
		}
		return r.boolV == p.boolV
	case policy.OpBinaryEquals:
		return r.binOK && bytes.Equal(r.bin, p.bin)
	case policy.OpIPAddress, policy.OpNotIPAddress:
		return r.ip.IsValid() && p.prefix.Contains(r.ip)
	}
	return false
}
