package eval

import (
	"strings"

	"github.com/connect-iam/connect-iam/arn"
)

// PolicySet is every policy that may apply to a request, grouped by type.
// A nil or empty field means no policy of that type applies (for
// PermissionsBoundary: no boundary is set; for Session: no session policy
// was passed).
type PolicySet struct {
	// Identity holds the identity-based policies of the principal: its
	// inline and managed policies and those of its groups.
	Identity []*Policy
	// PermissionsBoundary is the principal's permissions boundary, or nil.
	PermissionsBoundary *Policy
	// Session holds the session policies passed when the principal's
	// session was created. For a federated user (GetFederationToken) no
	// session policy means no permissions.
	Session []*Policy
	// Resource is the resource-based policy of the requested resource, or
	// nil.
	Resource *Policy
	// SCPs holds the service control policies of the principal's account,
	// one list per level of the organization path (root, each OU, the
	// account). Every level must allow. An empty level allows nothing; an
	// empty SCPs means the principal is not under any SCP.
	SCPs [][]*Policy
	// RCPs holds the resource control policies of the resource's account,
	// one list per level, as SCPs.
	RCPs [][]*Policy
}

// Request is one request to decide. Build the Context once (with the
// principal's keys, see Principal.AddToContext) and reuse the Request as
// often as needed; deciding does not modify it.
type Request struct {
	Principal Principal
	// Action is "service:Action", in any case.
	Action string
	// Resource is the resource's ARN, or "*" for actions without one.
	Resource string
	// ResourceAccount is the account that owns the resource. When empty it
	// is the resource ARN's account, or the principal's account when the
	// ARN has none (S3 buckets) or the resource is "*"; setting it spares
	// each decision deriving it.
	ResourceAccount string
	// Context is the request context. It may be nil.
	Context *Context
	// PrincipalInManagementAccount exempts the request from SCPs: they do
	// not apply to the organization's management account.
	PrincipalInManagementAccount bool
	// ResourceInManagementAccount exempts the request from RCPs.
	ResourceInManagementAccount bool
}

// EffectiveResourceAccount returns the account that owns the resource, as
// described at Request.ResourceAccount.
func (r *Request) EffectiveResourceAccount() string {
	if r.ResourceAccount != "" {
		return r.ResourceAccount
	}
	if f, ok := arn.Split(r.Resource); ok && f[4] != "" {
		return f[4]
	}
	return r.Principal.Account
}

// Decide decides the request. It is the fast path: it allocates nothing,
// consults only the statements the action index selects, and stops at the
// first explicit deny. Use Explain for the reasons.
func (s *PolicySet) Decide(r *Request) Decision {
	if len(r.Action) > lowerBuf {
		return s.decide(r, nil).decision
	}
	var k actionKey
	k.set(r.Action)
	q := request{r: r, ctx: r.Context, key: &k, action: k.bytes()}
	return s.decideFast(&q)
}

// stmtRef identifies a statement of a policy in a set.
type stmtRef struct {
	typ    PolicyType
	pol    *Policy
	index  int // the policy's index within its list (or level)
	level  int // SCP/RCP level, or -1
	stmt   int // statement index within the policy, or -1
	result policyResult
}

// outcome is a decision with what decided it.
type outcome struct {
	decision Decision
	typ      PolicyType // the deciding policy type
	by       stmtRef    // the deciding statement, when by.pol != nil
}

// policyResult is what one policy says about a request.
type policyResult struct {
	deny      bool
	denyStmt  int
	allow     bool
	allowStmt int
	grant     grant // resource-based policies: the strongest grant of an allowing statement
}

// lowerBuf is big enough for any real action name (the longest AWS
// action names are under 100 characters).
const lowerBuf = 128

