package federation

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url  string
		want string // a part of the message; "" means valid
	}{
		{"https://token.actions.githubusercontent.com", ""},
		{"https://example.com/path/to/issuer", ""},
		{"http://127.0.0.1:8080/_connect-iam/oidc", ""},
		{"http://localhost:9000", ""},
		{"http://[::1]:9000/x", ""},
		{"http://example.com", "uses http"},
		{"http://10.0.0.1", "uses http"},
		{"ftp://example.com", "must begin with https://"},
		{"example.com", "must begin with https://"},
		{"https://", "has no host"},
		{"https://example.com?x=1", "query"},
		{"https://example.com#f", "fragment"},
		{"https://user@example.com", "user information"},
		{"https://exa mple.com", "cannot be parsed"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got := CheckURL(tt.url)
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("CheckURL(%q) = %q, want %q", tt.url, got, tt.want)
			}
		})
	}
}

func TestIDs(t *testing.T) {
	if got := OIDCARN("aws", "111122223333", "https://token.actions.githubusercontent.com/"); got != "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" {
		t.Errorf("OIDCARN %s", got)
	}
	if got := HostPath("http://127.0.0.1:8080/_connect-iam/oidc"); got != "127.0.0.1:8080/_connect-iam/oidc" {
		t.Errorf("HostPath %s", got)
	}
	if got := SAMLARN("aws", "111122223333", "okta"); got != "arn:aws:iam::111122223333:saml-provider/okta" {
		t.Errorf("SAMLARN %s", got)
	}
}

func readMetadata(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "metadata.xml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseMetadata(t *testing.T) {
	good := readMetadata(t)
	md, err := ParseMetadata(good)
	if err != nil {
		t.Fatal(err)
	}
	if md.EntityID != "https://idp.example.com/saml" || len(md.Certificates) != 1 || md.Certificates[0].Subject.CommonName != "idp" ||
		!md.ValidUntil.Equal(time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("parsed %+v", md)
	}
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"not XML", "not xml", "not an md:EntityDescriptor"},
		{"wrong namespace", strings.ReplaceAll(good, "urn:oasis:names:tc:SAML:2.0:metadata", "urn:example"), "not an md:EntityDescriptor"},
		{"no entity ID", strings.Replace(good, `entityID="https://idp.example.com/saml"`, "", 1), "no entityID"},
		{"bad validUntil", strings.Replace(good, "2036-01-01T00:00:00Z", "soon", 1), "validUntil"},
		{"no IdP", strings.ReplaceAll(good, "IDPSSODescriptor", "SPSSODescriptor"), "no IDPSSODescriptor"},
		{"no signing key", strings.Replace(good, `use="signing"`, `use="encryption"`, 1), "no KeyDescriptor with a signing"},
		{"signing certificate not DER", strings.NewReplacer(`use="encryption"`, `use="signing"`, `use="signing"`, `use="encryption"`).Replace(good), "does not parse"},
		{"doctype", `<!DOCTYPE x [<!ENTITY a "b">]>` + good, "DOCTYPE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMetadata(tt.doc)
			if err == nil || !errors.Is(err, ErrMetadata) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want ErrMetadata with %q", err, tt.want)
			}
		})
	}
}

// FuzzParseMetadata checks that ParseMetadata either fails with
// ErrMetadata or returns an entity ID and at least one certificate.
func FuzzParseMetadata(f *testing.F) {
	f.Add(readMetadata(f))
	f.Add(`<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>`)
	f.Fuzz(func(t *testing.T, doc string) {
		md, err := ParseMetadata(doc)
		if err != nil {
			if !errors.Is(err, ErrMetadata) {
				t.Fatalf("error %v is not ErrMetadata", err)
			}
			return
		}
		if strings.TrimSpace(md.EntityID) == "" || len(md.Certificates) == 0 || len(md.Certificates) > MaxSAMLProviderCertCount {
			t.Fatalf("parsed %+v", md)
		}
	})
}
