package organizations

import (
	"errors"
	"slices"
	"strings"

	"github.com/connect-iam/connect-iam/server/awsjson"
	"github.com/connect-iam/connect-iam/store"
)

// operations are the operations served, by name.
var operations = map[string]op{
	"CreateOrganization":               (*Service).createOrganization,
	"DescribeOrganization":             (*Service).describeOrganization,
	"DeleteOrganization":               (*Service).deleteOrganization,
	"ListRoots":                        (*Service).listRoots,
	"ListAccounts":                     (*Service).listAccounts,
	"ListAccountsForParent":            (*Service).listAccountsForParent,
	"DescribeAccount":                  (*Service).describeAccount,
	"CreateAccount":                    (*Service).createAccount,
	"DescribeCreateAccountStatus":      (*Service).describeCreateAccountStatus,
	"InviteAccountToOrganization":      (*Service).inviteAccount,
	"AcceptHandshake":                  (*Service).acceptHandshake,
	"DeclineHandshake":                 (*Service).declineHandshake,
	"DescribeHandshake":                (*Service).describeHandshake,
	"ListHandshakesForAccount":         (*Service).listHandshakesForAccount,
	"RemoveAccountFromOrganization":    (*Service).removeAccount,
	"LeaveOrganization":                (*Service).leaveOrganization,
	"CreateOrganizationalUnit":         (*Service).createOU,
	"DescribeOrganizationalUnit":       (*Service).describeOU,
	"UpdateOrganizationalUnit":         (*Service).updateOU,
	"DeleteOrganizationalUnit":         (*Service).deleteOU,
	"ListOrganizationalUnitsForParent": (*Service).listOUsForParent,
	"ListChildren":                     (*Service).listChildren,
	"ListParents":                      (*Service).listParents,
	"MoveAccount":                      (*Service).moveAccount,
	"EnablePolicyType":                 (*Service).enablePolicyType,
	"DisablePolicyType":                (*Service).disablePolicyType,
	"CreatePolicy":                     (*Service).createPolicy,
	"DescribePolicy":                   (*Service).describePolicy,
	"UpdatePolicy":                     (*Service).updatePolicy,
	"DeletePolicy":                     (*Service).deletePolicy,
	"ListPolicies":                     (*Service).listPolicies,
	"AttachPolicy":                     (*Service).attachPolicy,
	"DetachPolicy":                     (*Service).detachPolicy,
	"ListPoliciesForTarget":            (*Service).listPoliciesForTarget,
	"ListTargetsForPolicy":             (*Service).listTargetsForPolicy,
	"TagResource":                      (*Service).tagResource,
	"UntagResource":                    (*Service).untagResource,
	"ListTagsForResource":              (*Service).listTagsForResource,
}

// --- output shapes

func orgOut(o *org) map[string]any {
	types := []map[string]string{}
	for _, t := range o.attrs.EnabledTypes {
		types = append(types, map[string]string{"Type": t, "Status": "ENABLED"})
	}
	return map[string]any{
		"Id": o.id(), "Arn": o.res.ARN, "FeatureSet": o.attrs.FeatureSet,
		"MasterAccountId": o.management(), "MasterAccountArn": accountARN(o.management(), o.id(), o.management()),
		"MasterAccountEmail": email(o.management()), "AvailablePolicyTypes": types,
	}
}

// email is the e-mail address connect-iam reports for an account, which
// has none.
func email(acct string) string { return "account-" + acct + "@connect-iam.invalid" }

func rootOut(o *org, n *node) map[string]any {
	types := []map[string]string{}
	for _, t := range o.attrs.EnabledTypes {
		types = append(types, map[string]string{"Type": t, "Status": "ENABLED"})
	}
	return map[string]any{"Id": n.res.ID, "Arn": n.res.ARN, "Name": n.res.Name, "PolicyTypes": types}
}

func ouOut(n *node) map[string]any {
	return map[string]any{"Id": n.res.ID, "Arn": n.res.ARN, "Name": n.res.Name}
}

func accountOut(n *node) map[string]any {
	return map[string]any{"Id": n.res.ID, "Arn": n.res.ARN, "Name": n.res.Name, "Email": n.attrs.Email,
		"Status": "ACTIVE", "State": "ACTIVE", "JoinedMethod": n.attrs.JoinedMethod, "JoinedTimestamp": awsjson.Time(n.attrs.Joined)}
}

