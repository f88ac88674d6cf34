package iam

import (
	"context"

	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["PutUserPermissionsBoundary"] = func(h *handler, ctx context.Context, c *call) (any, error) {
		return h.putBoundary(ctx, c, store.KindUser, "User", "UserName", 128)
	}
	operations["PutRolePermissionsBoundary"] = func(h *handler, ctx context.Context, c *call) (any, error) {
		return h.putBoundary(ctx, c, store.KindRole, "Role", "RoleName", 64)
	}
	operations["DeleteUserPermissionsBoundary"] = func(h *handler, ctx context.Context, c *call) (any, error) {
		return h.deleteBoundary(ctx, c, store.KindUser, "User", "UserName", 128)
	}
	operations["DeleteRolePermissionsBoundary"] = func(h *handler, ctx context.Context, c *call) (any, error) {
		return h.deleteBoundary(ctx, c, store.KindRole, "Role", "RoleName", 64)
	}
}

// setBoundary sets (arn != "") or removes the permissions boundary of a
// user or role.
func setBoundary(tx store.Tx, acct string, k store.EntityKind, entityName, arn string) error {
	if k == store.KindUser {
		u, err := tx.GetUser(acct, entityName)
		if err != nil {
			return notFound(err, k, entityName)
		}
		u.PermissionsBoundaryARN = arn
		return tx.UpdateUser(u)
	}
	r, err := tx.GetRole(acct, entityName)
	if err != nil {
		return notFound(err, k, entityName)
	}
	r.PermissionsBoundaryARN = arn
	return tx.UpdateRole(r)
}

func (h *handler) putBoundary(ctx context.Context, c *call, k store.EntityKind, word, param string, maxLen int) (any, error) {
	owner := name(c, param, maxLen)
	arn := arnParam(c, "PermissionsBoundary")
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	e, err := h.authEntity(ctx, c, "iam:Put"+word+"PermissionsBoundary", k, owner,
		map[string][]string{"iam:PermissionsBoundary": {arn}})
	if err != nil {
		return nil, err
	}
	if e.serviceLinked {
		return nil, protectedRole(e.name)
	}
	if isServiceRolePolicy(arn) {
		return nil, invalidInput("The policy %s cannot be used as a permissions boundary: it is a service-linked role policy.", arn)
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		if err := checkBoundaryPolicy(tx, c.acct, arn); err != nil {
			return err
		}
		return setBoundary(tx, c.acct, k, e.name, arn)
	})
}

func (h *handler) deleteBoundary(ctx context.Context, c *call, k store.EntityKind, word, param string, maxLen int) (any, error) {
	owner := name(c, param, maxLen)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	// IAM sets iam:PermissionsBoundary to the boundary being removed.
	var current entity
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		current, _, err = readEntity(tx, c.acct, k, owner)
		return err
	})
	if err != nil {
		return nil, err
	}
	kv := map[string][]string{}
	if current.boundary != "" {
		kv["iam:PermissionsBoundary"] = []string{current.boundary}
	}
	e, err := h.authEntity(ctx, c, "iam:Delete"+word+"PermissionsBoundary", k, owner, kv)
	if err != nil {
		return nil, err
	}
	if e.serviceLinked {
		return nil, protectedRole(e.name)
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		return setBoundary(tx, c.acct, k, e.name, "")
	})
}
