// Package organizations implements the policy API of AWS Organizations
// (awsJson1_1, X-Amz-Target AWSOrganizationsV20161128.<Op>, signing name
// "organizations", a global endpoint signed for us-east-1): the
// organization, its root and organizational units, the server's accounts as
// members, and service control policies (SCPs) and resource control
// policies (RCPs) with their attachments, so that package authz enforces
// them on every request (see Resolve and authz.Options.Organizations).
//
// Everything is kept as store.Resource records of service "organizations"
// (see records.go), whose writes invalidate the authorizer's caches.
//
// Accounts join an organization the way AWS's do: the management account
// invites an existing account (InviteAccountToOrganization) and the
// account's administrator accepts (AcceptHandshake), or the management
// account creates a new account (CreateAccount), which gets the role
// OrganizationAccountAccessRole that the management account may assume.
//
// Every call is authorized by the engine as organizations:<Op> on the
// ARNs of the resources it names (the service authorization reference's
// resource types), with organizations:PolicyType, aws:RequestTag/* and
// aws:TagKeys where they apply; calls that change or read the whole
// organization are refused to member accounts with AccessDeniedException,
// as AWS does.
package organizations

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/policy"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/awsjson"
	"github.com/connect-iam/connect-iam/store"
	"github.com/connect-iam/connect-iam/validate"
)

// TargetPrefix is the X-Amz-Target prefix of AWS Organizations.
const TargetPrefix = "AWSOrganizationsV20161128"

// SigningName is the service name requests are signed for.
const SigningName = "organizations"

