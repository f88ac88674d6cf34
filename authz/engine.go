package authz

import (
	"context"
	"errors"
	"fmt"
	"github.com/connect-iam/connect-iam/arn"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/store"
)

// Options configures an Engine.
type Options struct {
	// Catalog supplies condition key types to the policy compiler (see
	// eval.WithKeyTypes); nil compiles without them.
	Catalog *catalog.Catalog
	// ManagedPolicy returns the document of an AWS managed policy
	// (arn:aws:iam::aws:policy/...), such as iam.ManagedPolicy. An
	// attached AWS managed policy it does not know grants nothing.
	ManagedPolicy func(arn string) (document string, ok bool)
	// Observe, if set, is called once per decision with the service of the
	// action ("iam", "sts", ...) and "allow", "explicit_deny" or
	// "implicit_deny", for example server.(*Server).ObserveDecision.
	Observe func(service, result string)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// CacheSize bounds the number of compiled policies kept; zero means
	// DefaultCacheSize.
	CacheSize int
	// KeyUseInterval is the least time between two recordings of the last
	// use of one access key; zero means one minute.
	KeyUseInterval time.Duration
	// MaxCacheAge bounds how long the policies resolved for a caller are
	// reused; zero means DefaultMaxCacheAge. They are cached only when the
	// store is a Generationer (see Watch), and dropped as soon as its
	// generation changes; otherwise every request reads the store.
	MaxCacheAge time.Duration
	// EncodedDenials are the service prefixes ("ec2", "connect") whose
	// access-denied messages end with an encoded authorization message
	// sealed with Box (see EncodeAuthorizationMessage); none when empty or
	// Box is nil.
	EncodedDenials map[string]bool
	// Box seals encoded authorization messages.
	Box *secretbox.Box
	// Organizations, if set, reads the AWS Organizations data of an
	// account: the service control policies of the caller's account and
	// the resource control policies of the resource's account are then
	// enforced on every request, and aws:PrincipalOrgID,
	// aws:PrincipalOrgPaths, aws:ResourceOrgID and aws:ResourceOrgPaths
	// are set. It is cached like the caller's policies.
	Organizations OrgResolver
	// Enforcement chooses, per caller, whether a denial fails the call
	// (the default), or lets it proceed and is only recorded (log, off).
	// Requests with Request.AlwaysEnforce are always enforced.
	Enforcement *EnforcementRules
}

// Engine is the Authorizer of the server: it resolves the caller's
// policies from the store, compiles them once (cached by document), builds
// the request context and decides with package eval. It is safe for
// concurrent use.
type Engine struct {
	st       store.Store
	opts     Options
	cache    *policyCache
	resolved *resolutionCache[resolution]
	orgs     *resolutionCache[*orgEntry]
	allowAll *eval.Policy

	usageMu  sync.Mutex
	lastUse  map[string]time.Time
	usageWG  sync.WaitGroup
	closed   bool
	keyUseIv time.Duration
}

var _ Authorizer = (*Engine)(nil)

