// Package simulate evaluates a simulation request: one JSON document that
// names a principal, an action, a resource, a request context and every
// policy that applies, and answers with the decision, AWS's message and an
// explanation. It is what "connect-iam simulate" runs.
//
// # Input document
//
//	{
//	  "principal": {
//	    "arn": "arn:aws:iam::111122223333:user/alice",
//	    "tags": {"Department": "Test"},
//	    "roleArn": "arn:aws:iam::111122223333:role/path/ROLE"
//	  },
//	  "action": "connect:DescribeUser",
//	  "resource": "arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/u-1",
//	  "resourceAccount": "111122223333",
//	  "context": {"aws:ResourceTag/Department": "Test", "aws:TagKeys": ["Owner"]},
//	  "identityPolicies": [{"Version": "2012-10-17", "Statement": []}],
//	  "permissionsBoundary": null,
//	  "sessionPolicies": [],
//	  "resourcePolicy": null,
//	  "serviceControlPolicies": [[]],
//	  "resourceControlPolicies": [[]],
//	  "isManagementAccount": false,
//	  "isResourceManagementAccount": false
//	}
//
// Fields:
//
//   - principal (required): an object. "arn" (required) is the caller: an
//     IAM user, role, assumed-role session
//     (arn:aws:sts::ACCT:assumed-role/ROLE/SESSION), federated user
//     (arn:aws:sts::ACCT:federated-user/NAME, a GetFederationToken
//     session), the account root (arn:aws:iam::ACCT:root or the bare
//     account ID), a service ("connect.amazonaws.com") or "anonymous".
//     "tags" (optional) are its tags, string to string, which become
//     aws:PrincipalTag/KEY. "roleArn" (optional, sessions only) is the ARN
//     of the session's role with its path, which the session ARN lacks; a
//     role (or a session with roleArn) under /aws-service-role/ is a
//     service-linked role, which SCPs do not affect. "federated"
//     (optional) is the identity provider of a web-identity or SAML caller
//     (an oidc-provider or saml-provider ARN, or a name such as
//     "cognito-identity.amazonaws.com"), which Principal {"Federated": ...}
//     names; "canonicalUser" (optional) the caller's S3 canonical user ID.
//   - action (required): "service:ActionName".
//   - resource (optional, default "*"): the resource ARN, or "*".
//   - resourceAccount (optional): the 12-digit account that owns the
//     resource. It defaults to the resource ARN's account, or to the
//     principal's account when the resource is "*" or its ARN has no
//     account (S3 buckets).
//   - context (optional): condition keys (case-insensitive) to values: a
//     string, number or boolean, or an array of them for multivalued keys
//     such as aws:TagKeys. Keys derived from the principal (aws:username,
//     aws:userid, aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
//     aws:PrincipalTag/KEY, aws:PrincipalIsAWSService) are added unless
//     the context sets them; so are aws:CurrentTime and aws:EpochTime (the
//     time of the simulation), aws:ResourceAccount and, when the resource
//     ARN has a region, aws:RequestedRegion.
//   - identityPolicies, sessionPolicies (optional): arrays of policies.
//   - permissionsBoundary, resourcePolicy (optional): a policy or null.
//     A role trust policy (every statement with a Principal and none with
//     a Resource) is accepted as the resourcePolicy: it is the role's
//     resource-based policy.
//   - serviceControlPolicies, resourceControlPolicies (optional): arrays of
//     levels of the organization path (root, OUs, account), each an array
//     of policies. Every level must allow. A missing or empty outer array
//     means no SCP (RCP) applies; a level that is an empty array allows
//     nothing.
//   - isManagementAccount (optional): the principal is in the
//     organization's management account, which SCPs do not affect; nor do
//     RCPs affect the resources of that account.
//   - isResourceManagementAccount (optional): the resource is in the
//     management account, which RCPs do not affect.
//
// Every policy is a JSON object, or a JSON string holding the policy text;
// positions in errors and explanations then refer to that text rather
// than to the input document.
//
// Any other field is an error naming the field and the valid ones. So is
// malformed JSON, a malformed policy, an unknown condition operator, a
// bad ARN or a value of the wrong type: Evaluate then returns an error
// located by line and column and decides nothing.
package simulate

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/arn"
	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/internal/jsonpos"
	"github.com/connect-iam/connect-iam/internal/suggest"
	"github.com/connect-iam/connect-iam/policy"
)