func (s *PolicySet) decide(r *Request, tr *tracer) outcome {
	var buf [lowerBuf]byte
	var lower []byte
	if len(r.Action) <= lowerBuf {
		lower = buf[:len(r.Action)]
		for i := 0; i < len(r.Action); i++ {
			c := r.Action[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			lower[i] = c
		}
	} else {
		lower = []byte(strings.ToLower(r.Action))
	}
	e := evaluator{r: r, lower: lower, tr: tr, pcheck: s.principalCheck(&r.Principal)}
	p := &r.Principal
	iam := p.Type != AnonymousPrincipal && p.Type != ServicePrincipal
	resAcct := r.EffectiveResourceAccount()
	sameAccount := p.Account != "" && p.Account == resAcct

	// denied is the first explicit deny found. Without a tracer the
	// first one decides at once; with one, evaluation goes on so that
	// every policy is traced.
	var denied stmtRef
	deny := func(ref *stmtRef) bool {
		if denied.pol == nil {
			denied = *ref
		}
		return tr == nil
	}

	// Steps 1-3: explicit denies everywhere, and the allow of every SCP
	// and RCP level.
	var scpFail, rcpFail stmtRef
	scpFail.level, rcpFail.level = -1, -1
	if len(s.SCPs) > 0 && iam && !r.PrincipalInManagementAccount && !p.IsServiceLinkedRole() {
		for lv, level := range s.SCPs {
			allowed := false
			for i, pol := range level {
				ref := e.policy(pol, SCP, i, lv)
				if ref.result.deny && deny(&ref) {
					return denyOutcome(ref)
				}
				allowed = allowed || ref.result.allow
			}
			if !allowed && scpFail.level < 0 {
				scpFail = stmtRef{typ: SCP, level: lv, stmt: -1}
			}
		}
	}
	if len(s.RCPs) > 0 && p.Type != ServicePrincipal && !r.ResourceInManagementAccount {
		for lv, level := range s.RCPs {
			allowed := false
			for i, pol := range level {
				ref := e.policy(pol, RCP, i, lv)
				if ref.result.deny && deny(&ref) {
					return denyOutcome(ref)
				}
				allowed = allowed || ref.result.allow
			}
			if !allowed && rcpFail.level < 0 {
				rcpFail = stmtRef{typ: RCP, level: lv, stmt: -1}
			}
		}
	}
	var res stmtRef
	if s.Resource != nil {
		res = e.policy(s.Resource, Resource, 0, -1)
		if res.result.deny && deny(&res) {
			return denyOutcome(res)
		}
	}
	var idAllow stmtRef
	if iam {
		for i, pol := range s.Identity {
			ref := e.policy(pol, Identity, i, -1)
			if ref.result.deny && deny(&ref) {
				return denyOutcome(ref)
			}
			if ref.result.allow && idAllow.pol == nil {
				idAllow = ref
			}
		}
	}
	boundaryAllows := true
	if iam && s.PermissionsBoundary != nil && p.Type != AccountPrincipal {
		ref := e.policy(s.PermissionsBoundary, PermissionsBoundary, 0, -1)
		if ref.result.deny && deny(&ref) {
			return denyOutcome(ref)
		}
		boundaryAllows = ref.result.allow
	}
	sessionAllows := true
	if p.IsSession() {
		// Without a session policy a role session keeps the role's
		// permissions, while a federated user (GetFederationToken) has
		// none.
		sessionAllows = len(s.Session) == 0 && p.Type == AssumedRolePrincipal
		for i, pol := range s.Session {
			ref := e.policy(pol, Session, i, -1)
			if ref.result.deny && deny(&ref) {
				return denyOutcome(ref)
			}
			sessionAllows = sessionAllows || ref.result.allow
		}
	}
	if denied.pol != nil {
		return denyOutcome(denied)
	}

	// Steps 2-3: every RCP and SCP level must allow. "If there is no
	// applicable Allow statement, the request is explicitly denied, even
	// if the denial is implicit" (spec §3.2): a level without an allow is
	// an ExplicitDeny, explained as "because no service control policy
	// allows the ... action", naming the level.
	if rcpFail.level >= 0 {
		return outcome{decision: ExplicitDeny, typ: RCP, by: rcpFail}
	}
	if scpFail.level >= 0 {
		return outcome{decision: ExplicitDeny, typ: SCP, by: scpFail}
	}

	// Step 4: the resource-based policy.
	g := grantNone
	if res.result.allow {
		g = res.result.grant
	}
	if !iam {
		// Anonymous callers and services have no identity-side policies:
		// only a resource-based policy can allow them.
		if g != grantNone {
			return outcome{decision: Allow, typ: Resource, by: res}
		}
		return noAllow(Resource)
	}
	if sameAccount && g == grantDirect {
		return outcome{decision: Allow, typ: Resource, by: res}
	}

	// Step 5: identity-based policies. The root user is allowed
	// everything in its own account; elsewhere it needs the resource
	// owner's grant like anyone else. A same-account grant to the role of
	// a role session stands in for the identity-based allow but stays
	// limited by the boundary and session policies.
	viaRole := sameAccount && g == grantRole
	rootAllowed := p.Type == AccountPrincipal
	if idAllow.pol == nil && !viaRole && !rootAllowed {
		return noAllow(Identity)
	}
	// Step 6: the permissions boundary.
	if !boundaryAllows {
		return noAllow(PermissionsBoundary)
	}
	// Step 7: session policies.
	if !sessionAllows {
		return noAllow(Session)
	}
	// Cross-account: the resource owner must allow too (spec §3.5).
	if !sameAccount && g == grantNone {
		return noAllow(Resource)
	}
	switch {
	case idAllow.pol != nil:
		return outcome{decision: Allow, typ: Identity, by: idAllow}
	case viaRole:
		return outcome{decision: Allow, typ: Resource, by: res}
	}
	return outcome{decision: Allow, typ: Identity, by: stmtRef{typ: Identity, level: -1, stmt: -1}} // the root user
}

// noAllow is the implicit deny of a policy type whose allow is missing.
func noAllow(t PolicyType) outcome {
	return outcome{decision: ImplicitDeny, typ: t, by: stmtRef{typ: t, level: -1, stmt: -1}}
}

func denyOutcome(ref stmtRef) outcome {
	ref.stmt = ref.result.denyStmt
	return outcome{decision: ExplicitDeny, typ: ref.typ, by: ref}
}

// evaluator evaluates policies for one request.
type evaluator struct {
	r     *Request
	lower []byte // the action, lower-cased
	tr    *tracer
	// pcheck is how resource-based policies and RCPs check the
	// principal.
	pcheck pcheck
}

// pcheck is whether, and how, a policy's statements check the principal.
type pcheck uint8

const (
	skipPrincipal     pcheck = iota // identity-side policies and SCPs: no Principal element
	withPrincipal                   // resource-based policies and RCPs
	checkWithBoundary               // the same, for a principal with a permissions boundary
)

// principalCheck is how resource-based policies and RCPs check p: a
// principal with a permissions boundary is never excepted by the
// NotPrincipal of a Deny (see principalGrant).
func (s *PolicySet) principalCheck(p *Principal) pcheck {
	if s.PermissionsBoundary != nil && p.hasBoundarySide() {
		return checkWithBoundary
	}
	return withPrincipal
}

// hasBoundarySide reports whether p is an IAM principal that a permissions
// boundary can be attached to: a user, a role, or a session of either.
func (p *Principal) hasBoundarySide() bool {
	switch p.Type {
	case UserPrincipal, RolePrincipal, AssumedRolePrincipal, FederatedUserPrincipal:
		return true
	}
	return false
}

// principalGrant matches the statement's Principal or NotPrincipal
// against p. A Deny with NotPrincipal "will always deny any IAM principal
// that has a permissions boundary policy attached, regardless of the
// values specified in the NotPrincipal element" (IAM User Guide,
// NotPrincipal): such a caller is never excepted.
func (st *statement) principalGrant(p *Principal, c pcheck) grant {
	if c == checkWithBoundary && st.deny && st.principal.not {
		return grantDirect
	}
	return st.principal.match(p)
}

// policy evaluates one policy: the fast, indexed path without a tracer,
// every statement in order with one.
func (e *evaluator) policy(pol *Policy, typ PolicyType, index, level int) (ref stmtRef) {
	ref = stmtRef{typ: typ, pol: pol, index: index, level: level, stmt: -1}
	checkPrincipal := skipPrincipal
	if typ == Resource || typ == RCP {
		checkPrincipal = e.pcheck
	}
	if e.tr != nil {
		ref.result = e.tr.policy(e, pol, typ, index, level, checkPrincipal)
	} else {
		pol.evaluate(e.r, e.lower, checkPrincipal, &ref.result)
	}
	if ref.result.allow {
		ref.stmt = ref.result.allowStmt
	}
	return ref
}

// evaluate evaluates the statements the action index selects, in the
// general path of decide (Decide uses decideFast). It fills res.
func (p *Policy) evaluate(r *Request, lower []byte, checkPrincipal pcheck, res *policyResult) {
	res.denyStmt, res.allowStmt = -1, -1
	for _, ref := range p.exact.lookup(lower) {
		if p.stmts[ref.stmt()].evaluate(r, checkPrincipal, res, ref.stmt(), true) {
			return
		}
	}
	for _, n := range p.wildLens {
		if n > len(lower) {
			break
		}
		for _, ref := range p.wild.lookup(lower[:n]) {
			if p.stmts[ref.stmt()].evaluate(r, checkPrincipal, res, ref.stmt(), !ref.needsActionCheck()) {
				return
			}
		}
	}
	for _, i := range p.always {
		if p.stmts[i].evaluate(r, checkPrincipal, res, int(i), false) {
			return
		}
	}
}

// evaluate folds the statement's verdict into res and reports whether the
// policy's result is final (a matching Deny).
func (st *statement) evaluate(r *Request, checkPrincipal pcheck, res *policyResult, i int, actionMatched bool) bool {
	if st.deny && res.deny || !st.deny && res.allow && res.grant == grantDirect {
		return false // cannot change the result
	}
	if !actionMatched && !st.matchAction(r.Action) {
		return false
	}
	g, ok := st.applies(r, checkPrincipal)
	if !ok {
		return false
	}
	if st.deny {
		res.deny, res.denyStmt = true, i
		return true
	}
	if !res.allow || g > res.grant {
		res.allow, res.allowStmt, res.grant = true, i, g
	}
	return false
}

// applies checks everything but the action: resource, principal (for
// resource-based policies and RCPs) and conditions.
func (st *statement) applies(r *Request, checkPrincipal pcheck) (grant, bool) {
	if !st.matchResource(r.Context, r.Resource) {
		return grantNone, false
	}
	g := grantDirect
	if checkPrincipal != skipPrincipal {
		if st.principal == nil {
			return grantNone, false
		}
		if g = st.principalGrant(&r.Principal, checkPrincipal); g == grantNone {
			return grantNone, false
		}
	}
	for i := range st.conds {
		if !st.conds[i].eval(r.Context) {
			return grantNone, false
		}
	}
	return g, true
}
