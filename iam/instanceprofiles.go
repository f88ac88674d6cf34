package iam

import (
	"context"
	"sort"
	"strings"

	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["CreateInstanceProfile"] = (*handler).createInstanceProfile
	operations["GetInstanceProfile"] = (*handler).getInstanceProfile
	operations["DeleteInstanceProfile"] = (*handler).deleteInstanceProfile
	operations["ListInstanceProfiles"] = (*handler).listInstanceProfiles
	operations["ListInstanceProfilesForRole"] = (*handler).listInstanceProfilesForRole
	operations["AddRoleToInstanceProfile"] = (*handler).addRoleToInstanceProfile
	operations["RemoveRoleFromInstanceProfile"] = (*handler).removeRoleFromInstanceProfile
	registerRecordTags("InstanceProfile", "InstanceProfileName", recInstanceProfile, "instance-profile")
}

// maxRolesPerInstanceProfile is IAM's quota of roles in an instance
// profile.
const maxRolesPerInstanceProfile = 1

// profileAttrs are the stored fields of an instance profile.
type profileAttrs struct {
	Path  string   `json:"path"`
	ID    string   `json:"id"`
	Roles []string `json:"roles,omitempty"` // role names
}

type xInstanceProfile struct {
	Path                string        `xml:"Path"`
	InstanceProfileName string        `xml:"InstanceProfileName"`
	InstanceProfileID   string        `xml:"InstanceProfileId"`
	ARN                 string        `xml:"Arn"`
	CreateDate          awsquery.Time `xml:"CreateDate"`
	Roles               []xRole       `xml:"Roles>member"`
	Tags                *xTagList     `xml:"Tags,omitempty"`
}

// profileXML returns an instance profile with its roles read in tx.
func profileXML(tx store.ReadTx, r store.Resource, a profileAttrs, tags []store.Tag) (xInstanceProfile, error) {
	x := xInstanceProfile{Path: a.Path, InstanceProfileName: r.Name, InstanceProfileID: a.ID, ARN: r.ARN,
		CreateDate: awsquery.Time(r.Created), Roles: []xRole{}, Tags: optTags(tags)}
	for _, name := range a.Roles {
		role, err := tx.GetRole(r.AccountID, name)
		if err != nil {
			if err = notFoundOK(err); err != nil {
				return x, err
			}
			continue
		}
		x.Roles = append(x.Roles, roleXML(role, nil, false))
	}
	return x, nil
}

func noSuchProfile(name string) error {
	return noSuchEntity("Instance Profile %s cannot be found.", name)
}

// authProfile reads the instance profile named by InstanceProfileName
// and authorizes action on it (on its "/" ARN when it does not exist, then
// NoSuchEntity).
func (h *handler) authProfile(ctx context.Context, c *call, action string, kv map[string][]string) (store.Resource, profileAttrs, error) {
	name := c.p.String("InstanceProfileName")
	var a profileAttrs
	var r store.Resource
	var found bool
	var tags []store.Tag
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		r, found, err = getRecord(tx, c.acct, recInstanceProfile, foldKey(name), &a)
		if err != nil || !found {
			return err
		}
		tags, err = tx.ListResourceTags(r.ARN)
		return err
	})
	if err != nil {
		return r, a, err
	}
	arn := recordARN(c.acct, "instance-profile", "/", name)
	if found {
		arn = r.ARN
	}
	if err := h.authorize(ctx, c, action, arn, kv, tags...); err != nil {
		return r, a, err
	}
	if !found {
		return r, a, noSuchProfile(name)
	}
	return r, a, nil
}

