package iam

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/connect-iam/connect-iam/internal/federation"
	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["CreateSAMLProvider"] = (*handler).createSAMLProvider
	operations["GetSAMLProvider"] = (*handler).getSAMLProvider
	operations["ListSAMLProviders"] = (*handler).listSAMLProviders
	operations["UpdateSAMLProvider"] = (*handler).updateSAMLProvider
	operations["DeleteSAMLProvider"] = (*handler).deleteSAMLProvider
	operations["TagSAMLProvider"] = func(h *handler, ctx context.Context, c *call) (any, error) {
		return h.tagProvider(ctx, c, samlKind)
	}
	operations["UntagSAMLProvider"] = func(h *handler, ctx context.Context, c *call) (any, error) {
		return h.untagProvider(ctx, c, samlKind)
	}
	operations["ListSAMLProviderTags"] = func(h *handler, ctx context.Context, c *call) (any, error) {
		return h.listProviderTags(ctx, c, samlKind)
	}
}

var reSAMLProviderName = regexp.MustCompile(`[\w._-]+`)

// defaultSAMLValidity is how long a provider whose metadata has no
// validUntil is valid, as IAM reports it.
const defaultSAMLValidity = 100 * 365 * 24 * time.Hour

func noSuchSAML(arn string) error {
	return noSuchEntity("Manifest not found for arn %s", arn)
}

// metadataParam reads SAMLMetadataDocument (1,000 to 10,000,000
// characters) and parses it.
func metadataParam(c *call, required bool) string {
	var doc string
	if required {
		doc = c.p.Required("SAMLMetadataDocument")
	} else {
		doc = c.p.String("SAMLMetadataDocument")
	}
	c.p.Length("SAMLMetadataDocument", 1000, 10000000)
	return doc
}

// parseMetadata parses a metadata document with IAM's error.
func parseMetadata(doc string) (federation.Metadata, error) {
	md, err := federation.ParseMetadata(doc)
	if err != nil {
		return md, invalidInput("Could not parse metadata: %s.", err.Error())
	}
	return md, nil
}

// noPrivateKeys refuses the assertion-encryption parameters, which
// connect-iam does not implement.
func noPrivateKeys(c *call) error {
	for _, p := range []string{"AddPrivateKey", "RemovePrivateKey"} {
		if c.p.Has(p) {
			return invalidInput("%s is not supported: connect-iam accepts only unencrypted SAML assertions; omit %s.", p, p)
		}
	}
	c.p.Enum("AssertionEncryptionMode", "Required", "Allowed")
	if c.p.String("AssertionEncryptionMode") == "Required" {
		return invalidInput("AssertionEncryptionMode Required is not supported: connect-iam accepts only unencrypted SAML assertions; use Allowed or omit it.")
	}
	return nil
}

func certsDER(md federation.Metadata) [][]byte {
	out := make([][]byte, len(md.Certificates))
	for i, c := range md.Certificates {
		out[i] = c.Raw
	}
	return out
}

func (h *handler) createSAMLProvider(ctx context.Context, c *call) (any, error) {
	doc := metadataParam(c, true)
	n := c.p.Required("Name")
	c.p.Length("Name", 1, 128)
	c.p.Pattern("Name", reSAMLProviderName)
	kv := map[string][]string{}
	tags := tagsParam(c, kv)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if c.tagErr != nil {
		return nil, c.tagErr
	}
	if err := noPrivateKeys(c); err != nil {
		return nil, err
	}
	arn := federation.SAMLARN(partition, c.acct, n)
	if err := h.authorize(ctx, c, "iam:CreateSAMLProvider", arn, kv); err != nil {
		return nil, err
	}
	if len(tags) > 0 {
		if err := h.authorize(ctx, c, "iam:TagSAMLProvider", arn, kv); err != nil {
			return nil, err
		}
	}
	md, err := parseMetadata(doc)
	if err != nil {
		return nil, err
	}
	now := h.Now().UTC()
	p := federation.SAMLProvider{AccountID: c.acct, ARN: arn, Name: n, Metadata: doc, EntityID: md.EntityID,
		Certificates: certsDER(md), ValidUntil: validUntil(md, now), UUID: store.NewID("", 26), Created: now}
	err = h.createProvider(ctx, arn, tags, "SAMLProvidersPerAccount", federation.MaxSAMLProviders,
		func(tx store.ReadTx) (int, error) {
			all, err := federation.ListSAML(tx, c.acct)
			return len(all), err
		},
		func(tx store.Tx) error {
			_, err := federation.CreateSAML(tx, p)
			return err
		},
		fmt.Sprintf("SAMLProvider %s already exists", n))
	if err != nil {
		return nil, err
	}
	return struct {
		SAMLProviderArn string `xml:"SAMLProviderArn"`
		Tags            []xTag `xml:"Tags>member"`
	}{arn, xTags(tags)}, nil
}

