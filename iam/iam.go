// Package iam serves the AWS Identity and Access Management API (the
// awsQuery protocol, version 2010-05-08) over the connect-iam store: users,
// groups and membership, roles and their trust policies, customer managed
// policies with versions, inline policies, attached managed policies,
// permissions boundaries, access keys, tags, service-linked roles, OIDC
// and SAML identity providers (oidc.go, saml.go),
// GetAccountAuthorizationDetails and the policy simulator.
//
// Every operation is authorized with the [authz.Authorizer] given in [Deps]
// before it reads or writes anything the caller may not see, with the
// request context IAM builds: the action iam:OPERATION on the entity's ARN,
// aws:RequestTag/KEY and aws:TagKeys for the tags a request sets,
// aws:ResourceTag/KEY from the stored tags of the user or role acted on,
// iam:PermissionsBoundary, iam:PolicyARN and iam:AWSServiceName where IAM
// sets them. Policy documents are checked on write with IAM's own rules
// (grammar.go), not the Access Analyzer lint: IAM accepts actions of
// services it does not know and rejects, with its MalformedPolicyDocument
// messages, what it rejects ("Action": [], a managed policy without
// Version, ...). Trust policies are also checked by the validator, whose
// ERROR findings carry their line and column. Tags are checked as IAM
// checks them, duplicate keys (regardless of case) included; PathPrefix
// follows the model's patterns.
//
// The AWS managed policies connect-iam knows (every policy whose name
// contains "Connect" and the common job-function policies such as
// AdministratorAccess) are built in: [ManagedPolicy] returns their
// documents for the authorizer, and ListPolicies, GetPolicy,
// GetPolicyVersion and the Attach operations accept their ARNs.
//
// Register the handlers on a server with [Register]:
//
//	iam.Register(srv, iam.Deps{Store: st, Box: box, Authorizer: az})
package iam

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/internal/apimodel"
	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/internal/text"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
	"github.com/connect-iam/connect-iam/validate"
)

// Deps are the dependencies of the IAM handlers.
type Deps struct {
	// Store holds the IAM entities. Required.
	Store store.Store
	// Box seals the secret access keys CreateAccessKey creates. Required.
	Box *secretbox.Box
	// Authorizer authorizes every call. Required.
	Authorizer authz.Authorizer
	// Validate validates a policy document of the given type and returns
	// its findings; nil means the validate package with Catalog.
	Validate func(t validate.PolicyType, doc string) []validate.Finding
	// Catalog is the service authorization reference, used by the
	// validator and the simulator; nil means catalog.Default().
	Catalog *catalog.Catalog
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// RoleInUse returns the resources of other services that still use a
	// service-linked role (for Amazon Connect, connect.InstancesUsingRole);
	// DeleteServiceLinkedRole fails its deletion task while there are any,
	// naming them, as AWS does. Nil means no service reports any.
	RoleInUse func(tx store.ReadTx, accountID, roleARN string) ([]string, error)
	// Organization reports the AWS Organizations membership of an account
	// (ok false when it belongs to none), for the centralized root access
	// operations; nil means every account is standalone, and those
	// operations answer OrganizationNotFoundException as AWS does.
	Organization func(tx store.ReadTx, accountID string) (org Organization, ok bool, err error)
}

// handler is the state shared by every operation.
type handler struct {
	Deps
}

// op is one IAM operation.
type op func(h *handler, ctx context.Context, c *call) (any, error)

// call is one authorized IAM call in progress.
type call struct {
	*server.QueryCall
	caller *authz.Caller
	acct   string
	p      *awsquery.Request
	// tagErr is IAM's error for the Tags parameter beyond the model's
	// constraints (duplicate keys), reported after those.
	tagErr error
}

// operations maps every IAM action this package serves to its handler.
var operations = map[string]op{}

// Actions returns the names of the IAM operations [Register] registers,
// in no particular order.
func Actions() []string {
	out := make([]string, 0, len(operations))
	for name := range operations {
		out = append(out, name)
	}
	return out
}

