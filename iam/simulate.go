package iam

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/policy"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["SimulatePrincipalPolicy"] = (*handler).simulatePrincipalPolicy
	operations["SimulateCustomPolicy"] = (*handler).simulateCustomPolicy
}

// simPolicy is a policy taking part in a simulation, with the source type
// IAM reports in MatchedStatements.
type simPolicy struct {
	id, sourceType, doc string
	// owner is the name of the user, group or role of an inline policy.
	owner string
}

// simInput is what both simulate operations read.
type simInput struct {
	identity  []simPolicy
	boundary  []simPolicy
	resource  string
	owner     string
	callerARN string
	actions   []string
	resources []string
	context   map[string][]string
	opt       store.ListOptions
}

func readSimInput(c *call, in *simInput) {
	for i, d := range c.p.List("PolicyInputList") {
		in.identity = append(in.identity, simPolicy{id: fmt.Sprintf("PolicyInputList.%d", i+1), sourceType: "none", doc: decodeDocument(d)})
	}
	for i, d := range c.p.List("PermissionsBoundaryPolicyInputList") {
		in.boundary = append(in.boundary, simPolicy{id: fmt.Sprintf("PermissionsBoundaryPolicyInputList.%d", i+1), sourceType: "none", doc: decodeDocument(d)})
	}
	in.actions = c.p.List("ActionNames")
	if in.actions == nil {
		c.p.Violate("ActionNames", "Member must not be null")
	}
	in.resources = c.p.List("ResourceArns")
	if len(in.resources) == 0 {
		in.resources = []string{"*"}
	}
	in.resource = decodeDocument(c.p.String("ResourcePolicy"))
	in.owner = c.p.String("ResourceOwner")
	in.callerARN = c.p.String("CallerArn")
	in.context = map[string][]string{}
	for i := 1; ; i++ {
		prefix := fmt.Sprintf("ContextEntries.member.%d.", i)
		key, ok := c.p.Lookup(prefix + "ContextKeyName")
		if !ok {
			break
		}
		in.context[key] = append(in.context[key], c.p.List(prefix+"ContextKeyValues")...)
	}
	in.opt = pageOpts(c)
}

func (h *handler) simulateCustomPolicy(ctx context.Context, c *call) (any, error) {
	var in simInput
	readSimInput(c, &in)
	if len(in.identity) == 0 {
		c.p.Violate("PolicyInputList", "Member must not be null")
	}
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "iam:SimulateCustomPolicy", "*", nil); err != nil {
		return nil, err
	}
	principal := in.callerARN
	if principal == "" {
		principal = "arn:" + partition + ":iam::" + c.acct + ":user/SimulatedUser"
	}
	return h.simulate(&in, principal)
}

func (h *handler) simulatePrincipalPolicy(ctx context.Context, c *call) (any, error) {
	source := arnParam(c, "PolicySourceArn")
	var in simInput
	readSimInput(c, &in)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "iam:SimulatePrincipalPolicy", source, nil); err != nil {
		return nil, err
	}
	kind, entityName, err := parseEntityARN(source, c.acct)
	if err != nil {
		return nil, err
	}
	var own, bound []simPolicy
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		own, bound, err = h.principalPolicies(tx, c.acct, kind, entityName)
		return err
	})
	if err != nil {
		return nil, err
	}
	in.identity = append(own, in.identity...)
	if len(in.boundary) == 0 {
		in.boundary = bound
	}
	principal := in.callerARN
	if principal == "" {
		principal = source
		if kind == store.KindGroup {
			principal = "arn:" + partition + ":iam::" + c.acct + ":user/SimulatedGroupMember"
		}
	}
	return h.simulate(&in, principal)
}

// parseEntityARN returns the kind and name of a user, group or role ARN of
// the account.
func parseEntityARN(arn, acct string) (store.EntityKind, string, error) {
	prefix := "arn:" + partition + ":iam::" + acct + ":"
	rest, ok := strings.CutPrefix(arn, prefix)
	kindStr, p, _ := strings.Cut(rest, "/")
	if !ok || p == "" {
		return "", "", invalidInput("Invalid ARN %s: PolicySourceArn must be a user, group or role of account %s.", arn, acct)
	}
	entityName := p[strings.LastIndexByte(p, '/')+1:]
	switch kindStr {
	case "user":
		return store.KindUser, entityName, nil
	case "group":
		return store.KindGroup, entityName, nil
	case "role":
		return store.KindRole, entityName, nil
	}
	return "", "", invalidInput("Invalid ARN %s: PolicySourceArn must be a user, group or role of account %s.", arn, acct)
}