// Result is the outcome of a simulation.
type Result struct {
	// Decision is "Allow", "ExplicitDeny" or "ImplicitDeny" in JSON.
	Decision eval.Decision `json:"decision"`
	// Message is AWS's access-denied message for denies, such as
	// "User: arn:... is not authorized to perform: connect:DescribeUser on
	// resource: arn:... because no identity-based policy allows the
	// connect:DescribeUser action", or a sentence naming the allowing
	// policy and statement.
	Message string `json:"message"`
	// Explain traces every policy and statement.
	Explain *eval.Explanation `json:"explain"`
	// Notes are what the service authorization catalog says about the
	// request: an unknown action, an action evaluated against "*" because
	// it supports no resource-level permissions, a resource that is none of
	// the action's resource types.
	Notes []string `json:"notes,omitempty"`
}

// Error is a problem with the input document, located in it.
type Error struct {
	Line, Column int    // where in the input document; 0 when unknown
	Msg          string // what is wrong and how to fix it
	Err          error  // the underlying error, if any
}

// Error returns "LINE:COL: MSG".
func (e *Error) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg)
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Evaluate parses a simulate input document (see the package
// documentation) and evaluates it. Bad input (malformed JSON, malformed
// policy, unknown operator, bad ARN, wrong types) returns a non-nil error
// whose message is located (line:col) and says how to fix it; errors.As
// finds an *Error.
func Evaluate(input []byte) (*Result, error) {
	return evaluate(input, time.Now())
}

func evaluate(input []byte, now time.Time) (*Result, error) {
	b := &builder{src: input, cat: catalog.Default()}
	req, set, err := b.build(now)
	if err != nil {
		return nil, err
	}
	x := set.Explain(req)
	return &Result{Decision: x.Decision, Message: x.Message, Explain: x, Notes: b.notes}, nil
}

var fields = []string{
	"principal", "action", "resource", "resourceAccount", "context",
	"identityPolicies", "permissionsBoundary", "sessionPolicies", "resourcePolicy",
	"serviceControlPolicies", "resourceControlPolicies",
	"isManagementAccount", "isResourceManagementAccount",
}

// Build parses a simulate input document into an engine request and
// policy set, with now as the time of the request (aws:CurrentTime and
// aws:EpochTime, unless the context sets them). Errors are as for
// Evaluate.
func Build(input []byte, now time.Time) (*eval.Request, *eval.PolicySet, error) {
	b := &builder{src: input, cat: catalog.Default()}
	return b.build(now)
}

func (b *builder) build(now time.Time) (*eval.Request, *eval.PolicySet, error) {
	input := b.src
	root, errs := jsonpos.Parse(input)
	if len(errs) > 0 {
		return nil, nil, syntaxErrors(errs)
	}
	if root.Kind != jsonpos.Object {
		return nil, nil, at(root.Span, "the input must be a JSON object with at least \"principal\" and \"action\"; found %s", root.Kind)
	}
	for _, m := range root.Members {
		if !contains(fields, m.Key) {
			msg := fmt.Sprintf("unknown field %q", m.Key)
			if s := suggest.Best(m.Key, fields); s != "" {
				msg += fmt.Sprintf(": did you mean %q?", s)
			}
			return nil, nil, at(m.KeySpan, "%s (the valid fields are %s)", msg, strings.Join(fields, ", "))
		}
	}
	req := &eval.Request{}
	pv := root.Lookup("principal")
	if pv == nil {
		return nil, nil, at(root.Span, "missing \"principal\": add for example \"principal\": {\"arn\": \"arn:aws:iam::111122223333:user/alice\"}")
	}
	p, err := b.principal(pv)
	if err != nil {
		return nil, nil, err
	}
	req.Principal = p

	av := root.Lookup("action")
	if av == nil {
		return nil, nil, at(root.Span, "missing \"action\": add for example \"action\": \"connect:DescribeUser\"")
	}
	if av.Kind != jsonpos.String {
		return nil, nil, at(av.Span, "\"action\" must be a string such as \"connect:DescribeUser\"; found %s", av.Kind)
	}
	if svc, name, ok := strings.Cut(av.Str, ":"); !ok || svc == "" || name == "" || strings.ContainsAny(av.Str, "*? ") {
		return nil, nil, at(av.Span, "action %q is not of the form service:ActionName (for example connect:DescribeUser); a request names one action, without wildcards", av.Str)
	}
	req.Action = av.Str

	req.Resource = "*"
	if rv := root.Lookup("resource"); rv != nil {
		if rv.Kind != jsonpos.String {
			return nil, nil, at(rv.Span, "\"resource\" must be a string: an ARN or \"*\"; found %s", rv.Kind)
		}
		if rv.Str != "*" {
			if _, err := arn.Parse(rv.Str); err != nil {
				return nil, nil, wrapAt(rv.Span, err, "\"resource\": %v", err)
			}
		}
		req.Resource = rv.Str
	}
	b.notes = resourceNotes(b.cat, req.Action, req.Resource)
	if v := root.Lookup("resourceAccount"); v != nil {
		if v.Kind != jsonpos.String || !isAccountID(v.Str) {
			return nil, nil, at(v.Span, "\"resourceAccount\" must be a 12-digit account ID string such as \"111122223333\"")
		}
		req.ResourceAccount = v.Str
	}
	for _, f := range []struct {
		name string
		dst  *bool
	}{{"isManagementAccount", &req.PrincipalInManagementAccount}, {"isResourceManagementAccount", &req.ResourceInManagementAccount}} {
		if v := root.Lookup(f.name); v != nil {
			if v.Kind != jsonpos.Bool {
				return nil, nil, at(v.Span, "%q must be true or false; found %s", f.name, v.Kind)
			}
			*f.dst = v.Str == "true"
		}
	}

	req.ResourceAccount = req.EffectiveResourceAccount()
	// The management account's exemption from RCPs covers its own
	// resources: those in the principal's (management) account.
	if req.PrincipalInManagementAccount && req.EffectiveResourceAccount() == req.Principal.Account {
		req.ResourceInManagementAccount = true
	}

	ctx, err := b.context(root.Lookup("context"))
	if err != nil {
		return nil, nil, err
	}
	req.Principal.AddToContext(ctx)
	ctx.SetDefault("aws:CurrentTime", now.UTC().Format(time.RFC3339))
	ctx.SetDefault("aws:EpochTime", strconv.FormatInt(now.Unix(), 10))
	if req.ResourceAccount != "" {
		ctx.SetDefault("aws:ResourceAccount", req.ResourceAccount)
	}
	if a, err := arn.Parse(req.Resource); err == nil && a.Region != "" {
		ctx.SetDefault("aws:RequestedRegion", a.Region)
	}
	req.Context = ctx

	set := &eval.PolicySet{}
	if set.Identity, err = b.policyList(root, "identityPolicies", eval.Identity); err != nil {
		return nil, nil, err
	}
	if set.Session, err = b.policyList(root, "sessionPolicies", eval.Session); err != nil {
		return nil, nil, err
	}
	if set.PermissionsBoundary, err = b.optionalPolicy(root, "permissionsBoundary", eval.PermissionsBoundary); err != nil {
		return nil, nil, err
	}
	if set.Resource, err = b.optionalPolicy(root, "resourcePolicy", eval.Resource); err != nil {
		return nil, nil, err
	}
	if set.SCPs, err = b.levels(root, "serviceControlPolicies", eval.SCP); err != nil {
		return nil, nil, err
	}
	if set.RCPs, err = b.levels(root, "resourceControlPolicies", eval.RCP); err != nil {
		return nil, nil, err
	}
	return req, set, nil
}

type builder struct {
	src   []byte
	cat   *catalog.Catalog // types context keys and actions
	notes []string         // see Result.Notes
}

func (b *builder) principal(v *jsonpos.Value) (eval.Principal, error) {
	if v.Kind != jsonpos.Object {
		return eval.Principal{}, at(v.Span, "\"principal\" must be an object such as {\"arn\": \"arn:aws:iam::111122223333:user/alice\"}; found %s", v.Kind)
	}
	valid := []string{"arn", "tags", "roleArn", "federated", "canonicalUser"}
	for _, m := range v.Members {
		if !contains(valid, m.Key) {
			msg := fmt.Sprintf("unknown principal field %q", m.Key)
			if s := suggest.Best(m.Key, valid); s != "" {
				msg += fmt.Sprintf(": did you mean %q?", s)
			}
			return eval.Principal{}, at(m.KeySpan, "%s (the valid fields are arn, tags, roleArn, federated, canonicalUser)", msg)
		}
	}
	av := v.Lookup("arn")
	if av == nil {
		return eval.Principal{}, at(v.Span, "\"principal\" needs \"arn\", for example \"arn\": \"arn:aws:iam::111122223333:user/alice\"")
	}
	if av.Kind != jsonpos.String {
		return eval.Principal{}, at(av.Span, "\"principal.arn\" must be a string; found %s", av.Kind)
	}
	p, err := eval.ParsePrincipal(av.Str)
	if err != nil {
		return eval.Principal{}, wrapAt(av.Span, err, "%v", err)
	}
	if rv := v.Lookup("roleArn"); rv != nil {
		if rv.Kind != jsonpos.String {
			return eval.Principal{}, at(rv.Span, "\"principal.roleArn\" must be a string; found %s", rv.Kind)
		}
		if err := p.SetRoleARN(rv.Str); err != nil {
			return eval.Principal{}, wrapAt(rv.Span, err, "%v", err)
		}
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"federated", &p.Federated}, {"canonicalUser", &p.CanonicalUser}} {
		if fv := v.Lookup(f.name); fv != nil {
			if fv.Kind != jsonpos.String || fv.Str == "" {
				return eval.Principal{}, at(fv.Span, "\"principal.%s\" must be a non-empty string; found %s", f.name, fv.Kind)
			}
			*f.dst = fv.Str
		}
	}
	if tv := v.Lookup("tags"); tv != nil {
		if tv.Kind != jsonpos.Object {
			return eval.Principal{}, at(tv.Span, "\"principal.tags\" must be an object of tag keys to string values; found %s", tv.Kind)
		}
		p.Tags = map[string]string{}
		for _, m := range tv.Members {
			if m.Value.Kind != jsonpos.String {
				return eval.Principal{}, at(m.Value.Span, "tag %q must have a string value; found %s", m.Key, m.Value.Kind)
			}
			p.Tags[m.Key] = m.Value.Str
		}
	}
	return p, nil
}