// New returns an Engine over st.
func New(st store.Store, opts Options) *Engine {
	var copts []eval.Option
	if opts.Catalog != nil {
		copts = append(copts, eval.WithKeyTypes(opts.Catalog.KeyTypeName))
	}
	e := &Engine{
		st:       st,
		opts:     opts,
		cache:    newPolicyCache(opts.CacheSize, copts...),
		resolved: newResolutionCache[resolution](st, opts.MaxCacheAge, opts.CacheSize),
		orgs:     newResolutionCache[*orgEntry](st, opts.MaxCacheAge, opts.CacheSize),
		lastUse:  make(map[string]time.Time),
		keyUseIv: opts.KeyUseInterval,
	}
	if e.keyUseIv <= 0 {
		e.keyUseIv = time.Minute
	}
	all, err := e.cache.compile(eval.Identity, "trust-check", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	if err != nil {
		panic("authz: the built-in allow-all policy does not compile: " + err.Error())
	}
	e.allowAll = all
	return e
}

func (e *Engine) now() time.Time {
	if e.opts.Now != nil {
		return e.opts.Now()
	}
	return time.Now()
}

// Close waits for the access-key usage records that are being written and
// stops recording new ones. Call it before closing the store.
func (e *Engine) Close() {
	e.usageMu.Lock()
	e.closed = true
	e.usageMu.Unlock()
	e.usageWG.Wait()
}

// Authorize decides req. It returns nil when the request is allowed, an
// *AccessDeniedError with AWS's message when it is denied, and another
// error when the policies could not be resolved (a store failure or a
// stored policy that does not compile).
func (e *Engine) Authorize(ctx context.Context, req *Request) error {
	if req == nil || req.Caller == nil {
		return errors.New("authz: Authorize needs a request with the authenticated Caller; the handler must read it with authz.CallerOf")
	}
	now := req.Time
	if now.IsZero() {
		now = e.now()
	}
	set, principal, memo, err := e.resolve(ctx, req.Caller)
	if err != nil {
		return err
	}
	set.Resource = req.ResourcePolicy
	er := &eval.Request{
		Principal:       principal,
		Action:          req.Action,
		Resource:        req.Resource,
		ResourceAccount: resourceAccount(req),
	}
	ok, err := e.applyOrganizations(ctx, req, set, er)
	if err != nil {
		return err
	}
	er.Context = e.requestContext(req, &principal, now, memo, ok)
	if er.Resource == "" {
		er.Resource = "*"
	}
	e.recordKeyUse(req, now)
	mode := EnforceDeny
	if !req.AlwaysEnforce {
		mode = e.opts.Enforcement.For(req.Caller)
	}
	if msg := temporaryCredentialLimit(req.Caller, req.Action); msg != "" {
		e.finish(ctx, req, mode, eval.ImplicitDeny, msg, nil)
		return soft(mode, &AccessDeniedError{Decision: eval.ImplicitDeny, Message: msg})
	}

	d := set.Decide(er)
	if d == eval.ExplicitDeny {
		return e.deny(ctx, req, mode, d, set, er)
	}
	if req.RequireResourceAllow && req.ResourcePolicy != nil {
		if td, msg := e.trustCheck(req, er); td != eval.Allow {
			e.finish(ctx, req, mode, td, msg, nil)
			return soft(mode, &AccessDeniedError{Decision: td, Message: msg})
		}
	}
	if d != eval.Allow {
		return e.deny(ctx, req, mode, d, set, er)
	}
	e.finish(ctx, req, mode, eval.Allow, "", nil)
	return nil
}

// soft returns the denial ad when mode enforces it, and nil (the call
// proceeds) under EnforceLog and EnforceOff: this is the one place where
// a denial becomes the error every service turns into AccessDenied.
func soft(mode Enforcement, ad *AccessDeniedError) error {
	if mode != EnforceDeny {
		return nil
	}
	return ad
}

// temporaryCredentialLimit returns the denial message when the caller's
// kind of temporary credentials cannot call the action at all (spec §8.3,
// §8.4): federated users cannot call IAM, and GetSessionToken credentials
// obtained without MFA cannot call IAM either.
func temporaryCredentialLimit(c *Caller, action string) string {
	if serviceOf(action) != "iam" || c.Session == nil {
		return ""
	}
	switch {
	case c.Kind == FederatedUserCaller:
		return "User: " + c.ARN + " is not authorized to perform: " + action + " because credentials from GetFederationToken cannot call IAM; use the credentials of an IAM user or role"
	case c.Kind == SessionTokenCaller && !c.Session.MFAAuthenticated:
		return "User: " + c.ARN + " is not authorized to perform: " + action + " because credentials from GetSessionToken obtained without MFA cannot call IAM; use the long-term access key"
	}
	return ""
}

// trustCheck decides whether the resource policy by itself allows the
// principal, as a role trust policy must (spec §3.2 step 4): it is decided
// as a cross-account request whose identity side allows everything, so
// that only a statement naming the principal or its account allows.
func (e *Engine) trustCheck(req *Request, er *eval.Request) (eval.Decision, string) {
	tr := *er
	tr.ResourceAccount = otherAccount(er.Principal.Account)
	set := &eval.PolicySet{Identity: []*eval.Policy{e.allowAll}, Resource: req.ResourcePolicy}
	d := set.Decide(&tr)
	if d == eval.Allow {
		return d, ""
	}
	head := "User: " + er.Principal.DisplayARN() + " is not authorized to perform: " + req.Action
	if er.Resource != "*" {
		head += " on resource: " + er.Resource
	}
	if d == eval.ExplicitDeny {
		return d, head + " with an explicit deny in the role trust policy"
	}
	return d, head + " because no role trust policy allows the " + req.Action + " action"
}

// otherAccount returns an account ID different from acct.
func otherAccount(acct string) string {
	if acct == "000000000000" {
		return "000000000001"
	}
	return "000000000000"
}

// deny explains a denial (except under EnforceOff, which only records
// the decision) and returns it as the mode says.
func (e *Engine) deny(ctx context.Context, req *Request, mode Enforcement, d eval.Decision, set *eval.PolicySet, er *eval.Request) error {
	if mode == EnforceOff {
		e.finish(ctx, req, mode, d, "", nil)
		return nil
	}
	x := set.Explain(er)
	e.finish(ctx, req, mode, x.Decision, x.Message, x)
	msg := x.Message
	if e.opts.Box != nil && e.opts.EncodedDenials[serviceOf(req.Action)] {
		msg += ". Encoded authorization failure message: " + EncodeAuthorizationMessage(e.opts.Box, x)
	}
	return soft(mode, &AccessDeniedError{Decision: x.Decision, Message: msg, Explanation: x})
}

// finish observes and records a decision.
func (e *Engine) finish(ctx context.Context, req *Request, mode Enforcement, d eval.Decision, msg string, x *eval.Explanation) {
	if e.opts.Observe != nil {
		e.opts.Observe(serviceOf(req.Action), resultLabel(d))
	}
	if r := recorderFrom(ctx); r != nil {
		r.record(Record{Action: req.Action, Resource: req.Resource, Decision: d, Message: msg, Explanation: x,
			Enforcement: mode, Context: req.Context, ResourceTags: req.ResourceTags, Region: req.Region})
	}
}

func serviceOf(action string) string {
	svc, _, _ := strings.Cut(action, ":")
	return strings.ToLower(svc)
}

func resultLabel(d eval.Decision) string {
	switch d {
	case eval.Allow:
		return "allow"
	case eval.ExplicitDeny:
		return "explicit_deny"
	}
	return "implicit_deny"
}

// context builds the request context: the service's keys, the global
// keys IAM adds to every request, and the principal's keys.
func (e *Engine) context(req *Request, p *eval.Principal, now time.Time, ok orgKeys) *eval.Context {
	c := eval.NewContext()
	for k, vs := range req.ConditionKeys() {
		c.Set(k, vs...)
	}
	now = now.UTC()
	c.SetDefault("aws:CurrentTime", now.Format(time.RFC3339))
	c.SetDefault("aws:EpochTime", strconv.FormatInt(now.Unix(), 10))
	c.SetDefault("aws:ViaAWSService", "false")
	secure := "false"
	if h := req.HTTP; h != nil {
		if ip := sourceIP(h.RemoteAddr); ip != "" {
			c.SetDefault("aws:SourceIp", ip)
		}
		if h.TLS != nil {
			secure = "true"
		}
		c.SetDefault("aws:UserAgent", h.UserAgent())
	}
	c.SetDefault("aws:SecureTransport", secure)
	if req.Region != "" {
		c.SetDefault("aws:RequestedRegion", req.Region)
	}
	if acct := resourceAccount(req); acct != "" {
		c.SetDefault("aws:ResourceAccount", acct)
	}
	if s := req.Caller.Session; s != nil {
		c.SetDefault("aws:MultiFactorAuthPresent", strconv.FormatBool(s.MFAAuthenticated))
		if s.MFAAuthenticated {
			// Seconds since the MFA authentication that issued the
			// session; absent without MFA, as in AWS.
			c.SetDefault("aws:MultiFactorAuthAge", strconv.FormatInt(max(0, int64(now.Sub(s.Created)/time.Second)), 10))
		}
		c.SetDefault("aws:TokenIssueTime", s.Created.UTC().Format(time.RFC3339))
		if s.SourceIdentity != "" {
			c.SetDefault("aws:SourceIdentity", s.SourceIdentity)
		}
	}
	ok.set(c)
	p.AddToContext(c)
	return c
}

// resourceAccount is the account owning the requested resource, or "" when
// the resource names none.
func resourceAccount(req *Request) string {
	if req.ResourceAccount != "" {
		return req.ResourceAccount
	}
	// Resources AWS owns, such as the AWS managed policies
	// (arn:aws:iam::aws:policy/...), are visible in every account: acting on
	// one is not a cross-account request.
	if f, ok := arn.Split(req.Resource); ok && f[4] != "" && f[4] != "aws" {
		return f[4]
	}
	return req.Caller.AccountID
}

// remoteHost returns RemoteAddr without its port.
func remoteHost(remote string) string {
	if i := strings.LastIndexByte(remote, ':'); i >= 0 && !strings.HasSuffix(remote, "]") {
		return remote[:i]
	}
	return remote
}

// sourceIP returns the IP address of a RemoteAddr ("host:port").
func sourceIP(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.String()
	}
	return ""
}

