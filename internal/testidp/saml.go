package testidp

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// SAML namespaces and the AWS names an assertion for STS uses.
const (
	nsAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsMetadata  = "urn:oasis:names:tc:SAML:2.0:metadata"
	// AWSRecipient is the endpoint AWS sign-in assertions are addressed
	// to: their Recipient and Audience.
	AWSRecipient = "https://signin.aws.amazon.com/saml"
	// RoleAttribute and RoleSessionNameAttribute are the attributes
	// AssumeRoleWithSAML reads.
	RoleAttribute            = "https://aws.amazon.com/SAML/Attributes/Role"
	RoleSessionNameAttribute = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
	// NameIDPersistent is the default NameID format.
	NameIDPersistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
)

// EntityID returns the entity ID (Issuer) of the test SAML IdP served at
// base (the server's URL, such as http://127.0.0.1:8080).
func EntityID(base string) string { return strings.TrimSuffix(base, "/") + SAMLPath }

// AssertionOptions are the contents of a SAML response to mint.
type AssertionOptions struct {
	// Issuer is the IdP's entity ID (EntityID of the server). Required.
	Issuer string
	// Roles are the Role attribute's values, each "ROLE_ARN,PROVIDER_ARN".
	// At least one is required.
	Roles []string
	// Subject is the NameID. Required.
	Subject string
	// SubjectFormat is the NameID Format; "" means NameIDPersistent.
	SubjectFormat string
	// SessionName is the RoleSessionName attribute; "" means Subject.
	SessionName string
	// ExpiresIn is the assertion's lifetime from now (NotOnOrAfter); zero
	// means five minutes, a negative one mints an expired assertion.
	ExpiresIn time.Duration
	// Recipient is the Recipient and Audience; "" means AWSRecipient.
	Recipient string
	// Attributes are further attributes, name to values.
	Attributes map[string][]string
}

