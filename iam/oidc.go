package iam

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/connect-iam/connect-iam/internal/federation"
	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["CreateOpenIDConnectProvider"] = (*handler).createOIDCProvider
	operations["GetOpenIDConnectProvider"] = (*handler).getOIDCProvider
	operations["ListOpenIDConnectProviders"] = (*handler).listOIDCProviders
	operations["DeleteOpenIDConnectProvider"] = (*handler).deleteOIDCProvider
	operations["AddClientIDToOpenIDConnectProvider"] = (*handler).addClientID
	operations["RemoveClientIDFromOpenIDConnectProvider"] = (*handler).removeClientID
	operations["UpdateOpenIDConnectProviderThumbprint"] = (*handler).updateThumbprint
	operations["TagOpenIDConnectProvider"] = func(h *handler, ctx context.Context, c *call) (any, error) {
		return h.tagProvider(ctx, c, oidcKind)
	}
	operations["UntagOpenIDConnectProvider"] = func(h *handler, ctx context.Context, c *call) (any, error) {
		return h.untagProvider(ctx, c, oidcKind)
	}
	operations["ListOpenIDConnectProviderTags"] = func(h *handler, ctx context.Context, c *call) (any, error) {
		return h.listProviderTags(ctx, c, oidcKind)
	}
}

var reThumbprint = regexp.MustCompile(`^[0-9A-Fa-f]{40}$`)

type xOIDCProvider struct {
	URL            string         `xml:"Url"`
	ClientIDList   []string       `xml:"ClientIDList>member"`
	ThumbprintList []string       `xml:"ThumbprintList>member"`
	CreateDate     *awsquery.Time `xml:"CreateDate,omitempty"`
	Tags           []xTag         `xml:"Tags>member"`
}

func noSuchOIDC(arn string) error {
	return noSuchEntity("OpenIDConnect Provider not found for arn %s", arn)
}

