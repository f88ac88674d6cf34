package sts

import (
	"context"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/connect-iam/connect-iam/internal/federation"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/store"
)

// SAML namespaces and the names STS reads.
const (
	nsSAMLAssertion   = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsSAMLProtocol    = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsXMLDSig         = "http://www.w3.org/2000/09/xmldsig#"
	samlRoleAttr      = "https://aws.amazon.com/SAML/Attributes/Role"
	samlSessionAttr   = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
	samlStatusSuccess = "urn:oasis:names:tc:SAML:2.0:status:Success"
	// samlClockSkew is the skew allowed on NotBefore.
	samlClockSkew = 5 * time.Minute
)

// samlAttributeKeys maps the SAML attributes AWS turns into condition
// keys (by OID or by the friendly name IdPs use) to their key.
var samlAttributeKeys = map[string]string{
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.1":  "saml:edupersonaffiliation",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.6":  "saml:edupersonprincipalname",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.7":  "saml:edupersonentitlement",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.9":  "saml:edupersonscopedaffiliation",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.10": "saml:edupersontargetedid",
	"urn:oid:0.9.2342.19200300.100.1.1": "saml:uid",
	"urn:oid:0.9.2342.19200300.100.1.3": "saml:mail",
	"urn:oid:2.5.4.3":                   "saml:cn",
	"urn:oid:2.5.4.4":                   "saml:sn",
	"urn:oid:2.5.4.42":                  "saml:givenName",
	"urn:oid:2.5.4.10":                  "saml:organizationStatus",
	"urn:oid:2.16.840.1.113730.3.1.241": "saml:displayName",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.5":  "saml:primaryGroupSID",
	"eduPersonPrincipalName":            "saml:edupersonprincipalname",
	"eduPersonAffiliation":              "saml:edupersonaffiliation",
	"uid":                               "saml:uid",
	"mail":                              "saml:mail",
	"cn":                                "saml:cn",
	"sn":                                "saml:sn",
	"givenName":                         "saml:givenName",
	"displayName":                       "saml:displayName",
}

// samlAssertion is what STS reads of a (verified) SAML assertion.
type samlAssertion struct {
	Issuer        string
	Subject       string
	SubjectFormat string
	// Recipient and SubjectNotOnOrAfter are the bearer
	// SubjectConfirmationData's.
	Recipient           string
	SubjectNotOnOrAfter time.Time
	NotBefore           time.Time
	NotOnOrAfter        time.Time
	Audiences           []string
	Attributes          map[string][]string
}

// samlChild returns the children of el named tag in namespace ns.
func samlChildren(el *etree.Element, ns, tag string) []*etree.Element {
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if c.Tag == tag && c.NamespaceURI() == ns {
			out = append(out, c)
		}
	}
	return out
}

func samlChild(el *etree.Element, ns, tag string) *etree.Element {
	if cs := samlChildren(el, ns, tag); len(cs) > 0 {
		return cs[0]
	}
	return nil
}

// samlTime parses an optional xs:dateTime attribute.
func samlTime(el *etree.Element, attr string) (time.Time, error) {
	v := el.SelectAttrValue(attr, "")
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %s=%q is not an xs:dateTime such as 2026-01-02T15:04:05Z", el.Tag, attr, v)
	}
	return t.UTC(), nil
}

// parseSAMLResponse decodes a base64 SAMLResponse (or a bare assertion)
// and returns its root element: a samlp:Response or a saml:Assertion.
func parseSAMLResponse(b64 string) (*etree.Element, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(b64), ""))
	if err != nil {
		return nil, invalidIdentityToken("Invalid SAML response: SAMLAssertion is not base64 (%v); pass the SAMLResponse as the IdP posts it.", err)
	}
	if strings.Contains(string(raw), "<!DOCTYPE") || strings.Contains(string(raw), "<!ENTITY") {
		return nil, invalidIdentityToken("Invalid SAML response: it has a DOCTYPE declaration.")
	}
	doc := etree.NewDocument()
	doc.ReadSettings.Permissive = false
	if err := doc.ReadFromBytes(raw); err != nil {
		return nil, invalidIdentityToken("Invalid SAML response: it is not XML (%v).", err)
	}
	root := doc.Root()
	if root == nil {
		return nil, invalidIdentityToken("Invalid SAML response: it is empty.")
	}
	switch {
	case root.Tag == "Response" && root.NamespaceURI() == nsSAMLProtocol:
	case root.Tag == "Assertion" && root.NamespaceURI() == nsSAMLAssertion:
	default:
		return nil, invalidIdentityToken("Invalid SAML response: the root element is %s, not a samlp:Response or saml:Assertion.", root.Tag)
	}
	return root, nil
}