// Register registers every IAM operation on srv. It panics when a required
// dependency is missing, which is a programming error.
func Register(srv *server.Server, d Deps) {
	if d.Store == nil || d.Box == nil || d.Authorizer == nil {
		panic("iam.Register: Deps.Store, Deps.Box and Deps.Authorizer are required")
	}
	if d.Catalog == nil {
		d.Catalog = catalog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Validate == nil {
		d.Validate = newValidators(d.Catalog)
	}
	h := &handler{Deps: d}
	m := apimodel.MustLoad("iam")
	for name, fn := range operations {
		mop := m.Operations[name]
		srv.RegisterQuery("iam", name, server.QueryHandlerFunc(func(ctx context.Context, qc *server.QueryCall) (any, error) {
			return h.serve(ctx, qc, fn, m, mop)
		}))
	}
}

// newValidators returns a Validate function with one validator per policy
// type IAM stores (identity, role trust, permissions boundary; other types
// are checked as identity policies), built on first use: the catalog index
// they share costs a noticeable part of a second, which server start need
// not pay.
func newValidators(cat *catalog.Catalog) func(validate.PolicyType, string) []validate.Finding {
	var once sync.Once
	var vs map[validate.PolicyType]*validate.Validator
	build := func() {
		vs = map[validate.PolicyType]*validate.Validator{}
		for _, t := range []validate.PolicyType{validate.IdentityPolicy, validate.RoleTrustPolicy, validate.PermissionsBoundary} {
			v, err := validate.New(validate.Options{PolicyType: t, Catalog: validate.FromCatalog(cat)})
			if err != nil {
				panic(fmt.Sprintf("iam: building the %s validator: %v", t, err))
			}
			vs[t] = v
		}
	}
	return func(t validate.PolicyType, doc string) []validate.Finding {
		once.Do(build)
		v := vs[t]
		if v == nil {
			v = vs[validate.IdentityPolicy]
		}
		return v.Validate([]byte(doc))
	}
}

// serve validates the input of one operation against AWS's model (mop,
// nil for an operation the model does not have), runs it and maps its
// error to IAM's.
func (h *handler) serve(ctx context.Context, qc *server.QueryCall, fn op, m *apimodel.Model, mop *apimodel.Operation) (any, error) {
	caller := authz.AuthCaller(qc.Auth)
	if caller == nil {
		return nil, awsquery.NewError(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
	}
	if mop != nil {
		qc.Params.Validate(m, mop)
		if err := qc.Params.Err(); err != nil {
			return nil, err
		}
	}
	c := &call{QueryCall: qc, caller: caller, acct: caller.AccountID, p: qc.Params}
	out, err := fn(h, ctx, c)
	if err != nil {
		return nil, mapError(err)
	}
	return out, nil
}

// mapError converts errors of the store and the authorizer to IAM errors.
// Handlers translate the common cases into IAM's exact words themselves;
// this is the fallback.
func mapError(err error) error {
	var qe *awsquery.Error
	var ad *authz.AccessDeniedError
	switch {
	case errors.As(err, &qe):
		return qe
	case errors.As(err, &ad):
		return awsquery.NewError(http.StatusForbidden, "AccessDenied", ad.Message)
	case errors.Is(err, store.ErrNotFound):
		return awsquery.NewError(http.StatusNotFound, "NoSuchEntity", text.Sentence(err.Error()))
	case errors.Is(err, store.ErrAlreadyExists):
		return awsquery.NewError(http.StatusConflict, "EntityAlreadyExists", text.Sentence(err.Error()))
	case errors.Is(err, store.ErrConflict):
		return awsquery.NewError(http.StatusConflict, "DeleteConflict", text.Sentence(err.Error()))
	case errors.Is(err, store.ErrLimitExceeded):
		return awsquery.NewError(http.StatusConflict, "LimitExceeded", text.Sentence(err.Error()))
	case errors.Is(err, store.ErrInvalidArgument):
		return awsquery.NewError(http.StatusBadRequest, "InvalidInput", text.Sentence(err.Error()))
	}
	return err
}

// IAM error constructors, with IAM's codes, statuses and wording.

func noSuchEntity(format string, args ...any) error {
	return awsquery.NewError(http.StatusNotFound, "NoSuchEntity", fmt.Sprintf(format, args...))
}

func alreadyExists(format string, args ...any) error {
	return awsquery.NewError(http.StatusConflict, "EntityAlreadyExists", fmt.Sprintf(format, args...))
}

func deleteConflict(format string, args ...any) error {
	return awsquery.NewError(http.StatusConflict, "DeleteConflict", fmt.Sprintf(format, args...))
}

func limitExceeded(format string, args ...any) error {
	return awsquery.NewError(http.StatusConflict, "LimitExceeded", fmt.Sprintf(format, args...))
}

func invalidInput(format string, args ...any) error {
	return awsquery.NewError(http.StatusBadRequest, "InvalidInput", fmt.Sprintf(format, args...))
}

func unmodifiable(format string, args ...any) error {
	return awsquery.NewError(http.StatusBadRequest, "UnmodifiableEntity", fmt.Sprintf(format, args...))
}

func awsValidation(format string, args ...any) error {
	return awsquery.NewError(http.StatusBadRequest, "ValidationError", fmt.Sprintf(format, args...))
}

func malformedPolicy(msg string) error {
	return awsquery.NewError(http.StatusBadRequest, "MalformedPolicyDocument", msg)
}

// authorize asks the authorizer whether the caller may perform action on
// resource with the request-specific context keys kv.
func (h *handler) authorize(ctx context.Context, c *call, action, resource string, kv map[string][]string, resourceTags ...store.Tag) error {
	req := &authz.Request{
		Caller:       c.caller,
		Action:       action,
		Resource:     resource,
		Context:      kv,
		ResourceTags: resourceTags,
		HTTP:         c.HTTPRequest,
		Time:         h.Now(),
	}
	if c.Auth != nil {
		req.Region = c.Auth.Region
	}
	return h.Authorizer.Authorize(ctx, req)
}

// storedDespiteError are the Access Analyzer ERROR codes that judge what a
// policy means rather than its grammar: IAM stores such a policy (AWS's own
// managed policies have UNSUPPORTED_ACTION_FOR_CONDITION_KEY findings), so
// they are not a MalformedPolicyDocument of a trust policy here.
var storedDespiteError = map[string]bool{
	"UNSUPPORTED_ACTION_FOR_CONDITION_KEY": true,
	"MISSING_ACTION_FOR_CONDITION_KEY":     true,
	"VARIABLE_USAGE_TOO_PERMISSIVE":        true,
	"WILDCARD_USAGE_TOO_PERMISSIVE":        true,
	"INVALID_ARN_RESOURCE":                 true,
	"MISSING_ARN_ACCOUNT":                  true,
	"INVALID_KMS_KEY_VALUE":                true,
}

// checkPolicy checks a policy document stored as kind with IAM's own
// rules (grammar.go) and returns MalformedPolicyDocument with IAM's
// message. Trust policies are then also checked by the validator for
// what IAM requires of them beyond the grammar (a principal, sts
// actions), with the finding's line and column.
func (h *handler) checkPolicy(kind docKind, doc string) error {
	if msg := checkGrammar(kind, doc); msg != "" {
		return malformedPolicy(msg)
	}
	if kind != trustDoc {
		return nil
	}
	for _, f := range h.Validate(validate.RoleTrustPolicy, doc) {
		if f.FindingType != validate.Error || storedDespiteError[f.IssueCode] {
			continue
		}
		pos := f.Pos()
		return malformedPolicy(fmt.Sprintf("%d:%d: %s", pos.Line, pos.Column, f.FindingDetails))
	}
	return nil
}

// IAM's default policy size quotas, in characters without whitespace.
const (
	maxManagedPolicySize = 6144
	maxTrustPolicySize   = 2048
)

// maxInlineSize is IAM's quota on the total size of the inline policies of
// a user, group or role.
var maxInlineSize = map[store.EntityKind]int{store.KindUser: 2048, store.KindGroup: 5120, store.KindRole: 10240}

// policySize is the size of a document as IAM counts it for its quotas.
func policySize(doc string) int { return validate.PolicySize([]byte(doc), false) }

// checkManagedSize enforces the managed policy size quota.
func checkManagedSize(doc string) error {
	if policySize(doc) > maxManagedPolicySize {
		return limitExceeded("Cannot exceed quota for PolicySize: %d", maxManagedPolicySize)
	}
	return nil
}

// checkTrustSize enforces the role trust policy size quota.
func checkTrustSize(doc string) error {
	if policySize(doc) > maxTrustPolicySize {
		return limitExceeded("Cannot exceed quota for ACLSizePerRole: %d", maxTrustPolicySize)
	}
	return nil
}

// encodeDocument encodes a policy document as IAM returns it: percent
// encoded (RFC 3986), which the AWS CLI decodes.
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// decodeDocument accepts a policy document as sent: JSON, or percent
// encoded JSON as IAM returned it.
func decodeDocument(doc string) string {
	t := strings.TrimSpace(doc)
	if strings.HasPrefix(t, "%7B") || strings.HasPrefix(t, "%7b") {
		if d, err := url.PathUnescape(t); err == nil {
			return d
		}
	}
	return doc
}

// Partition of every ARN this server issues.
const partition = "aws"

// entityARN returns the ARN of an IAM entity: kind is "user", "group",
// "role" or "policy"; path is "/" or "/a/b/".
func entityARN(acct, kind, path, name string) string {
	if path == "" {
		path = "/"
	}
	return "arn:" + partition + ":iam::" + acct + ":" + kind + path + name
}

// NewUniqueID returns a new IAM unique ID with the given prefix (AIDA for
// users, AGPA for groups, AROA for roles, ANPA for policies), 21 characters
// long as IAM's are.
func NewUniqueID(prefix string) string { return store.NewID(prefix, 21) }

// NewAccessKey returns a new access key ID with the given prefix ("AKIA"
// for long-term keys, "ASIA" for temporary ones), 20 characters long, and
// a 40-character secret access key.
func NewAccessKey(prefix string) (id, secret string) {
	id = store.NewID(prefix, 20)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	b := make([]byte, 40)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand.Read does not fail on supported platforms
	}
	for i := range b {
		b[i] = alphabet[b[i]&63] // 64 divides 256: no bias
	}
	return id, string(b)
}