// clientIDs reads a list of client IDs (ClientIDList), each 1 to 255
// characters, dropping repeats as IAM does.
func clientIDs(c *call) []string {
	ids := c.p.List("ClientIDList")
	var out []string
	for i, id := range ids {
		c.p.Length("ClientIDList.member."+itoa(i+1), 1, 255)
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// thumbprints reads ThumbprintList: 40 hexadecimal characters each (the
// SHA-1 of a certificate), at most five.
func thumbprints(c *call) ([]string, error) {
	tps := c.p.List("ThumbprintList")
	for i := range tps {
		c.p.Length("ThumbprintList.member."+itoa(i+1), 40, 40)
	}
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	var out []string
	for _, tp := range tps {
		if !reThumbprint.MatchString(tp) {
			return nil, invalidInput("Thumbprint %q is not a 40-character hexadecimal SHA-1 fingerprint of the provider's certificate.", tp)
		}
		if !slices.ContainsFunc(out, func(s string) bool { return strings.EqualFold(s, tp) }) {
			out = append(out, tp)
		}
	}
	if len(out) > federation.MaxThumbprints {
		return nil, limitExceeded("Cannot exceed quota for ThumbprintsPerOpenIdConnectProvider: %d", federation.MaxThumbprints)
	}
	return out, nil
}

func (h *handler) createOIDCProvider(ctx context.Context, c *call) (any, error) {
	u := c.p.Required("Url")
	c.p.Length("Url", 1, 255)
	ids := clientIDs(c)
	kv := map[string][]string{}
	tags := tagsParam(c, kv)
	tps, err := thumbprints(c)
	if err != nil {
		return nil, err
	}
	if c.tagErr != nil {
		return nil, c.tagErr
	}
	if msg := federation.CheckURL(u); msg != "" {
		return nil, invalidInput("Invalid OpenID Connect Provider URL: %s.", msg)
	}
	if len(ids) > federation.MaxClientIDs {
		return nil, limitExceeded("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: %d", federation.MaxClientIDs)
	}
	u = strings.TrimSuffix(u, "/")
	arn := federation.OIDCARN(partition, c.acct, u)
	if err := h.authorize(ctx, c, "iam:CreateOpenIDConnectProvider", arn, kv); err != nil {
		return nil, err
	}
	if len(tags) > 0 {
		if err := h.authorize(ctx, c, "iam:TagOpenIDConnectProvider", arn, kv); err != nil {
			return nil, err
		}
	}
	p := federation.OIDCProvider{AccountID: c.acct, ARN: arn, URL: u, ClientIDs: ids, Thumbprints: tps, Created: h.Now().UTC()}
	err = h.createProvider(ctx, arn, tags, "OpenIdConnectProvidersPerAccount", federation.MaxOIDCProviders,
		func(tx store.ReadTx) (int, error) {
			all, err := federation.ListOIDC(tx, c.acct)
			return len(all), err
		},
		func(tx store.Tx) error {
			_, err := federation.CreateOIDC(tx, p)
			return err
		},
		fmt.Sprintf("Provider with url %s already exists.", u))
	if err != nil {
		return nil, err
	}
	return struct {
		OpenIDConnectProviderArn string `xml:"OpenIDConnectProviderArn"`
		Tags                     []xTag `xml:"Tags>member"`
	}{arn, xTags(tags)}, nil
}

// providerKind is an identity provider type as the tagging operations
// see it.
type providerKind int

const (
	oidcKind providerKind = iota
	samlKind
)

// arnParam returns the name of the provider ARN parameter of k.
func (k providerKind) arnParam() string {
	if k == samlKind {
		return "SAMLProviderArn"
	}
	return "OpenIDConnectProviderArn"
}

// word is the name of k in IAM's action names.
func (k providerKind) word() string {
	if k == samlKind {
		return "SAMLProvider"
	}
	return "OpenIDConnectProvider"
}

// providerTarget reads a provider ARN parameter's provider, authorizes
// action on it with aws:ResourceTag/* from its tags, and reports it
// missing as IAM does. The caller has validated the parameters.
func (h *handler) providerTarget(ctx context.Context, c *call, k providerKind, action string, kv map[string][]string) (string, []store.Tag, error) {
	arn := c.p.String(k.arnParam())
	var tags []store.Tag
	found := false
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		if k == samlKind {
			_, err = federation.GetSAML(tx, c.acct, arn)
		} else {
			_, err = federation.GetOIDC(tx, c.acct, arn)
		}
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		tags, err = tx.ListResourceTags(arn)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	if err := h.authorize(ctx, c, action, arn, kv, tags...); err != nil {
		return "", nil, err
	}
	if !found {
		if k == samlKind {
			return "", nil, noSuchSAML(arn)
		}
		return "", nil, noSuchOIDC(arn)
	}
	return arn, tags, nil
}

// updateOIDC authorizes action on the provider named by
// OpenIDConnectProviderArn and applies change to it in one transaction.
func (h *handler) updateOIDC(ctx context.Context, c *call, action string, change func(p *federation.OIDCProvider) error) error {
	arn, _, err := h.providerTarget(ctx, c, oidcKind, action, nil)
	if err != nil {
		return err
	}
	return h.Store.Update(ctx, func(tx store.Tx) error {
		p, err := federation.GetOIDC(tx, c.acct, arn)
		if errors.Is(err, store.ErrNotFound) {
			return noSuchOIDC(arn)
		}
		if err != nil {
			return err
		}
		if err := change(&p); err != nil {
			return err
		}
		_, err = federation.SaveOIDC(tx, p)
		return err
	})
}

func (h *handler) getOIDCProvider(ctx context.Context, c *call) (any, error) {
	arnParam(c, "OpenIDConnectProviderArn")
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	arn, tags, err := h.providerTarget(ctx, c, oidcKind, "iam:GetOpenIDConnectProvider", nil)
	if err != nil {
		return nil, err
	}
	var p federation.OIDCProvider
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		p, err = federation.GetOIDC(tx, c.acct, arn)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchOIDC(arn)
	}
	if err != nil {
		return nil, err
	}
	// IAM answers the URL without its scheme.
	return xOIDCProvider{URL: p.ID(), ClientIDList: p.ClientIDs, ThumbprintList: p.Thumbprints, CreateDate: ptime(p.Created), Tags: xTags(tags)}, nil
}

func (h *handler) listOIDCProviders(ctx context.Context, c *call) (any, error) {
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "iam:ListOpenIDConnectProviders", "*", nil); err != nil {
		return nil, err
	}
	var all []federation.OIDCProvider
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		all, err = federation.ListOIDC(tx, c.acct)
		return err
	})
	if err != nil {
		return nil, err
	}
	type entry struct {
		Arn string `xml:"Arn"`
	}
	out := struct {
		List []entry `xml:"OpenIDConnectProviderList>member"`
	}{List: make([]entry, 0, len(all))}
	for _, p := range all {
		out.List = append(out.List, entry{p.ARN})
	}
	return out, nil
}

func (h *handler) deleteOIDCProvider(ctx context.Context, c *call) (any, error) {
	arnParam(c, "OpenIDConnectProviderArn")
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	arn, _, err := h.providerTarget(ctx, c, oidcKind, "iam:DeleteOpenIDConnectProvider", nil)
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		p, err := federation.GetOIDC(tx, c.acct, arn)
		if errors.Is(err, store.ErrNotFound) {
			return noSuchOIDC(arn)
		}
		if err != nil {
			return err
		}
		return federation.DeleteOIDC(tx, p)
	})
}

func (h *handler) addClientID(ctx context.Context, c *call) (any, error) {
	arnParam(c, "OpenIDConnectProviderArn")
	id := c.p.Required("ClientID")
	c.p.Length("ClientID", 1, 255)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	return nil, h.updateOIDC(ctx, c, "iam:AddClientIDToOpenIDConnectProvider", func(p *federation.OIDCProvider) error {
		if slices.Contains(p.ClientIDs, id) {
			return nil // IAM answers success for a client ID already there
		}
		if len(p.ClientIDs) >= federation.MaxClientIDs {
			return limitExceeded("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: %d", federation.MaxClientIDs)
		}
		p.ClientIDs = append(p.ClientIDs, id)
		return nil
	})
}

