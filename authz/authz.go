// Package authz authorizes the server's API calls with the policy engine:
// it resolves the authenticated caller to the policies that apply to it
// (identity policies of the user or role and of the user's groups, the
// permissions boundary, session policies), builds the request context IAM
// builds (aws:PrincipalTag/*, aws:SourceIp, aws:SecureTransport,
// aws:CurrentTime, aws:MultiFactorAuthPresent, ...), decides with eval,
// and returns AWS's access-denied error when the answer is no.
//
// The types in this file are the contract between the authorizer and the
// service packages (iam, sts, connect) that call it.
//
// The server wires it up as:
//
//	st := authz.Watch(db) // every writer in the process uses st
//	creds := authz.NewCredentialStore(st, box, nil)
//	engine := authz.New(st, authz.Options{Catalog: cat, ManagedPolicy: iam.ManagedPolicy, Observe: srv.ObserveDecision})
//	verifier := &sigv4.Verifier{Store: creds}
//
// NewCredentialStore resolves long-term keys (AKIA..., Active only) of IAM
// users and temporary credentials (ASIA...) of STS sessions to a *Caller.
// The Engine resolves a caller's policies from the store: for a user its
// inline and attached policies, those of its groups, and its permissions
// boundary; for a role session the role's policies and boundary plus the
// session policies; for a federated user the user's policies plus the
// session policies (none means no permissions); the root user is
// evaluated with the engine's root semantics. Compiled policies are cached
// by document. When the store is the one Watch returns, the policies
// resolved for each caller and the credentials of each key are cached too,
// until a write changes users, groups, roles, policies, tags, keys or
// sessions (or for at most DefaultMaxCacheAge), so that a request served
// from the caches reads nothing from the store.
//
// The Engine records the last use of long-term access keys (at most once a
// minute per key, in the background) and reports each decision to
// Options.Observe and to the Recorder of the request's context
// (WithRecorder), for the audit log.
package authz

import (
	"context"
	"github.com/connect-iam/connect-iam/server/sigv4"
	"net/http"
	"time"

	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/store"
)

// CallerKind is the kind of principal that signed a request.
type CallerKind int

const (
	// UserCaller is an IAM user signing with its long-term access key.
	UserCaller CallerKind = iota + 1
	// RootCaller is the account root user.
	RootCaller
	// AssumedRoleCaller is a role session (AssumeRole credentials).
	AssumedRoleCaller
	// FederatedUserCaller is a GetFederationToken session.
	FederatedUserCaller
	// SessionTokenCaller is a GetSessionToken session of an IAM user (or
	// root): it acts as that user.
	SessionTokenCaller
)

// Caller is the authenticated principal of a request, as resolved from the
// access key that signed it. The server's credential lookup sets it as
// sigv4.Credentials.Principal; service handlers read it with CallerOf. A
// Caller may be shared by concurrent requests of the same key: treat it
// as read-only.
type Caller struct {
	Kind      CallerKind
	AccountID string
	// ARN is the principal's ARN as AWS reports it to GetCallerIdentity and
	// in access-denied messages: the user ARN, the root ARN,
	// arn:aws:sts::ACCT:assumed-role/ROLE/SESSION or
	// arn:aws:sts::ACCT:federated-user/NAME.
	ARN string
	// UserID is aws:userid: AIDA... for users, AROA...:SESSION for role
	// sessions, ACCT:NAME for federated users, the account ID for root.
	UserID string
	// UserName is the IAM user for UserCaller and SessionTokenCaller, and
	// the user who called GetFederationToken for FederatedUserCaller.
	UserName string
	// RoleName and RoleARN (with path) identify the role of an
	// AssumedRoleCaller; SessionName is its session name.
	RoleName, RoleARN, SessionName string
	// AccessKeyID is the key that signed the request (AKIA... or ASIA...).
	AccessKeyID string
	// Session is the STS session behind temporary credentials, nil for
	// long-term keys.
	Session *store.Session
}

// Request is one authorization question a service handler asks.
type Request struct {
	Caller *Caller
	// Action is "service:Action", such as "iam:CreateUser".
	Action string
	// Resource is the resource ARN the action names, or "*".
	Resource string
	// ResourceAccount is the account owning the resource; "" derives it
	// from Resource, else the caller's account.
	ResourceAccount string
	// Context holds the other request-specific condition keys the service
	// adds (iam:PermissionsBoundary, iam:PolicyARN, sts:ExternalId,
	// connect:InstanceId, ...): key to values. The authorizer adds the
	// global keys itself, and aws:ResourceTag/KEY from ResourceTags.
	Context map[string][]string
	// ResourceTags are the stored tags of the resource acted on; the
	// authorizer adds aws:ResourceTag/KEY for each.
	ResourceTags []store.Tag
	// ResourcePolicy is the resource-based policy of the resource, if any
	// (a role's trust policy for sts:AssumeRole).
	ResourcePolicy *eval.Policy
	// RequireResourceAllow makes the resource policy itself have to allow
	// the caller, by naming it or its account, as a role trust policy must
	// for sts:AssumeRole and sts:TagSession (spec §3.2 step 4); the usual
	// evaluation (identity policies, boundary, session policies, and
	// cross-account rules) must allow as well. A denial by the trust policy
	// says "because no role trust policy allows the ACTION action".
	RequireResourceAllow bool
	// HTTP is the request being served, for aws:SourceIp,
	// aws:SecureTransport, aws:UserAgent and aws:RequestedRegion.
	HTTP *http.Request
	// Region is the region the request was signed for.
	Region string
	// Time is the time of the request; zero means now.
	Time time.Time
	// AlwaysEnforce makes a denial fail the call whatever
	// Options.Enforcement says, for what soft enforcement must never
	// open, such as the audit stream.
	AlwaysEnforce bool
}

// ConditionKeys returns the request-specific condition keys the authorizer
// evaluates: Context plus aws:ResourceTag/KEY for each of ResourceTags
// (a key in Context wins). The global keys are not included.
func (r *Request) ConditionKeys() map[string][]string {
	if len(r.ResourceTags) == 0 {
		return r.Context
	}
	kv := make(map[string][]string, len(r.Context)+len(r.ResourceTags))
	for _, t := range r.ResourceTags {
		kv["aws:ResourceTag/"+t.Key] = []string{t.Value}
	}
	for k, v := range r.Context {
		kv[k] = v
	}
	return kv
}

// Authorizer answers authorization questions. Authorize returns nil when
// the request is allowed and an *AccessDeniedError otherwise (or another
// error when the answer could not be computed, such as a store failure).
type Authorizer interface {
	Authorize(ctx context.Context, req *Request) error
}

// AccessDeniedError is a denied request. Message is AWS's message:
// "User: ARN is not authorized to perform: ACTION on resource: RES because
// no identity-based policy allows the ACTION action" (or "with an explicit
// deny in a ... policy"). Services send it as AccessDenied (awsQuery) or
// AccessDeniedException (JSON), HTTP 403.
type AccessDeniedError struct {
	Decision    eval.Decision
	Message     string
	Explanation *eval.Explanation
}

func (e *AccessDeniedError) Error() string { return e.Message }

// CallerOf returns the Caller that credential lookup attached to a
// verified request's principal, or nil.
func CallerOf(principal any) *Caller {
	c, _ := principal.(*Caller)
	return c
}

// AuthCaller returns the Caller of a verified request, or nil when the
// request was not verified or its credentials carry no Caller (a server
// whose credential store is not NewCredentialStore's).
func AuthCaller(auth *sigv4.Result) *Caller {
	if auth == nil {
		return nil
	}
	return CallerOf(auth.Credentials.Principal)
}
