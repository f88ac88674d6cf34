package sts

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/connect-iam/connect-iam/internal/testidp"
)

// testIdPs are two in-memory test IdPs with the keys of testdata/saml
// (generating RSA keys under the fuzzer's instrumentation takes seconds).
var testIdPs = sync.OnceValues(func() (*testidp.IdP, *testidp.IdP) {
	return loadIdP("idp-key.pem"), loadIdP("other-key.pem")
})

func loadIdP(name string) *testidp.IdP {
	b, err := os.ReadFile(filepath.Join("testdata", "saml", name))
	if err != nil {
		panic(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		panic(name + " is not PEM")
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		panic(err)
	}
	idp, err := testidp.NewWithKey(k.(*rsa.PrivateKey), nil)
	if err != nil {
		panic(err)
	}
	return idp
}

func mintSAML(t testing.TB, idp *testidp.IdP, o testidp.AssertionOptions) string {
	t.Helper()
	if o.Issuer == "" {
		o.Issuer = "http://127.0.0.1:8080/_connect-iam/saml"
	}
	if len(o.Roles) == 0 {
		o.Roles = []string{"arn:aws:iam::111122223333:role/r,arn:aws:iam::111122223333:saml-provider/p"}
	}
	if o.Subject == "" {
		o.Subject = "alice"
	}
	a, err := idp.MintAssertion(o)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func certOf(t testing.TB, idp *testidp.IdP) *x509.Certificate {
	t.Helper()
	k, err := idp.Key()
	if err != nil {
		t.Fatal(err)
	}
	return k.Cert
}

// editSAML decodes a SAMLResponse, lets edit change its XML text and
// encodes it again.
func editSAML(t *testing.T, b64 string, edit func(string) string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString([]byte(edit(string(raw))))
}

// editTree lets edit change the parsed response.
func editTree(t *testing.T, b64 string, edit func(root *etree.Element)) string {
	t.Helper()
	raw, _ := base64.StdEncoding.DecodeString(b64)
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		t.Fatal(err)
	}
	edit(doc.Root())
	out, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(out)
}

func TestVerifySAML(t *testing.T) {
	idp, other := testIdPs()
	cert := certOf(t, idp)
	good := mintSAML(t, idp, testidp.AssertionOptions{})
	tests := []struct {
		name      string
		assertion string
		code      string
	}{
		{"signed by the provider", good, ""},
		{"signed by another IdP", mintSAML(t, other, testidp.AssertionOptions{}), "InvalidIdentityToken"},
		{"NameID changed", editSAML(t, good, func(s string) string { return strings.Replace(s, ">alice<", ">mallory<", 1) }), "InvalidIdentityToken"},
		{"role attribute changed", editSAML(t, good, func(s string) string { return strings.Replace(s, "role/r,", "role/admin,", 1) }), "InvalidIdentityToken"},
		{"signature removed", editTree(t, good, func(root *etree.Element) {
			a := root.SelectElement("saml:Assertion")
			a.RemoveChild(a.SelectElement("ds:Signature"))
		}), "InvalidIdentityToken"},
		{"a second, unsigned assertion", editTree(t, good, func(root *etree.Element) {
			a := root.SelectElement("saml:Assertion").Copy()
			a.RemoveChild(a.SelectElement("ds:Signature"))
			root.AddChild(a)
		}), "InvalidIdentityToken"},
		{"status not success", editSAML(t, good, func(s string) string { return strings.Replace(s, "status:Success", "status:Requester", 1) }), "IDPRejectedClaim"},
		{"not base64", "%%%", "InvalidIdentityToken"},
		{"not XML", base64.StdEncoding.EncodeToString([]byte("<samlp:Response")), "InvalidIdentityToken"},
		{"doctype", base64.StdEncoding.EncodeToString([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><x/>`)), "InvalidIdentityToken"},
		{"another root", base64.StdEncoding.EncodeToString([]byte(`<html/>`)), "InvalidIdentityToken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, err := parseSAMLResponse(tt.assertion)
			var signed *etree.Element
			if err == nil {
				signed, err = verifySAML(root, []*x509.Certificate{cert}, time.Now())
			}
			if err == nil {
				_, err = readAssertion(signed)
			}
			if got := errCode(err); got != tt.code {
				t.Errorf("error %v, want code %q", err, tt.code)
			}
		})
	}
}

// TestReadAssertion reads the assertions of testdata/saml (unsigned: the
// signature is verified before readAssertion runs).
func TestReadAssertion(t *testing.T) {
	tests := []struct {
		file  string
		check func(a samlAssertion) bool
		code  string
	}{
		{"full.xml", func(a samlAssertion) bool {
			return a.Issuer == "https://idp.example.com/saml" && a.Subject == "alice@example.com" && samlSubjectType(a.SubjectFormat) == "transient" &&
				a.Recipient == "https://signin.aws.amazon.com/saml" && len(a.Audiences) == 1 &&
				a.NotOnOrAfter.Equal(time.Date(2030, 1, 1, 0, 5, 0, 0, time.UTC)) &&
				strings.Join(a.Attributes[samlRoleAttr], "|") == "arn:aws:iam::111122223333:role/a,arn:aws:iam::111122223333:saml-provider/p|arn:aws:iam::111122223333:saml-provider/p,arn:aws:iam::111122223333:role/b" &&
				a.Attributes["urn:oid:0.9.2342.19200300.100.1.3"][0] == "alice@example.com"
		}, ""},
		{"no-issuer.xml", nil, "InvalidIdentityToken"},
		{"no-nameid.xml", nil, "InvalidIdentityToken"},
		{"no-recipient.xml", nil, "InvalidIdentityToken"},
		{"no-expiry.xml", nil, "InvalidIdentityToken"},
		{"bad-time.xml", nil, "InvalidIdentityToken"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "saml", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			root, err := parseSAMLResponse(base64.StdEncoding.EncodeToString(b))
			var a samlAssertion
			if err == nil {
				as := root
				if root.Tag == "Response" {
					as = samlChild(root, nsSAMLAssertion, "Assertion")
				}
				a, err = readAssertion(as)
			}
			if got := errCode(err); got != tt.code {
				t.Fatalf("error %v, want code %q", err, tt.code)
			}
			if tt.check != nil && !tt.check(a) {
				t.Errorf("read %+v", a)
			}
		})
	}
}

func TestSAMLHelpers(t *testing.T) {
	for _, tt := range []struct {
		u  string
		ok bool
	}{
		{"https://signin.aws.amazon.com/saml", true},
		{"urn:amazon:webservices", true},
		{"https://eu-west-1.signin.aws.amazon.com/saml", true},
		{"https://evil.example/.signin.aws.amazon.com/saml", false},
		{"http://signin.aws.amazon.com/saml", false},
		{"https://signin.aws.amazon.com/saml/", false},
	} {
		if got := awsSAMLEndpoint(tt.u); got != tt.ok {
			t.Errorf("awsSAMLEndpoint(%q) = %v", tt.u, got)
		}
	}
	role, prov := "arn:aws:iam::1:role/r", "arn:aws:iam::1:saml-provider/p"
	for _, tt := range []struct {
		values []string
		ok     bool
	}{
		{[]string{role + "," + prov}, true},
		{[]string{prov + ", " + role}, true},
		{[]string{role + "x," + prov}, false},
		{[]string{role}, false},
		{nil, false},
	} {
		if got := hasRole(tt.values, role, prov); got != tt.ok {
			t.Errorf("hasRole(%q) = %v", tt.values, got)
		}
	}
	// BASE64(SHA1("https://idp.example.com/saml" + "111122223333" + "/MyIdP")), computed with Python's hashlib.
	if got, want := samlNameQualifier("https://idp.example.com/saml", "111122223333", "MyIdP"), "4VZLQt+NEBfsX4qubmySieo5mE8="; got != want {
		t.Errorf("saml:namequalifier %s, want %s", got, want)
	}
	for format, want := range map[string]string{
		"urn:oasis:names:tc:SAML:2.0:nameid-format:persistent":   "persistent",
		"urn:oasis:names:tc:SAML:2.0:nameid-format:transient":    "transient",
		"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
	} {
		if got := samlSubjectType(format); got != want {
			t.Errorf("samlSubjectType(%s) = %s", format, got)
		}
	}
}

// FuzzReadAssertion feeds arbitrary XML documents through the response
// parser, the signature check (with a certificate that signed none of
// them) and the assertion reader: every failure is one of STS's codes and
// nothing verifies. Inputs are the XML (base64 encoded by the target), so
// that mutations reach the XML structure.
func FuzzReadAssertion(f *testing.F) {
	idp, other := testIdPs()
	signed, err := base64.StdEncoding.DecodeString(mintSAML(f, idp, testidp.AssertionOptions{}))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	for _, name := range []string{"full.xml", "no-issuer.xml", "bad-time.xml"} {
		b, err := os.ReadFile(filepath.Join("testdata", "saml", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	certs := []*x509.Certificate{certOf(f, other)}
	f.Fuzz(func(t *testing.T, doc []byte) {
		root, err := parseSAMLResponse(base64.StdEncoding.EncodeToString(doc))
		if err != nil {
			if errCode(err) != "InvalidIdentityToken" {
				t.Fatalf("parse: %v", err)
			}
			return
		}
		as := root
		if root.Tag == "Response" {
			if as = samlChild(root, nsSAMLAssertion, "Assertion"); as == nil {
				return
			}
		}
		if _, err := readAssertion(as); err != nil && errCode(err) != "InvalidIdentityToken" {
			t.Fatalf("read: %v", err)
		}
		if _, err := verifySAML(root, certs, time.Now()); err == nil {
			t.Fatalf("verified with a certificate that signed nothing")
		}
	})
}
