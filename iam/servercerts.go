package iam

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/internal/iamcred"
	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["UploadServerCertificate"] = (*handler).uploadServerCertificate
	operations["GetServerCertificate"] = (*handler).getServerCertificate
	operations["ListServerCertificates"] = (*handler).listServerCertificates
	operations["UpdateServerCertificate"] = (*handler).updateServerCertificate
	operations["DeleteServerCertificate"] = (*handler).deleteServerCertificate
	registerRecordTags("ServerCertificate", "ServerCertificateName", recServerCert, "server-certificate")
}

// maxServerCertificates is IAM's quota of server certificates per account.
const maxServerCertificates = 20

// serverCertAttrs are the stored fields of a server certificate. The
// private key is sealed with the server's box, bound to the certificate's
// ID; IAM never returns it.
type serverCertAttrs struct {
	Path       string    `json:"path"`
	ID         string    `json:"id"`
	Body       string    `json:"body"`
	Chain      string    `json:"chain,omitempty"`
	Expiration time.Time `json:"expiration"`
	SealedKey  []byte    `json:"sealedKey"`
}

type xServerCertMetadata struct {
	Path       string         `xml:"Path"`
	Name       string         `xml:"ServerCertificateName"`
	ID         string         `xml:"ServerCertificateId"`
	ARN        string         `xml:"Arn"`
	UploadDate *awsquery.Time `xml:"UploadDate,omitempty"`
	Expiration *awsquery.Time `xml:"Expiration,omitempty"`
}

func certMetadata(r store.Resource, a serverCertAttrs) xServerCertMetadata {
	return xServerCertMetadata{Path: a.Path, Name: r.Name, ID: a.ID, ARN: r.ARN, UploadDate: ptime(r.Created), Expiration: ptime(a.Expiration)}
}

// authServerCert reads the certificate named by param and authorizes
// action on it.
func (h *handler) authServerCert(ctx context.Context, c *call, action, param string, kv map[string][]string) (store.Resource, serverCertAttrs, []store.Tag, error) {
	name := c.p.String(param)
	var a serverCertAttrs
	var r store.Resource
	var tags []store.Tag
	var found bool
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		r, found, err = getRecord(tx, c.acct, recServerCert, foldKey(name), &a)
		if err != nil || !found {
			return err
		}
		tags, err = tx.ListResourceTags(r.ARN)
		return err
	})
	if err != nil {
		return r, a, nil, err
	}
	arn := recordARN(c.acct, "server-certificate", "/", name)
	if found {
		arn = r.ARN
	}
	if err := h.authorize(ctx, c, action, arn, kv, tags...); err != nil {
		return r, a, nil, err
	}
	if !found {
		return r, a, nil, noSuchEntity("The Server Certificate with name %s cannot be found.", name)
	}
	return r, a, tags, nil
}

// certError maps a parse or check failure to IAM's error codes.
func certError(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "does not match"):
		return awsquery.NewError(http.StatusBadRequest, "KeyPairMismatch", "Unable to validate certificate: "+msg+".")
	case strings.Contains(msg, "chain"):
		return awsquery.NewError(http.StatusBadRequest, "MalformedCertificate", "Unable to validate certificate chain: "+msg+".")
	}
	return awsquery.NewError(http.StatusBadRequest, "MalformedCertificate", "Unable to parse certificate: "+msg+".")
}

