package iam

import (
	"context"
	"errors"
	"time"

	"github.com/connect-iam/connect-iam/internal/trust"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["CreateRole"] = (*handler).createRole
	operations["GetRole"] = (*handler).getRole
	operations["ListRoles"] = (*handler).listRoles
	operations["UpdateRole"] = (*handler).updateRole
	operations["UpdateRoleDescription"] = (*handler).updateRoleDescription
	operations["UpdateAssumeRolePolicy"] = (*handler).updateAssumeRolePolicy
	operations["DeleteRole"] = (*handler).deleteRole
}

// Role session duration limits, in seconds.
const (
	minSessionSeconds = 3600
	maxSessionSeconds = 43200
)

func (h *handler) createRole(ctx context.Context, c *call) (any, error) {
	roleName := name(c, "RoleName", 64)
	p := path(c, "Path", "/")
	trustPolicy := document(c, "AssumeRolePolicyDocument")
	c.p.Length("Description", 0, 1000)
	desc := c.p.String("Description")
	c.p.Range("MaxSessionDuration", minSessionSeconds, maxSessionSeconds)
	maxDur, hasDur := c.p.Int("MaxSessionDuration")
	kv := map[string][]string{}
	pb := boundaryParam(c, kv)
	tags := tagsParam(c, kv)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if c.tagErr != nil {
		return nil, c.tagErr
	}
	if err := reservedPath(p); err != nil {
		return nil, err
	}
	if !hasDur {
		maxDur = minSessionSeconds
	}
	r := store.Role{AccountID: c.acct, ID: NewUniqueID("AROA"), Path: p, Name: roleName,
		ARN: entityARN(c.acct, "role", p, roleName), AssumeRolePolicyDocument: trustPolicy, Description: desc,
		MaxSessionDuration: time.Duration(maxDur) * time.Second, PermissionsBoundaryARN: pb, Created: h.Now().UTC()}
	if err := h.authCreate(ctx, c, "Role", r.ARN, kv, tags); err != nil {
		return nil, err
	}
	// The size quota comes before parsing: a document over it is never
	// parsed.
	if err := checkTrustSize(trustPolicy); err != nil {
		return nil, err
	}
	if err := h.checkPolicy(trustDoc, trustPolicy); err != nil {
		return nil, err
	}
	err := h.createEntity(ctx, c, store.EntityRef{Kind: store.KindRole, Name: roleName}, pb, tags, func(tx store.Tx) error {
		b, err := bindTrust(tx, trustPolicy)
		if err != nil {
			return err
		}
		if err := tx.CreateRole(r); err != nil {
			return err
		}
		return trust.Save(tx, r, b)
	})
	if err != nil {
		return nil, err
	}
	return struct {
		Role xRole `xml:"Role"`
	}{roleXML(r, tags, false)}, nil
}

func (h *handler) getRole(ctx context.Context, c *call) (any, error) {
	roleName := name(c, "RoleName", 64)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	e, err := h.authEntity(ctx, c, "iam:GetRole", store.KindRole, roleName, nil)
	if err != nil {
		return nil, err
	}
	var r store.Role
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		if r, err = tx.GetRole(c.acct, e.name); err != nil {
			return notFound(err, store.KindRole, roleName)
		}
		r.AssumeRolePolicyDocument, err = trust.Effective(tx, r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		Role xRole `xml:"Role"`
	}{roleXML(r, e.tags, true)}, nil
}

func (h *handler) listRoles(ctx context.Context, c *call) (any, error) {
	prefix := pathPrefix(c, rePathPrefix)
	opt := pageOpts(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "iam:ListRoles", "arn:"+partition+":iam::"+c.acct+":role/*", nil); err != nil {
		return nil, err
	}
	var roles []store.Role
	var next string
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		if roles, next, err = tx.ListRoles(c.acct, prefix, opt); err != nil {
			return err
		}
		return effectiveTrust(tx, roles)
	})
	if err != nil {
		return nil, err
	}
	out := struct {
		Roles []xRole `xml:"Roles>member"`
		page
	}{Roles: make([]xRole, 0, len(roles)), page: newPage(next)}
	for _, r := range roles {
		out.Roles = append(out.Roles, roleXML(r, nil, false))
	}
	return out, nil
}

