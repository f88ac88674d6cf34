package iam

import (
	"context"
	"errors"

	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["CreateGroup"] = (*handler).createGroup
	operations["GetGroup"] = (*handler).getGroup
	operations["ListGroups"] = (*handler).listGroups
	operations["UpdateGroup"] = (*handler).updateGroup
	operations["DeleteGroup"] = (*handler).deleteGroup
	operations["AddUserToGroup"] = (*handler).addUserToGroup
	operations["RemoveUserFromGroup"] = (*handler).removeUserFromGroup
	operations["ListGroupsForUser"] = (*handler).listGroupsForUser
}

func (h *handler) createGroup(ctx context.Context, c *call) (any, error) {
	groupName := name(c, "GroupName", 128)
	p := path(c, "Path", "/")
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := reservedPath(p); err != nil {
		return nil, err
	}
	g := store.Group{AccountID: c.acct, ID: NewUniqueID("AGPA"), Path: p, Name: groupName,
		ARN: entityARN(c.acct, "group", p, groupName), Created: h.Now().UTC()}
	if err := h.authorize(ctx, c, "iam:CreateGroup", g.ARN, nil); err != nil {
		return nil, err
	}
	err := h.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateGroup(g); err != nil {
			if errors.Is(err, store.ErrAlreadyExists) {
				return alreadyExists("Group with name %s already exists.", groupName)
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct {
		Group xGroup `xml:"Group"`
	}{groupXML(g)}, nil
}

func (h *handler) getGroup(ctx context.Context, c *call) (any, error) {
	groupName := name(c, "GroupName", 128)
	opt := pageOpts(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if _, err := h.authEntity(ctx, c, "iam:GetGroup", store.KindGroup, groupName, nil); err != nil {
		return nil, err
	}
	var g store.Group
	var users []store.User
	var next string
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		if g, err = tx.GetGroup(c.acct, groupName); err != nil {
			return notFound(err, store.KindGroup, groupName)
		}
		users, next, err = tx.ListGroupMembers(c.acct, g.Name, opt)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := struct {
		Group xGroup  `xml:"Group"`
		Users []xUser `xml:"Users>member"`
		page
	}{Group: groupXML(g), Users: make([]xUser, 0, len(users)), page: newPage(next)}
	for _, u := range users {
		out.Users = append(out.Users, userXML(u, nil))
	}
	return out, nil
}

func (h *handler) listGroups(ctx context.Context, c *call) (any, error) {
	prefix := pathPrefix(c, rePathPrefix)
	opt := pageOpts(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "iam:ListGroups", "arn:"+partition+":iam::"+c.acct+":group/*", nil); err != nil {
		return nil, err
	}
	var groups []store.Group
	var next string
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		groups, next, err = tx.ListGroups(c.acct, prefix, opt)
		return err
	})
	if err != nil {
		return nil, err
	}
	return groupList(groups, next), nil
}

func groupList(groups []store.Group, next string) any {
	out := struct {
		Groups []xGroup `xml:"Groups>member"`
		page
	}{Groups: make([]xGroup, 0, len(groups)), page: newPage(next)}
	for _, g := range groups {
		out.Groups = append(out.Groups, groupXML(g))
	}
	return out
}

func (h *handler) updateGroup(ctx context.Context, c *call) (any, error) {
	groupName := name(c, "GroupName", 128)
	newName := optName(c, "NewGroupName", 128)
	newPath := path(c, "NewPath", "")
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := reservedPath(newPath); err != nil {
		return nil, err
	}
	if _, err := h.authEntity(ctx, c, "iam:UpdateGroup", store.KindGroup, groupName, nil); err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		g, err := tx.GetGroup(c.acct, groupName)
		if err != nil {
			return notFound(err, store.KindGroup, groupName)
		}
		if newName != "" {
			g.Name = newName
		}
		if newPath != "" {
			g.Path = newPath
		}
		g.ARN = entityARN(c.acct, "group", g.Path, g.Name)
		if err := tx.UpdateGroup(g); err != nil {
			if errors.Is(err, store.ErrAlreadyExists) {
				return alreadyExists("Group with name %s already exists.", newName)
			}
			return err
		}
		return nil
	})
}

func (h *handler) deleteGroup(ctx context.Context, c *call) (any, error) {
	groupName := name(c, "GroupName", 128)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if _, err := h.authEntity(ctx, c, "iam:DeleteGroup", store.KindGroup, groupName, nil); err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.DeleteGroup(c.acct, groupName)
		switch {
		case errors.Is(err, store.ErrConflict):
			return deleteConflict("Cannot delete entity, must remove users from group and delete or detach its policies first.")
		case err != nil:
			return notFound(err, store.KindGroup, groupName)
		}
		return nil
	})
}

func (h *handler) addUserToGroup(ctx context.Context, c *call) (any, error) {
	return h.membership(ctx, c, "iam:AddUserToGroup", true)
}

func (h *handler) removeUserFromGroup(ctx context.Context, c *call) (any, error) {
	return h.membership(ctx, c, "iam:RemoveUserFromGroup", false)
}

// membership adds a user to a group or removes it. IAM authorizes both on
// the group's ARN.
func (h *handler) membership(ctx context.Context, c *call, action string, add bool) (any, error) {
	groupName := name(c, "GroupName", 128)
	userName := name(c, "UserName", 128)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if _, err := h.authEntity(ctx, c, action, store.KindGroup, groupName, nil); err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.GetUser(c.acct, userName); err != nil {
			return notFound(err, store.KindUser, userName)
		}
		if !add {
			err := tx.RemoveUserFromGroup(c.acct, groupName, userName)
			if errors.Is(err, store.ErrNotFound) {
				return noSuchEntity("The user with name %s is not in group %s.", userName, groupName)
			}
			return err
		}
		err := tx.AddUserToGroup(c.acct, groupName, userName)
		if errors.Is(err, store.ErrLimitExceeded) {
			return limitExceeded("Cannot exceed quota for GroupsPerUser: %d", store.MaxGroupsPerUser)
		}
		return notFound(err, store.KindGroup, groupName)
	})
}

func (h *handler) listGroupsForUser(ctx context.Context, c *call) (any, error) {
	userName := name(c, "UserName", 128)
	opt := pageOpts(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if _, err := h.authEntity(ctx, c, "iam:ListGroupsForUser", store.KindUser, userName, nil); err != nil {
		return nil, err
	}
	var groups []store.Group
	var next string
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		groups, next, err = tx.ListGroupsForUser(c.acct, userName, opt)
		return notFound(err, store.KindUser, userName)
	})
	if err != nil {
		return nil, err
	}
	return groupList(groups, next), nil
}
