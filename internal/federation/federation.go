// Package federation keeps IAM's identity providers, OpenID Connect and
// SAML, as store resources, for the IAM operations that manage them and the
// STS operations (AssumeRoleWithWebIdentity, AssumeRoleWithSAML) that trust
// them.
//
// An OIDC provider is the resource iam/oidc-provider whose ID is its URL
// without the scheme (host, optional port and path, the part its ARN
// arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH and the condition keys
// HOST/PATH:sub name), its name key that ID folded to lower case. A SAML
// provider is the resource iam/saml-provider whose ID is its name. Both
// keep their tags as resource tags under their ARN.
package federation

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/store"
)

// Store resource service and types of the providers.
const (
	ResourceService = "iam"
	OIDCType        = "oidc-provider"
	SAMLType        = "saml-provider"
)

// IAM's quotas on identity providers.
const (
	MaxOIDCProviders         = 100 // OpenIdConnectProvidersPerAccount
	MaxSAMLProviders         = 100 // SAMLProvidersPerAccount
	MaxClientIDs             = 100 // ClientIdsPerOpenIdConnectProvider
	MaxThumbprints           = 5   // ThumbprintsPerOpenIdConnectProvider
	MaxSAMLProviderCertCount = 4   // signing certificates kept from one metadata document
)

// OIDCProvider is an IAM OpenID Connect identity provider.
type OIDCProvider struct {
	AccountID   string
	ARN         string
	URL         string // as created, with its https:// (or loopback http://) scheme
	ClientIDs   []string
	Thumbprints []string
	Created     time.Time

	revision int64
}

// ID returns the provider's URL without its scheme: HOST[:PORT][/PATH],
// the provider part of its ARN and of its condition keys.
func (p OIDCProvider) ID() string { return HostPath(p.URL) }

type oidcAttributes struct {
	URL         string   `json:"url"`
	ClientIDs   []string `json:"clientIds,omitempty"`
	Thumbprints []string `json:"thumbprints,omitempty"`
}

// HostPath returns a provider URL (or an issuer) without its scheme and
// without a trailing slash.
func HostPath(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	return strings.TrimSuffix(u, "/")
}

// OIDCARN returns the ARN of the OIDC provider of an account with a URL.
func OIDCARN(partition, accountID, providerURL string) string {
	return "arn:" + partition + ":iam::" + accountID + ":oidc-provider/" + HostPath(providerURL)
}

// SAMLARN returns the ARN of the SAML provider of an account with a name.
func SAMLARN(partition, accountID, name string) string {
	return "arn:" + partition + ":iam::" + accountID + ":saml-provider/" + name
}

// CheckURL checks an OIDC provider URL (or issuer) as IAM does: an
// absolute https URL with a host, no query, fragment or user information.
// http is accepted for a loopback host (127.0.0.0/8, ::1, localhost) so
// that an issuer running beside connect-iam, such as its built-in test
// issuer, can be trusted; AWS accepts only https. It returns a sentence
// saying what is wrong, or "".
func CheckURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Sprintf("the URL %q cannot be parsed (%v); write https://HOST/PATH", raw, err)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && IsLoopback(u.Hostname()):
	case u.Scheme == "http":
		return fmt.Sprintf("the URL %q uses http: an OIDC provider URL must begin with https:// (http is accepted only for a loopback host)", raw)
	default:
		return fmt.Sprintf("the URL %q must begin with https://", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Sprintf("the URL %q has no host; write https://HOST/PATH", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(raw, "?") || strings.HasSuffix(raw, "#") {
		return fmt.Sprintf("the URL %q must not have user information, a query or a fragment", raw)
	}
	return ""
}

// IsLoopback reports whether host names this machine's loopback interface.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (p OIDCProvider) toResource() (store.Resource, error) {
	raw, err := json.Marshal(oidcAttributes{URL: p.URL, ClientIDs: p.ClientIDs, Thumbprints: p.Thumbprints})
	if err != nil {
		return store.Resource{}, fmt.Errorf("federation: encoding OIDC provider %s: %w", p.ARN, err)
	}
	id := p.ID()
	return store.Resource{AccountID: p.AccountID, Service: ResourceService, Type: OIDCType, ID: id, ARN: p.ARN,
		Name: id, NameKey: store.FoldName(id), Attributes: raw, Revision: p.revision, Created: p.Created}, nil
}