func policySummary(r store.Resource, a policyAttrs) map[string]any {
	return map[string]any{"Id": r.ID, "Arn": r.ARN, "Name": r.Name, "Description": a.Description, "Type": a.Type, "AwsManaged": awsManaged(r.ID)}
}

func policyOut(r store.Resource, a policyAttrs) map[string]any {
	return map[string]any{"PolicySummary": policySummary(r, a), "Content": a.Content}
}

// --- the organization

func (s *Service) createOrganization(c *call) (any, error) {
	fs := c.str("FeatureSet")
	if fs == "" {
		fs = "ALL"
	}
	if err := s.authorize(c, "*", nil); err != nil {
		return nil, err
	}
	var o *org
	err := s.update(c, func(tx store.Tx) error {
		existing, err := membership(tx, c.acct)
		if err != nil {
			return err
		}
		if existing != nil {
			return fail("AlreadyInOrganizationException", "The AWS account is already a member of an organization.")
		}
		if _, err := tx.GetAccount(c.acct); err != nil {
			return err
		}
		now := s.d.Now().UTC()
		id, rootID := randomID("o-", 10), randomID("r-", 4)
		a := orgAttrs{FeatureSet: fs, Management: c.acct, RootID: rootID}
		r, err := tx.CreateResource(store.Resource{AccountID: c.acct, Service: svc, Type: typeOrg, ID: id, ARN: orgARN(c.acct, id),
			Attributes: encode(a), Created: now, Updated: now})
		if err != nil {
			return err
		}
		o = &org{res: r, attrs: a}
		if _, err := tx.CreateResource(store.Resource{AccountID: c.acct, Service: svc, Type: typeRoot, ID: rootID, Name: "Root",
			ARN: rootARN(c.acct, id, rootID), Attributes: encode(nodeAttrs{}), Created: now, Updated: now}); err != nil {
			return err
		}
		return join(tx, o, c.acct, rootID, "CREATED", now)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"Organization": orgOut(o)}, nil
}

// join makes acct a member of o under parent.
func join(tx store.Tx, o *org, acct, parent, method string, now timeValue) error {
	name := "Account " + acct
	if a, err := tx.GetAccount(acct); err == nil && a.Alias != "" {
		name = a.Alias
	}
	var pols []string
	for _, t := range o.attrs.EnabledTypes {
		pols = append(pols, fullAccessOf(t))
	}
	if _, err := tx.CreateResource(store.Resource{AccountID: o.management(), Service: svc, Type: typeAccount, ID: acct, ParentID: parent,
		Name: name, ARN: accountARN(o.management(), o.id(), acct), Created: now, Updated: now,
		Attributes: encode(nodeAttrs{Policies: pols, Email: email(acct), JoinedMethod: method, Joined: now})}); err != nil {
		return err
	}
	_, err := tx.CreateResource(store.Resource{AccountID: acct, Service: svc, Type: typeMembership, ID: acct, ARN: membershipARN(acct),
		Attributes: encode(membershipAttrs{OrganizationID: o.id(), Management: o.management()}), Created: now, Updated: now})
	return err
}

// leave removes acct from o.
func leave(tx store.Tx, o *org, acct string) error {
	if err := tx.DeleteResource(o.management(), svc, typeAccount, acct); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if err := tx.DeleteResource(acct, svc, typeMembership, acct); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

func (s *Service) describeOrganization(c *call) (any, error) {
	o, err := s.callerOrg(c)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(c, "*", nil); err != nil {
		return nil, err
	}
	return map[string]any{"Organization": orgOut(o)}, nil
}

func (s *Service) deleteOrganization(c *call) (any, error) {
	o, err := s.managedOrg(c, nil, nil)
	if err != nil {
		return nil, err
	}
	return nil, s.update(c, func(tx store.Tx) error {
		accts, err := listAll(tx, o, typeAccount, nil)
		if err != nil {
			return err
		}
		if len(accts) > 1 {
			return fail("OrganizationNotEmptyException", "To delete an organization you must first remove all member accounts (except the management account).")
		}
		for _, typ := range []string{typeOU, typePolicy, typeRoot} {
			rs, err := listAll(tx, o, typ, nil)
			if err != nil {
				return err
			}
			for _, r := range rs {
				if err := tx.DeleteResource(r.AccountID, svc, r.Type, r.ID); err != nil {
					return err
				}
			}
		}
		if err := leave(tx, o, o.management()); err != nil {
			return err
		}
		return tx.DeleteResource(o.management(), svc, typeOrg, o.id())
	})
}

func (s *Service) listRoots(c *call) (any, error) {
	o, err := s.managedOrg(c, nil, nil)
	if err != nil {
		return nil, err
	}
	var roots []any
	err = s.view(c, func(tx store.ReadTx) error {
		n, err := getNode(tx, o, o.attrs.RootID)
		if err != nil {
			return err
		}
		roots = append(roots, rootOut(o, n))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"Roots": roots}, nil
}

// --- accounts

func (s *Service) listAccounts(c *call) (any, error) {
	o, err := s.managedOrg(c, nil, nil)
	if err != nil {
		return nil, err
	}
	return s.listAccountNodes(c, o, nil)
}

func (s *Service) listAccountNodes(c *call, o *org, parent *string) (any, error) {
	var out []any
	err := s.view(c, func(tx store.ReadTx) error {
		rs, err := listAll(tx, o, typeAccount, parent)
		if err != nil {
			return err
		}
		for _, r := range rs {
			a, err := decode[nodeAttrs](r)
			if err != nil {
				return err
			}
			out = append(out, accountOut(&node{res: r, attrs: a}))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	pg, next, err := page(c, out)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Accounts": nonNil(pg), "NextToken": next}, nil
}

func nonNil(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

func (s *Service) listAccountsForParent(c *call) (any, error) {
	parent := c.str("ParentId")
	o, err := s.managedOrg(c, func(o *org) string { return nodeARN(o, parent) }, nil)
	if err != nil {
		return nil, err
	}
	if err := s.mustParent(c, o, parent, errParentMissing); err != nil {
		return nil, err
	}
	return s.listAccountNodes(c, o, &parent)
}

// mustParent fails with missing unless id is the root or an OU of o.
func (s *Service) mustParent(c *call, o *org, id string, missing error) error {
	if t := nodeType(id); t != typeRoot && t != typeOU {
		return missing
	}
	return s.view(c, func(tx store.ReadTx) error {
		if _, err := getNode(tx, o, id); errors.Is(err, store.ErrNotFound) {
			return missing
		} else {
			return err
		}
	})
}

func (s *Service) describeAccount(c *call) (any, error) {
	id := c.str("AccountId")
	o, err := s.managedOrg(c, func(o *org) string { return accountARN(o.management(), o.id(), id) }, nil)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	err = s.view(c, func(tx store.ReadTx) error {
		n, err := getNode(tx, o, id)
		if errors.Is(err, store.ErrNotFound) {
			return errAcctMissing
		}
		if err != nil {
			return err
		}
		out = accountOut(n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"Account": out}, nil
}

func (s *Service) removeAccount(c *call) (any, error) {
	id := c.str("AccountId")
	o, err := s.managedOrg(c, func(o *org) string { return accountARN(o.management(), o.id(), id) }, nil)
	if err != nil {
		return nil, err
	}
	if id == o.management() {
		return nil, fail("MasterCannotLeaveOrganizationException", "You can't remove a management account from an organization. If you want the management account to become a member account in another organization, you must first delete the current organization of the management account.")
	}
	return nil, s.update(c, func(tx store.Tx) error {
		if _, err := getNode(tx, o, id); errors.Is(err, store.ErrNotFound) {
			return errAcctMissing
		} else if err != nil {
			return err
		}
		return leave(tx, o, id)
	})
}

func (s *Service) leaveOrganization(c *call) (any, error) {
	o, err := s.callerOrg(c)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(c, "*", nil); err != nil {
		return nil, err
	}
	if c.acct == o.management() {
		return nil, fail("MasterCannotLeaveOrganizationException", "You can't remove a management account from an organization. If you want the management account to become a member account in another organization, you must first delete the current organization of the management account.")
	}
	return nil, s.update(c, func(tx store.Tx) error { return leave(tx, o, c.acct) })
}

// --- organizational units

func (s *Service) createOU(c *call) (any, error) {
	var in struct {
		ParentId, Name string
		Tags           []tag
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	o, err := s.managedOrg(c, func(o *org) string { return nodeARN(o, in.ParentId) }, tagKeys(nil, in.Tags))
	if err != nil {
		return nil, err
	}
	var out map[string]any
	err = s.update(c, func(tx store.Tx) error {
		if t := nodeType(in.ParentId); t != typeRoot && t != typeOU {
			return errParentMissing
		}
		chain, err := path(tx, o, in.ParentId)
		if errors.Is(err, store.ErrNotFound) {
			return errParentMissing
		}
		if err != nil {
			return err
		}
		if len(chain) > 5 { // the root and five levels of OUs
			return failReason("ConstraintViolationException", "OU_DEPTH_LIMIT_EXCEEDED", "You attempted to create an OU tree that is too many levels deep: OUs nest at most five levels under the root.")
		}
		now := s.d.Now().UTC()
		id := randomID("ou-"+strings.TrimPrefix(o.attrs.RootID, "r-")+"-", 8)
		var pols []string
		for _, t := range o.attrs.EnabledTypes {
			pols = append(pols, fullAccessOf(t))
		}
		r, err := tx.CreateResource(store.Resource{AccountID: o.management(), Service: svc, Type: typeOU, ID: id, ParentID: in.ParentId,
			Name: in.Name, NameKey: in.Name, ARN: ouARN(o.management(), o.id(), id), Attributes: encode(nodeAttrs{Policies: pols}), Created: now, Updated: now})
		if errors.Is(err, store.ErrAlreadyExists) {
			return fail("DuplicateOrganizationalUnitException", "An OU with the same name already exists.")
		}
		if err != nil {
			return err
		}
		if len(in.Tags) > 0 {
			if err := tx.TagResource(r.ARN, storeTags(in.Tags)); err != nil {
				return err
			}
		}
		out = ouOut(&node{res: r})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"OrganizationalUnit": out}, nil
}

// ou returns an OU of o, or OrganizationalUnitNotFoundException.
func ou(tx store.ReadTx, o *org, id string) (*node, error) {
	if nodeType(id) != typeOU {
		return nil, errOUMissing
	}
	n, err := getNode(tx, o, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errOUMissing
	}
	return n, err
}

func (s *Service) describeOU(c *call) (any, error) {
	id := c.str("OrganizationalUnitId")
	o, err := s.managedOrg(c, func(o *org) string { return nodeARN(o, id) }, nil)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	err = s.view(c, func(tx store.ReadTx) error {
		n, err := ou(tx, o, id)
		if err == nil {
			out = ouOut(n)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"OrganizationalUnit": out}, nil
}

func (s *Service) updateOU(c *call) (any, error) {
	id, name := c.str("OrganizationalUnitId"), c.str("Name")
	o, err := s.managedOrg(c, func(o *org) string { return nodeARN(o, id) }, nil)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	err = s.update(c, func(tx store.Tx) error {
		n, err := ou(tx, o, id)
		if err != nil {
			return err
		}
		if name != "" {
			n.res.Name, n.res.NameKey = name, name
		}
		if err := putNode(tx, n); errors.Is(err, store.ErrAlreadyExists) {
			return fail("DuplicateOrganizationalUnitException", "An OU with the same name already exists.")
		} else if err != nil {
			return err
		}
		out = ouOut(n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"OrganizationalUnit": out}, nil
}

func (s *Service) deleteOU(c *call) (any, error) {
	id := c.str("OrganizationalUnitId")
	o, err := s.managedOrg(c, func(o *org) string { return nodeARN(o, id) }, nil)
	if err != nil {
		return nil, err
	}
	return nil, s.update(c, func(tx store.Tx) error {
		if _, err := ou(tx, o, id); err != nil {
			return err
		}
		for _, typ := range []string{typeOU, typeAccount} {
			kids, err := listAll(tx, o, typ, &id)
			if err != nil {
				return err
			}
			if len(kids) > 0 {
				return fail("OrganizationalUnitNotEmptyException", "The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again.")
			}
		}
		return tx.DeleteResource(o.management(), svc, typeOU, id)
	})
}

func (s *Service) listOUsForParent(c *call) (any, error) {
	parent := c.str("ParentId")
	o, err := s.managedOrg(c, func(o *org) string { return nodeARN(o, parent) }, nil)
	if err != nil {
		return nil, err
	}
	if err := s.mustParent(c, o, parent, errParentMissing); err != nil {
		return nil, err
	}
	var out []any
	err = s.view(c, func(tx store.ReadTx) error {
		rs, err := listAll(tx, o, typeOU, &parent)
		for _, r := range rs {
			out = append(out, ouOut(&node{res: r}))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	pg, next, err := page(c, out)
	if err != nil {
		return nil, err
	}
	return map[string]any{"OrganizationalUnits": nonNil(pg), "NextToken": next}, nil
}

func (s *Service) listChildren(c *call) (any, error) {
	parent, childType := c.str("ParentId"), c.str("ChildType")
	o, err := s.managedOrg(c, func(o *org) string { return nodeARN(o, parent) }, nil)
	if err != nil {
		return nil, err
	}
	if err := s.mustParent(c, o, parent, errParentMissing); err != nil {
		return nil, err
	}
	typ := typeAccount
	if childType == "ORGANIZATIONAL_UNIT" {
		typ = typeOU
	}
	var out []any
	err = s.view(c, func(tx store.ReadTx) error {
		rs, err := listAll(tx, o, typ, &parent)
		for _, r := range rs {
			out = append(out, map[string]any{"Id": r.ID, "Type": childType})
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	pg, next, err := page(c, out)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Children": nonNil(pg), "NextToken": next}, nil
}

func (s *Service) listParents(c *call) (any, error) {
	child := c.str("ChildId")
	o, err := s.managedOrg(c, func(o *org) string { return nodeARN(o, child) }, nil)
	if err != nil {
		return nil, err
	}
	var out []any
	err = s.view(c, func(tx store.ReadTx) error {
		t := nodeType(child)
		if t != typeOU && t != typeAccount {
			return fail("ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
		}
		n, err := getNode(tx, o, child)
		if errors.Is(err, store.ErrNotFound) {
			return fail("ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
		}
		if err != nil {
			return err
		}
		pt := "ORGANIZATIONAL_UNIT"
		if nodeType(n.res.ParentID) == typeRoot {
			pt = "ROOT"
		}
		out = append(out, map[string]any{"Id": n.res.ParentID, "Type": pt})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"Parents": out}, nil
}

func (s *Service) moveAccount(c *call) (any, error) {
	acct, src, dst := c.str("AccountId"), c.str("SourceParentId"), c.str("DestinationParentId")
	o, err := s.managedOrg(c, func(o *org) string { return accountARN(o.management(), o.id(), acct) }, nil)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(c, nodeARN(o, dst), nil); err != nil {
		return nil, err
	}
	if err := s.mustParent(c, o, src, fail("SourceParentNotFoundException", "We can't find a source root or OU with the ParentId that you specified.")); err != nil {
		return nil, err
	}
	if err := s.mustParent(c, o, dst, fail("DestinationParentNotFoundException", "We can't find the destination container (a root or OU) with the ParentId that you specified.")); err != nil {
		return nil, err
	}
	return nil, s.update(c, func(tx store.Tx) error {
		n, err := getNode(tx, o, acct)
		if errors.Is(err, store.ErrNotFound) || nodeType(acct) != typeAccount {
			return errAcctMissing
		}
		if err != nil {
			return err
		}
		if n.res.ParentID == dst {
			return fail("DuplicateAccountException", "That account is already present in the specified destination.")
		}
		if n.res.ParentID != src {
			return fail("SourceParentNotFoundException", "The account is not in the source parent "+src+"; its parent is "+n.res.ParentID+".")
		}
		n.res.ParentID = dst
		return putNode(tx, n)
	})
}

// --- policy types

func (s *Service) enablePolicyType(c *call) (any, error) {
	return s.setPolicyType(c, true)
}

func (s *Service) disablePolicyType(c *call) (any, error) {
	return s.setPolicyType(c, false)
}

func (s *Service) setPolicyType(c *call, enable bool) (any, error) {
	rootID, typ := c.str("RootId"), c.str("PolicyType")
	o, err := s.managedOrg(c, func(o *org) string { return nodeARN(o, rootID) }, typeKey(typ))
	if err != nil {
		return nil, err
	}
	if rootID != o.attrs.RootID {
		return nil, fail("RootNotFoundException", "We can't find a root with the RootId that you specified.")
	}
	if !enforced(typ) {
		return nil, errUnsupportedType(typ)
	}
	if o.attrs.FeatureSet != "ALL" {
		return nil, fail("PolicyTypeNotAvailableForOrganizationException", "You can't use the specified policy type with the feature set currently enabled for this organization: enable all features.")
	}
	var out map[string]any
	err = s.update(c, func(tx store.Tx) error {
		r, err := tx.GetResource(o.management(), svc, typeOrg, o.id())
		if err != nil {
			return err
		}
		if o.attrs, err = decode[orgAttrs](r); err != nil {
			return err
		}
		o.res = r
		on := o.enabled(typ)
		switch {
		case enable && on:
			return fail("PolicyTypeAlreadyEnabledException", "The specified policy type is already enabled.")
		case !enable && !on:
			return errTypeDisabled
		case enable:
			o.attrs.EnabledTypes = append(o.attrs.EnabledTypes, typ)
		default:
			o.attrs.EnabledTypes = slices.DeleteFunc(o.attrs.EnabledTypes, func(t string) bool { return t == typ })
		}
		o.res.Attributes = encode(o.attrs)
		if o.res, err = tx.UpdateResource(o.res); err != nil {
			return err
		}
		nodes, err := allNodes(tx, o)
		if err != nil {
			return err
		}
		full := fullAccessOf(typ)
		for _, n := range nodes {
			if enable {
				if !slices.Contains(n.attrs.Policies, full) {
					n.attrs.Policies = append(n.attrs.Policies, full)
				}
			} else {
				// Disabling a type detaches every policy of the type.
				kept := n.attrs.Policies[:0]
				for _, pid := range n.attrs.Policies {
					_, a, err := policyDoc(tx, o, pid)
					if err != nil && !errors.Is(err, store.ErrNotFound) {
						return err
					}
					if err == nil && a.Type != typ {
						kept = append(kept, pid)
					}
				}
				n.attrs.Policies = kept
			}
			if err := putNode(tx, n); err != nil {
				return err
			}
			if n.res.ID == rootID {
				out = rootOut(o, n)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"Root": out}, nil
}

// --- policies

func (s *Service) createPolicy(c *call) (any, error) {
	var in struct {
		Content, Description, Name, Type string
		Tags                             []tag
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	id := randomID("p-", 8)
	o, err := s.managedOrg(c, func(o *org) string { return policyARN(o.management(), o.id(), in.Type, id) }, tagKeys(typeKey(in.Type), in.Tags))
	if err != nil {
		return nil, err
	}
	if !enforced(in.Type) {
		return nil, errUnsupportedType(in.Type)
	}
	if err := s.checkContent(in.Type, in.Content); err != nil {
		return nil, err
	}
	var out map[string]any
	err = s.update(c, func(tx store.Tx) error {
		now := s.d.Now().UTC()
		a := policyAttrs{Type: in.Type, Description: in.Description, Content: in.Content}
		r, err := tx.CreateResource(store.Resource{AccountID: o.management(), Service: svc, Type: typePolicy, ID: id, Name: in.Name,
			NameKey: in.Type + "/" + in.Name, ARN: policyARN(o.management(), o.id(), in.Type, id), Attributes: encode(a), Created: now, Updated: now})
		if errors.Is(err, store.ErrAlreadyExists) {
			return fail("DuplicatePolicyException", "A policy with the same name already exists.")
		}
		if err != nil {
			return err
		}
		if len(in.Tags) > 0 {
			if err := tx.TagResource(r.ARN, storeTags(in.Tags)); err != nil {
				return err
			}
		}
		out = policyOut(r, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"Policy": out}, nil
}

// readPolicy reads a policy of o, or PolicyNotFoundException.
func (s *Service) readPolicy(c *call, o *org, id string) (store.Resource, policyAttrs, error) {
	var r store.Resource
	var a policyAttrs
	err := s.view(c, func(tx store.ReadTx) error {
		var err error
		r, a, err = policyDoc(tx, o, id)
		if errors.Is(err, store.ErrNotFound) {
			return errPolicyMissing
		}
		return err
	})
	return r, a, err
}

// policyCall reads the policy the call names and authorizes the call on
// it.
func (s *Service) policyCall(c *call) (*org, store.Resource, policyAttrs, error) {
	id := c.str("PolicyId")
	o, err := s.callerOrg(c)
	if err != nil {
		return nil, store.Resource{}, policyAttrs{}, err
	}
	r, a, err := s.readPolicy(c, o, id)
	if err != nil {
		return nil, r, a, err
	}
	if err := s.manage(c, o, r.ARN, typeKey(a.Type)); err != nil {
		return nil, r, a, err
	}
	return o, r, a, nil
}

func (s *Service) describePolicy(c *call) (any, error) {
	_, r, a, err := s.policyCall(c)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Policy": policyOut(r, a)}, nil
}

func (s *Service) updatePolicy(c *call) (any, error) {
	var in struct {
		PolicyId                   string
		Content, Description, Name *string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	o, r, a, err := s.policyCall(c)
	if err != nil {
		return nil, err
	}
	if awsManaged(r.ID) {
		return nil, failReason("InvalidInputException", "IMMUTABLE_POLICY", "You specified a policy that is managed by AWS and can't be modified.")
	}
	if in.Content != nil {
		if err := s.checkContent(a.Type, *in.Content); err != nil {
			return nil, err
		}
	}
	var out map[string]any
	err = s.update(c, func(tx store.Tx) error {
		r, a, err := policyDoc(tx, o, r.ID)
		if errors.Is(err, store.ErrNotFound) {
			return errPolicyMissing
		}
		if err != nil {
			return err
		}
		if in.Content != nil {
			a.Content = *in.Content
		}
		if in.Description != nil {
			a.Description = *in.Description
		}
		if in.Name != nil {
			r.Name, r.NameKey = *in.Name, a.Type+"/"+*in.Name
		}
		r.Attributes = encode(a)
		r.Updated = s.d.Now().UTC()
		r, err = tx.UpdateResource(r)
		if errors.Is(err, store.ErrAlreadyExists) {
			return fail("DuplicatePolicyException", "A policy with the same name already exists.")
		}
		out = policyOut(r, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"Policy": out}, nil
}

func (s *Service) deletePolicy(c *call) (any, error) {
	o, r, _, err := s.policyCall(c)
	if err != nil {
		return nil, err
	}
	if awsManaged(r.ID) {
		return nil, failReason("InvalidInputException", "IMMUTABLE_POLICY", "You specified a policy that is managed by AWS and can't be deleted.")
	}
	return nil, s.update(c, func(tx store.Tx) error {
		nodes, err := allNodes(tx, o)
		if err != nil {
			return err
		}
		for _, n := range nodes {
			if slices.Contains(n.attrs.Policies, r.ID) {
				return fail("PolicyInUseException", "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.")
			}
		}
		return tx.DeleteResource(o.management(), svc, typePolicy, r.ID)
	})
}

func (s *Service) listPolicies(c *call) (any, error) {
	typ := c.str("Filter")
	o, err := s.managedOrg(c, nil, typeKey(typ))
	if err != nil {
		return nil, err
	}
	out := []any{}
	if enforced(typ) {
		r, a, _ := policyDoc(nil, o, fullAccessOf(typ))
		out = append(out, policySummary(r, a))
	}
	err = s.view(c, func(tx store.ReadTx) error {
		rs, err := listAll(tx, o, typePolicy, nil)
		if err != nil {
			return err
		}
		for _, r := range rs {
			a, err := decode[policyAttrs](r)
			if err != nil {
				return err
			}
			if a.Type == typ {
				out = append(out, policySummary(r, a))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	pg, next, err := page(c, out)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Policies": nonNil(pg), "NextToken": next}, nil
}

func (s *Service) attachPolicy(c *call) (any, error) {
	return s.attachment(c, true)
}

func (s *Service) detachPolicy(c *call) (any, error) {
	return s.attachment(c, false)
}

// maxAttached is the most policies of one type a target may have.
const maxAttached = 5

func (s *Service) attachment(c *call, attach bool) (any, error) {
	target := c.str("TargetId")
	o, r, a, err := s.policyCall(c)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(c, nodeARN(o, target), typeKey(a.Type)); err != nil {
		return nil, err
	}
	if !o.enabled(a.Type) {
		return nil, errTypeDisabled
	}
	if !attach && r.ID == RCPFullAWSAccessID {
		return nil, failReason("InvalidInputException", "NON_DETACHABLE_POLICY", "You can't detach RCPFullAWSAccess: it stays attached to every root, OU and account while resource control policies are enabled.")
	}
	return nil, s.update(c, func(tx store.Tx) error {
		if nodeType(target) == "" {
			return errTargetMissing
		}
		n, err := getNode(tx, o, target)
		if errors.Is(err, store.ErrNotFound) {
			return errTargetMissing
		}
		if err != nil {
			return err
		}
		same := 0 // attached policies of the type
		for _, pid := range n.attrs.Policies {
			if _, pa, err := policyDoc(tx, o, pid); err == nil && pa.Type == a.Type {
				same++
			}
		}
		has := slices.Contains(n.attrs.Policies, r.ID)
		switch {
		case attach && has:
			return fail("DuplicatePolicyAttachmentException", "The selected policy is already attached to the specified target.")
		case attach && same >= maxAttached:
			return failReason("ConstraintViolationException", "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
				"You attempted to attach a policy to an entity that already has the maximum of 5 policies of that type; detach one first.")
		case attach:
			n.attrs.Policies = append(n.attrs.Policies, r.ID)
		case !has:
			return fail("PolicyNotAttachedException", "The policy isn't attached to the specified target in the specified root.")
		case a.Type == SCP && same <= 1:
			return failReason("ConstraintViolationException", "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
				"You attempted to detach a policy from an entity that would cause the entity to have fewer than the minimum of one service control policy; attach another SCP (such as FullAWSAccess) first.")
		default:
			n.attrs.Policies = slices.DeleteFunc(n.attrs.Policies, func(p string) bool { return p == r.ID })
		}
		return putNode(tx, n)
	})
}

func (s *Service) listPoliciesForTarget(c *call) (any, error) {
	target, typ := c.str("TargetId"), c.str("Filter")
	o, err := s.managedOrg(c, func(o *org) string { return nodeARN(o, target) }, typeKey(typ))
	if err != nil {
		return nil, err
	}
	out := []any{}
	err = s.view(c, func(tx store.ReadTx) error {
		if nodeType(target) == "" {
			return errTargetMissing
		}
		n, err := getNode(tx, o, target)
		if errors.Is(err, store.ErrNotFound) {
			return errTargetMissing
		}
		if err != nil {
			return err
		}
		for _, pid := range n.attrs.Policies {
			r, a, err := policyDoc(tx, o, pid)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if a.Type == typ {
				out = append(out, policySummary(r, a))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	pg, next, err := page(c, out)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Policies": nonNil(pg), "NextToken": next}, nil
}

func (s *Service) listTargetsForPolicy(c *call) (any, error) {
	o, r, _, err := s.policyCall(c)
	if err != nil {
		return nil, err
	}
	out := []any{}
	err = s.view(c, func(tx store.ReadTx) error {
		nodes, err := allNodes(tx, o)
		if err != nil {
			return err
		}
		for _, n := range nodes {
			if slices.Contains(n.attrs.Policies, r.ID) {
				t := map[string]string{typeRoot: "ROOT", typeOU: "ORGANIZATIONAL_UNIT", typeAccount: "ACCOUNT"}[n.res.Type]
				out = append(out, map[string]any{"TargetId": n.res.ID, "Arn": n.res.ARN, "Name": n.res.Name, "Type": t})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	pg, next, err := page(c, out)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Targets": nonNil(pg), "NextToken": next}, nil
}

// --- tags

// taggable returns the ARN of the root, OU, account or policy with the ID.
func (s *Service) taggable(c *call, o *org, id string) (string, error) {
	var arn string
	err := s.view(c, func(tx store.ReadTx) error {
		if strings.HasPrefix(id, "p-") {
			if awsManaged(id) {
				return errTargetMissing
			}
			r, err := tx.GetResource(o.management(), svc, typePolicy, id)
			if errors.Is(err, store.ErrNotFound) {
				return errTargetMissing
			}
			arn = r.ARN
			return err
		}
		if nodeType(id) == "" {
			return errTargetMissing
		}
		n, err := getNode(tx, o, id)
		if errors.Is(err, store.ErrNotFound) {
			return errTargetMissing
		}
		if err == nil {
			arn = n.res.ARN
		}
		return err
	})
	return arn, err
}

func (s *Service) tagCall(c *call, keys func(arn string) map[string][]string) (string, error) {
	o, err := s.callerOrg(c)
	if err != nil {
		return "", err
	}
	arn, err := s.taggable(c, o, c.str("ResourceId"))
	if err != nil {
		return "", err
	}
	return arn, s.manage(c, o, arn, keys(arn))
}

func (s *Service) tagResource(c *call) (any, error) {
	var in struct {
		ResourceId string
		Tags       []tag
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	arn, err := s.tagCall(c, func(string) map[string][]string { return tagKeys(nil, in.Tags) })
	if err != nil {
		return nil, err
	}
	return nil, s.update(c, func(tx store.Tx) error { return tx.TagResource(arn, storeTags(in.Tags)) })
}

func (s *Service) untagResource(c *call) (any, error) {
	var in struct {
		ResourceId string
		TagKeys    []string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	arn, err := s.tagCall(c, func(string) map[string][]string { return map[string][]string{"aws:TagKeys": in.TagKeys} })
	if err != nil {
		return nil, err
	}
	return nil, s.update(c, func(tx store.Tx) error { return tx.UntagResource(arn, in.TagKeys) })
}

func (s *Service) listTagsForResource(c *call) (any, error) {
	arn, err := s.tagCall(c, func(string) map[string][]string { return nil })
	if err != nil {
		return nil, err
	}
	var tags []store.Tag
	err = s.view(c, func(tx store.ReadTx) error {
		var err error
		tags, err = tx.ListResourceTags(arn)
		return err
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"Tags": tagList(tags)}, nil
}