func (h *handler) uploadServerCertificate(ctx context.Context, c *call) (any, error) {
	name := c.p.String("ServerCertificateName")
	body, key, chain := c.p.String("CertificateBody"), c.p.String("PrivateKey"), c.p.String("CertificateChain")
	p := path(c, "Path", "/")
	kv := map[string][]string{}
	tags := tagsParam(c, kv)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if c.tagErr != nil {
		return nil, c.tagErr
	}
	arn := recordARN(c.acct, "server-certificate", p, name)
	if err := h.authorize(ctx, c, "iam:UploadServerCertificate", arn, kv); err != nil {
		return nil, err
	}
	if len(tags) > 0 {
		if err := h.authorize(ctx, c, "iam:TagServerCertificate", arn, kv); err != nil {
			return nil, err
		}
	}
	cert, err := iamcred.CheckServerCertificate(body, key, chain)
	if err != nil {
		return nil, certError(err)
	}
	now := h.Now().UTC()
	if now.After(cert.NotAfter) {
		return nil, awsquery.NewError(http.StatusBadRequest, "MalformedCertificate", "The certificate expired on "+cert.NotAfter.UTC().Format(time.RFC3339)+".")
	}
	a := serverCertAttrs{Path: p, ID: NewUniqueID("ASCA"), Body: strings.TrimSpace(body) + "\n", Expiration: cert.NotAfter.UTC()}
	if strings.TrimSpace(chain) != "" {
		a.Chain = strings.TrimSpace(chain) + "\n"
	}
	a.SealedKey = h.Box.Seal([]byte(key), []byte(a.ID))
	var r store.Resource
	err = h.Store.Update(ctx, func(tx store.Tx) error {
		n := 0
		dup := false
		err := listRecords(tx, c.acct, recServerCert, "", false, func(o store.Resource) error {
			n++
			dup = dup || strings.EqualFold(o.Name, name)
			return nil
		})
		switch {
		case err != nil:
			return err
		case dup:
			return alreadyExists("The Server Certificate with name %s already exists.", name)
		case n >= maxServerCertificates:
			return limitExceeded("Cannot exceed quota for ServerCertificatesPerAccount: %d", maxServerCertificates)
		}
		r, err = putRecord(tx, store.Resource{AccountID: c.acct, Service: "iam", Type: recServerCert, ID: foldKey(name), ARN: arn,
			Name: name, NameKey: foldKey(name), Created: now}, a)
		if err == nil && len(tags) > 0 {
			err = tx.TagResource(arn, tags)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		ServerCertificateMetadata xServerCertMetadata `xml:"ServerCertificateMetadata"`
		Tags                      *xTagList           `xml:"Tags,omitempty"`
	}{certMetadata(r, a), optTags(tags)}, nil
}

func (h *handler) getServerCertificate(ctx context.Context, c *call) (any, error) {
	r, a, tags, err := h.authServerCert(ctx, c, "iam:GetServerCertificate", "ServerCertificateName", nil)
	if err != nil {
		return nil, err
	}
	type xServerCert struct {
		Metadata xServerCertMetadata `xml:"ServerCertificateMetadata"`
		Body     string              `xml:"CertificateBody"`
		Chain    string              `xml:"CertificateChain,omitempty"`
		Tags     *xTagList           `xml:"Tags,omitempty"`
	}
	return struct {
		ServerCertificate xServerCert `xml:"ServerCertificate"`
	}{xServerCert{certMetadata(r, a), a.Body, a.Chain, optTags(tags)}}, nil
}

func (h *handler) listServerCertificates(ctx context.Context, c *call) (any, error) {
	prefix := pathPrefix(c, rePathPrefix)
	opt := pageOpts(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "iam:ListServerCertificates", recordARN(c.acct, "server-certificate", "/", "*"), nil); err != nil {
		return nil, err
	}
	list, next, err := viewPage(ctx, h.Store, opt, func(tx store.ReadTx) ([]xServerCertMetadata, error) {
		var out []xServerCertMetadata
		err := listRecords(tx, c.acct, recServerCert, "", false, func(r store.Resource) error {
			var a serverCertAttrs
			if err := r.DecodeAttributes(&a); err != nil {
				return err
			}
			if strings.HasPrefix(a.Path, prefix) {
				out = append(out, certMetadata(r, a))
			}
			return nil
		})
		sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
		return out, err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		List []xServerCertMetadata `xml:"ServerCertificateMetadataList>member"`
		page
	}{list, newPage(next)}, nil
}

// updateServerCertificate renames or moves a certificate: the caller
// needs iam:UpdateServerCertificate on both the old and the new ARN, as
// IAM documents.
func (h *handler) updateServerCertificate(ctx context.Context, c *call) (any, error) {
	r, a, tags, err := h.authServerCert(ctx, c, "iam:UpdateServerCertificate", "ServerCertificateName", nil)
	if err != nil {
		return nil, err
	}
	newName := c.p.String("NewServerCertificateName")
	if newName == "" {
		newName = r.Name
	}
	newPath := a.Path
	if v, ok := c.p.Lookup("NewPath"); ok {
		newPath = v
	}
	newARN := recordARN(c.acct, "server-certificate", newPath, newName)
	if newARN == r.ARN {
		return nil, nil
	}
	if err := h.authorize(ctx, c, "iam:UpdateServerCertificate", newARN, nil, tags...); err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		if !strings.EqualFold(newName, r.Name) {
			if _, found, err := getRecord(tx, c.acct, recServerCert, foldKey(newName), &serverCertAttrs{}); err != nil {
				return err
			} else if found {
				return alreadyExists("The Server Certificate with name %s already exists.", newName)
			}
		}
		if err := tx.DeleteResource(c.acct, "iam", recServerCert, r.ID); err != nil {
			return err
		}
		a.Path = newPath
		_, err := putRecord(tx, store.Resource{AccountID: c.acct, Service: "iam", Type: recServerCert, ID: foldKey(newName), ARN: newARN,
			Name: newName, NameKey: foldKey(newName), Created: r.Created}, a)
		if err == nil && len(tags) > 0 {
			err = tx.TagResource(newARN, tags)
		}
		return err
	})
}

func (h *handler) deleteServerCertificate(ctx context.Context, c *call) (any, error) {
	r, _, _, err := h.authServerCert(ctx, c, "iam:DeleteServerCertificate", "ServerCertificateName", nil)
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		return tx.DeleteResource(c.acct, "iam", recServerCert, r.ID)
	})
}