func oidcFromResource(r store.Resource) (OIDCProvider, error) {
	var a oidcAttributes
	if err := r.DecodeAttributes(&a); err != nil {
		return OIDCProvider{}, fmt.Errorf("federation: decoding OIDC provider %s: %w", r.ARN, err)
	}
	return OIDCProvider{AccountID: r.AccountID, ARN: r.ARN, URL: a.URL, ClientIDs: a.ClientIDs, Thumbprints: a.Thumbprints,
		Created: r.Created, revision: r.Revision}, nil
}

// CreateOIDC stores a new OIDC provider; one with the same URL (regardless
// of case) is store.ErrAlreadyExists.
func CreateOIDC(tx store.Tx, p OIDCProvider) (OIDCProvider, error) {
	r, err := p.toResource()
	if err != nil {
		return p, err
	}
	if r, err = tx.CreateResource(r); err != nil {
		return p, err
	}
	p.revision = r.Revision
	return p, nil
}

// SaveOIDC writes back a provider read in the same transaction.
func SaveOIDC(tx store.Tx, p OIDCProvider) (OIDCProvider, error) {
	r, err := p.toResource()
	if err != nil {
		return p, err
	}
	if r, err = tx.UpdateResource(r); err != nil {
		return p, err
	}
	p.revision = r.Revision
	return p, nil
}

// DeleteOIDC deletes a provider and its tags.
func DeleteOIDC(tx store.Tx, p OIDCProvider) error {
	return tx.DeleteResource(p.AccountID, ResourceService, OIDCType, p.ID())
}

// GetOIDC returns the OIDC provider of an account with an ARN;
// store.ErrNotFound when there is none.
func GetOIDC(tx store.ReadTx, accountID, arn string) (OIDCProvider, error) {
	r, err := tx.GetResourceByARN(arn)
	if err != nil {
		return OIDCProvider{}, err
	}
	if r.AccountID != accountID || r.Service != ResourceService || r.Type != OIDCType {
		return OIDCProvider{}, fmt.Errorf("federation: OIDC provider %s: %w", arn, store.ErrNotFound)
	}
	return oidcFromResource(r)
}

// FindOIDC returns the OIDC provider of an account for an issuer (the iss
// claim of a token): the provider whose URL without scheme equals the
// issuer's, regardless of the host's case; store.ErrNotFound when none.
func FindOIDC(tx store.ReadTx, accountID, issuer string) (OIDCProvider, error) {
	id := HostPath(issuer)
	r, err := tx.GetResource(accountID, ResourceService, OIDCType, id)
	if errors.Is(err, store.ErrNotFound) {
		// The ID keeps the spelling of creation; the name key is folded.
		all, lerr := ListOIDC(tx, accountID)
		if lerr != nil {
			return OIDCProvider{}, lerr
		}
		for _, p := range all {
			if strings.EqualFold(p.ID(), id) {
				return p, nil
			}
		}
		return OIDCProvider{}, err
	}
	if err != nil {
		return OIDCProvider{}, err
	}
	return oidcFromResource(r)
}

// ListOIDC returns every OIDC provider of an account, ordered by ID.
func ListOIDC(tx store.ReadTx, accountID string) ([]OIDCProvider, error) {
	return listAll(tx, accountID, OIDCType, oidcFromResource)
}

// SAMLProvider is an IAM SAML 2.0 identity provider.
type SAMLProvider struct {
	AccountID string
	ARN       string
	Name      string
	// Metadata is the SAML metadata document as given.
	Metadata string
	// EntityID is the IdP's entity ID from the metadata: the Issuer its
	// assertions carry.
	EntityID string
	// Certificates are the IdP's signing certificates (DER) from the
	// metadata.
	Certificates [][]byte
	// ValidUntil is the metadata's validUntil, or zero.
	ValidUntil time.Time
	// UUID is the provider's SAMLProviderUUID.
	UUID    string
	Created time.Time

	revision int64
}

