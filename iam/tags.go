package iam

import (
	"context"
	"errors"

	"github.com/connect-iam/connect-iam/store"
)

func init() {
	for _, k := range []struct {
		kind store.EntityKind
		word string
	}{{store.KindUser, "User"}, {store.KindRole, "Role"}, {store.KindPolicy, "Policy"}} {
		k := k
		operations["Tag"+k.word] = func(h *handler, ctx context.Context, c *call) (any, error) {
			return h.tag(ctx, c, k.kind, k.word)
		}
		operations["Untag"+k.word] = func(h *handler, ctx context.Context, c *call) (any, error) {
			return h.untag(ctx, c, k.kind, k.word)
		}
		operations["List"+k.word+"Tags"] = func(h *handler, ctx context.Context, c *call) (any, error) {
			return h.listTags(ctx, c, k.kind, k.word)
		}
	}
}

// tagTarget reads the entity parameter of a tagging operation and
// authorizes action on it, returning its store reference.
func (h *handler) tagTarget(ctx context.Context, c *call, k store.EntityKind, action string, kv map[string][]string) (store.EntityRef, error) {
	if k == store.KindPolicy {
		arn := c.p.String("PolicyArn")
		if _, _, err := h.authPolicyKV(ctx, c, action, arn, kv); err != nil {
			return store.EntityRef{}, err
		}
		if isAWSManagedARN(arn) {
			return store.EntityRef{}, unmodifiable("Cannot tag the AWS managed policy %s: AWS managed policies are read-only.", arn)
		}
		return store.EntityRef{Kind: k, Name: arn}, nil
	}
	e, err := h.authEntity(ctx, c, action, k, c.p.String(string(paramOf(k))), kv)
	if err != nil {
		return store.EntityRef{}, err
	}
	return store.EntityRef{Kind: k, Name: e.name}, nil
}

func paramOf(k store.EntityKind) string {
	switch k {
	case store.KindUser:
		return "UserName"
	case store.KindRole:
		return "RoleName"
	}
	return "PolicyArn"
}

// readTarget validates the entity parameter of a tagging operation.
func readTarget(c *call, k store.EntityKind) {
	switch k {
	case store.KindUser:
		name(c, "UserName", 128)
	case store.KindRole:
		name(c, "RoleName", 64)
	default:
		arnParam(c, "PolicyArn")
	}
}

func (h *handler) tag(ctx context.Context, c *call, k store.EntityKind, word string) (any, error) {
	readTarget(c, k)
	kv := map[string][]string{}
	if !c.p.Has("Tags.member.1.Key") {
		c.p.Violate("Tags", "Member must not be null")
	}
	tags := tagsParam(c, kv)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if c.tagErr != nil {
		return nil, c.tagErr
	}
	ref, err := h.tagTarget(ctx, c, k, "iam:Tag"+word, kv)
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.TagEntity(c.acct, ref, tags)
		if errors.Is(err, store.ErrLimitExceeded) {
			return limitExceeded("The number of tags has reached the maximum limit of %d tags per resource.", store.MaxTagsPerEntity)
		}
		return err
	})
}

func (h *handler) untag(ctx context.Context, c *call, k store.EntityKind, word string) (any, error) {
	readTarget(c, k)
	keys := c.p.List("TagKeys")
	if keys == nil {
		c.p.Violate("TagKeys", "Member must not be null")
	}
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	kv := map[string][]string{"aws:TagKeys": keys}
	ref, err := h.tagTarget(ctx, c, k, "iam:Untag"+word, kv)
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		return tx.UntagEntity(c.acct, ref, keys)
	})
}

func (h *handler) listTags(ctx context.Context, c *call, k store.EntityKind, word string) (any, error) {
	readTarget(c, k)
	opt := pageOpts(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	ref, err := h.tagTarget(ctx, c, k, "iam:List"+word+"Tags", nil)
	if err != nil {
		return nil, err
	}
	tags, next, err := viewPage(ctx, h.Store, opt, func(tx store.ReadTx) ([]store.Tag, error) {
		return tx.ListTags(c.acct, ref)
	})
	if err != nil {
		return nil, err
	}
	return struct {
		Tags []xTag `xml:"Tags>member"`
		page
	}{xTags(tags), newPage(next)}, nil
}