// recordKeyUse records the last use of a long-term access key at most once
// per KeyUseInterval per key, in the background.
func (e *Engine) recordKeyUse(req *Request, now time.Time) {
	c := req.Caller
	if c.Session != nil || !strings.HasPrefix(c.AccessKeyID, "AKIA") {
		return
	}
	e.usageMu.Lock()
	if e.closed || now.Sub(e.lastUse[c.AccessKeyID]) < e.keyUseIv {
		e.usageMu.Unlock()
		return
	}
	e.lastUse[c.AccessKeyID] = now
	e.usageWG.Add(1)
	e.usageMu.Unlock()
	id, svc, region := c.AccessKeyID, serviceOf(req.Action), req.Region
	go func() {
		defer e.usageWG.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		// A key deleted meanwhile has nothing to record; other failures
		// only lose a last-used time.
		_ = e.st.Update(ctx, func(tx store.Tx) error {
			return tx.RecordAccessKeyUse(id, now, svc, region)
		})
	}()
}

// document is a policy to compile: its type, name and text.
type document struct {
	typ  eval.PolicyType
	name string
	text string
}

// resolved is what the store says about a caller.
type resolved struct {
	docs []document
	tags []store.Tag
}

// resolution is a caller's resolved policies and principal.
type resolution struct {
	set  eval.PolicySet
	p    eval.Principal
	memo *contextMemo
}