func (h *handler) removeClientID(ctx context.Context, c *call) (any, error) {
	arnParam(c, "OpenIDConnectProviderArn")
	id := c.p.Required("ClientID")
	c.p.Length("ClientID", 1, 255)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	return nil, h.updateOIDC(ctx, c, "iam:RemoveClientIDFromOpenIDConnectProvider", func(p *federation.OIDCProvider) error {
		// Removing a client ID that is not there succeeds, as in IAM.
		p.ClientIDs = slices.DeleteFunc(p.ClientIDs, func(s string) bool { return s == id })
		return nil
	})
}

func (h *handler) updateThumbprint(ctx context.Context, c *call) (any, error) {
	arnParam(c, "OpenIDConnectProviderArn")
	if !c.p.Has("ThumbprintList") && !c.p.Has("ThumbprintList.member.1") {
		c.p.Violate("ThumbprintList", "Member must not be null")
	}
	tps, err := thumbprints(c)
	if err != nil {
		return nil, err
	}
	return nil, h.updateOIDC(ctx, c, "iam:UpdateOpenIDConnectProviderThumbprint", func(p *federation.OIDCProvider) error {
		p.Thumbprints = tps
		return nil
	})
}

// readProviderARN validates the provider ARN parameter of k.
func readProviderARN(c *call, k providerKind) { arnParam(c, k.arnParam()) }

func (h *handler) tagProvider(ctx context.Context, c *call, k providerKind) (any, error) {
	readProviderARN(c, k)
	if !c.p.Has("Tags.member.1.Key") {
		c.p.Violate("Tags", "Member must not be null")
	}
	kv := map[string][]string{}
	tags := tagsParam(c, kv)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if c.tagErr != nil {
		return nil, c.tagErr
	}
	arn, old, err := h.providerTarget(ctx, c, k, "iam:Tag"+k.word(), kv)
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error { return retag(tx, arn, old, tags) })
}

// retag adds tags to the resource tags old of arn: IAM's tag keys are
// case-insensitive, the store's resource tags are not, so a key given in
// another case replaces the stored one.
func retag(tx store.Tx, arn string, old, tags []store.Tag) error {
	var replaced []string
	for _, o := range old {
		for _, t := range tags {
			if strings.EqualFold(o.Key, t.Key) && o.Key != t.Key {
				replaced = append(replaced, o.Key)
			}
		}
	}
	if len(replaced) > 0 {
		if err := tx.UntagResource(arn, replaced); err != nil {
			return err
		}
	}
	err := tx.TagResource(arn, tags)
	if errors.Is(err, store.ErrLimitExceeded) {
		return limitExceeded("The number of tags has reached the maximum limit of %d tags per resource.", store.MaxTagsPerEntity)
	}
	return err
}

func (h *handler) untagProvider(ctx context.Context, c *call, k providerKind) (any, error) {
	readProviderARN(c, k)
	keys := c.p.List("TagKeys")
	if keys == nil {
		c.p.Violate("TagKeys", "Member must not be null")
	}
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	arn, old, err := h.providerTarget(ctx, c, k, "iam:Untag"+k.word(), map[string][]string{"aws:TagKeys": keys})
	if err != nil {
		return nil, err
	}
	var remove []string
	for _, o := range old {
		for _, key := range keys {
			if strings.EqualFold(o.Key, key) {
				remove = append(remove, o.Key)
			}
		}
	}
	if len(remove) == 0 {
		return nil, nil
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error { return tx.UntagResource(arn, remove) })
}

func (h *handler) listProviderTags(ctx context.Context, c *call, k providerKind) (any, error) {
	readProviderARN(c, k)
	opt := pageOpts(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	_, tags, err := h.providerTarget(ctx, c, k, "iam:List"+k.word()+"Tags", nil)
	if err != nil {
		return nil, err
	}
	tags, next, err := pageSlice(tags, opt)
	if err != nil {
		return nil, err
	}
	return struct {
		Tags []xTag `xml:"Tags>member"`
		page
	}{xTags(tags), newPage(next)}, nil
}

// createProvider stores a new identity provider (OIDC or SAML) with its
// tags in one transaction, within the account's quota of max providers
// (count), answering IAM's LimitExceeded and EntityAlreadyExists (dup).
func (h *handler) createProvider(ctx context.Context, arn string, tags []store.Tag, quota string, max int,
	count func(tx store.ReadTx) (int, error), create func(tx store.Tx) error, dup string) error {
	return h.Store.Update(ctx, func(tx store.Tx) error {
		n, err := count(tx)
		if err != nil {
			return err
		}
		if n >= max {
			return limitExceeded("Cannot exceed quota for %s: %d", quota, max)
		}
		if err := create(tx); err != nil {
			if errors.Is(err, store.ErrAlreadyExists) {
				return alreadyExists("%s", dup)
			}
			return err
		}
		if len(tags) > 0 {
			return tx.TagResource(arn, tags)
		}
		return nil
	})
}