func (b *builder) context(v *jsonpos.Value) (*eval.Context, error) {
	ctx := eval.NewContext()
	if v == nil {
		return ctx, nil
	}
	if v.Kind != jsonpos.Object {
		return nil, at(v.Span, "\"context\" must be an object of condition keys to values; found %s", v.Kind)
	}
	seen := map[string]jsonpos.Span{}
	for _, m := range v.Members {
		lk := strings.ToLower(m.Key)
		if first, dup := seen[lk]; dup {
			return nil, at(m.KeySpan, "context key %q repeats the key at %d:%d (condition keys are case-insensitive); keep one", m.Key, first.Start.Line, first.Start.Column)
		}
		seen[lk] = m.KeySpan
		if !strings.Contains(m.Key, ":") {
			return nil, at(m.KeySpan, "context key %q is not a condition key; write prefix:name, such as aws:SourceIp or connect:InstanceId", m.Key)
		}
		switch m.Value.Kind {
		case jsonpos.String, jsonpos.Number, jsonpos.Bool:
			ctx.Set(m.Key, m.Value.Str)
		case jsonpos.Array:
			vals := make([]string, 0, len(m.Value.Elems))
			for _, e := range m.Value.Elems {
				switch e.Kind {
				case jsonpos.String, jsonpos.Number, jsonpos.Bool:
					vals = append(vals, e.Str)
				default:
					return nil, at(e.Span, "context key %q: array elements must be strings, numbers or booleans; found %s", m.Key, e.Kind)
				}
			}
			ctx.Set(m.Key, vals...)
		case jsonpos.Null:
			return nil, at(m.Value.Span, "context key %q is null; to simulate a missing key, leave it out", m.Key)
		default:
			return nil, at(m.Value.Span, "context key %q must be a string, number, boolean or array of them; found %s", m.Key, m.Value.Kind)
		}
		if err := checkContextValue(b.cat, m.Key, m.Value); err != nil {
			return nil, err
		}
	}
	return ctx, nil
}