// contextMemo keeps the last request context built for a caller, which
// the caller's next request reuses when nothing it depends on changed: a
// client sending a stream of requests from one address within one second
// builds its context once.
type contextMemo struct {
	mu  sync.Mutex
	key string
	ctx *eval.Context
}

// resolve returns the policies that apply to the caller and its principal,
// from the resolution cache when the store has not changed.
func (e *Engine) resolve(ctx context.Context, c *Caller) (*eval.PolicySet, eval.Principal, *contextMemo, error) {
	key := strconv.Itoa(int(c.Kind)) + "|" + c.ARN + "|" + c.AccessKeyID
	if err := e.resolved.sync(ctx); err != nil {
		return nil, eval.Principal{}, nil, err
	}
	now := time.Now()
	if r, ok := e.resolved.get(key, now); ok {
		set := r.set
		return &set, r.p, r.memo, nil
	}
	gen := e.resolved.generation()
	set, p, err := e.resolveStore(ctx, c)
	if err != nil {
		return nil, p, nil, err
	}
	memo := &contextMemo{}
	e.resolved.put(key, gen, now, resolution{set: *set, p: p, memo: memo})
	return set, p, memo, nil
}

// requestContext returns the request context, reusing the caller's last
// one when the request adds no keys of its own and every global key has
// the same value.
func (e *Engine) requestContext(req *Request, p *eval.Principal, now time.Time, memo *contextMemo, ok orgKeys) *eval.Context {
	if memo == nil || len(req.Context) > 0 || len(req.ResourceTags) > 0 {
		return e.context(req, p, now, ok)
	}
	var key strings.Builder
	key.WriteString(strconv.FormatInt(now.Unix(), 10))
	key.WriteByte('|')
	key.WriteString(req.Region)
	key.WriteByte('|')
	key.WriteString(resourceAccount(req))
	key.WriteString(ok.memoKey())
	if h := req.HTTP; h != nil {
		key.WriteByte('|')
		key.WriteString(remoteHost(h.RemoteAddr)) // the port does not matter
		key.WriteByte('|')
		key.WriteString(h.UserAgent())
		if h.TLS != nil {
			key.WriteString("|tls")
		}
	}
	k := key.String()
	memo.mu.Lock()
	if memo.key == k && memo.ctx != nil {
		c := memo.ctx
		memo.mu.Unlock()
		return c
	}
	memo.mu.Unlock()
	c := e.context(req, p, now, ok)
	memo.mu.Lock()
	memo.key, memo.ctx = k, c
	memo.mu.Unlock()
	return c
}