// principalPolicies collects the identity policies of a user (with its
// groups'), group or role, and its permissions boundary.
func (h *handler) principalPolicies(tx store.ReadTx, acct string, kind store.EntityKind, entityName string) (identity, boundary []simPolicy, err error) {
	e, found, err := readEntity(tx, acct, kind, entityName)
	if err != nil {
		return nil, nil, err
	}
	if !found {
		return nil, nil, noSuch(kind, entityName)
	}
	owners := []store.EntityRef{{Kind: kind, Name: e.name}}
	if kind == store.KindUser {
		groups, _, err := tx.ListGroupsForUser(acct, e.name, store.ListOptions{MaxItems: store.MaxMaxItems})
		if err != nil {
			return nil, nil, err
		}
		for _, g := range groups {
			owners = append(owners, store.EntityRef{Kind: store.KindGroup, Name: g.Name})
		}
	}
	for _, o := range owners {
		inline, _, err := tx.ListInlinePolicies(acct, o, store.ListOptions{MaxItems: store.MaxMaxItems})
		if err != nil {
			return nil, nil, err
		}
		for _, p := range inline {
			identity = append(identity, simPolicy{id: p.Name, sourceType: string(o.Kind), doc: p.Document, owner: o.Name})
		}
		arns, _, err := tx.ListAttachedPolicies(acct, o, store.ListOptions{MaxItems: store.MaxMaxItems})
		if err != nil {
			return nil, nil, err
		}
		for _, a := range arns {
			sp, err := managedSimPolicy(tx, acct, a)
			if err != nil {
				return nil, nil, err
			}
			identity = append(identity, sp)
		}
	}
	if e.boundary != "" {
		sp, err := managedSimPolicy(tx, acct, e.boundary)
		if err != nil {
			return nil, nil, err
		}
		boundary = append(boundary, sp)
	}
	return identity, boundary, nil
}

// managedSimPolicy returns the default version of a managed policy.
func managedSimPolicy(tx store.ReadTx, acct, arn string) (simPolicy, error) {
	if isAWSManagedARN(arn) {
		doc, ok := ManagedPolicy(arn)
		if !ok {
			return simPolicy{}, noSuchEntity("Policy %s was not found.", arn)
		}
		return simPolicy{id: arn, sourceType: "aws-managed", doc: doc}, nil
	}
	p, err := tx.GetPolicy(acct, arn)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return simPolicy{}, policyNotFound(arn)
		}
		return simPolicy{}, err
	}
	v, err := tx.GetPolicyVersion(acct, arn, p.DefaultVersionID)
	if err != nil {
		return simPolicy{}, err
	}
	return simPolicy{id: arn, sourceType: "user-managed", doc: v.Document}, nil
}

// compileSim parses and compiles a simulation policy.
func (h *handler) compileSim(sp simPolicy, t eval.PolicyType) (*eval.Policy, error) {
	parsed, err := policy.Parse([]byte(sp.doc))
	if err != nil {
		return nil, malformedPolicy(fmt.Sprintf("%s: %v", sp.id, err))
	}
	p, err := eval.Compile(parsed, eval.WithName(sp.id), eval.WithType(t), eval.WithKeyTypes(h.Catalog.KeyTypeName))
	if err != nil {
		return nil, malformedPolicy(err.Error())
	}
	return p, nil
}

type xPosition struct {
	Line   int `xml:"Line"`
	Column int `xml:"Column"`
}

type xStatement struct {
	SourcePolicyID   string    `xml:"SourcePolicyId"`
	SourcePolicyType string    `xml:"SourcePolicyType"`
	StartPosition    xPosition `xml:"StartPosition"`
}

