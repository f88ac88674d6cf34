package federation

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Metadata is what IAM keeps of an IdP's SAML 2.0 metadata document.
type Metadata struct {
	// EntityID is the IdP's entity ID, the Issuer of its assertions.
	EntityID string
	// Certificates are the DER certificates of its signing keys.
	Certificates []*x509.Certificate
	// ValidUntil is the document's validUntil, or zero.
	ValidUntil time.Time
}

// The parts of a metadata document that are read, in the SAML metadata
// namespace (urn:oasis:names:tc:SAML:2.0:metadata) and XML-DSig's.
type (
	xmlEntityDescriptor struct {
		XMLName    xml.Name    `xml:"urn:oasis:names:tc:SAML:2.0:metadata EntityDescriptor"`
		EntityID   string      `xml:"entityID,attr"`
		ValidUntil string      `xml:"validUntil,attr"`
		IDP        []xmlIDPSSO `xml:"urn:oasis:names:tc:SAML:2.0:metadata IDPSSODescriptor"`
	}
	xmlIDPSSO struct {
		Protocols string          `xml:"protocolSupportEnumeration,attr"`
		Keys      []xmlKeyDesc    `xml:"urn:oasis:names:tc:SAML:2.0:metadata KeyDescriptor"`
		SSO       []xmlSSOService `xml:"urn:oasis:names:tc:SAML:2.0:metadata SingleSignOnService"`
	}
	xmlKeyDesc struct {
		Use   string   `xml:"use,attr"`
		Certs []string `xml:"http://www.w3.org/2000/09/xmldsig# KeyInfo>X509Data>X509Certificate"`
	}
	xmlSSOService struct {
		Binding  string `xml:"Binding,attr"`
		Location string `xml:"Location,attr"`
	}
)

// ErrMetadata is wrapped by every error of ParseMetadata.
var ErrMetadata = errors.New("invalid SAML metadata document")

// ParseMetadata reads an IdP's SAML 2.0 metadata document: the
// EntityDescriptor's entityID and validUntil and the X.509 certificates
// of its IDPSSODescriptor's signing keys (KeyDescriptor use="signing", or
// without use). It fails when the document is not such XML, names no
// entity ID or no signing certificate, or a certificate does not parse.
func ParseMetadata(doc string) (Metadata, error) {
	fail := func(format string, a ...any) (Metadata, error) {
		return Metadata{}, fmt.Errorf("%w: "+format, append([]any{ErrMetadata}, a...)...)
	}
	// A document with a DOCTYPE (entity declarations) is refused.
	if strings.Contains(doc, "<!DOCTYPE") || strings.Contains(doc, "<!ENTITY") {
		return fail("it has a DOCTYPE declaration; remove it")
	}
	var ed xmlEntityDescriptor
	dec := xml.NewDecoder(strings.NewReader(doc))
	dec.Strict = true
	if err := dec.Decode(&ed); err != nil {
		return fail("it is not an md:EntityDescriptor element in the urn:oasis:names:tc:SAML:2.0:metadata namespace (%v)", err)
	}
	if strings.TrimSpace(ed.EntityID) == "" {
		return fail("the EntityDescriptor has no entityID attribute")
	}
	md := Metadata{EntityID: ed.EntityID}
	if ed.ValidUntil != "" {
		t, err := time.Parse(time.RFC3339, ed.ValidUntil)
		if err != nil {
			return fail("validUntil %q is not an xs:dateTime such as 2030-01-02T15:04:05Z", ed.ValidUntil)
		}
		md.ValidUntil = t.UTC()
	}
	if len(ed.IDP) == 0 {
		return fail("the EntityDescriptor has no IDPSSODescriptor: it does not describe an identity provider")
	}
	for _, idp := range ed.IDP {
		for _, k := range idp.Keys {
			if k.Use != "" && k.Use != "signing" {
				continue
			}
			for _, c := range k.Certs {
				der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(c), ""))
				if err != nil {
					return fail("an X509Certificate is not base64 (%v)", err)
				}
				cert, err := x509.ParseCertificate(der)
				if err != nil {
					return fail("an X509Certificate does not parse as a DER certificate (%v)", err)
				}
				if len(md.Certificates) < MaxSAMLProviderCertCount {
					md.Certificates = append(md.Certificates, cert)
				}
			}
		}
	}
	if len(md.Certificates) == 0 {
		return fail("the IDPSSODescriptor has no KeyDescriptor with a signing X509Certificate")
	}
	return md, nil
}