// resolveStore reads the caller's policies from the store.
func (e *Engine) resolveStore(ctx context.Context, c *Caller) (*eval.PolicySet, eval.Principal, error) {
	p, err := eval.ParsePrincipal(c.ARN)
	if err != nil {
		return nil, p, fmt.Errorf("authz: caller %s: %w", c.ARN, err)
	}
	if c.UserID != "" {
		p.UserID = c.UserID
	}
	if c.Kind == AssumedRoleCaller && c.RoleARN != "" {
		if err := p.SetRoleARN(c.RoleARN); err != nil {
			return nil, p, fmt.Errorf("authz: caller %s: %w", c.ARN, err)
		}
	}
	var r resolved
	err = e.st.View(ctx, func(tx store.ReadTx) error {
		r = resolved{}
		return e.collect(tx, c, &r)
	})
	if err != nil {
		return nil, p, fmt.Errorf("authz: resolve the policies of %s: %w", c.ARN, err)
	}
	set := &eval.PolicySet{}
	for _, d := range r.docs {
		pol, err := e.cache.compile(d.typ, d.name, d.text)
		if err != nil {
			return nil, p, err
		}
		switch d.typ {
		case eval.Identity:
			set.Identity = append(set.Identity, pol)
		case eval.PermissionsBoundary:
			set.PermissionsBoundary = pol
		case eval.Session:
			set.Session = append(set.Session, pol)
		}
	}
	if len(r.tags) > 0 {
		p.Tags = make(map[string]string, len(r.tags))
		for _, t := range r.tags {
			p.Tags[t.Key] = t.Value
		}
	}
	return set, p, nil
}

// collect reads the caller's policies and tags in one transaction.
func (e *Engine) collect(tx store.ReadTx, c *Caller, r *resolved) error {
	acct := c.AccountID
	switch c.Kind {
	case RootCaller:
	case UserCaller, SessionTokenCaller, FederatedUserCaller:
		if c.UserName == "" { // the root user's session
			break
		}
		u, err := tx.GetUser(acct, c.UserName)
		if errors.Is(err, store.ErrNotFound) {
			return nil // a deleted user has no permissions
		}
		if err != nil {
			return err
		}
		if err := e.entityPolicies(tx, acct, store.EntityRef{Kind: store.KindUser, Name: u.Name}, "user/"+u.Name, u.PermissionsBoundaryARN, r); err != nil {
			return err
		}
		for marker := ""; ; {
			groups, next, err := tx.ListGroupsForUser(acct, u.Name, store.ListOptions{Marker: marker, MaxItems: 1000})
			if err != nil {
				return err
			}
			for _, g := range groups {
				if err := e.entityPolicies(tx, acct, store.EntityRef{Kind: store.KindGroup, Name: g.Name}, "group/"+g.Name, "", r); err != nil {
					return err
				}
			}
			if marker = next; marker == "" {
				break
			}
		}
		if r.tags, err = tx.ListTags(acct, store.EntityRef{Kind: store.KindUser, Name: u.Name}); err != nil {
			return err
		}
	case AssumedRoleCaller:
		role, err := tx.GetRole(acct, c.RoleName)
		if errors.Is(err, store.ErrNotFound) {
			return nil // a deleted role's sessions have no permissions
		}
		if err != nil {
			return err
		}
		if err := e.entityPolicies(tx, acct, store.EntityRef{Kind: store.KindRole, Name: role.Name}, "role/"+role.Name, role.PermissionsBoundaryARN, r); err != nil {
			return err
		}
		if r.tags, err = tx.ListTags(acct, store.EntityRef{Kind: store.KindRole, Name: role.Name}); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown caller kind %d", c.Kind)
	}
	if s := c.Session; s != nil && (c.Kind == AssumedRoleCaller || c.Kind == FederatedUserCaller) {
		if s.Policy != "" {
			r.docs = append(r.docs, document{eval.Session, "session policy", s.Policy})
		}
		for _, a := range s.PolicyARNs {
			doc, ok, err := e.managedDocument(tx, acct, a)
			if err != nil {
				return err
			}
			if !ok {
				// A session policy that no longer exists still limits
				// the session: it allows nothing.
				doc = `{"Version":"2012-10-17","Statement":[]}`
			}
			r.docs = append(r.docs, document{eval.Session, a, doc})
		}
		r.tags = MergeTags(r.tags, s.Tags)
	}
	return nil
}