// policy parses and compiles one policy written as v, an object or a
// string holding the policy text.
func (b *builder) policy(v *jsonpos.Value, name string, typ eval.PolicyType) (*eval.Policy, error) {
	var p *policy.Policy
	var err error
	inString := v.Kind == jsonpos.String
	switch v.Kind {
	case jsonpos.Object:
		p, err = parsePolicyValue(b.src, v)
	case jsonpos.String:
		p, err = parsePolicyText([]byte(v.Str))
	default:
		return nil, at(v.Span, "%s must be a policy: a JSON object, or a string holding the policy text; found %s", name, v.Kind)
	}
	if err == nil {
		var cp *eval.Policy
		opts := []eval.Option{eval.WithName(name), eval.WithType(typ), eval.WithKeyTypes(b.cat.KeyTypeName)}
		if typ == eval.Resource && isTrustPolicy(p) {
			// A role trust policy is the role's resource-based policy:
			// its statements have no Resource.
			opts = opts[:1:1]
			opts = append(opts, eval.WithKeyTypes(b.cat.KeyTypeName))
		}
		if cp, err = eval.Compile(p, opts...); err == nil {
			return cp, nil
		}
	}
	line, col, msg := policyError(err)
	if inString {
		where := ""
		if line > 0 {
			where = fmt.Sprintf(" at %d:%d of that text", line, col)
		}
		return nil, wrapAt(v.Span, err, "%s (the policy text in this string)%s: %s", name, where, msg)
	}
	if line == 0 {
		line, col = v.Span.Start.Line, v.Span.Start.Column
	}
	return nil, &Error{Line: line, Column: col, Msg: name + ": " + msg, Err: err}
}

