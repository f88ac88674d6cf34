package testidp

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/connect-iam/connect-iam/internal/secretbox"
)

func newBox(t *testing.T) *secretbox.Box {
	t.Helper()
	b, err := secretbox.New(make([]byte, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestKeyFile checks that the key is made once per data directory, kept
// sealed (no PEM or key bytes in clear) and refused under another key.
func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	box := newBox(t)
	k1, err := New(dir, box, nil).Key()
	if err != nil {
		t.Fatal(err)
	}
	k2, err := New(dir, box, nil).Key()
	if err != nil {
		t.Fatal(err)
	}
	if !k1.Private.Equal(k2.Private) || k1.KeyID != k2.KeyID {
		t.Fatal("a second IdP of the same data directory made another key")
	}
	raw, err := os.ReadFile(filepath.Join(dir, KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "PRIVATE") || strings.Contains(string(raw), `"key"`) {
		t.Fatal("the key file is not sealed")
	}
	other, err := secretbox.New([]byte(strings.Repeat("k", secretbox.KeySize)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(dir, other, nil).Key(); err == nil || !strings.Contains(err.Error(), "does not open with the data directory's master key") {
		t.Fatalf("opening under another master key: %v", err)
	}
}

// TestEndpoints checks the discovery document, the JWKS and the metadata
// as a relying party reads them.
func TestEndpoints(t *testing.T) {
	idp := New("", nil, nil)
	mux := http.NewServeMux()
	idp.Register(mux.Handle)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	get := func(path string, v any) string {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
		var b strings.Builder
		if v != nil {
			if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
				t.Fatal(err)
			}
			return ""
		}
		buf := make([]byte, 1<<16)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return b.String()
	}
	var disc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	get(OIDCPath+"/.well-known/openid-configuration", &disc)
	if disc.Issuer != Issuer(srv.URL) || disc.JWKSURI != Issuer(srv.URL)+"/jwks.json" {
		t.Fatalf("discovery %+v", disc)
	}
	var set jose.JSONWebKeySet
	get(OIDCPath+"/jwks.json", &set)
	k, _ := idp.Key()
	if len(set.Keys) != 1 || set.Keys[0].KeyID != k.KeyID || !set.Keys[0].IsPublic() {
		t.Fatalf("JWKS %+v", set)
	}
	md := get(SAMLPath+"/metadata", nil)
	if !strings.Contains(md, `entityID="`+EntityID(srv.URL)+`"`) || len(md) < 1000 {
		t.Fatalf("metadata (%d characters):\n%s", len(md), md)
	}
}

func TestClaimValue(t *testing.T) {
	for in, want := range map[string]string{
		`["a","b"]`: `["a","b"]`, `3`: `3`, `true`: `true`, `{"x":1}`: `{"x":1}`, `octo-org/repo`: `"octo-org/repo"`,
		`-`: `"-"`, `[not json`: `"[not json"`, ``: `""`,
	} {
		got, _ := json.Marshal(ClaimValue(in))
		if string(got) != want {
			t.Errorf("ClaimValue(%q) = %s, want %s", in, got, want)
		}
	}
}