type xBoundaryDetail struct {
	Allowed bool `xml:"AllowedByPermissionsBoundary"`
}

type xEvalResult struct {
	EvalActionName       string           `xml:"EvalActionName"`
	EvalResourceName     string           `xml:"EvalResourceName"`
	EvalDecision         string           `xml:"EvalDecision"`
	MatchedStatements    []xStatement     `xml:"MatchedStatements>member"`
	MissingContextValues []string         `xml:"MissingContextValues>member"`
	BoundaryDetail       *xBoundaryDetail `xml:"PermissionsBoundaryDecisionDetail,omitempty"`
}

// simDecision is IAM's spelling of a decision in EvalDecision.
func simDecision(d eval.Decision) string {
	switch d {
	case eval.Allow:
		return "allowed"
	case eval.ExplicitDeny:
		return "explicitDeny"
	}
	return "implicitDeny"
}

// simulate evaluates every action on every resource.
func (h *handler) simulate(in *simInput, principalARN string) (any, error) {
	principal, err := eval.ParsePrincipal(principalARN)
	if err != nil {
		return nil, invalidInput("Invalid CallerArn %s: %v", principalARN, err)
	}
	sources := map[string]string{}
	set := &eval.PolicySet{}
	for _, sp := range in.identity {
		p, err := h.compileSim(sp, eval.Identity)
		if err != nil {
			return nil, err
		}
		set.Identity = append(set.Identity, p)
		sources[sp.id] = sp.sourceType
	}
	var boundarySet *eval.PolicySet
	if len(in.boundary) > 0 {
		p, err := h.compileSim(in.boundary[0], eval.PermissionsBoundary)
		if err != nil {
			return nil, err
		}
		set.PermissionsBoundary = p
		sources[in.boundary[0].id] = in.boundary[0].sourceType
		// The boundary alone, as an identity policy, answers whether the
		// boundary allows the action.
		bp, err := h.compileSim(in.boundary[0], eval.Identity)
		if err != nil {
			return nil, err
		}
		boundarySet = &eval.PolicySet{Identity: []*eval.Policy{bp}}
	}
	if in.resource != "" {
		p, err := h.compileSim(simPolicy{id: "ResourcePolicy", sourceType: "resource", doc: in.resource}, eval.Resource)
		if err != nil {
			return nil, err
		}
		set.Resource = p
		sources["ResourcePolicy"] = "resource"
	}
	ectx := eval.NewContext()
	for k, v := range in.context {
		ectx.Set(k, v...)
	}
	principal.AddToContext(ectx)
	var results []xEvalResult
	for _, action := range in.actions {
		for _, res := range in.resources {
			req := &eval.Request{Principal: principal, Action: action, Resource: res, ResourceAccount: in.owner, Context: ectx}
			x := set.Explain(req)
			r := xEvalResult{EvalActionName: action, EvalResourceName: res, EvalDecision: simDecision(x.Decision),
				MatchedStatements: []xStatement{}, MissingContextValues: []string{}}
			missing := map[string]bool{}
			for _, pt := range x.Policies {
				for _, st := range pt.Statements {
					if !st.Action.Matched || !st.Resource.Matched {
						continue
					}
					for _, cc := range st.Conditions {
						if !cc.KeyPresent && !missing[cc.Key] {
							missing[cc.Key] = true
							r.MissingContextValues = append(r.MissingContextValues, cc.Key)
						}
					}
					if st.Applies {
						src := sources[pt.Policy]
						if src == "" {
							src = "none"
						}
						r.MatchedStatements = append(r.MatchedStatements, xStatement{SourcePolicyID: pt.Policy,
							SourcePolicyType: src, StartPosition: xPosition{st.Line, st.Column}})
					}
				}
			}
			if boundarySet != nil {
				r.BoundaryDetail = &xBoundaryDetail{Allowed: boundarySet.Decide(req) == eval.Allow}
			}
			results = append(results, r)
		}
	}
	results, next, err := pageSlice(results, in.opt)
	if err != nil {
		return nil, err
	}
	return struct {
		EvaluationResults []xEvalResult `xml:"EvaluationResults>member"`
		page
	}{results, newPage(next)}, nil
}