func (h *handler) createInstanceProfile(ctx context.Context, c *call) (any, error) {
	name := c.p.String("InstanceProfileName")
	p := path(c, "Path", "/")
	kv := map[string][]string{}
	tags := tagsParam(c, kv)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if c.tagErr != nil {
		return nil, c.tagErr
	}
	arn := recordARN(c.acct, "instance-profile", p, name)
	if err := h.authorize(ctx, c, "iam:CreateInstanceProfile", arn, kv); err != nil {
		return nil, err
	}
	if len(tags) > 0 {
		if err := h.authorize(ctx, c, "iam:TagInstanceProfile", arn, kv); err != nil {
			return nil, err
		}
	}
	a := profileAttrs{Path: p, ID: NewUniqueID("AIPA")}
	var x xInstanceProfile
	err := h.Store.Update(ctx, func(tx store.Tx) error {
		if _, found, err := getRecord(tx, c.acct, recInstanceProfile, foldKey(name), &profileAttrs{}); err != nil {
			return err
		} else if found {
			return alreadyExists("Instance Profile %s already exists.", name)
		}
		r, err := putRecord(tx, store.Resource{AccountID: c.acct, Service: "iam", Type: recInstanceProfile, ID: foldKey(name),
			ARN: arn, Name: name, NameKey: foldKey(name), Created: h.Now().UTC()}, a)
		if err != nil {
			return err
		}
		if len(tags) > 0 {
			if err := tx.TagResource(arn, tags); err != nil {
				return err
			}
		}
		x, err = profileXML(tx, r, a, tags)
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		InstanceProfile xInstanceProfile `xml:"InstanceProfile"`
	}{x}, nil
}

func (h *handler) getInstanceProfile(ctx context.Context, c *call) (any, error) {
	r, a, err := h.authProfile(ctx, c, "iam:GetInstanceProfile", nil)
	if err != nil {
		return nil, err
	}
	var x xInstanceProfile
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		tags, err := tx.ListResourceTags(r.ARN)
		if err != nil {
			return err
		}
		x, err = profileXML(tx, r, a, tags)
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		InstanceProfile xInstanceProfile `xml:"InstanceProfile"`
	}{x}, nil
}

func (h *handler) deleteInstanceProfile(ctx context.Context, c *call) (any, error) {
	r, _, err := h.authProfile(ctx, c, "iam:DeleteInstanceProfile", nil)
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		var a profileAttrs
		if _, found, err := getRecord(tx, c.acct, recInstanceProfile, r.ID, &a); err != nil || !found {
			return err
		}
		if len(a.Roles) > 0 {
			return deleteConflict("Cannot delete entity, must remove roles from instance profile first.")
		}
		return tx.DeleteResource(c.acct, "iam", recInstanceProfile, r.ID)
	})
}

// profileList reads every instance profile matching keep, sorted by name.
func profileList(tx store.ReadTx, acct string, keep func(profileAttrs) bool) ([]xInstanceProfile, error) {
	var out []xInstanceProfile
	err := listRecords(tx, acct, recInstanceProfile, "", false, func(r store.Resource) error {
		var a profileAttrs
		if err := r.DecodeAttributes(&a); err != nil {
			return err
		}
		if !keep(a) {
			return nil
		}
		x, err := profileXML(tx, r, a, nil)
		out = append(out, x)
		return err
	})
	sort.Slice(out, func(i, j int) bool {
		return strings.ToLower(out[i].InstanceProfileName) < strings.ToLower(out[j].InstanceProfileName)
	})
	return out, err
}

type xProfileList struct {
	InstanceProfiles []xInstanceProfile `xml:"InstanceProfiles>member"`
	page
}

func (h *handler) listInstanceProfiles(ctx context.Context, c *call) (any, error) {
	prefix := pathPrefix(c, rePathPrefix)
	opt := pageOpts(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "iam:ListInstanceProfiles", recordARN(c.acct, "instance-profile", "/", "*"), nil); err != nil {
		return nil, err
	}
	list, next, err := viewPage(ctx, h.Store, opt, func(tx store.ReadTx) ([]xInstanceProfile, error) {
		return profileList(tx, c.acct, func(a profileAttrs) bool { return strings.HasPrefix(a.Path, prefix) })
	})
	if err != nil {
		return nil, err
	}
	return xProfileList{list, newPage(next)}, nil
}

func (h *handler) listInstanceProfilesForRole(ctx context.Context, c *call) (any, error) {
	roleName := c.p.String("RoleName")
	opt := pageOpts(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	e, err := h.authEntity(ctx, c, "iam:ListInstanceProfilesForRole", store.KindRole, roleName, nil)
	if err != nil {
		return nil, err
	}
	list, next, err := viewPage(ctx, h.Store, opt, func(tx store.ReadTx) ([]xInstanceProfile, error) {
		return profileList(tx, c.acct, func(a profileAttrs) bool { return containsFold(a.Roles, e.name) })
	})
	if err != nil {
		return nil, err
	}
	return xProfileList{list, newPage(next)}, nil
}

func containsFold(list []string, s string) bool {
	for _, e := range list {
		if strings.EqualFold(e, s) {
			return true
		}
	}
	return false
}

func (h *handler) addRoleToInstanceProfile(ctx context.Context, c *call) (any, error) {
	roleName := c.p.String("RoleName")
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	r, _, err := h.authProfile(ctx, c, "iam:AddRoleToInstanceProfile", nil)
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		role, err := tx.GetRole(c.acct, roleName)
		if err != nil {
			return notFound(err, store.KindRole, roleName)
		}
		var a profileAttrs
		cur, found, err := getRecord(tx, c.acct, recInstanceProfile, r.ID, &a)
		if err != nil {
			return err
		}
		if !found {
			return noSuchProfile(r.Name)
		}
		if containsFold(a.Roles, role.Name) {
			return limitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: %d", maxRolesPerInstanceProfile)
		}
		if len(a.Roles) >= maxRolesPerInstanceProfile {
			return limitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: %d", maxRolesPerInstanceProfile)
		}
		a.Roles = append(a.Roles, role.Name)
		_, err = putRecord(tx, cur, a)
		return err
	})
}

