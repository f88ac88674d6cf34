package sts

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/connect-iam/connect-iam/server/awsquery"
)

// testKeys returns one ES256 key per call (fast to generate).
func testKey(t testing.TB, kid string) jose.JSONWebKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return jose.JSONWebKey{Key: k, KeyID: kid, Algorithm: string(jose.ES256), Use: "sig"}
}

func signToken(t testing.TB, key jose.JSONWebKey, alg jose.SignatureAlgorithm, claims map[string]any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if key.KeyID != "" {
		opts = opts.WithHeader(jose.HeaderKey("kid"), key.KeyID)
	}
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key.Key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(sig).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func publicSet(keys ...jose.JSONWebKey) *jose.JSONWebKeySet {
	set := &jose.JSONWebKeySet{}
	for _, k := range keys {
		pub := k.Public()
		set.Keys = append(set.Keys, pub)
	}
	return set
}

func errCode(err error) string {
	var qe *awsquery.Error
	if errors.As(err, &qe) {
		return qe.Code
	}
	if err == nil {
		return ""
	}
	return "other: " + err.Error()
}

var t0 = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func baseClaims() map[string]any {
	return map[string]any{"iss": "https://issuer.example.com/a", "sub": "repo:o/r:ref:refs/heads/main", "aud": "sts.amazonaws.com",
		"exp": t0.Add(time.Hour).Unix(), "iat": t0.Unix(), "nbf": t0.Unix()}
}

func with(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

func TestParseAndVerifyWebToken(t *testing.T) {
	key := testKey(t, "k1")
	other := testKey(t, "k1") // same kid, another key
	set := publicSet(key)
	tests := []struct {
		name  string
		token string
		now   time.Time
		code  string // "" means valid
	}{
		{"valid", signToken(t, key, jose.ES256, baseClaims()), t0, ""},
		{"valid without kid", signToken(t, jose.JSONWebKey{Key: key.Key}, jose.ES256, baseClaims()), t0, ""},
		{"not a JWT", "abc.def", t0, "InvalidIdentityToken"},
		{"three garbage parts", "a.b.c", t0, "InvalidIdentityToken"},
		{"no iss", signToken(t, key, jose.ES256, with(baseClaims(), "iss", nil)), t0, "InvalidIdentityToken"},
		{"http issuer not on loopback", signToken(t, key, jose.ES256, with(baseClaims(), "iss", "http://issuer.example.com")), t0, "InvalidIdentityToken"},
		{"no sub", signToken(t, key, jose.ES256, with(baseClaims(), "sub", nil)), t0, "InvalidIdentityToken"},
		{"no aud", signToken(t, key, jose.ES256, with(baseClaims(), "aud", nil)), t0, "InvalidIdentityToken"},
		{"no exp", signToken(t, key, jose.ES256, with(baseClaims(), "exp", nil)), t0, "InvalidIdentityToken"},
		{"aud of the wrong type", signToken(t, key, jose.ES256, with(baseClaims(), "aud", 7)), t0, "InvalidIdentityToken"},
		{"HS256 refused", signToken(t, jose.JSONWebKey{Key: []byte("0123456789abcdef0123456789abcdef"), KeyID: "k1"}, jose.HS256, baseClaims()), t0, "InvalidIdentityToken"},
		{"signed by another key", signToken(t, other, jose.ES256, baseClaims()), t0, "InvalidIdentityToken"},
		{"unknown kid", signToken(t, testKey(t, "k2"), jose.ES256, baseClaims()), t0, "InvalidIdentityToken"},
		{"expired", signToken(t, key, jose.ES256, baseClaims()), t0.Add(time.Hour), "ExpiredTokenException"},
		{"not yet valid", signToken(t, key, jose.ES256, with(baseClaims(), "nbf", t0.Add(10*time.Minute).Unix())), t0, "InvalidIdentityToken"},
		{"nbf within the leeway", signToken(t, key, jose.ES256, with(baseClaims(), "nbf", t0.Add(30*time.Second).Unix())), t0, ""},
		{"issued in the future", signToken(t, key, jose.ES256, with(baseClaims(), "iat", t0.Add(time.Hour).Unix())), t0, "InvalidIdentityToken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := parseWebToken(tt.token)
			if err == nil {
				err = tok.verify(set, tt.now)
			}
			if got := errCode(err); got != tt.code {
				t.Errorf("error %v, want code %q", err, tt.code)
			}
		})
	}
}

func TestWebIdentityKeys(t *testing.T) {
	key := testKey(t, "k")
	tests := []struct {
		name   string
		claims map[string]any
		want   map[string][]string
	}{
		{"aud only", baseClaims(), map[string][]string{"h/p:sub": {"repo:o/r:ref:refs/heads/main"}, "h/p:aud": {"sts.amazonaws.com"}}},
		{"azp takes aud, aud goes to oaud", with(baseClaims(), "azp", "client-1", "aud", []string{"a", "b"}),
			map[string][]string{"h/p:sub": {"repo:o/r:ref:refs/heads/main"}, "h/p:aud": {"client-1"}, "h/p:oaud": {"a", "b"}}},
		{"amr list", with(baseClaims(), "amr", []string{"pwd", "mfa"}),
			map[string][]string{"h/p:sub": {"repo:o/r:ref:refs/heads/main"}, "h/p:aud": {"sts.amazonaws.com"}, "h/p:amr": {"pwd", "mfa"}}},
		{"amr string", with(baseClaims(), "amr", "authenticated"),
			map[string][]string{"h/p:sub": {"repo:o/r:ref:refs/heads/main"}, "h/p:aud": {"sts.amazonaws.com"}, "h/p:amr": {"authenticated"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := parseWebToken(signToken(t, key, jose.ES256, tt.claims))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(webIdentityKeys("h/p", tok))
			want, _ := json.Marshal(tt.want)
			if string(got) != string(want) {
				t.Errorf("keys %s, want %s", got, want)
			}
		})
	}
}

// issuerServer is a loopback OIDC issuer counting its JWKS fetches.
type issuerServer struct {
	*httptest.Server
	mu      sync.Mutex
	keys    *jose.JSONWebKeySet
	fetches atomic.Int32
	issuer  string // the issuer the discovery document names; "" means the server's URL
}

func newIssuer(t *testing.T, keys *jose.JSONWebKeySet) *issuerServer {
	is := &issuerServer{keys: keys}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		iss := is.issuer
		if iss == "" {
			iss = is.URL
		}
		json.NewEncoder(w).Encode(map[string]string{"issuer": iss, "jwks_uri": is.URL + "/keys"})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		is.fetches.Add(1)
		is.mu.Lock()
		defer is.mu.Unlock()
		json.NewEncoder(w).Encode(is.keys)
	})
	is.Server = httptest.NewServer(mux)
	t.Cleanup(is.Close)
	return is
}

