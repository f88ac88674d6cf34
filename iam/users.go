package iam

import (
	"context"
	"errors"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/internal/mfa"
	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["CreateUser"] = (*handler).createUser
	operations["GetUser"] = (*handler).getUser
	operations["ListUsers"] = (*handler).listUsers
	operations["UpdateUser"] = (*handler).updateUser
	operations["DeleteUser"] = (*handler).deleteUser
}

func (h *handler) createUser(ctx context.Context, c *call) (any, error) {
	userName := name(c, "UserName", 64)
	p := path(c, "Path", "/")
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
	u := store.User{AccountID: c.acct, ID: NewUniqueID("AIDA"), Path: p, Name: userName,
		ARN: entityARN(c.acct, "user", p, userName), PermissionsBoundaryARN: pb, Created: h.Now().UTC()}
	if err := h.authCreate(ctx, c, "User", u.ARN, kv, tags); err != nil {
		return nil, err
	}
	err := h.createEntity(ctx, c, store.EntityRef{Kind: store.KindUser, Name: userName}, pb, tags, func(tx store.Tx) error {
		return tx.CreateUser(u)
	})
	if err != nil {
		return nil, err
	}
	return struct {
		User xUser `xml:"User"`
	}{userXML(u, tags)}, nil
}

// boundaryParam reads the PermissionsBoundary parameter of CreateUser and
// CreateRole and adds it to kv as iam:PermissionsBoundary; "" when absent.
func boundaryParam(c *call, kv map[string][]string) string {
	pb := c.p.String("PermissionsBoundary")
	if pb != "" {
		arnParam(c, "PermissionsBoundary")
		kv["iam:PermissionsBoundary"] = []string{pb}
	}
	return pb
}

// authCreate authorizes iam:CreateKIND on the new entity's ARN, and
// iam:TagKIND too when the request tags it (kind is "User" or "Role").
func (h *handler) authCreate(ctx context.Context, c *call, kind, arn string, kv map[string][]string, tags []store.Tag) error {
	if err := h.authorize(ctx, c, "iam:Create"+kind, arn, kv); err != nil {
		return err
	}
	if len(tags) > 0 {
		return h.authorize(ctx, c, "iam:Tag"+kind, arn, kv)
	}
	return nil
}

// createEntity creates a user or role and its tags in one transaction,
// after checking that its permissions boundary pb (if any) names an
// existing managed policy. A taken name is EntityAlreadyExists in IAM's
// words.
func (h *handler) createEntity(ctx context.Context, c *call, ref store.EntityRef, pb string, tags []store.Tag, create func(tx store.Tx) error) error {
	return h.Store.Update(ctx, func(tx store.Tx) error {
		if pb != "" {
			if err := checkBoundaryPolicy(tx, c.acct, pb); err != nil {
				return err
			}
		}
		if err := create(tx); err != nil {
			if errors.Is(err, store.ErrAlreadyExists) {
				kind := "User"
				if ref.Kind == store.KindRole {
					kind = "Role"
				}
				return alreadyExists("%s with name %s already exists.", kind, ref.Name)
			}
			return err
		}
		if len(tags) > 0 {
			return tx.TagEntity(c.acct, ref, tags)
		}
		return nil
	})
}

// checkBoundaryPolicy checks that a permissions boundary names an existing
// managed policy.
func checkBoundaryPolicy(tx store.ReadTx, acct, arn string) error {
	if isAWSManagedARN(arn) {
		if lookupManaged(arn) == nil {
			return invalidInput("ARN %s is not valid.", arn)
		}
		return nil
	}
	if _, err := tx.GetPolicy(acct, arn); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return noSuchEntity("Policy %s does not exist or is not attachable.", arn)
		}
		return err
	}
	return nil
}

func (h *handler) getUser(ctx context.Context, c *call) (any, error) {
	userName := optName(c, "UserName", 128)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if userName == "" {
		switch c.caller.Kind {
		case authz.UserCaller, authz.SessionTokenCaller:
			userName = c.caller.UserName
		case authz.RootCaller:
			// The root user is not an IAM user; IAM returns its identity.
			acctARN := "arn:" + partition + ":iam::" + c.acct + ":root"
			if err := h.authorize(ctx, c, "iam:GetUser", acctARN, nil); err != nil {
				return nil, err
			}
			var acct store.Account
			err := h.Store.View(ctx, func(tx store.ReadTx) error {
				var err error
				acct, err = tx.GetAccount(c.acct)
				return err
			})
			if err != nil {
				return nil, err
			}
			return struct {
				User xUser `xml:"User"`
			}{xUser{UserID: c.acct, ARN: acctARN, CreateDate: awsquery.Time(acct.Created)}}, nil
		default:
			return nil, awsValidation("Must specify userName when calling with non-User credentials")
		}
	}
	e, err := h.authEntity(ctx, c, "iam:GetUser", store.KindUser, userName, nil)
	if err != nil {
		return nil, err
	}
	// authEntity read the user and its tags in one read transaction.
	return struct {
		User xUser `xml:"User"`
	}{userXML(e.user, e.tags)}, nil
}

