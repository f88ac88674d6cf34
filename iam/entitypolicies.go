package iam

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

// maxAttachedPolicies is IAM's default quota of managed policies attached
// to one user, group or role.
const maxAttachedPolicies = 10

// entityKinds are the owners of inline and attached policies, with the
// word IAM's operation and parameter names use.
var entityKinds = []struct {
	kind  store.EntityKind
	word  string // "User", "Group", "Role"
	param string // "UserName", ...
	max   int    // name length limit of the parameter
}{
	{store.KindUser, "User", "UserName", 128},
	{store.KindGroup, "Group", "GroupName", 128},
	{store.KindRole, "Role", "RoleName", 64},
}

func init() {
	for _, k := range entityKinds {
		k := k
		operations["Put"+k.word+"Policy"] = func(h *handler, ctx context.Context, c *call) (any, error) {
			return h.putInline(ctx, c, k.kind, k.word, k.param, k.max)
		}
		operations["Get"+k.word+"Policy"] = func(h *handler, ctx context.Context, c *call) (any, error) {
			return h.getInline(ctx, c, k.kind, k.word, k.param, k.max)
		}
		operations["Delete"+k.word+"Policy"] = func(h *handler, ctx context.Context, c *call) (any, error) {
			return h.deleteInline(ctx, c, k.kind, k.word, k.param, k.max)
		}
		operations["List"+k.word+"Policies"] = func(h *handler, ctx context.Context, c *call) (any, error) {
			return h.listInline(ctx, c, k.kind, k.word, k.param, k.max)
		}
		operations["Attach"+k.word+"Policy"] = func(h *handler, ctx context.Context, c *call) (any, error) {
			return h.attach(ctx, c, k.kind, k.word, k.param, k.max, true)
		}
		operations["Detach"+k.word+"Policy"] = func(h *handler, ctx context.Context, c *call) (any, error) {
			return h.attach(ctx, c, k.kind, k.word, k.param, k.max, false)
		}
		operations["ListAttached"+k.word+"Policies"] = func(h *handler, ctx context.Context, c *call) (any, error) {
			return h.listAttached(ctx, c, k.kind, k.word, k.param, k.max)
		}
	}
}

func policyName(c *call) string { return name(c, "PolicyName", 128) }

func noSuchInline(k store.EntityKind, policy string) error {
	return noSuchEntity("The %s policy with name %s cannot be found.", kindWord(k), policy)
}

func (h *handler) putInline(ctx context.Context, c *call, k store.EntityKind, word, param string, maxLen int) (any, error) {
	owner := name(c, param, maxLen)
	pn := policyName(c)
	doc := document(c, "PolicyDocument")
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	e, err := h.authEntity(ctx, c, "iam:Put"+word+"Policy", k, owner, nil)
	if err != nil {
		return nil, err
	}
	if e.serviceLinked {
		return nil, protectedRole(e.name)
	}
	// One document over the entity's whole inline quota is refused before
	// it is parsed; the total is checked in the transaction below.
	if limit := maxInlineSize[k]; policySize(doc) > limit {
		return nil, limitExceeded("Maximum policy size of %d bytes exceeded for %s %s", limit, kindWord(k), e.name)
	}
	if err := h.checkPolicy(inlineDoc, doc); err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		ref := store.EntityRef{Kind: k, Name: e.name}
		others, err := listAll(func(o store.ListOptions) ([]store.InlinePolicy, string, error) {
			return tx.ListInlinePolicies(c.acct, ref, o)
		})
		if err != nil {
			return notFound(err, k, owner)
		}
		total := policySize(doc)
		for _, p := range others {
			if !strings.EqualFold(p.Name, pn) {
				total += policySize(p.Document)
			}
		}
		if limit := maxInlineSize[k]; total > limit {
			return limitExceeded("Maximum policy size of %d bytes exceeded for %s %s", limit, kindWord(k), e.name)
		}
		return notFound(tx.PutInlinePolicy(c.acct, ref, pn, doc), k, owner)
	})
}