// MergeTags returns base with the tags of over added, a tag of over
// replacing the tag of base with the same key compared case-insensitively
// (session tags override role and user tags).
func MergeTags(base, over []store.Tag) []store.Tag {
	if len(over) == 0 {
		return base
	}
	out := make([]store.Tag, 0, len(base)+len(over))
	for _, t := range base {
		replaced := false
		for _, o := range over {
			if strings.EqualFold(t.Key, o.Key) {
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	return append(out, over...)
}

// entityPolicies adds the inline and attached policies of a user, group or
// role, and its permissions boundary.
func (e *Engine) entityPolicies(tx store.ReadTx, acct string, owner store.EntityRef, label, boundary string, r *resolved) error {
	for marker := ""; ; {
		inl, next, err := tx.ListInlinePolicies(acct, owner, store.ListOptions{Marker: marker, MaxItems: 1000})
		if err != nil {
			return err
		}
		for _, p := range inl {
			r.docs = append(r.docs, document{eval.Identity, label + " inline policy " + p.Name, p.Document})
		}
		if marker = next; marker == "" {
			break
		}
	}
	for marker := ""; ; {
		arns, next, err := tx.ListAttachedPolicies(acct, owner, store.ListOptions{Marker: marker, MaxItems: 1000})
		if err != nil {
			return err
		}
		for _, a := range arns {
			doc, ok, err := e.managedDocument(tx, acct, a)
			if err != nil {
				return err
			}
			if ok {
				r.docs = append(r.docs, document{eval.Identity, a, doc})
			}
		}
		if marker = next; marker == "" {
			break
		}
	}
	if boundary != "" {
		doc, ok, err := e.managedDocument(tx, acct, boundary)
		if err != nil {
			return err
		}
		if !ok {
			// A boundary that cannot be read must not widen access.
			doc = `{"Version":"2012-10-17","Statement":[]}`
		}
		r.docs = append(r.docs, document{eval.PermissionsBoundary, boundary, doc})
	}
	return nil
}

// managedDocument returns the default version of a managed policy: AWS
// managed policies from Options.ManagedPolicy, customer managed ones from
// the store.
func (e *Engine) managedDocument(tx store.ReadTx, acct, arn string) (string, bool, error) {
	if IsAWSManaged(arn) {
		if e.opts.ManagedPolicy == nil {
			return "", false, nil
		}
		doc, ok := e.opts.ManagedPolicy(arn)
		return doc, ok, nil
	}
	p, err := tx.GetPolicy(acct, arn)
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	v, err := tx.GetPolicyVersion(acct, arn, p.DefaultVersionID)
	if err != nil {
		return "", false, err
	}
	return v.Document, true, nil
}

// IsAWSManaged reports whether arn names an AWS managed policy
// (arn:PARTITION:iam::aws:policy/...).
func IsAWSManaged(arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[2] == "iam" && parts[4] == "aws"
}