// Deps are what the service needs.
type Deps struct {
	// Store holds the records; use the watched store (authz.Watch) so
	// that writes reach the authorizer's caches.
	Store store.Store
	// Authorizer authorizes every call (an *authz.Engine).
	Authorizer authz.Authorizer
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service is AWS Organizations registered on a server.
type Service struct {
	d Deps

	validatorsOnce sync.Once
	validators     map[string]*validate.Validator
}

// op is one operation.
type op func(s *Service, c *call) (any, error)

// Operations returns the names of the operations served, sorted.
func Operations() []string {
	names := make([]string, 0, len(operations))
	for n := range operations {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Register registers the operations on srv and returns the service.
func Register(srv *server.Server, d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &Service{d: d}
	for name, fn := range operations {
		srv.RegisterJSON(SigningName, TargetPrefix, name, server.JSONHandlerFunc(func(ctx context.Context, jc *server.JSONCall) (any, error) {
			return s.serve(ctx, jc, name, fn)
		}))
	}
	return s
}

// call is one call being served.
type call struct {
	ctx    context.Context
	jc     *server.JSONCall
	op     string
	caller *authz.Caller
	acct   string
	in     map[string]any
}

func (s *Service) serve(ctx context.Context, jc *server.JSONCall, name string, fn op) (any, error) {
	caller := authz.AuthCaller(jc.Auth)
	if caller == nil {
		return nil, &awsjson.Error{Code: "UnrecognizedClientException", Status: http.StatusForbidden, Message: "The security token included in the request is invalid."}
	}
	in, err := validateInput(name, jc.Body)
	if err != nil {
		return nil, err
	}
	c := &call{ctx: ctx, jc: jc, op: name, caller: caller, acct: caller.AccountID, in: in}
	out, err := fn(s, c)
	if err != nil {
		return nil, mapError(err)
	}
	return out, nil
}

// str returns a string member of the input ("" when absent).
func (c *call) str(name string) string {
	v, _ := c.in[name].(string)
	return v
}

// decode decodes the input into v.
func (c *call) decode(v any) error {
	if err := json.Unmarshal(c.jc.Body, v); err != nil {
		return &awsjson.Error{Code: "SerializationException", Message: "The request body cannot be read: " + err.Error()}
	}
	return nil
}

// fail returns an Organizations error.
func fail(code, message string) *awsjson.Error {
	return &awsjson.Error{Code: code, Message: message}
}

// failReason returns an Organizations error with a Reason.
func failReason(code, reason, message string) *awsjson.Error {
	return &awsjson.Error{Code: code, Message: message, Fields: map[string]any{"Reason": reason}}
}

// AWS's messages for the common errors.
var (
	errNotInUse      = fail("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
	errNotManagement = fail("AccessDeniedException", "You don't have permissions to access this resource: only the management account of the organization can call this operation.")
	errPolicyMissing = fail("PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.")
	errTargetMissing = fail("TargetNotFoundException", "We can't find a root, OU, account, or policy with the TargetId that you specified.")
	errParentMissing = fail("ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")
	errOUMissing     = fail("OrganizationalUnitNotFoundException", "We can't find an OU with the OrganizationalUnitId that you specified.")
	errAcctMissing   = fail("AccountNotFoundException", "You specified an account that doesn't exist.")
	errTypeDisabled  = fail("PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types.")
)

// mapError converts the authorizer's and the store's errors.
func mapError(err error) error {
	var ae *awsjson.Error
	var ad *authz.AccessDeniedError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &ad):
		return fail("AccessDeniedException", ad.Message)
	case errors.Is(err, store.ErrConflict):
		return fail("ConcurrentModificationException", "The target of the operation is currently being modified by a different request. Try again later.")
	case errors.Is(err, store.ErrLimitExceeded):
		return failReason("ConstraintViolationException", "MAX_TAG_LIMIT_EXCEEDED", "You have tried to add more than 50 tags to the resource.")
	}
	return err
}

// authorize asks the engine whether the caller may perform the call's
// action on resource.
func (s *Service) authorize(c *call, resource string, keys map[string][]string) error {
	return s.authorizeAction(c, "organizations:"+c.op, resource, keys)
}

func (s *Service) authorizeAction(c *call, action, resource string, keys map[string][]string) error {
	return s.d.Authorizer.Authorize(c.ctx, &authz.Request{Caller: c.caller, Action: action, Resource: resource,
		ResourceAccount: c.acct, Context: keys, HTTP: c.jc.HTTPRequest, Region: c.jc.Auth.Region})
}

// typeKey is the organizations:PolicyType condition key.
func typeKey(t string) map[string][]string {
	if t == "" {
		return nil
	}
	return map[string][]string{"organizations:PolicyType": {t}}
}

// tagKeys adds aws:RequestTag/* and aws:TagKeys for tags to keys.
func tagKeys(keys map[string][]string, tags []tag) map[string][]string {
	if len(tags) == 0 {
		return keys
	}
	if keys == nil {
		keys = map[string][]string{}
	}
	for _, t := range tags {
		keys["aws:RequestTag/"+t.Key] = []string{t.Value}
		keys["aws:TagKeys"] = append(keys["aws:TagKeys"], t.Key)
	}
	return keys
}

// view runs fn in a read transaction.
func (s *Service) view(c *call, fn func(tx store.ReadTx) error) error {
	return s.d.Store.View(c.ctx, fn)
}

// update runs fn in a write transaction.
func (s *Service) update(c *call, fn func(tx store.Tx) error) error {
	return s.d.Store.Update(c.ctx, fn)
}

// callerOrg returns the caller's organization, or AWSOrganizationsNotInUseException.
func (s *Service) callerOrg(c *call) (*org, error) {
	var o *org
	err := s.view(c, func(tx store.ReadTx) error {
		var err error
		o, err = membership(tx, c.acct)
		return err
	})
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, errNotInUse
	}
	return o, nil
}

// manage authorizes a management operation on resource: the caller must
// be allowed by its policies and be in the management account.
func (s *Service) manage(c *call, o *org, resource string, keys map[string][]string) error {
	if err := s.authorize(c, resource, keys); err != nil {
		return err
	}
	if c.acct != o.management() {
		return errNotManagement
	}
	return nil
}

// managedOrg is callerOrg and manage in one.
func (s *Service) managedOrg(c *call, resource func(o *org) string, keys map[string][]string) (*org, error) {
	o, err := s.callerOrg(c)
	if err != nil {
		return nil, err
	}
	res := "*"
	if resource != nil {
		res = resource(o)
	}
	return o, s.manage(c, o, res, keys)
}

// nodeARN is the ARN of a root, OU or account of o.
func nodeARN(o *org, id string) string {
	switch nodeType(id) {
	case typeRoot:
		return rootARN(o.management(), o.id(), id)
	case typeOU:
		return ouARN(o.management(), o.id(), id)
	case typeAccount:
		return accountARN(o.management(), o.id(), id)
	}
	return "*"
}

// tag is a tag of the input.
type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

func storeTags(tags []tag) []store.Tag {
	out := make([]store.Tag, 0, len(tags))
	for _, t := range tags {
		out = append(out, store.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

// checkTags rejects duplicate keys and aws: keys, as Organizations does.
func checkTags(tags []tag) error {
	seen := map[string]bool{}
	for _, t := range tags {
		if seen[t.Key] {
			return failReason("InvalidInputException", "DUPLICATE_TAG_KEY", "You provided the tag key "+t.Key+" more than once; give each key once.")
		}
		seen[t.Key] = true
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return failReason("InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER", "The tag key "+t.Key+" uses the reserved prefix aws:.")
		}
	}
	if len(tags) > store.MaxTagsPerEntity {
		return failReason("ConstraintViolationException", "MAX_TAG_LIMIT_EXCEEDED", "You have tried to add more than 50 tags to the resource.")
	}
	return nil
}

func tagList(tags []store.Tag) []map[string]string {
	out := make([]map[string]string, 0, len(tags))
	for _, t := range tags {
		out = append(out, map[string]string{"Key": t.Key, "Value": t.Value})
	}
	return out
}

// page returns the page of items that NextToken and MaxResults select, and
// the next token.
func page[T any](c *call, items []T) ([]T, *string, error) {
	start := 0
	if tok := c.str("NextToken"); tok != "" {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 || n > len(items) {
			return nil, nil, failReason("InvalidInputException", "INVALID_NEXT_TOKEN", "The NextToken "+strconv.Quote(tok)+" is not one this list returned; start again without NextToken.")
		}
		start = n
	}
	size := 20
	if n, ok := c.in["MaxResults"].(json.Number); ok {
		if v, err := n.Int64(); err == nil && v > 0 {
			size = int(v)
		}
	}
	end := min(len(items), start+size)
	var next *string
	if end < len(items) {
		t := strconv.Itoa(end)
		next = &t
	}
	return items[start:end], next, nil
}

// listAll reads every record of a type of the organization, optionally
// only the children of parent.
func listAll(tx store.ReadTx, o *org, typ string, parent *string) ([]store.Resource, error) {
	var out []store.Resource
	f := store.ResourceFilter{}
	if parent != nil {
		f = store.ResourceFilter{Parent: *parent, HasParent: true}
	}
	for marker := ""; ; {
		rs, next, err := tx.ListResources(o.management(), svc, typ, f, store.ListOptions{Marker: marker, MaxItems: store.MaxMaxItems})
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
		if marker = next; marker == "" {
			return out, nil
		}
	}
}

// allNodes reads the root, every OU and every account of o.
func allNodes(tx store.ReadTx, o *org) ([]*node, error) {
	var out []*node
	for _, typ := range []string{typeRoot, typeOU, typeAccount} {
		rs, err := listAll(tx, o, typ, nil)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			a, err := decode[nodeAttrs](r)
			if err != nil {
				return nil, err
			}
			out = append(out, &node{res: r, attrs: a})
		}
	}
	return out, nil
}

// validator returns the policy validator of an SCP or RCP.
func (s *Service) validator(typ string) *validate.Validator {
	s.validatorsOnce.Do(func() {
		s.validators = map[string]*validate.Validator{}
		for t, vt := range map[string]validate.PolicyType{SCP: validate.ServiceControlPolicy, RCP: validate.ResourceControlPolicy} {
			v, err := validate.New(validate.Options{PolicyType: vt, NoCatalog: true})
			if err != nil {
				panic(fmt.Sprintf("organizations: building the %s validator: %v", t, err))
			}
			s.validators[t] = v
		}
	})
	return s.validators[typ]
}

// rejected are the validator's findings that make Organizations refuse a
// policy: its grammar, not its style.
var rejected = map[string]bool{
	"JSON_SYNTAX_ERROR": true, "DATA_TYPE_MISMATCH": true, "INVALID_EFFECT": true, "INVALID_POLICY_ELEMENT": true,
	"INVALID_VERSION": true, "MISSING_STATEMENT": true, "MISSING_EFFECT": true, "MISSING_ACTION": true,
	"MISSING_RESOURCE": true, "UNSUPPORTED_ELEMENT_COMBINATION": true, "UNSUPPORTED_SID": true, "UNIQUE_SIDS_REQUIRED": true,
	"DUPLICATE_KEYS_WITH_DIFFERENT_CASE": true,
}

// contentLimit is the most characters a policy of the type may have.
var contentLimit = map[string]int{SCP: 5120, RCP: 5120}

// checkContent validates a policy document with the SCP or RCP rules and
// makes sure the engine can enforce it.
func (s *Service) checkContent(typ, content string) error {
	if n := len([]rune(content)); n > contentLimit[typ] {
		return failReason("ConstraintViolationException", "POLICY_CONTENT_LIMIT_EXCEEDED",
			fmt.Sprintf("The policy has %d characters, more than the %d a %s may have; shorten it (every character counts, whitespace included).", n, contentLimit[typ], typ))
	}
	for _, f := range s.validator(typ).Validate([]byte(content)) {
		if f.FindingType == validate.Error && (rejected[f.IssueCode] || strings.Contains(f.IssueCode, "SYNTAX_ERROR")) {
			where := ""
			if len(f.Locations) > 0 {
				l := f.Locations[0]
				where = fmt.Sprintf(" (at %d:%d)", l.Span.Start.Line, l.Span.Start.Column)
			}
			return fail("MalformedPolicyDocumentException", "The provided policy document does not meet the requirements of the specified policy type: "+f.IssueCode+where+": "+f.FindingDetails)
		}
	}
	et := eval.SCP
	if typ == RCP {
		et = eval.RCP
	}
	p, err := policy.Parse([]byte(content))
	if err == nil {
		_, err = eval.Compile(p, eval.WithType(et))
	}
	if err != nil {
		return fail("MalformedPolicyDocumentException", "The provided policy document does not meet the requirements of the specified policy type: "+err.Error())
	}
	return nil
}

// enforced reports whether connect-iam enforces the policy type.
func enforced(typ string) bool { return typ == SCP || typ == RCP }

func errUnsupportedType(typ string) error {
	return fail("PolicyTypeNotAvailableForOrganizationException",
		"connect-iam serves and enforces the policy types SERVICE_CONTROL_POLICY and RESOURCE_CONTROL_POLICY, not "+typ+".")
}