// changeRole authorizes action on a role and applies change to it in one
// transaction. Service-linked roles accept only description changes
// (allowSLR).
func (h *handler) changeRole(ctx context.Context, c *call, action, roleName string, allowSLR bool, change func(r *store.Role)) error {
	e, err := h.authEntity(ctx, c, action, store.KindRole, roleName, nil)
	if err != nil {
		return err
	}
	if e.serviceLinked && !allowSLR {
		return protectedRole(e.name)
	}
	return h.Store.Update(ctx, func(tx store.Tx) error {
		r, err := tx.GetRole(c.acct, roleName)
		if err != nil {
			return notFound(err, store.KindRole, roleName)
		}
		change(&r)
		return tx.UpdateRole(r)
	})
}

func (h *handler) updateRole(ctx context.Context, c *call) (any, error) {
	roleName := name(c, "RoleName", 64)
	c.p.Length("Description", 0, 1000)
	desc, hasDesc := c.p.Lookup("Description")
	c.p.Range("MaxSessionDuration", minSessionSeconds, maxSessionSeconds)
	maxDur, hasDur := c.p.Int("MaxSessionDuration")
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	err := h.changeRole(ctx, c, "iam:UpdateRole", roleName, !hasDur, func(r *store.Role) {
		if hasDesc {
			r.Description = desc
		}
		if hasDur {
			r.MaxSessionDuration = time.Duration(maxDur) * time.Second
		}
	})
	if err != nil {
		return nil, err
	}
	// UpdateRole's result is empty but present: the SDKs require the
	// <UpdateRoleResult/> element.
	return struct{}{}, nil
}

func (h *handler) updateRoleDescription(ctx context.Context, c *call) (any, error) {
	roleName := name(c, "RoleName", 64)
	desc := c.p.Required("Description")
	c.p.Length("Description", 0, 1000)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	var out store.Role
	err := h.changeRole(ctx, c, "iam:UpdateRoleDescription", roleName, true, func(r *store.Role) {
		r.Description = desc
		out = *r
	})
	if err != nil {
		return nil, err
	}
	return struct {
		Role xRole `xml:"Role"`
	}{roleXML(out, nil, false)}, nil
}

func (h *handler) updateAssumeRolePolicy(ctx context.Context, c *call) (any, error) {
	roleName := name(c, "RoleName", 64)
	trustPolicy := document(c, "PolicyDocument")
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	e, err := h.authEntity(ctx, c, "iam:UpdateAssumeRolePolicy", store.KindRole, roleName, nil)
	if err != nil {
		return nil, err
	}
	if e.serviceLinked {
		return nil, protectedRole(e.name)
	}
	// The size quota comes before parsing: a document over it is never
	// parsed.
	if err := checkTrustSize(trustPolicy); err != nil {
		return nil, err
	}
	if err := h.checkPolicy(trustDoc, trustPolicy); err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		r, err := tx.GetRole(c.acct, roleName)
		if err != nil {
			return notFound(err, store.KindRole, roleName)
		}
		b, err := bindTrust(tx, trustPolicy)
		if err != nil {
			return err
		}
		r.AssumeRolePolicyDocument = trustPolicy
		if err := tx.UpdateRole(r); err != nil {
			return err
		}
		return trust.Save(tx, r, b)
	})
}

func (h *handler) deleteRole(ctx context.Context, c *call) (any, error) {
	roleName := name(c, "RoleName", 64)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	e, err := h.authEntity(ctx, c, "iam:DeleteRole", store.KindRole, roleName, nil)
	if err != nil {
		return nil, err
	}
	if e.serviceLinked {
		return nil, protectedRole(e.name)
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		r, err := tx.GetRole(c.acct, roleName)
		if err != nil {
			return notFound(err, store.KindRole, roleName)
		}
		err = tx.DeleteRole(c.acct, roleName)
		switch {
		case errors.Is(err, store.ErrConflict):
			return deleteConflict("Cannot delete entity, must detach all policies first.")
		case err != nil:
			return notFound(err, store.KindRole, roleName)
		}
		return trust.Delete(tx, r)
	})
}

// bindTrust binds the user and role principals of a trust policy to their
// unique IDs (package trust), with IAM's error for one that does not exist.
func bindTrust(tx store.ReadTx, doc string) (trust.Binding, error) {
	b, err := trust.Bind(tx, doc)
	var ip *trust.InvalidPrincipalError
	if errors.As(err, &ip) {
		return nil, malformedPolicy(ip.Error())
	}
	return b, err
}

// effectiveTrust replaces the trust policies of roles with what IAM shows:
// principals deleted since the policy was saved appear as their unique IDs.
func effectiveTrust(tx store.ReadTx, roles []store.Role) error {
	for i := range roles {
		doc, err := trust.Effective(tx, roles[i])
		if err != nil {
			return err
		}
		roles[i].AssumeRolePolicyDocument = doc
	}
	return nil
}