// validUntil is the metadata's validUntil, or defaultSAMLValidity from now.
func validUntil(md federation.Metadata, now time.Time) time.Time {
	if !md.ValidUntil.IsZero() {
		return md.ValidUntil
	}
	return now.Add(defaultSAMLValidity).Truncate(time.Second)
}

func (h *handler) getSAMLProvider(ctx context.Context, c *call) (any, error) {
	arnParam(c, "SAMLProviderArn")
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	arn, tags, err := h.providerTarget(ctx, c, samlKind, "iam:GetSAMLProvider", nil)
	if err != nil {
		return nil, err
	}
	var p federation.SAMLProvider
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		p, err = federation.GetSAML(tx, c.acct, arn)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchSAML(arn)
	}
	if err != nil {
		return nil, err
	}
	return struct {
		SAMLProviderUUID        string         `xml:"SAMLProviderUUID"`
		SAMLMetadataDocument    string         `xml:"SAMLMetadataDocument"`
		CreateDate              *awsquery.Time `xml:"CreateDate,omitempty"`
		ValidUntil              *awsquery.Time `xml:"ValidUntil,omitempty"`
		Tags                    []xTag         `xml:"Tags>member"`
		AssertionEncryptionMode string         `xml:"AssertionEncryptionMode"`
	}{p.UUID, p.Metadata, ptime(p.Created), ptime(p.ValidUntil), xTags(tags), "Allowed"}, nil
}

func (h *handler) listSAMLProviders(ctx context.Context, c *call) (any, error) {
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "iam:ListSAMLProviders", "*", nil); err != nil {
		return nil, err
	}
	var all []federation.SAMLProvider
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		all, err = federation.ListSAML(tx, c.acct)
		return err
	})
	if err != nil {
		return nil, err
	}
	type entry struct {
		Arn        string         `xml:"Arn"`
		ValidUntil *awsquery.Time `xml:"ValidUntil,omitempty"`
		CreateDate *awsquery.Time `xml:"CreateDate,omitempty"`
	}
	out := struct {
		List []entry `xml:"SAMLProviderList>member"`
	}{List: make([]entry, 0, len(all))}
	for _, p := range all {
		out.List = append(out.List, entry{p.ARN, ptime(p.ValidUntil), ptime(p.Created)})
	}
	return out, nil
}

func (h *handler) updateSAMLProvider(ctx context.Context, c *call) (any, error) {
	arnParam(c, "SAMLProviderArn")
	doc := metadataParam(c, false)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := noPrivateKeys(c); err != nil {
		return nil, err
	}
	arn, _, err := h.providerTarget(ctx, c, samlKind, "iam:UpdateSAMLProvider", nil)
	if err != nil {
		return nil, err
	}
	var md federation.Metadata
	if doc != "" {
		if md, err = parseMetadata(doc); err != nil {
			return nil, err
		}
	}
	now := h.Now().UTC()
	err = h.Store.Update(ctx, func(tx store.Tx) error {
		p, err := federation.GetSAML(tx, c.acct, arn)
		if errors.Is(err, store.ErrNotFound) {
			return noSuchSAML(arn)
		}
		if err != nil {
			return err
		}
		if doc == "" {
			return nil
		}
		p.Metadata, p.EntityID, p.Certificates, p.ValidUntil = doc, md.EntityID, certsDER(md), validUntil(md, now)
		_, err = federation.SaveSAML(tx, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		SAMLProviderArn string `xml:"SAMLProviderArn"`
	}{arn}, nil
}

func (h *handler) deleteSAMLProvider(ctx context.Context, c *call) (any, error) {
	arnParam(c, "SAMLProviderArn")
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	arn, _, err := h.providerTarget(ctx, c, samlKind, "iam:DeleteSAMLProvider", nil)
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		p, err := federation.GetSAML(tx, c.acct, arn)
		if errors.Is(err, store.ErrNotFound) {
			return noSuchSAML(arn)
		}
		if err != nil {
			return err
		}
		return federation.DeleteSAML(tx, p)
	})
}
