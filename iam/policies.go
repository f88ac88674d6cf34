package iam

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["CreatePolicy"] = (*handler).createPolicy
	operations["GetPolicy"] = (*handler).getPolicy
	operations["ListPolicies"] = (*handler).listPolicies
	operations["DeletePolicy"] = (*handler).deletePolicy
	operations["CreatePolicyVersion"] = (*handler).createPolicyVersion
	operations["GetPolicyVersion"] = (*handler).getPolicyVersion
	operations["ListPolicyVersions"] = (*handler).listPolicyVersions
	operations["SetDefaultPolicyVersion"] = (*handler).setDefaultPolicyVersion
	operations["DeletePolicyVersion"] = (*handler).deletePolicyVersion
	operations["ListEntitiesForPolicy"] = (*handler).listEntitiesForPolicy
}

func policyNotFound(arn string) error {
	return noSuchEntity("Policy %s was not found.", arn)
}

func (h *handler) createPolicy(ctx context.Context, c *call) (any, error) {
	policyName := name(c, "PolicyName", 128)
	p := path(c, "Path", "/")
	doc := document(c, "PolicyDocument")
	c.p.Length("Description", 0, 1000)
	desc := c.p.String("Description")
	kv := map[string][]string{}
	tags := tagsParam(c, kv)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if c.tagErr != nil {
		return nil, c.tagErr
	}
	pol := store.Policy{AccountID: c.acct, ID: NewUniqueID("ANPA"), Path: p, Name: policyName,
		ARN: entityARN(c.acct, "policy", p, policyName), Description: desc, Created: h.Now().UTC()}
	if err := h.authorize(ctx, c, "iam:CreatePolicy", pol.ARN, kv); err != nil {
		return nil, err
	}
	if len(tags) > 0 {
		if err := h.authorize(ctx, c, "iam:TagPolicy", pol.ARN, kv); err != nil {
			return nil, err
		}
	}
	// The size quota comes before parsing: a document over it is never
	// parsed.
	if err := checkManagedSize(doc); err != nil {
		return nil, err
	}
	if err := h.checkPolicy(managedDoc, doc); err != nil {
		return nil, err
	}
	err := h.Store.Update(ctx, func(tx store.Tx) error {
		var err error
		pol, err = tx.CreatePolicy(pol, doc)
		if errors.Is(err, store.ErrAlreadyExists) {
			return alreadyExists("A policy called %s already exists. Duplicate names are not allowed.", policyName)
		}
		if err != nil {
			return err
		}
		if len(tags) > 0 {
			return tx.TagEntity(c.acct, store.EntityRef{Kind: store.KindPolicy, Name: pol.ARN}, tags)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct {
		Policy xPolicy `xml:"Policy"`
	}{policyXML(pol, tags)}, nil
}

// authPolicy authorizes action on a managed policy. For a customer managed
// policy it returns the policy (aws is nil); for a built-in AWS managed
// policy it returns that (pol is zero). A policy that does not exist is
// NoSuchEntity, after authorization.
func (h *handler) authPolicy(ctx context.Context, c *call, action, arn string) (pol store.Policy, aws *awsPolicy, err error) {
	return h.authPolicyKV(ctx, c, action, arn, nil)
}

// authPolicyKV is authPolicy with request context keys.
func (h *handler) authPolicyKV(ctx context.Context, c *call, action, arn string, kv map[string][]string) (pol store.Policy, aws *awsPolicy, err error) {
	var tags []store.Tag // the customer managed policy's, for aws:ResourceTag/KEY
	found := false
	if isAWSManagedARN(arn) {
		aws = lookupManaged(arn)
		found = aws != nil
	} else {
		err = h.Store.View(ctx, func(tx store.ReadTx) error {
			var err error
			pol, err = tx.GetPolicy(c.acct, arn)
			if err != nil {
				return notFoundOK(err)
			}
			found = true
			tags, err = tx.ListTags(c.acct, store.EntityRef{Kind: store.KindPolicy, Name: pol.ARN})
			return err
		})
		if err != nil {
			return pol, nil, err
		}
	}
	if err := h.authorize(ctx, c, action, arn, kv, tags...); err != nil {
		return pol, nil, err
	}
	if !found {
		return pol, nil, policyNotFound(arn)
	}
	return pol, aws, nil
}

// countAttachments counts the entities of the account an AWS managed policy
// is attached to.
func countAttachments(tx store.ReadTx, acct, arn string) (int, error) {
	refs, err := tx.ListPolicyAttachments(acct, arn)
	return len(refs), err
}

func (h *handler) getPolicy(ctx context.Context, c *call) (any, error) {
	arn := arnParam(c, "PolicyArn")
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	pol, aws, err := h.authPolicy(ctx, c, "iam:GetPolicy", arn)
	if err != nil {
		return nil, err
	}
	var x xPolicy
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		if aws != nil {
			n, err := countAttachments(tx, c.acct, arn)
			x = awsPolicyXML(aws, n)
			return err
		}
		tags, err := tx.ListTags(c.acct, store.EntityRef{Kind: store.KindPolicy, Name: pol.ARN})
		x = policyXML(pol, tags)
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		Policy xPolicy `xml:"Policy"`
	}{x}, nil
}

// ListPolicies markers: "A<n>" continues the AWS managed policies at index
// n; "L<marker>" continues the customer managed ones at the store's marker.
func (h *handler) listPolicies(ctx context.Context, c *call) (any, error) {
	c.p.Enum("Scope", "All", "AWS", "Local")
	scope := c.p.String("Scope")
	if scope == "" {
		scope = "All"
	}
	onlyAttached, _ := c.p.Bool("OnlyAttached")
	prefix := pathPrefix(c, rePolicyPath)
	opt := pageOpts(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if opt.MaxItems == 0 {
		opt.MaxItems = store.DefaultMaxItems
	}
	if err := h.authorize(ctx, c, "iam:ListPolicies", "arn:"+partition+":iam::"+c.acct+":policy/*", nil); err != nil {
		return nil, err
	}
	phaseAWS := scope != "Local"
	awsIndex, localMarker := 0, ""
	switch {
	case opt.Marker == "":
	case strings.HasPrefix(opt.Marker, "A") && phaseAWS:
		n, err := strconv.Atoi(opt.Marker[1:])
		if err != nil || n < 0 {
			return nil, invalidInput("Invalid Marker %q: pass the Marker of the previous ListPolicies response.", opt.Marker)
		}
		awsIndex = n
	case strings.HasPrefix(opt.Marker, "L") && scope != "AWS":
		phaseAWS, localMarker = false, opt.Marker[1:]
	default:
		return nil, invalidInput("Invalid Marker %q: pass the Marker of the previous ListPolicies response.", opt.Marker)
	}
	out := struct {
		Policies []xPolicy `xml:"Policies>member"`
		page
	}{Policies: []xPolicy{}}
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		if phaseAWS {
			list := managedList(prefix)
			for i := awsIndex; i < len(list); i++ {
				n, err := countAttachments(tx, c.acct, list[i].ARN)
				if err != nil {
					return err
				}
				if onlyAttached && n == 0 {
					continue
				}
				if len(out.Policies) == opt.MaxItems {
					out.page = newPage("A" + strconv.Itoa(i))
					return nil
				}
				out.Policies = append(out.Policies, awsPolicyXML(list[i], n))
			}
			if scope == "AWS" {
				return nil
			}
		}
		left := opt.MaxItems - len(out.Policies)
		if left == 0 {
			out.page = newPage("L")
			return nil
		}
		pols, next, err := tx.ListPolicies(c.acct, store.PolicyFilter{PathPrefix: prefix, OnlyAttached: onlyAttached},
			store.ListOptions{Marker: localMarker, MaxItems: left})
		if err != nil {
			return err
		}
		for _, p := range pols {
			out.Policies = append(out.Policies, policyXML(p, nil))
		}
		if next != "" {
			out.page = newPage("L" + next)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// "L" alone after a full AWS page may be followed by no local policy;
	// that is a harmless empty last page.
	return out, nil
}

func (h *handler) deletePolicy(ctx context.Context, c *call) (any, error) {
	arn := arnParam(c, "PolicyArn")
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if isAWSManagedARN(arn) {
		if _, _, err := h.authPolicy(ctx, c, "iam:DeletePolicy", arn); err != nil {
			return nil, err
		}
		return nil, unmodifiable("Cannot delete the AWS managed policy %s: AWS managed policies are read-only.", arn)
	}
	if _, _, err := h.authPolicy(ctx, c, "iam:DeletePolicy", arn); err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.DeletePolicy(c.acct, arn)
		switch {
		case errors.Is(err, store.ErrConflict):
			return deleteConflict("Cannot delete a policy attached to entities.")
		case errors.Is(err, store.ErrNotFound):
			return policyNotFound(arn)
		}
		return err
	})
}

// customerPolicy authorizes action on a customer managed policy; AWS
// managed policies cannot be changed.
func (h *handler) customerPolicy(ctx context.Context, c *call, action, arn string) error {
	_, aws, err := h.authPolicy(ctx, c, action, arn)
	if err != nil {
		return err
	}
	if aws != nil {
		return unmodifiable("Cannot change the AWS managed policy %s: AWS managed policies are read-only.", arn)
	}
	return nil
}

func (h *handler) createPolicyVersion(ctx context.Context, c *call) (any, error) {
	arn := arnParam(c, "PolicyArn")
	doc := document(c, "PolicyDocument")
	setDefault, _ := c.p.Bool("SetAsDefault")
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.customerPolicy(ctx, c, "iam:CreatePolicyVersion", arn); err != nil {
		return nil, err
	}
	// The size quota comes before parsing: a document over it is never
	// parsed.
	if err := checkManagedSize(doc); err != nil {
		return nil, err
	}
	if err := h.checkPolicy(managedDoc, doc); err != nil {
		return nil, err
	}
	var v store.PolicyVersion
	err := h.Store.Update(ctx, func(tx store.Tx) error {
		var err error
		v, err = tx.CreatePolicyVersion(c.acct, arn, doc, setDefault)
		switch {
		case errors.Is(err, store.ErrLimitExceeded):
			return limitExceeded("A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", store.MaxPolicyVersions)
		case errors.Is(err, store.ErrNotFound):
			return policyNotFound(arn)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		PolicyVersion xPolicyVersion `xml:"PolicyVersion"`
	}{versionXML(v, false)}, nil
}

func (h *handler) getPolicyVersion(ctx context.Context, c *call) (any, error) {
	arn := arnParam(c, "PolicyArn")
	vid := c.p.Required("VersionId")
	c.p.Pattern("VersionId", reVersionID)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	_, aws, err := h.authPolicy(ctx, c, "iam:GetPolicyVersion", arn)
	if err != nil {
		return nil, err
	}
	var v store.PolicyVersion
	if aws != nil {
		if vid != aws.DefaultVersionID {
			return nil, noSuchEntity("Policy %s version %s does not exist or is not available: connect-iam keeps only the default version %s of AWS managed policies.", arn, vid, aws.DefaultVersionID)
		}
		v = store.PolicyVersion{VersionID: vid, Document: aws.Document, IsDefault: true, Created: aws.Updated}
	} else {
		err = h.Store.View(ctx, func(tx store.ReadTx) error {
			var err error
			v, err = tx.GetPolicyVersion(c.acct, arn, vid)
			if errors.Is(err, store.ErrNotFound) {
				return noSuchEntity("Policy %s version %s does not exist or is not attachable.", arn, vid)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return struct {
		PolicyVersion xPolicyVersion `xml:"PolicyVersion"`
	}{versionXML(v, true)}, nil
}

func (h *handler) listPolicyVersions(ctx context.Context, c *call) (any, error) {
	arn := arnParam(c, "PolicyArn")
	pageOpts(c) // at most five versions: always one page
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	_, aws, err := h.authPolicy(ctx, c, "iam:ListPolicyVersions", arn)
	if err != nil {
		return nil, err
	}
	var versions []store.PolicyVersion
	if aws != nil {
		versions = []store.PolicyVersion{{VersionID: aws.DefaultVersionID, IsDefault: true, Created: aws.Updated}}
	} else {
		err = h.Store.View(ctx, func(tx store.ReadTx) error {
			var err error
			versions, err = tx.ListPolicyVersions(c.acct, arn)
			if errors.Is(err, store.ErrNotFound) {
				return policyNotFound(arn)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	out := struct {
		Versions []xPolicyVersion `xml:"Versions>member"`
		page
	}{Versions: make([]xPolicyVersion, 0, len(versions))}
	for _, v := range versions {
		out.Versions = append(out.Versions, versionXML(v, false))
	}
	return out, nil
}

func (h *handler) setDefaultPolicyVersion(ctx context.Context, c *call) (any, error) {
	arn := arnParam(c, "PolicyArn")
	vid := c.p.Required("VersionId")
	c.p.Pattern("VersionId", reVersionID)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.customerPolicy(ctx, c, "iam:SetDefaultPolicyVersion", arn); err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.SetDefaultPolicyVersion(c.acct, arn, vid)
		if errors.Is(err, store.ErrNotFound) {
			return noSuchEntity("Policy %s version %s does not exist or is not attachable.", arn, vid)
		}
		return err
	})
}

func (h *handler) deletePolicyVersion(ctx context.Context, c *call) (any, error) {
	arn := arnParam(c, "PolicyArn")
	vid := c.p.Required("VersionId")
	c.p.Pattern("VersionId", reVersionID)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.customerPolicy(ctx, c, "iam:DeletePolicyVersion", arn); err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.DeletePolicyVersion(c.acct, arn, vid)
		switch {
		case errors.Is(err, store.ErrConflict):
			return deleteConflict("Cannot delete the default version of a policy.")
		case errors.Is(err, store.ErrNotFound):
			return noSuchEntity("Policy %s version %s does not exist or is not attachable.", arn, vid)
		}
		return err
	})
}

func (h *handler) listEntitiesForPolicy(ctx context.Context, c *call) (any, error) {
	arn := arnParam(c, "PolicyArn")
	c.p.Enum("EntityFilter", "User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy")
	filter := c.p.String("EntityFilter")
	prefix := path(c, "PathPrefix", "/")
	opt := pageOpts(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if _, _, err := h.authPolicy(ctx, c, "iam:ListEntitiesForPolicy", arn); err != nil {
		return nil, err
	}
	type xu struct {
		UserName string `xml:"UserName"`
		UserID   string `xml:"UserId"`
	}
	type xg struct {
		GroupName string `xml:"GroupName"`
		GroupID   string `xml:"GroupId"`
	}
	type xr struct {
		RoleName string `xml:"RoleName"`
		RoleID   string `xml:"RoleId"`
	}
	out := struct {
		PolicyGroups []xg `xml:"PolicyGroups>member"`
		PolicyUsers  []xu `xml:"PolicyUsers>member"`
		PolicyRoles  []xr `xml:"PolicyRoles>member"`
		page
	}{PolicyGroups: []xg{}, PolicyUsers: []xu{}, PolicyRoles: []xr{}}
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		refs, err := tx.ListPolicyAttachments(c.acct, arn)
		if err != nil {
			return err
		}
		refs, next, err := pageSlice(refs, opt)
		if err != nil {
			return err
		}
		out.page = newPage(next)
		for _, ref := range refs {
			if filter != "" && !strings.EqualFold(filter, string(ref.Kind)) {
				continue
			}
			e, found, err := readEntity(tx, c.acct, ref.Kind, ref.Name)
			if err != nil {
				return err
			}
			if !found || !strings.HasPrefix(e.path, prefix) {
				continue
			}
			switch ref.Kind {
			case store.KindUser:
				out.PolicyUsers = append(out.PolicyUsers, xu{e.name, e.id})
			case store.KindGroup:
				out.PolicyGroups = append(out.PolicyGroups, xg{e.name, e.id})
			case store.KindRole:
				out.PolicyRoles = append(out.PolicyRoles, xr{e.name, e.id})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// pageSlice pages a list the store returns whole: the marker is the index
// of the next item.
// viewPage reads a whole list in one read transaction and returns the
// page of it opt asks for, with the next page's marker.
func viewPage[T any](ctx context.Context, st store.Store, opt store.ListOptions, read func(tx store.ReadTx) ([]T, error)) ([]T, string, error) {
	var all []T
	err := st.View(ctx, func(tx store.ReadTx) error {
		var err error
		all, err = read(tx)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return pageSlice(all, opt)
}

func pageSlice[T any](all []T, opt store.ListOptions) ([]T, string, error) {
	start := 0
	if opt.Marker != "" {
		n, err := strconv.Atoi(opt.Marker)
		if err != nil || n < 0 || n > len(all) {
			return nil, "", awsquery.NewError(400, "InvalidInput", "Invalid Marker "+strconv.Quote(opt.Marker)+": pass the Marker of the previous response.")
		}
		start = n
	}
	limit := opt.MaxItems
	if limit == 0 {
		limit = store.DefaultMaxItems
	}
	end := min(start+limit, len(all))
	next := ""
	if end < len(all) {
		next = strconv.Itoa(end)
	}
	return all[start:end], next, nil
}