type samlAttributes struct {
	Metadata     string    `json:"metadata"`
	EntityID     string    `json:"entityId"`
	Certificates [][]byte  `json:"certificates"`
	ValidUntil   time.Time `json:"validUntil,omitzero"`
	UUID         string    `json:"uuid"`
}

func (p SAMLProvider) toResource() (store.Resource, error) {
	raw, err := json.Marshal(samlAttributes{Metadata: p.Metadata, EntityID: p.EntityID, Certificates: p.Certificates,
		ValidUntil: p.ValidUntil, UUID: p.UUID})
	if err != nil {
		return store.Resource{}, fmt.Errorf("federation: encoding SAML provider %s: %w", p.ARN, err)
	}
	return store.Resource{AccountID: p.AccountID, Service: ResourceService, Type: SAMLType, ID: p.Name, ARN: p.ARN,
		Name: p.Name, NameKey: store.FoldName(p.Name), Attributes: raw, Revision: p.revision, Created: p.Created}, nil
}

func samlFromResource(r store.Resource) (SAMLProvider, error) {
	var a samlAttributes
	if err := r.DecodeAttributes(&a); err != nil {
		return SAMLProvider{}, fmt.Errorf("federation: decoding SAML provider %s: %w", r.ARN, err)
	}
	return SAMLProvider{AccountID: r.AccountID, ARN: r.ARN, Name: r.Name, Metadata: a.Metadata, EntityID: a.EntityID,
		Certificates: a.Certificates, ValidUntil: a.ValidUntil, UUID: a.UUID, Created: r.Created, revision: r.Revision}, nil
}

// CreateSAML stores a new SAML provider; one with the same name
// (regardless of case) is store.ErrAlreadyExists.
func CreateSAML(tx store.Tx, p SAMLProvider) (SAMLProvider, error) {
	r, err := p.toResource()
	if err != nil {
		return p, err
	}
	if r, err = tx.CreateResource(r); err != nil {
		return p, err
	}
	p.revision = r.Revision
	return p, nil
}

// SaveSAML writes back a provider read in the same transaction.
func SaveSAML(tx store.Tx, p SAMLProvider) (SAMLProvider, error) {
	r, err := p.toResource()
	if err != nil {
		return p, err
	}
	if r, err = tx.UpdateResource(r); err != nil {
		return p, err
	}
	p.revision = r.Revision
	return p, nil
}

// DeleteSAML deletes a provider and its tags.
func DeleteSAML(tx store.Tx, p SAMLProvider) error {
	return tx.DeleteResource(p.AccountID, ResourceService, SAMLType, p.Name)
}

// GetSAML returns the SAML provider of an account with an ARN;
// store.ErrNotFound when there is none.
func GetSAML(tx store.ReadTx, accountID, arn string) (SAMLProvider, error) {
	r, err := tx.GetResourceByARN(arn)
	if err != nil {
		return SAMLProvider{}, err
	}
	if r.AccountID != accountID || r.Service != ResourceService || r.Type != SAMLType {
		return SAMLProvider{}, fmt.Errorf("federation: SAML provider %s: %w", arn, store.ErrNotFound)
	}
	return samlFromResource(r)
}

// ListSAML returns every SAML provider of an account, ordered by name.
func ListSAML(tx store.ReadTx, accountID string) ([]SAMLProvider, error) {
	return listAll(tx, accountID, SAMLType, samlFromResource)
}

func listAll[T any](tx store.ReadTx, accountID, typ string, decode func(store.Resource) (T, error)) ([]T, error) {
	var out []T
	opt := store.ListOptions{MaxItems: store.MaxMaxItems}
	for {
		rs, next, err := tx.ListResources(accountID, ResourceService, typ, store.ResourceFilter{}, opt)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			v, err := decode(r)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		if next == "" {
			return out, nil
		}
		opt.Marker = next
	}
}
