package iam

import (
	"context"

	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["GetAccountAuthorizationDetails"] = (*handler).getAccountAuthorizationDetails
}

type xInline struct {
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

type xUserDetail struct {
	Path                    string            `xml:"Path"`
	UserName                string            `xml:"UserName"`
	UserID                  string            `xml:"UserId"`
	ARN                     string            `xml:"Arn"`
	CreateDate              awsquery.Time     `xml:"CreateDate"`
	UserPolicyList          []xInline         `xml:"UserPolicyList>member"`
	GroupList               []string          `xml:"GroupList>member"`
	AttachedManagedPolicies []xAttachedPolicy `xml:"AttachedManagedPolicies>member"`
	PermissionsBoundary     *xBoundary        `xml:"PermissionsBoundary,omitempty"`
	Tags                    []xTag            `xml:"Tags>member"`
}

type xGroupDetail struct {
	Path                    string            `xml:"Path"`
	GroupName               string            `xml:"GroupName"`
	GroupID                 string            `xml:"GroupId"`
	ARN                     string            `xml:"Arn"`
	CreateDate              awsquery.Time     `xml:"CreateDate"`
	GroupPolicyList         []xInline         `xml:"GroupPolicyList>member"`
	AttachedManagedPolicies []xAttachedPolicy `xml:"AttachedManagedPolicies>member"`
}

type xRoleDetail struct {
	xRole
	InstanceProfileList     []struct{}        `xml:"InstanceProfileList>member"`
	RolePolicyList          []xInline         `xml:"RolePolicyList>member"`
	AttachedManagedPolicies []xAttachedPolicy `xml:"AttachedManagedPolicies>member"`
}

type xPolicyDetail struct {
	xPolicy
	PolicyVersionList []xPolicyVersion `xml:"PolicyVersionList>member"`
}

// detailItem is one entry of the combined list that
// GetAccountAuthorizationDetails pages through.
type detailItem struct {
	user   *xUserDetail
	group  *xGroupDetail
	role   *xRoleDetail
	policy *xPolicyDetail
}

func (h *handler) getAccountAuthorizationDetails(ctx context.Context, c *call) (any, error) {
	filter := map[string]bool{}
	for i, f := range c.p.List("Filter") {
		switch f {
		case "User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy":
			filter[f] = true
		default:
			c.p.Violate("Filter.member."+itoa(i+1), "Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]")
		}
	}
	want := func(f string) bool { return len(filter) == 0 || filter[f] }
	opt := pageOpts(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "iam:GetAccountAuthorizationDetails", "*", nil); err != nil {
		return nil, err
	}
	items, next, err := viewPage(ctx, h.Store, opt, func(tx store.ReadTx) ([]detailItem, error) {
		return h.collectDetails(tx, c.acct, want)
	})
	if err != nil {
		return nil, err
	}
	out := struct {
		UserDetailList  []xUserDetail   `xml:"UserDetailList>member"`
		GroupDetailList []xGroupDetail  `xml:"GroupDetailList>member"`
		RoleDetailList  []xRoleDetail   `xml:"RoleDetailList>member"`
		Policies        []xPolicyDetail `xml:"Policies>member"`
		page
	}{UserDetailList: []xUserDetail{}, GroupDetailList: []xGroupDetail{}, RoleDetailList: []xRoleDetail{}, Policies: []xPolicyDetail{}, page: newPage(next)}
	for _, it := range items {
		switch {
		case it.user != nil:
			out.UserDetailList = append(out.UserDetailList, *it.user)
		case it.group != nil:
			out.GroupDetailList = append(out.GroupDetailList, *it.group)
		case it.role != nil:
			out.RoleDetailList = append(out.RoleDetailList, *it.role)
		default:
			out.Policies = append(out.Policies, *it.policy)
		}
	}
	return out, nil
}

// listAll pages through a store list to its end.
func listAll[T any](list func(store.ListOptions) ([]T, string, error)) ([]T, error) {
	var all []T
	opt := store.ListOptions{MaxItems: store.MaxMaxItems}
	for {
		page, next, err := list(opt)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next == "" {
			return all, nil
		}
		opt.Marker = next
	}
}

// entityPolicies returns the inline and attached policies of an entity.
func entityPolicies(tx store.ReadTx, acct string, ref store.EntityRef, usedAWS map[string]bool) ([]xInline, []xAttachedPolicy, error) {
	inline, err := listAll(func(o store.ListOptions) ([]store.InlinePolicy, string, error) {
		return tx.ListInlinePolicies(acct, ref, o)
	})
	if err != nil {
		return nil, nil, err
	}
	arns, err := listAll(func(o store.ListOptions) ([]string, string, error) {
		return tx.ListAttachedPolicies(acct, ref, o)
	})
	if err != nil {
		return nil, nil, err
	}
	xi := make([]xInline, len(inline))
	for i, p := range inline {
		xi[i] = xInline{p.Name, encodeDocument(p.Document)}
	}
	xa := make([]xAttachedPolicy, len(arns))
	for i, a := range arns {
		xa[i] = xAttachedPolicy{PolicyName: policyNameOf(a), PolicyArn: a}
		if isAWSManagedARN(a) {
			usedAWS[a] = true
		}
	}
	return xi, xa, nil
}

func (h *handler) collectDetails(tx store.ReadTx, acct string, want func(string) bool) ([]detailItem, error) {
	var items []detailItem
	usedAWS := map[string]bool{}
	users, err := listAll(func(o store.ListOptions) ([]store.User, string, error) { return tx.ListUsers(acct, "", o) })
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if u.PermissionsBoundaryARN != "" && isAWSManagedARN(u.PermissionsBoundaryARN) {
			usedAWS[u.PermissionsBoundaryARN] = true
		}
		ref := store.EntityRef{Kind: store.KindUser, Name: u.Name}
		inline, attached, err := entityPolicies(tx, acct, ref, usedAWS)
		if err != nil {
			return nil, err
		}
		if !want("User") {
			continue
		}
		groups, err := listAll(func(o store.ListOptions) ([]store.Group, string, error) { return tx.ListGroupsForUser(acct, u.Name, o) })
		if err != nil {
			return nil, err
		}
		tags, err := tx.ListTags(acct, ref)
		if err != nil {
			return nil, err
		}
		x := userXML(u, tags)
		d := &xUserDetail{Path: x.Path, UserName: x.UserName, UserID: x.UserID, ARN: x.ARN, CreateDate: x.CreateDate,
			UserPolicyList: inline, GroupList: []string{}, AttachedManagedPolicies: attached, PermissionsBoundary: x.PermissionsBoundary, Tags: xTags(tags)}
		for _, g := range groups {
			d.GroupList = append(d.GroupList, g.Name)
		}
		items = append(items, detailItem{user: d})
	}
	groups, err := listAll(func(o store.ListOptions) ([]store.Group, string, error) { return tx.ListGroups(acct, "", o) })
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		inline, attached, err := entityPolicies(tx, acct, store.EntityRef{Kind: store.KindGroup, Name: g.Name}, usedAWS)
		if err != nil {
			return nil, err
		}
		if want("Group") {
			x := groupXML(g)
			items = append(items, detailItem{group: &xGroupDetail{Path: x.Path, GroupName: x.GroupName, GroupID: x.GroupID, ARN: x.ARN,
				CreateDate: x.CreateDate, GroupPolicyList: inline, AttachedManagedPolicies: attached}})
		}
	}
	roles, err := listAll(func(o store.ListOptions) ([]store.Role, string, error) { return tx.ListRoles(acct, "", o) })
	if err != nil {
		return nil, err
	}
	if err := effectiveTrust(tx, roles); err != nil {
		return nil, err
	}
	for _, r := range roles {
		if r.PermissionsBoundaryARN != "" && isAWSManagedARN(r.PermissionsBoundaryARN) {
			usedAWS[r.PermissionsBoundaryARN] = true
		}
		ref := store.EntityRef{Kind: store.KindRole, Name: r.Name}
		inline, attached, err := entityPolicies(tx, acct, ref, usedAWS)
		if err != nil {
			return nil, err
		}
		if !want("Role") {
			continue
		}
		tags, err := tx.ListTags(acct, ref)
		if err != nil {
			return nil, err
		}
		items = append(items, detailItem{role: &xRoleDetail{xRole: roleXML(r, tags, true), InstanceProfileList: []struct{}{},
			RolePolicyList: inline, AttachedManagedPolicies: attached}})
	}
	if want("LocalManagedPolicy") {
		pols, err := listAll(func(o store.ListOptions) ([]store.Policy, string, error) {
			return tx.ListPolicies(acct, store.PolicyFilter{}, o)
		})
		if err != nil {
			return nil, err
		}
		for _, p := range pols {
			versions, err := tx.ListPolicyVersions(acct, p.ARN)
			if err != nil {
				return nil, err
			}
			d := &xPolicyDetail{xPolicy: policyXML(p, nil), PolicyVersionList: make([]xPolicyVersion, len(versions))}
			for i, v := range versions {
				d.PolicyVersionList[i] = versionXML(v, true)
			}
			items = append(items, detailItem{policy: d})
		}
	}
	if want("AWSManagedPolicy") {
		for _, p := range managedList("") {
			if !usedAWS[p.ARN] {
				continue
			}
			n, err := countAttachments(tx, acct, p.ARN)
			if err != nil {
				return nil, err
			}
			v := store.PolicyVersion{VersionID: p.DefaultVersionID, Document: p.Document, IsDefault: true, Created: p.Updated}
			items = append(items, detailItem{policy: &xPolicyDetail{xPolicy: awsPolicyXML(p, n), PolicyVersionList: []xPolicyVersion{versionXML(v, true)}}})
		}
	}
	return items, nil
}