// verifySAML checks the XML signature of the response, or of its one
// assertion, against certs and returns the signed assertion as verified
// (the element the signature covers, never the unsigned input).
func verifySAML(root *etree.Element, certs []*x509.Certificate, now time.Time) (*etree.Element, error) {
	vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: certs})
	vc.Clock = dsig.NewFakeClockAt(now)
	bad := func(err error) error {
		return invalidIdentityToken("Invalid SAML response: its signature does not verify with the SAML provider's certificate (%v); the assertion was altered or signed by another IdP.", err)
	}
	assertionOf := func(resp *etree.Element) (*etree.Element, error) {
		if len(samlChildren(resp, nsSAMLAssertion, "EncryptedAssertion")) > 0 {
			return nil, invalidIdentityToken("Invalid SAML response: encrypted assertions are not supported; configure the IdP to sign without encrypting.")
		}
		as := samlChildren(resp, nsSAMLAssertion, "Assertion")
		if len(as) != 1 {
			return nil, invalidIdentityToken("Invalid SAML response: it must have exactly one saml:Assertion, it has %d.", len(as))
		}
		return as[0], nil
	}
	if root.Tag == "Assertion" {
		v, err := vc.Validate(root)
		if err != nil {
			return nil, bad(err)
		}
		return v, nil
	}
	if st := samlChild(root, nsSAMLProtocol, "Status"); st != nil {
		if sc := samlChild(st, nsSAMLProtocol, "StatusCode"); sc == nil || sc.SelectAttrValue("Value", "") != samlStatusSuccess {
			return nil, idpRejectedClaim("The SAML response's status is not Success: the IdP did not authenticate the user.")
		}
	}
	if samlChild(root, nsXMLDSig, "Signature") != nil {
		v, err := vc.Validate(root)
		if err != nil {
			return nil, bad(err)
		}
		return assertionOf(v)
	}
	a, err := assertionOf(root)
	if err != nil {
		return nil, err
	}
	v, err := vc.Validate(a)
	if err != nil {
		return nil, bad(err)
	}
	return v, nil
}

// readAssertion reads the parts of an assertion STS uses. It checks the
// structure, not the signature or the times.
func readAssertion(a *etree.Element) (samlAssertion, error) {
	var out samlAssertion
	bad := func(format string, args ...any) (samlAssertion, error) {
		return samlAssertion{}, invalidIdentityToken("Invalid SAML assertion: "+format, args...)
	}
	if a.Tag != "Assertion" || a.NamespaceURI() != nsSAMLAssertion {
		return bad("the element is %s, not saml:Assertion.", a.Tag)
	}
	iss := samlChild(a, nsSAMLAssertion, "Issuer")
	if iss == nil || strings.TrimSpace(iss.Text()) == "" {
		return bad("it has no Issuer.")
	}
	out.Issuer = strings.TrimSpace(iss.Text())
	subj := samlChild(a, nsSAMLAssertion, "Subject")
	if subj == nil {
		return bad("it has no Subject.")
	}
	nid := samlChild(subj, nsSAMLAssertion, "NameID")
	if nid == nil || strings.TrimSpace(nid.Text()) == "" {
		return bad("its Subject has no NameID.")
	}
	out.Subject = strings.TrimSpace(nid.Text())
	out.SubjectFormat = nid.SelectAttrValue("Format", "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified")
	for _, sc := range samlChildren(subj, nsSAMLAssertion, "SubjectConfirmation") {
		if sc.SelectAttrValue("Method", "") != "urn:oasis:names:tc:SAML:2.0:cm:bearer" {
			continue
		}
		if d := samlChild(sc, nsSAMLAssertion, "SubjectConfirmationData"); d != nil {
			out.Recipient = d.SelectAttrValue("Recipient", "")
			t, err := samlTime(d, "NotOnOrAfter")
			if err != nil {
				return bad("%v.", err)
			}
			out.SubjectNotOnOrAfter = t
			break
		}
	}
	if out.Recipient == "" {
		return bad("it has no bearer SubjectConfirmationData with a Recipient.")
	}
	if c := samlChild(a, nsSAMLAssertion, "Conditions"); c != nil {
		var err error
		if out.NotBefore, err = samlTime(c, "NotBefore"); err != nil {
			return bad("%v.", err)
		}
		if out.NotOnOrAfter, err = samlTime(c, "NotOnOrAfter"); err != nil {
			return bad("%v.", err)
		}
		for _, ar := range samlChildren(c, nsSAMLAssertion, "AudienceRestriction") {
			for _, au := range samlChildren(ar, nsSAMLAssertion, "Audience") {
				out.Audiences = append(out.Audiences, strings.TrimSpace(au.Text()))
			}
		}
	}
	if out.NotOnOrAfter.IsZero() && out.SubjectNotOnOrAfter.IsZero() {
		return bad("it has no NotOnOrAfter in its Conditions or SubjectConfirmationData: an assertion must expire.")
	}
	out.Attributes = map[string][]string{}
	for _, st := range samlChildren(a, nsSAMLAssertion, "AttributeStatement") {
		for _, at := range samlChildren(st, nsSAMLAssertion, "Attribute") {
			name := at.SelectAttrValue("Name", "")
			for _, v := range samlChildren(at, nsSAMLAssertion, "AttributeValue") {
				out.Attributes[name] = append(out.Attributes[name], strings.TrimSpace(v.Text()))
			}
		}
	}
	return out, nil
}

