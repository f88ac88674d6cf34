package leastpriv

import (
	"encoding/json"
	"fmt"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/check"
	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/policy"
	"github.com/connect-iam/connect-iam/validate"
)

// Verification is the outcome of the three checks of a generated policy.
type Verification struct {
	// Findings are the validator's ERROR and SECURITY_WARNING findings;
	// none means the policy validates clean.
	Findings []validate.Finding `json:"findings"`
	// Redecided is the number of observed calls decided again with the
	// generated policy; Denied lists those it does not allow.
	Redecided int          `json:"redecided"`
	Denied    []DeniedCall `json:"denied,omitempty"`
	// NoNewAccess compares the generated policy with each kind of the
	// principal's policies (the identity policies merged, the permissions
	// boundary): PASS means it grants nothing they do not. Empty when the
	// principal has no policies to compare with.
	NoNewAccess []Comparison `json:"noNewAccess,omitempty"`
}

// DeniedCall is an observed call the generated policy does not allow.
type DeniedCall struct {
	EventID  string `json:"eventId"`
	Action   string `json:"action"`
	Resource string `json:"resource"`
	Decision string `json:"decision"`
}

// Comparison is a no-new-access check against one kind of policy.
type Comparison struct {
	Against string        `json:"against"` // "identity policies", "permissions boundary"
	Result  *check.Result `json:"result"`
}

// OK reports whether every check passed.
func (v *Verification) OK() bool {
	if len(v.Findings) > 0 || len(v.Denied) > 0 {
		return false
	}
	for _, c := range v.NoNewAccess {
		if c.Result.Result != check.Pass {
			return false
		}
	}
	return true
}

// Verify checks doc, a generated identity policy: it validates it,
// decides every call again as principal with doc as the only identity
// policy, and checks that it grants no new access compared with existing
// (the principal's policies; nil skips that check).
func Verify(doc []byte, calls []Call, principal eval.Principal, existing []authz.PolicyDocument, cat *catalog.Catalog) (*Verification, error) {
	if cat == nil {
		cat = catalog.Default()
	}
	v := &Verification{Findings: []validate.Finding{}}
	val, err := validate.New(validate.Options{Catalog: validate.FromCatalog(cat)})
	if err != nil {
		return nil, err
	}
	for _, f := range val.Validate(doc) {
		if f.FindingType == validate.Error || f.FindingType == validate.SecurityWarning {
			v.Findings = append(v.Findings, f)
		}
	}
	p, err := policy.Parse(doc)
	if err != nil {
		return nil, fmt.Errorf("the generated policy does not parse: %w", err)
	}
	pol, err := eval.Compile(p, eval.WithType(eval.Identity), eval.WithName("generated"), eval.WithKeyTypes(cat.KeyTypeName))
	if err != nil {
		return nil, fmt.Errorf("the generated policy does not compile: %w", err)
	}
	set := &eval.PolicySet{Identity: []*eval.Policy{pol}}
	for _, c := range calls {
		r := c.Request
		ctx := eval.NewContext()
		for k, vs := range r.Context {
			ctx.Set(k, vs...)
		}
		for k, val := range r.ResourceTags {
			ctx.SetDefault("aws:ResourceTag/"+k, val)
		}
		pr := principal
		pr.AddToContext(ctx)
		er := &eval.Request{Principal: pr, Action: r.Action, Resource: r.Resource, Context: ctx}
		if er.Resource == "" {
			er.Resource = "*"
		}
		v.Redecided++
		if d := set.Decide(er); d != eval.Allow {
			v.Denied = append(v.Denied, DeniedCall{EventID: c.EventID, Action: r.Action, Resource: er.Resource, Decision: d.String()})
		}
	}
	var identity, boundary [][]byte
	for _, d := range existing {
		switch d.Type {
		case eval.Identity:
			identity = append(identity, []byte(d.Document))
		case eval.PermissionsBoundary:
			boundary = append(boundary, []byte(d.Document))
		}
	}
	for _, against := range []struct {
		name string
		docs [][]byte
	}{{"identity policies", identity}, {"permissions boundary", boundary}} {
		if len(against.docs) == 0 {
			continue
		}
		merged, err := Merge(against.docs)
		if err != nil {
			return nil, fmt.Errorf("the principal's %s: %w", against.name, err)
		}
		res, err := check.NoNewAccess(merged, doc, check.IdentityPolicy, &check.Options{Catalog: cat})
		if err != nil {
			return nil, fmt.Errorf("checking no new access against the principal's %s: %w", against.name, err)
		}
		v.NoNewAccess = append(v.NoNewAccess, Comparison{Against: against.name, Result: res})
	}
	return v, nil
}

// Merge returns one policy whose statements are those of docs: for
// identity policies, a request is allowed (denied) by the merged policy
// exactly when some policy allows (denies) it.
func Merge(docs [][]byte) ([]byte, error) {
	var stmts []json.RawMessage
	for i, d := range docs {
		var doc struct {
			Statement json.RawMessage `json:"Statement"`
		}
		if err := json.Unmarshal(d, &doc); err != nil {
			return nil, fmt.Errorf("policy %d: %w", i+1, err)
		}
		var list []json.RawMessage
		if err := json.Unmarshal(doc.Statement, &list); err != nil {
			list = []json.RawMessage{doc.Statement} // a single statement object
		}
		stmts = append(stmts, list...)
	}
	if stmts == nil {
		stmts = []json.RawMessage{}
	}
	return json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
}