func (h *handler) getInline(ctx context.Context, c *call, k store.EntityKind, word, param string, maxLen int) (any, error) {
	owner := name(c, param, maxLen)
	pn := policyName(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	e, err := h.authEntity(ctx, c, "iam:Get"+word+"Policy", k, owner, nil)
	if err != nil {
		return nil, err
	}
	var ip store.InlinePolicy
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		ip, err = tx.GetInlinePolicy(c.acct, store.EntityRef{Kind: k, Name: e.name}, pn)
		if errors.Is(err, store.ErrNotFound) {
			return noSuchInline(k, pn)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	// The owner element is UserName, GroupName or RoleName: a generic
	// struct cannot name it, so the result is built per kind.
	switch k {
	case store.KindUser:
		return struct {
			UserName       string `xml:"UserName"`
			PolicyName     string `xml:"PolicyName"`
			PolicyDocument string `xml:"PolicyDocument"`
		}{e.name, ip.Name, encodeDocument(ip.Document)}, nil
	case store.KindGroup:
		return struct {
			GroupName      string `xml:"GroupName"`
			PolicyName     string `xml:"PolicyName"`
			PolicyDocument string `xml:"PolicyDocument"`
		}{e.name, ip.Name, encodeDocument(ip.Document)}, nil
	default:
		return struct {
			RoleName       string `xml:"RoleName"`
			PolicyName     string `xml:"PolicyName"`
			PolicyDocument string `xml:"PolicyDocument"`
		}{e.name, ip.Name, encodeDocument(ip.Document)}, nil
	}
}

func (h *handler) deleteInline(ctx context.Context, c *call, k store.EntityKind, word, param string, maxLen int) (any, error) {
	owner := name(c, param, maxLen)
	pn := policyName(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	e, err := h.authEntity(ctx, c, "iam:Delete"+word+"Policy", k, owner, nil)
	if err != nil {
		return nil, err
	}
	if e.serviceLinked {
		return nil, protectedRole(e.name)
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.DeleteInlinePolicy(c.acct, store.EntityRef{Kind: k, Name: e.name}, pn)
		if errors.Is(err, store.ErrNotFound) {
			return noSuchInline(k, pn)
		}
		return err
	})
}

func (h *handler) listInline(ctx context.Context, c *call, k store.EntityKind, word, param string, maxLen int) (any, error) {
	owner := name(c, param, maxLen)
	opt := pageOpts(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	e, err := h.authEntity(ctx, c, "iam:List"+word+"Policies", k, owner, nil)
	if err != nil {
		return nil, err
	}
	out := struct {
		PolicyNames []string `xml:"PolicyNames>member"`
		page
	}{PolicyNames: []string{}}
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		ps, next, err := tx.ListInlinePolicies(c.acct, store.EntityRef{Kind: k, Name: e.name}, opt)
		for _, p := range ps {
			out.PolicyNames = append(out.PolicyNames, p.Name)
		}
		out.page = newPage(next)
		return notFound(err, k, owner)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// isServiceRolePolicy reports whether a managed policy is a service-linked
// role policy, which only service-linked roles may have.
func isServiceRolePolicy(arn string) bool {
	return strings.HasPrefix(arn, "arn:aws:iam::aws:policy/aws-service-role/")
}

func (h *handler) attach(ctx context.Context, c *call, k store.EntityKind, word, param string, maxLen int, attach bool) (any, error) {
	owner := name(c, param, maxLen)
	arn := arnParam(c, "PolicyArn")
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	action := "iam:Detach" + word + "Policy"
	if attach {
		action = "iam:Attach" + word + "Policy"
	}
	e, err := h.authEntity(ctx, c, action, k, owner, map[string][]string{"iam:PolicyARN": {arn}})
	if err != nil {
		return nil, err
	}
	if e.serviceLinked {
		return nil, protectedRole(e.name)
	}
	ref := store.EntityRef{Kind: k, Name: e.name}
	if !attach {
		return nil, h.Store.Update(ctx, func(tx store.Tx) error {
			err := tx.DetachPolicy(c.acct, ref, arn)
			if errors.Is(err, store.ErrNotFound) {
				return noSuchEntity("Policy %s was not found.", arn)
			}
			return err
		})
	}
	if isServiceRolePolicy(arn) {
		return nil, awsquery.NewError(http.StatusBadRequest, "PolicyNotAttachable", "Cannot attach a Service Role Policy to a Customer Role.")
	}
	if isAWSManagedARN(arn) && lookupManaged(arn) == nil {
		return nil, noSuchEntity("Policy %s does not exist or is not attachable.", arn)
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		attached, _, err := tx.ListAttachedPolicies(c.acct, ref, store.ListOptions{MaxItems: store.MaxMaxItems})
		if err != nil {
			return notFound(err, k, owner)
		}
		already := false
		for _, a := range attached {
			already = already || a == arn
		}
		if !already && len(attached) >= maxAttachedPolicies {
			return limitExceeded("Cannot exceed quota for PoliciesPer%s: %d", word, maxAttachedPolicies)
		}
		err = tx.AttachPolicy(c.acct, ref, arn)
		if errors.Is(err, store.ErrNotFound) {
			return noSuchEntity("Policy %s does not exist or is not attachable.", arn)
		}
		return err
	})
}

func (h *handler) listAttached(ctx context.Context, c *call, k store.EntityKind, word, param string, maxLen int) (any, error) {
	owner := name(c, param, maxLen)
	prefix := pathPrefix(c, rePolicyPath)
	opt := pageOpts(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	e, err := h.authEntity(ctx, c, "iam:ListAttached"+word+"Policies", k, owner, nil)
	if err != nil {
		return nil, err
	}
	out := struct {
		AttachedPolicies []xAttachedPolicy `xml:"AttachedPolicies>member"`
		page
	}{AttachedPolicies: []xAttachedPolicy{}}
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		arns, next, err := tx.ListAttachedPolicies(c.acct, store.EntityRef{Kind: k, Name: e.name}, opt)
		if err != nil {
			return notFound(err, k, owner)
		}
		out.page = newPage(next)
		for _, a := range arns {
			if prefix != "" && !strings.HasPrefix(policyPathOf(a), prefix) {
				continue
			}
			out.AttachedPolicies = append(out.AttachedPolicies, xAttachedPolicy{PolicyName: policyNameOf(a), PolicyArn: a})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// policyNameOf returns the name in a managed policy ARN.
func policyNameOf(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

// policyPathOf returns the path in a managed policy ARN.
func policyPathOf(arn string) string {
	_, rest, ok := strings.Cut(arn, ":policy")
	if !ok {
		return "/"
	}
	return rest[:strings.LastIndexByte(rest, '/')+1]
}