// awsSAMLEndpoint reports whether u is an endpoint AWS accepts as the
// Recipient and Audience of sign-in assertions.
func awsSAMLEndpoint(u string) bool {
	if u == "https://signin.aws.amazon.com/saml" || u == "urn:amazon:webservices" {
		return true
	}
	region, ok := strings.CutPrefix(u, "https://")
	region, ok2 := strings.CutSuffix(region, ".signin.aws.amazon.com/saml")
	return ok && ok2 && region != "" && !strings.ContainsAny(region, "/.")
}

// samlNameQualifier is AWS's saml:namequalifier: the base64 SHA-1 of the
// issuer, the account ID and "/" followed by the provider's name.
func samlNameQualifier(issuer, account, providerName string) string {
	sum := sha1.Sum([]byte(issuer + account + "/" + providerName))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// samlSubjectType is saml:sub_type: "persistent", "transient", or the
// whole Format URI otherwise.
func samlSubjectType(format string) string {
	switch format {
	case "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent":
		return "persistent"
	case "urn:oasis:names:tc:SAML:2.0:nameid-format:transient":
		return "transient"
	}
	return format
}

// hasRole reports whether the Role attribute lists the pair of role and
// provider ARNs ("ROLE,PROVIDER" in either order).
func hasRole(values []string, roleARN, providerARN string) bool {
	for _, v := range values {
		a, b, ok := strings.Cut(v, ",")
		a, b = strings.TrimSpace(a), strings.TrimSpace(b)
		if ok && (a == roleARN && b == providerARN || a == providerARN && b == roleARN) {
			return true
		}
	}
	return false
}

type samlResult struct {
	Credentials     credentialsXML `xml:"Credentials"`
	AssumedRoleUser struct {
		Arn           string `xml:"Arn"`
		AssumedRoleID string `xml:"AssumedRoleId"`
	} `xml:"AssumedRoleUser"`
	PackedPolicySize *int   `xml:"PackedPolicySize,omitempty"`
	Subject          string `xml:"Subject"`
	SubjectType      string `xml:"SubjectType"`
	Issuer           string `xml:"Issuer"`
	Audience         string `xml:"Audience"`
	NameQualifier    string `xml:"NameQualifier"`
	SourceIdentity   string `xml:"SourceIdentity,omitempty"`
}

func (s *Service) assumeRoleWithSAML(ctx context.Context, call *server.QueryCall) (any, error) {
	p := call.Params
	roleARN := p.Required("RoleArn")
	p.Length("RoleArn", 20, 2048)
	principalARN := p.Required("PrincipalArn")
	p.Length("PrincipalArn", 20, 2048)
	assertion := p.Required("SAMLAssertion")
	p.Length("SAMLAssertion", 4, 100000)
	p.Range("DurationSeconds", int64(MinDuration/time.Second), int64(MaxAssumeRoleDuration/time.Second))
	_, hasDur := p.Int("DurationSeconds")
	dur := duration(p, DefaultRoleDuration)
	if err := p.Err(); err != nil {
		return nil, err
	}
	_, account, _, ok := roleARNParts(roleARN)
	if !ok {
		return nil, validationError(fmt.Sprintf("%s is not a valid role ARN: write arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME (with the role's path, if any).", roleARN))
	}
	root, err := parseSAMLResponse(assertion)
	if err != nil {
		return nil, err
	}
	var prov federation.SAMLProvider
	err = s.d.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		prov, err = federation.GetSAML(tx, account, principalARN)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, invalidIdentityToken("The SAML provider %s does not exist in account %s; create it with CreateSAMLProvider, or pass the PrincipalArn of the role's provider.", principalARN, account)
	}
	if err != nil {
		return nil, err
	}
	certs := make([]*x509.Certificate, 0, len(prov.Certificates))
	for _, der := range prov.Certificates {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("sts: the certificate of SAML provider %s does not parse: %w; update its metadata with UpdateSAMLProvider", prov.ARN, err)
		}
		certs = append(certs, c)
	}
	now := s.now().UTC()
	signed, err := verifySAML(root, certs, now)
	if err != nil {
		return nil, err
	}
	a, err := readAssertion(signed)
	if err != nil {
		return nil, err
	}
	if a.Issuer != prov.EntityID {
		return nil, invalidIdentityToken("Invalid SAML assertion: its Issuer %s is not the entity ID %s of the SAML provider %s.", a.Issuer, prov.EntityID, prov.ARN)
	}
	for _, exp := range []time.Time{a.NotOnOrAfter, a.SubjectNotOnOrAfter} {
		if !exp.IsZero() && !now.Before(exp) {
			return nil, expiredIdentityToken("Assertion is expired: NotOnOrAfter %s is not after the current time %s.", exp.Format(time.RFC3339), now.Format(time.RFC3339))
		}
	}
	if !a.NotBefore.IsZero() && now.Add(samlClockSkew).Before(a.NotBefore) {
		return nil, invalidIdentityToken("Invalid SAML assertion: it is not valid before %s.", a.NotBefore.Format(time.RFC3339))
	}
	if !awsSAMLEndpoint(a.Recipient) {
		return nil, invalidIdentityToken("Invalid SAML assertion: its Recipient %s is not the AWS sign-in endpoint https://signin.aws.amazon.com/saml.", a.Recipient)
	}
	audOK := false
	for _, au := range a.Audiences {
		audOK = audOK || awsSAMLEndpoint(au)
	}
	if !audOK {
		return nil, invalidIdentityToken("Invalid SAML assertion: its AudienceRestriction does not name https://signin.aws.amazon.com/saml (it names %q).", a.Audiences)
	}
	if !hasRole(a.Attributes[samlRoleAttr], roleARN, principalARN) {
		return nil, accessDenied("Not authorized to perform sts:AssumeRoleWithSAML: the assertion's " + samlRoleAttr + " attribute does not list " + roleARN + "," + principalARN + ".")
	}
	names := a.Attributes[samlSessionAttr]
	if len(names) != 1 || len(names[0]) < 2 || len(names[0]) > 64 || !validSessionName(names[0]) {
		return nil, invalidIdentityToken("Invalid SAML assertion: the %s attribute must have one value of 2 to 64 characters from [\\w+=,.@-], it has %q.", samlSessionAttr, names)
	}
	keys := map[string][]string{
		"saml:aud":           {a.Recipient},
		"saml:sub":           {a.Subject},
		"saml:sub_type":      {samlSubjectType(a.SubjectFormat)},
		"saml:iss":           {a.Issuer},
		"saml:namequalifier": {samlNameQualifier(a.Issuer, account, prov.Name)},
		"saml:doc":           {account + "/" + prov.Name},
	}
	for name, vs := range a.Attributes {
		if k, ok := samlAttributeKeys[name]; ok {
			keys[k] = vs
		}
	}
	sess, cr, packed, err := s.assumeFederated(ctx, &federatedRequest{call: call, action: "sts:AssumeRoleWithSAML", roleARN: roleARN,
		sessionName: names[0], provider: prov.ARN, keys: keys, dur: dur, hasDur: hasDur})
	if err != nil {
		return nil, err
	}
	out := &samlResult{Credentials: cr.xml(sess.Expiration), PackedPolicySize: packed, Subject: a.Subject,
		SubjectType: samlSubjectType(a.SubjectFormat), Issuer: a.Issuer, Audience: a.Recipient, NameQualifier: keys["saml:namequalifier"][0]}
	out.AssumedRoleUser.Arn = sess.PrincipalARN
	out.AssumedRoleUser.AssumedRoleID = sess.PrincipalID
	return out, nil
}

// validSessionName reports whether every character of n is in
// [\w+=,.@-], the RoleSessionName pattern.
func validSessionName(n string) bool {
	for _, r := range n {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_+=,.@-", r)
		if !ok {
			return false
		}
	}
	return true
}