func (b *builder) optionalPolicy(root *jsonpos.Value, field string, typ eval.PolicyType) (*eval.Policy, error) {
	v := root.Lookup(field)
	if v == nil || v.Kind == jsonpos.Null {
		return nil, nil
	}
	return b.policy(v, field, typ)
}

func (b *builder) policyList(root *jsonpos.Value, field string, typ eval.PolicyType) ([]*eval.Policy, error) {
	v := root.Lookup(field)
	if v == nil || v.Kind == jsonpos.Null {
		return nil, nil
	}
	if v.Kind != jsonpos.Array {
		return nil, at(v.Span, "%q must be an array of policies, such as [{\"Version\": \"2012-10-17\", \"Statement\": [...]}]; found %s", field, v.Kind)
	}
	var out []*eval.Policy
	for i, e := range v.Elems {
		p, err := b.policy(e, fmt.Sprintf("%s[%d]", field, i), typ)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (b *builder) levels(root *jsonpos.Value, field string, typ eval.PolicyType) ([][]*eval.Policy, error) {
	v := root.Lookup(field)
	if v == nil || v.Kind == jsonpos.Null {
		return nil, nil
	}
	if v.Kind != jsonpos.Array {
		return nil, at(v.Span, "%q must be an array of levels, each an array of policies, such as [[{...}], [{...}]]; found %s", field, v.Kind)
	}
	var out [][]*eval.Policy
	for i, lv := range v.Elems {
		if lv.Kind != jsonpos.Array {
			return nil, at(lv.Span, "%s[%d] must be an array of policies (one level of the organization path): write [[{...}]] rather than [{...}]; found %s", field, i, lv.Kind)
		}
		level := []*eval.Policy{}
		for j, e := range lv.Elems {
			p, err := b.policy(e, fmt.Sprintf("%s[%d][%d]", field, i, j), typ)
			if err != nil {
				return nil, err
			}
			level = append(level, p)
		}
		out = append(out, level)
	}
	return out, nil
}

func syntaxErrors(errs []*jsonpos.SyntaxError) error {
	first := errs[0]
	msg := first.Msg
	if len(errs) > 1 {
		var more []string
		for _, e := range errs[1:min(len(errs), 5)] {
			more = append(more, e.Error())
		}
		msg += fmt.Sprintf(" (and %d more: %s)", len(errs)-1, strings.Join(more, "; "))
	}
	return &Error{Line: first.Span.Start.Line, Column: first.Span.Start.Column, Msg: "malformed JSON: " + msg, Err: first}
}

func at(span jsonpos.Span, format string, args ...any) *Error {
	return &Error{Line: span.Start.Line, Column: span.Start.Column, Msg: fmt.Sprintf(format, args...)}
}

func wrapAt(span jsonpos.Span, err error, format string, args ...any) *Error {
	e := at(span, format, args...)
	e.Err = err
	return e
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isTrustPolicy reports whether p has the shape of a role trust policy:
// statements, every one with a Principal or NotPrincipal and none with a
// Resource or NotResource.
func isTrustPolicy(p *policy.Policy) bool {
	if len(p.Statements) == 0 {
		return false
	}
	for _, st := range p.Statements {
		if st.Resource != nil || st.Principal == nil {
			return false
		}
	}
	return true
}
