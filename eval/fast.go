package eval

import "github.com/connect-iam/connect-iam/arn"

// This file is Decide's path: the evaluation logic of decide without the
// tracer and without recording which statement decided, over per-request
// values computed once (the lower-cased action, the resource ARN's
// fields). Explain keeps the general path in decide.go; the two are
// checked against each other on the conformance corpus and by the fuzz
// targets.

// request is the state of one Decide call. It lives on the stack.
type request struct {
	r      *Request
	ctx    *Context
	key    *actionKey
	action []byte // key.bytes(): the action, lower-cased (ASCII)
	pcheck pcheck // how resource-based policies and RCPs check the principal

	// The resource ARN split into its six fields, on first use.
	split   bool
	isARN   bool
	resArns arn.Fields
}

// fields returns the resource's six fields, splitting it the first time.
func (q *request) fields() (*arn.Fields, bool) {
	if !q.split {
		q.resArns, q.isARN = arn.Split(q.r.Resource)
		q.split = true
	}
	return &q.resArns, q.isARN
}

// fastResult is what one policy says about a request on the fast path.
type fastResult struct {
	deny  bool
	allow bool
	grant grant // resource-based policies: the strongest grant of an allowing statement
}

// decideFast is decide without a tracer; the comments there explain the
// steps.
func (s *PolicySet) decideFast(q *request) Decision {
	r := q.r
	p := &r.Principal
	iam := p.Type != AnonymousPrincipal && p.Type != ServicePrincipal
	q.pcheck = s.principalCheck(p)

	// Steps 1-3: explicit denies everywhere, and the allow of every SCP
	// and RCP level. Any explicit deny decides at once.
	orgFail := false
	if len(s.SCPs) > 0 && iam && !r.PrincipalInManagementAccount && !p.IsServiceLinkedRole() {
		if s.levelsDeny(q, s.SCPs, skipPrincipal, &orgFail) {
			return ExplicitDeny
		}
	}
	if len(s.RCPs) > 0 && p.Type != ServicePrincipal && !r.ResourceInManagementAccount {
		if s.levelsDeny(q, s.RCPs, q.pcheck, &orgFail) {
			return ExplicitDeny
		}
	}
	var res fastResult
	if s.Resource != nil {
		if res = s.Resource.decideFast(q, q.pcheck); res.deny {
			return ExplicitDeny
		}
	}
	idAllow := false
	if iam {
		for _, pol := range s.Identity {
			pr := pol.decideFast(q, skipPrincipal)
			if pr.deny {
				return ExplicitDeny
			}
			idAllow = idAllow || pr.allow
		}
	}
	boundaryAllows := true
	if iam && s.PermissionsBoundary != nil && p.Type != AccountPrincipal {
		pr := s.PermissionsBoundary.decideFast(q, skipPrincipal)
		if pr.deny {
			return ExplicitDeny
		}
		boundaryAllows = pr.allow
	}
	sessionAllows := true
	if p.IsSession() {
		sessionAllows = len(s.Session) == 0 && p.Type == AssumedRolePrincipal
		for _, pol := range s.Session {
			pr := pol.decideFast(q, skipPrincipal)
			if pr.deny {
				return ExplicitDeny
			}
			sessionAllows = sessionAllows || pr.allow
		}
	}
	if orgFail {
		return ExplicitDeny // an SCP or RCP level without an allow
	}

	// Step 4: the resource-based policy.
	g := grantNone
	if res.allow {
		g = res.grant
	}
	if !iam {
		if g != grantNone {
			return Allow
		}
		return ImplicitDeny
	}
	sameAccount := p.Account != "" && p.Account == q.resourceAccount()
	if sameAccount && g == grantDirect {
		return Allow
	}
	// Steps 5-7 and the cross-account rule.
	viaRole := sameAccount && g == grantRole
	if !idAllow && !viaRole && p.Type != AccountPrincipal || !boundaryAllows || !sessionAllows {
		return ImplicitDeny
	}
	if !sameAccount && g == grantNone {
		return ImplicitDeny
	}
	return Allow
}

// resourceAccount is Request.EffectiveResourceAccount over the split
// resource.
func (q *request) resourceAccount() string {
	if q.r.ResourceAccount != "" {
		return q.r.ResourceAccount
	}
	if f, ok := q.fields(); ok && f[4] != "" {
		return f[4]
	}
	return q.r.Principal.Account
}

// levelsDeny evaluates every policy of every SCP or RCP level. It reports
// an explicit deny, and sets *fail when a level has no allow.
func (s *PolicySet) levelsDeny(q *request, levels [][]*Policy, checkPrincipal pcheck, fail *bool) bool {
	for _, level := range levels {
		allowed := false
		for _, pol := range level {
			pr := pol.decideFast(q, checkPrincipal)
			if pr.deny {
				return true
			}
			allowed = allowed || pr.allow
		}
		if !allowed {
			*fail = true
		}
	}
	return false
}

// decideFast evaluates the statements the action index selects for the
// request and stops at the first matching Deny.
func (p *Policy) decideFast(q *request, checkPrincipal pcheck) (res fastResult) {
	for _, ref := range p.exact.lookupPrefix(q.key, len(q.action)) {
		if p.stmts[ref.stmt()].decideFast(q, checkPrincipal, &res, false) {
			return res
		}
	}
	for _, n := range p.wildLens {
		if n > len(q.action) {
			break
		}
		for _, ref := range p.wild.lookupPrefix(q.key, n) {
			if p.stmts[ref.stmt()].decideFast(q, checkPrincipal, &res, ref.needsActionCheck()) {
				return res
			}
		}
	}
	for _, i := range p.always {
		if p.stmts[i].decideFast(q, checkPrincipal, &res, true) {
			return res
		}
	}
	return res
}

// decideFast folds the statement's verdict into res and reports whether
// the policy's result is final (a matching Deny). With checkAction the
// statement's Action or NotAction is matched in full; without, the
// action index has already established that it matches.
func (st *statement) decideFast(q *request, checkPrincipal pcheck, res *fastResult, checkAction bool) bool {
	if st.deny && res.deny || !st.deny && res.allow && res.grant == grantDirect {
		return false // cannot change the result
	}
	// The original action with ASCII case folding matches exactly as the
	// lower-cased one would.
	if checkAction && !st.matchAction(q.r.Action) {
		return false
	}
	if st.hasResource && !st.matchResourceFast(q) {
		return false
	}
	g := grantDirect
	if checkPrincipal != skipPrincipal {
		if st.principal == nil {
			return false
		}
		if g = st.principalGrant(&q.r.Principal, checkPrincipal); g == grantNone {
			return false
		}
	}
	for _, i := range st.condOrder {
		if !st.conds[i].eval(q.ctx) {
			return false
		}
	}
	if st.deny {
		res.deny = true
		return true
	}
	if !res.allow || g > res.grant {
		res.allow, res.grant = true, g
	}
	return false
}

// matchResourceFast is matchResource over the request's split resource.
func (st *statement) matchResourceFast(q *request) bool {
	for i := range st.resources {
		p := &st.resources[i]
		if p.any {
			return !st.notResource
		}
		if st.resUnresolved && p.unresolved(q.ctx) {
			if !st.deny {
				return false // see matchResource
			}
			continue
		}
		f, ok := q.fields()
		if p.matchFields(q.ctx, q.r.Resource, f, ok) {
			return !st.notResource
		}
	}
	return st.notResource
}