func (h *handler) removeRoleFromInstanceProfile(ctx context.Context, c *call) (any, error) {
	roleName := c.p.String("RoleName")
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	r, _, err := h.authProfile(ctx, c, "iam:RemoveRoleFromInstanceProfile", nil)
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		var a profileAttrs
		cur, found, err := getRecord(tx, c.acct, recInstanceProfile, r.ID, &a)
		if err != nil {
			return err
		}
		if !found {
			return noSuchProfile(r.Name)
		}
		kept := a.Roles[:0]
		for _, n := range a.Roles {
			if !strings.EqualFold(n, roleName) {
				kept = append(kept, n)
			}
		}
		if len(kept) == len(a.Roles) {
			return noSuchEntity("The role with name %s cannot be found in instance profile %s.", roleName, r.Name)
		}
		a.Roles = kept
		_, err = putRecord(tx, cur, a)
		return err
	})
}

// registerRecordTags registers Tag<word>, Untag<word> and List<word>Tags
// for an entity stored as a record of type typ named by the parameter
// param, whose ARNs are of kind arnKind.
func registerRecordTags(word, param, typ, arnKind string) {
	target := func(h *handler, ctx context.Context, c *call, action string, kv map[string][]string) (string, error) {
		name := c.p.String(param)
		var r store.Resource
		var found bool
		var tags []store.Tag
		err := h.Store.View(ctx, func(tx store.ReadTx) error {
			var err error
			var raw map[string]any
			r, found, err = getRecord(tx, c.acct, typ, foldKey(name), &raw)
			if err != nil || !found {
				return err
			}
			tags, err = tx.ListResourceTags(r.ARN)
			return err
		})
		if err != nil {
			return "", err
		}
		arn := recordARN(c.acct, arnKind, "/", name)
		if found {
			arn = r.ARN
		}
		if err := h.authorize(ctx, c, action, arn, kv, tags...); err != nil {
			return "", err
		}
		if !found {
			return "", noSuchEntity("The %s with name %s cannot be found.", strings.ReplaceAll(arnKind, "-", " "), name)
		}
		return arn, nil
	}
	operations["Tag"+word] = func(h *handler, ctx context.Context, c *call) (any, error) {
		kv := map[string][]string{}
		tags := tagsParam(c, kv)
		if err := c.p.Err(); err != nil {
			return nil, err
		}
		if c.tagErr != nil {
			return nil, c.tagErr
		}
		arn, err := target(h, ctx, c, "iam:Tag"+word, kv)
		if err != nil {
			return nil, err
		}
		return nil, tagRecord(ctx, h, arn, tags)
	}
	operations["Untag"+word] = func(h *handler, ctx context.Context, c *call) (any, error) {
		keys := c.p.List("TagKeys")
		if err := c.p.Err(); err != nil {
			return nil, err
		}
		arn, err := target(h, ctx, c, "iam:Untag"+word, map[string][]string{"aws:TagKeys": keys})
		if err != nil {
			return nil, err
		}
		return nil, untagRecord(ctx, h, arn, keys)
	}
	operations["List"+word+"Tags"] = func(h *handler, ctx context.Context, c *call) (any, error) {
		opt := pageOpts(c)
		if err := c.p.Err(); err != nil {
			return nil, err
		}
		arn, err := target(h, ctx, c, "iam:List"+word+"Tags", nil)
		if err != nil {
			return nil, err
		}
		tags, next, err := viewPage(ctx, h.Store, opt, func(tx store.ReadTx) ([]store.Tag, error) {
			return tx.ListResourceTags(arn)
		})
		if err != nil {
			return nil, err
		}
		return struct {
			Tags []xTag `xml:"Tags>member"`
			page
		}{xTags(tags), newPage(next)}, nil
	}
}
