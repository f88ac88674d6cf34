package connectapps

import (
	"context"
	"errors"
	"strings"

	"github.com/connect-iam/connect-iam/store"
)

// tagOps adds TagResource, UntagResource and ListTagsForResource to ops.
func tagOps(ops map[string]op) map[string]op {
	ops["TagResource"] = (*handler).tagResource
	ops["UntagResource"] = (*handler).untagResource
	ops["ListTagsForResource"] = (*handler).listTagsForResource
	return ops
}

// taggable reads the resource named by the resourceArn label and
// authorizes action on it with kv plus its aws:ResourceTag/KEY keys.
func (h *handler) taggable(ctx context.Context, c *call, action string, kv map[string][]string) (obj, error) {
	arn := c.Labels["resourceArn"]
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != h.svc.name {
		return obj{}, h.invalid("resourceArn %q is not an ARN of %s (arn:aws:%s:REGION:ACCOUNT:TYPE/ID); percent-encode it in the path.", arn, h.svc.name, h.svc.name)
	}
	seg := typeKey(parts[5])
	typ, ok := h.svc.tagTypes[seg]
	if !ok {
		return obj{}, h.invalid("resourceArn %q names a resource type (%s) that cannot be tagged here.", arn, seg)
	}
	o := obj{}
	o.ARN = arn
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		r, err := tx.GetResourceByARN(arn)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if r.AccountID != c.acct || r.Service != h.svc.name || r.Type != typ {
			return nil
		}
		o.Resource, o.found = r, true
		o.tags, err = tx.ListResourceTags(arn)
		return err
	})
	if err != nil {
		return o, err
	}
	if err := h.authorize(ctx, c, action, kv, o.target()); err != nil {
		return o, err
	}
	if !o.found {
		return o, h.notFound("Resource %s not found; check the ARN.", arn)
	}
	return o, nil
}

func (h *handler) tagResource(ctx context.Context, c *call) (any, error) {
	var in struct {
		Tags map[string]string `json:"tags"`
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, h.invalid("tags is required and must hold at least one tag.")
	}
	if err := h.checkTags(in.Tags); err != nil {
		return nil, err
	}
	o, err := h.taggable(ctx, c, h.action("TagResource"), tagsContext(in.Tags))
	if err != nil {
		return nil, err
	}
	err = h.Store.Update(ctx, func(tx store.Tx) error { return tx.TagResource(o.ARN, store.TagsFromMap(in.Tags)) })
	if errors.Is(err, store.ErrLimitExceeded) {
		return nil, h.invalid("The resource would have more than %d tags; remove some first.", store.MaxTagsPerEntity)
	}
	return nil, err
}

func (h *handler) untagResource(ctx context.Context, c *call) (any, error) {
	keys := c.Query.Strings("tagKeys")
	if len(keys) == 0 {
		return nil, h.invalid("tagKeys is required: name at least one tag key to remove.")
	}
	for _, k := range keys {
		if k == "" || len(k) > 128 {
			return nil, h.invalid("Tag key %q must be 1 to 128 characters long.", k)
		}
	}
	o, err := h.taggable(ctx, c, h.action("UntagResource"), map[string][]string{"aws:TagKeys": keys})
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error { return tx.UntagResource(o.ARN, keys) })
}

func (h *handler) listTagsForResource(ctx context.Context, c *call) (any, error) {
	o, err := h.taggable(ctx, c, h.action("ListTagsForResource"), nil)
	if err != nil {
		return nil, err
	}
	tags := store.TagMap(o.tags)
	if tags == nil {
		tags = map[string]string{}
	}
	return struct {
		Tags map[string]string `json:"tags"`
	}{tags}, nil
}

// typeKey returns the type segments of the resource part of an ARN (the
// segments at even positions): "domains/object-types" for
// domains/D/object-types/O, "campaign" for campaign/ID.
func typeKey(resource string) string {
	segs := strings.Split(resource, "/")
	keys := make([]string, 0, (len(segs)+1)/2)
	for i := 0; i < len(segs); i += 2 {
		keys = append(keys, segs[i])
	}
	return strings.Join(keys, "/")
}
