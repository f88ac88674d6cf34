package iam

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

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
	var items []detailItem
	var next string
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		items, next, err = h.detailsPage(tx, c.acct, want, opt)
		return err
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

// The sections of GetAccountAuthorizationDetails, in the order of its
// output. A marker names the section and the store marker within it, so
// that a page reads only its own items: a full pagination costs time
// linear in the account's size.
const (
	sectionUsers = iota
	sectionGroups
	sectionRoles
	sectionLocalPolicies
	sectionAWSPolicies
	sectionEnd
)

var sectionFilters = [...]string{"User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy"}

func encodeDetailsMarker(section int, inner string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(section) + ":" + inner))
}

func decodeDetailsMarker(m string) (int, string, error) {
	if m == "" {
		return sectionUsers, "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(m)
	sec, inner, ok := strings.Cut(string(b), ":")
	n, err2 := strconv.Atoi(sec)
	if err != nil || !ok || err2 != nil || n < sectionUsers || n >= sectionEnd {
		return 0, "", awsquery.NewError(400, "InvalidInput", "Invalid Marker "+strconv.Quote(m)+": pass the Marker of the previous response.")
	}
	return n, inner, nil
}

// detailsPage reads one page of GetAccountAuthorizationDetails: up to
// opt.MaxItems items from the position opt.Marker names, across sections.
func (h *handler) detailsPage(tx store.ReadTx, acct string, want func(string) bool, opt store.ListOptions) ([]detailItem, string, error) {
	sec, inner, err := decodeDetailsMarker(opt.Marker)
	if err != nil {
		return nil, "", err
	}
	limit := opt.MaxItems
	if limit <= 0 {
		limit = store.DefaultMaxItems
	}
	var items []detailItem
	for sec < sectionEnd {
		if !want(sectionFilters[sec]) {
			sec, inner = sec+1, ""
			continue
		}
		n := limit - len(items)
		if n == 0 {
			// The page is full: end the pagination here if nothing follows.
			if inner == "" {
				more, _, err := h.detailsSection(tx, acct, sec, store.ListOptions{MaxItems: 1})
				if err != nil {
					return nil, "", err
				}
				if len(more) == 0 {
					sec++
					continue
				}
			}
			break
		}
		got, next, err := h.detailsSection(tx, acct, sec, store.ListOptions{Marker: inner, MaxItems: n})
		if err != nil {
			return nil, "", err
		}
		items = append(items, got...)
		if next == "" {
			sec, inner = sec+1, ""
		} else {
			inner = next
		}
	}
	if sec >= sectionEnd {
		return items, "", nil
	}
	return items, encodeDetailsMarker(sec, inner), nil
}

// detailsSection reads a page of one section.
func (h *handler) detailsSection(tx store.ReadTx, acct string, sec int, opt store.ListOptions) ([]detailItem, string, error) {
	var items []detailItem
	discard := map[string]bool{}
	switch sec {
	case sectionUsers:
		users, next, err := tx.ListUsers(acct, "", opt)
		if err != nil {
			return nil, "", err
		}
		for _, u := range users {
			ref := store.EntityRef{Kind: store.KindUser, Name: u.Name}
			inline, attached, err := entityPolicies(tx, acct, ref, discard)
			if err != nil {
				return nil, "", err
			}
			groups, err := listAll(func(o store.ListOptions) ([]store.Group, string, error) { return tx.ListGroupsForUser(acct, u.Name, o) })
			if err != nil {
				return nil, "", err
			}
			tags, err := tx.ListTags(acct, ref)
			if err != nil {
				return nil, "", err
			}
			x := userXML(u, tags)
			d := &xUserDetail{Path: x.Path, UserName: x.UserName, UserID: x.UserID, ARN: x.ARN, CreateDate: x.CreateDate,
				UserPolicyList: inline, GroupList: []string{}, AttachedManagedPolicies: attached, PermissionsBoundary: x.PermissionsBoundary, Tags: xTags(tags)}
			for _, g := range groups {
				d.GroupList = append(d.GroupList, g.Name)
			}
			items = append(items, detailItem{user: d})
		}
		return items, next, nil
	case sectionGroups:
		groups, next, err := tx.ListGroups(acct, "", opt)
		if err != nil {
			return nil, "", err
		}
		for _, g := range groups {
			inline, attached, err := entityPolicies(tx, acct, store.EntityRef{Kind: store.KindGroup, Name: g.Name}, discard)
			if err != nil {
				return nil, "", err
			}
			x := groupXML(g)
			items = append(items, detailItem{group: &xGroupDetail{Path: x.Path, GroupName: x.GroupName, GroupID: x.GroupID, ARN: x.ARN,
				CreateDate: x.CreateDate, GroupPolicyList: inline, AttachedManagedPolicies: attached}})
		}
		return items, next, nil
	case sectionRoles:
		roles, next, err := tx.ListRoles(acct, "", opt)
		if err != nil {
			return nil, "", err
		}
		if err := effectiveTrust(tx, roles); err != nil {
			return nil, "", err
		}
		for _, r := range roles {
			ref := store.EntityRef{Kind: store.KindRole, Name: r.Name}
			inline, attached, err := entityPolicies(tx, acct, ref, discard)
			if err != nil {
				return nil, "", err
			}
			tags, err := tx.ListTags(acct, ref)
			if err != nil {
				return nil, "", err
			}
			items = append(items, detailItem{role: &xRoleDetail{xRole: roleXML(r, tags, true), InstanceProfileList: []struct{}{},
				RolePolicyList: inline, AttachedManagedPolicies: attached}})
		}
		return items, next, nil
	case sectionLocalPolicies:
		pols, next, err := tx.ListPolicies(acct, store.PolicyFilter{}, opt)
		if err != nil {
			return nil, "", err
		}
		for _, p := range pols {
			versions, err := tx.ListPolicyVersions(acct, p.ARN)
			if err != nil {
				return nil, "", err
			}
			d := &xPolicyDetail{xPolicy: policyXML(p, nil), PolicyVersionList: make([]xPolicyVersion, len(versions))}
			for i, v := range versions {
				d.PolicyVersionList[i] = versionXML(v, true)
			}
			items = append(items, detailItem{policy: d})
		}
		return items, next, nil
	}
	// The AWS managed policies in use: attached to an entity, or a
	// permissions boundary. The store marker is an index into them.
	start := 0
	if opt.Marker != "" {
		n, err := strconv.Atoi(opt.Marker)
		if err != nil || n < 0 {
			return nil, "", awsquery.NewError(400, "InvalidInput", "Invalid Marker: pass the Marker of the previous response.")
		}
		start = n
	}
	used, err := usedAWSPolicies(tx, acct)
	if err != nil {
		return nil, "", err
	}
	end := min(start+opt.MaxItems, len(used))
	for _, u := range used[min(start, end):end] {
		v := store.PolicyVersion{VersionID: u.p.DefaultVersionID, Document: u.p.Document, IsDefault: true, Created: u.p.Updated}
		items = append(items, detailItem{policy: &xPolicyDetail{xPolicy: awsPolicyXML(u.p, u.attachments), PolicyVersionList: []xPolicyVersion{versionXML(v, true)}}})
	}
	if end < len(used) {
		return items, strconv.Itoa(end), nil
	}
	return items, "", nil
}

type usedAWSPolicy struct {
	p           *awsPolicy
	attachments int
}

// usedAWSPolicies returns the AWS managed policies attached to an entity
// of the account or used as a permissions boundary, in managedList order.
func usedAWSPolicies(tx store.ReadTx, acct string) ([]usedAWSPolicy, error) {
	boundaries := map[string]bool{}
	users, err := listAll(func(o store.ListOptions) ([]store.User, string, error) { return tx.ListUsers(acct, "", o) })
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		boundaries[u.PermissionsBoundaryARN] = true
	}
	roles, err := listAll(func(o store.ListOptions) ([]store.Role, string, error) { return tx.ListRoles(acct, "", o) })
	if err != nil {
		return nil, err
	}
	for _, r := range roles {
		boundaries[r.PermissionsBoundaryARN] = true
	}
	var used []usedAWSPolicy
	for _, p := range managedList("") {
		n, err := countAttachments(tx, acct, p.ARN)
		if err != nil {
			return nil, err
		}
		if n > 0 || boundaries[p.ARN] {
			used = append(used, usedAWSPolicy{p: p, attachments: n})
		}
	}
	return used, nil
}
