package connect

import (
	"context"
	"errors"
	"strings"

	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["TagResource"] = (*handler).tagResource
	operations["UntagResource"] = (*handler).untagResource
	operations["ListTagsForResource"] = (*handler).listTagsForResource
}

// taggable reads the resource named by the resourceArn label and
// authorizes action on it with kv plus its aws:ResourceTag/KEY keys.
func (h *handler) taggable(ctx context.Context, c *call, action string, kv map[string][]string) (obj, error) {
	arn := c.Labels["resourceArn"]
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != Service || !(strings.HasPrefix(parts[5], "instance/") || strings.HasPrefix(parts[5], "phone-number/")) {
		return obj{}, invalidParameter("resourceArn %q is not an Amazon Connect resource ARN (arn:aws:connect:REGION:ACCOUNT:instance/ID/... or .../phone-number/ID); percent-encode it in the path.", arn)
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
		if r.AccountID != c.acct || r.Service != Service {
			return nil
		}
		o.Resource, o.found = r, true
		o.tags, err = tx.ListResourceTags(arn)
		return err
	})
	if err != nil {
		return o, err
	}
	if id := instanceIDOf(arn); id != "" {
		if kv == nil {
			kv = map[string][]string{}
		}
		kv["connect:InstanceId"] = []string{id}
	}
	if err := h.authorize(ctx, c, action, kv, o.target()); err != nil {
		return o, err
	}
	if !o.found {
		return o, notFound("Resource %s not found; check the ARN.", arn)
	}
	return o, nil
}

// instanceIDOf returns the instance ID in a Connect resource ARN.
func instanceIDOf(arn string) string {
	_, rest, ok := strings.Cut(arn, ":instance/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	return id
}

func (h *handler) tagResource(ctx context.Context, c *call) (any, error) {
	var in struct{ Tags map[string]string }
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, invalidParameter("Tags is required and must hold at least one tag.")
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	o, err := h.taggable(ctx, c, "connect:TagResource", tagsContext("", in.Tags))
	if err != nil {
		return nil, err
	}
	err = h.Store.Update(ctx, func(tx store.Tx) error { return tx.TagResource(o.ARN, store.TagsFromMap(in.Tags)) })
	if errors.Is(err, store.ErrLimitExceeded) {
		return nil, invalidParameter("The resource would have more than %d tags; remove some first.", store.MaxTagsPerEntity)
	}
	return nil, err
}

func (h *handler) untagResource(ctx context.Context, c *call) (any, error) {
	keys := c.Query.Strings("tagKeys")
	if len(keys) == 0 {
		return nil, invalidParameter("tagKeys is required: name at least one tag key to remove.")
	}
	for _, k := range keys {
		if k == "" || len(k) > 128 {
			return nil, invalidParameter("Tag key %q must be 1 to 128 characters long.", k)
		}
	}
	o, err := h.taggable(ctx, c, "connect:UntagResource", map[string][]string{"aws:TagKeys": keys})
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error { return tx.UntagResource(o.ARN, keys) })
}

func (h *handler) listTagsForResource(ctx context.Context, c *call) (any, error) {
	o, err := h.taggable(ctx, c, "connect:ListTagsForResource", nil)
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