// notFound maps ErrNotFound to the NoSuchEntity error of an entity.
func notFound(err error, k store.EntityKind, name string) error {
	if errors.Is(err, store.ErrNotFound) {
		return noSuch(k, name)
	}
	return err
}

func (h *handler) listUsers(ctx context.Context, c *call) (any, error) {
	prefix := pathPrefix(c, rePathPrefix)
	opt := pageOpts(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "iam:ListUsers", "arn:"+partition+":iam::"+c.acct+":user/*", nil); err != nil {
		return nil, err
	}
	var users []store.User
	var next string
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		users, next, err = tx.ListUsers(c.acct, prefix, opt)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := struct {
		Users []xUser `xml:"Users>member"`
		page
	}{Users: make([]xUser, 0, len(users)), page: newPage(next)}
	for _, u := range users {
		out.Users = append(out.Users, userXML(u, nil))
	}
	return out, nil
}

func (h *handler) updateUser(ctx context.Context, c *call) (any, error) {
	userName := name(c, "UserName", 128)
	newName := optName(c, "NewUserName", 64)
	newPath := path(c, "NewPath", "")
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := reservedPath(newPath); err != nil {
		return nil, err
	}
	if _, err := h.authEntity(ctx, c, "iam:UpdateUser", store.KindUser, userName, nil); err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		u, err := tx.GetUser(c.acct, userName)
		if err != nil {
			return notFound(err, store.KindUser, userName)
		}
		if newName != "" {
			u.Name = newName
		}
		if newPath != "" {
			u.Path = newPath
		}
		u.ARN = entityARN(c.acct, "user", u.Path, u.Name)
		if err := tx.UpdateUser(u); err != nil {
			if errors.Is(err, store.ErrAlreadyExists) {
				return alreadyExists("User with name %s already exists.", newName)
			}
			return err
		}
		if newName == "" {
			return nil
		}
		// The user's MFA devices follow the rename.
		devs, err := h.userDevices(tx, c.acct, userName)
		if err != nil {
			return err
		}
		for _, d := range devs {
			d.UserName = u.Name
			if _, err := mfa.Save(tx, h.Box, d); err != nil {
				return err
			}
		}
		return nil
	})
}

func (h *handler) deleteUser(ctx context.Context, c *call) (any, error) {
	userName := name(c, "UserName", 128)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if _, err := h.authEntity(ctx, c, "iam:DeleteUser", store.KindUser, userName, nil); err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		devs, err := h.userDevices(tx, c.acct, userName)
		if err != nil {
			return err
		}
		if len(devs) > 0 {
			return deleteConflict("Cannot delete entity, must delete MFA device first.")
		}
		if u, err := tx.GetUser(c.acct, userName); err == nil {
			has, err := hasLoginProfile(tx, c.acct, u.ID)
			if err != nil {
				return err
			}
			if has {
				return deleteConflict("Cannot delete entity, must delete login profile first.")
			}
			for _, dep := range []struct{ typ, what string }{
				{recSSHKey, "SSH public keys"}, {recSigningCert, "signing certificates"}, {recServiceCredential, "service-specific credentials"}} {
				rs, _, err := userCreds(tx, c.acct, dep.typ, u.ID)
				if err != nil {
					return err
				}
				if len(rs) > 0 {
					return deleteConflict("Cannot delete entity, must delete %s first.", dep.what)
				}
			}
		}
		err = tx.DeleteUser(c.acct, userName)
		switch {
		case errors.Is(err, store.ErrConflict):
			return deleteConflict("Cannot delete entity, must %s first.", userDependents(tx, c.acct, userName))
		case err != nil:
			return notFound(err, store.KindUser, userName)
		}
		return nil
	})
}

// userDependents names what blocks the deletion of a user, in IAM's words.
func userDependents(tx store.ReadTx, acct, userName string) string {
	if keys, err := tx.ListAccessKeys(acct, userName); err == nil && len(keys) > 0 {
		return "delete access keys"
	}
	ref := store.EntityRef{Kind: store.KindUser, Name: userName}
	if ps, _, err := tx.ListInlinePolicies(acct, ref, store.ListOptions{MaxItems: 1}); err == nil && len(ps) > 0 {
		return "delete policies"
	}
	if ps, _, err := tx.ListAttachedPolicies(acct, ref, store.ListOptions{MaxItems: 1}); err == nil && len(ps) > 0 {
		return "detach all policies"
	}
	if gs, _, err := tx.ListGroupsForUser(acct, userName, store.ListOptions{MaxItems: 1}); err == nil && len(gs) > 0 {
		return "remove users from group"
	}
	return "remove its access keys, policies and group memberships"
}