func TestJWKSCache(t *testing.T) {
	k1, k2 := testKey(t, "k1"), testKey(t, "k2")
	is := newIssuer(t, publicSet(k1))
	c := newJWKSCache()
	ctx := context.Background()
	get := func(kid string, at time.Time) *jose.JSONWebKeySet {
		t.Helper()
		set, err := c.keys(ctx, is.URL, kid, at)
		if err != nil {
			t.Fatal(err)
		}
		return set
	}
	get("k1", t0)
	get("k1", t0.Add(10*time.Second))
	if n := is.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches for two lookups within the TTL, want 1", n)
	}
	// The issuer rotates to k2: an unknown kid refetches, but not more
	// than once per jwksRefetch.
	is.mu.Lock()
	is.keys = publicSet(k1, k2)
	is.mu.Unlock()
	get("k2", t0.Add(20*time.Second))
	if n := is.fetches.Load(); n != 1 {
		t.Fatalf("refetched %d times within %v of the last fetch", n-1, jwksRefetch)
	}
	if set := get("k2", t0.Add(40*time.Second)); len(set.Key("k2")) != 1 {
		t.Fatalf("k2 not found after the refetch")
	}
	get("k1", t0.Add(40*time.Second+jwksTTL))
	if n := is.fetches.Load(); n != 3 {
		t.Fatalf("%d fetches after the TTL, want 3", n)
	}

	// The cache is bounded: a new issuer evicts the oldest entry.
	c = newJWKSCache()
	for i := range jwksMaxIssuers {
		c.entries["https://issuer"+strconv.Itoa(i)+".example.com"] = &jwksEntry{keys: publicSet(k1), fetched: t0.Add(time.Duration(i) * time.Second)}
	}
	get("k1", t0.Add(time.Hour))
	if _, ok := c.entries["https://issuer0.example.com"]; len(c.entries) != jwksMaxIssuers || ok {
		t.Fatalf("%d entries (the oldest kept: %v), want %d without the oldest", len(c.entries), ok, jwksMaxIssuers)
	}

	// Failures are IDPCommunicationError.
	is.issuer = "https://someone-else.example.com"
	if _, err := newJWKSCache().keys(ctx, is.URL, "k1", t0); errCode(err) != "IDPCommunicationError" {
		t.Errorf("issuer mismatch: %v", err)
	}
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	if _, err := newJWKSCache().keys(ctx, dead.URL, "k1", t0); errCode(err) != "IDPCommunicationError" {
		t.Errorf("unreachable issuer: %v", err)
	}
}

// FuzzParseWebToken checks that arbitrary input is refused with
// InvalidIdentityToken or parsed with the claims STS requires, and never
// verifies without the key.
func FuzzParseWebToken(f *testing.F) {
	key := testKey(f, "k1")
	f.Add(signToken(f, key, jose.ES256, baseClaims()))
	f.Add(signToken(f, key, jose.ES256, with(baseClaims(), "aud", []string{"a", "b"}, "amr", []string{"mfa"})))
	f.Add("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")
	f.Add("a.b.c")
	other := publicSet(testKey(f, "k1"))
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := parseWebToken(raw)
		if err != nil {
			if errCode(err) != "InvalidIdentityToken" {
				t.Fatalf("error %v, want InvalidIdentityToken", err)
			}
			return
		}
		if tok.std.Issuer == "" || tok.std.Subject == "" || len(tok.std.Audience) == 0 || tok.std.Expiry == nil {
			t.Fatalf("parsed a token without the required claims: %+v", tok.std)
		}
		if err := tok.verify(other, t0); err == nil {
			t.Fatalf("a token verified with a key that did not sign it")
		}
	})
}