// MintAssertion returns a base64 SAMLResponse whose assertion is signed
// (enveloped XML signature, RSA-SHA256, exclusive canonicalization) with
// the test IdP's key, as an IdP posts it to AWS sign-in.
func (p *IdP) MintAssertion(o AssertionOptions) (string, error) {
	if o.Issuer == "" || o.Subject == "" || len(o.Roles) == 0 {
		return "", fmt.Errorf("testidp: an assertion needs an issuer, a subject and a role")
	}
	k, err := p.Key()
	if err != nil {
		return "", err
	}
	now := p.now().UTC()
	life := o.ExpiresIn
	if life == 0 {
		life = 5 * time.Minute
	}
	issued := now
	if life < 0 {
		issued = now.Add(life - time.Minute)
	}
	notOnOrAfter := now.Add(life).Format(time.RFC3339)
	recipient := o.Recipient
	if recipient == "" {
		recipient = AWSRecipient
	}
	format := o.SubjectFormat
	if format == "" {
		format = NameIDPersistent
	}
	session := o.SessionName
	if session == "" {
		session = o.Subject
	}
	instant := issued.Format(time.RFC3339)

	a := etree.NewElement("saml:Assertion")
	a.CreateAttr("xmlns:saml", nsAssertion)
	a.CreateAttr("ID", newID())
	a.CreateAttr("Version", "2.0")
	a.CreateAttr("IssueInstant", instant)
	a.CreateElement("saml:Issuer").SetText(o.Issuer)
	subj := a.CreateElement("saml:Subject")
	nameID := subj.CreateElement("saml:NameID")
	nameID.CreateAttr("Format", format)
	nameID.SetText(o.Subject)
	sc := subj.CreateElement("saml:SubjectConfirmation")
	sc.CreateAttr("Method", "urn:oasis:names:tc:SAML:2.0:cm:bearer")
	scd := sc.CreateElement("saml:SubjectConfirmationData")
	scd.CreateAttr("NotOnOrAfter", notOnOrAfter)
	scd.CreateAttr("Recipient", recipient)
	cond := a.CreateElement("saml:Conditions")
	cond.CreateAttr("NotBefore", instant)
	cond.CreateAttr("NotOnOrAfter", notOnOrAfter)
	cond.CreateElement("saml:AudienceRestriction").CreateElement("saml:Audience").SetText(recipient)
	authn := a.CreateElement("saml:AuthnStatement")
	authn.CreateAttr("AuthnInstant", instant)
	authn.CreateAttr("SessionIndex", newID())
	authn.CreateElement("saml:AuthnContext").CreateElement("saml:AuthnContextClassRef").
		SetText("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")
	attrs := a.CreateElement("saml:AttributeStatement")
	addAttr := func(name string, values ...string) {
		at := attrs.CreateElement("saml:Attribute")
		at.CreateAttr("Name", name)
		for _, v := range values {
			at.CreateElement("saml:AttributeValue").SetText(v)
		}
	}
	addAttr(RoleAttribute, o.Roles...)
	addAttr(RoleSessionNameAttribute, session)
	for name, values := range o.Attributes {
		addAttr(name, values...)
	}

	sctx, err := dsig.NewSigningContext(k.Private, [][]byte{k.Cert.Raw})
	if err != nil {
		return "", fmt.Errorf("testidp: %w", err)
	}
	sctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	if err := sctx.SetSignatureMethod(dsig.RSASHA256SignatureMethod); err != nil {
		return "", fmt.Errorf("testidp: %w", err)
	}
	// The signature goes after the Issuer, as the SAML core schema
	// orders an assertion's children.
	sig, err := sctx.ConstructSignature(a, true)
	if err != nil {
		return "", fmt.Errorf("testidp: signing the assertion: %w", err)
	}
	a.InsertChildAt(1, sig)
	signed := a

	resp := etree.NewElement("samlp:Response")
	resp.CreateAttr("xmlns:samlp", nsProtocol)
	resp.CreateAttr("ID", newID())
	resp.CreateAttr("Version", "2.0")
	resp.CreateAttr("IssueInstant", instant)
	resp.CreateAttr("Destination", recipient)
	iss := resp.CreateElement("saml:Issuer")
	iss.CreateAttr("xmlns:saml", nsAssertion)
	iss.SetText(o.Issuer)
	resp.CreateElement("samlp:Status").CreateElement("samlp:StatusCode").CreateAttr("Value", "urn:oasis:names:tc:SAML:2.0:status:Success")
	resp.AddChild(signed)
	doc := etree.NewDocument()
	doc.SetRoot(resp)
	b, err := doc.WriteToBytes()
	if err != nil {
		return "", fmt.Errorf("testidp: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// Metadata returns the SAML 2.0 metadata document of the test IdP with
// entity ID entityID, for CreateSAMLProvider.
func (p *IdP) Metadata(entityID string) (string, error) {
	k, err := p.Key()
	if err != nil {
		return "", err
	}
	ed := etree.NewElement("md:EntityDescriptor")
	ed.CreateAttr("xmlns:md", nsMetadata)
	ed.CreateAttr("xmlns:ds", "http://www.w3.org/2000/09/xmldsig#")
	ed.CreateAttr("entityID", entityID)
	idp := ed.CreateElement("md:IDPSSODescriptor")
	idp.CreateAttr("protocolSupportEnumeration", "urn:oasis:names:tc:SAML:2.0:protocol")
	idp.CreateAttr("WantAuthnRequestsSigned", "false")
	kd := idp.CreateElement("md:KeyDescriptor")
	kd.CreateAttr("use", "signing")
	kd.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").
		SetText(base64.StdEncoding.EncodeToString(k.Cert.Raw))
	idp.CreateElement("md:NameIDFormat").SetText(NameIDPersistent)
	sso := idp.CreateElement("md:SingleSignOnService")
	sso.CreateAttr("Binding", "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect")
	sso.CreateAttr("Location", entityID+"/sso")
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	doc.SetRoot(ed)
	doc.Indent(2)
	return doc.WriteToString()
}

func (p *IdP) serveMetadata(w http.ResponseWriter, r *http.Request) {
	md, err := p.Metadata(EntityID(requestBase(r)))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	_, _ = w.Write([]byte(md))
}

// newID returns a random XML ID (an NCName: it starts with "_").
func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "_" + hex.EncodeToString(b)
}
