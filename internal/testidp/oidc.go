package testidp

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// DefaultTokenLifetime is how long a minted token is valid by default.
const DefaultTokenLifetime = time.Hour

// TokenOptions are the claims of a token to mint.
type TokenOptions struct {
	// Issuer is the iss claim: the issuer URL, such as
	// http://127.0.0.1:8080/_connect-iam/oidc. Required.
	Issuer string
	// Subject is the sub claim. Required.
	Subject string
	// Audience is the aud claim: the client IDs. Required.
	Audience []string
	// ExpiresIn is the lifetime from now; zero means DefaultTokenLifetime,
	// a negative one mints an expired token.
	ExpiresIn time.Duration
	// Claims are further claims (amr, azp, email, ...); a value that is
	// JSON (a number, an array, an object, true or false) is sent as such.
	Claims map[string]any
}

// MintToken returns a signed ID token (a compact JWS, RS256) with the
// options' claims plus iat, nbf and exp.
func (p *IdP) MintToken(o TokenOptions) (string, error) {
	if o.Issuer == "" || o.Subject == "" || len(o.Audience) == 0 {
		return "", fmt.Errorf("testidp: a token needs an issuer, a subject and an audience")
	}
	k, err := p.Key()
	if err != nil {
		return "", err
	}
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: k.Private},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader(jose.HeaderKey("kid"), k.KeyID))
	if err != nil {
		return "", fmt.Errorf("testidp: %w", err)
	}
	now := p.now()
	life := o.ExpiresIn
	if life == 0 {
		life = DefaultTokenLifetime
	}
	iat := now
	if life < 0 {
		// An expired token was issued before it expired.
		iat = now.Add(life - time.Minute)
	}
	claims := map[string]any{}
	for k, v := range o.Claims {
		claims[k] = v
	}
	std := jwt.Claims{Issuer: o.Issuer, Subject: o.Subject, Audience: jwt.Audience(o.Audience),
		IssuedAt: jwt.NewNumericDate(iat), NotBefore: jwt.NewNumericDate(iat), Expiry: jwt.NewNumericDate(now.Add(life))}
	return jwt.Signed(sig).Claims(claims).Claims(std).Serialize()
}

// ClaimValue turns the text of a --claim k=v flag into a claim value: JSON
// when v parses as a JSON number, array, object or boolean, else the string.
func ClaimValue(v string) any {
	t := strings.TrimSpace(v)
	if t != "" && (strings.ContainsAny(t[:1], "[{-0123456789") || t == "true" || t == "false") {
		var x any
		if json.Unmarshal([]byte(t), &x) == nil {
			return x
		}
	}
	return v
}

// Issuer returns the issuer URL of the test IdP served at base (the
// server's URL, such as http://127.0.0.1:8080).
func Issuer(base string) string { return strings.TrimSuffix(base, "/") + OIDCPath }

// requestBase is the URL of the server as the request reached it.
func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// Register adds the test IdP's endpoints with mux.Handle-style pattern
// registration: the OIDC discovery document and JWKS, and the SAML
// metadata.
func (p *IdP) Register(handle func(pattern string, h http.Handler)) {
	handle("GET "+OIDCPath+"/.well-known/openid-configuration", http.HandlerFunc(p.serveDiscovery))
	handle("GET "+OIDCPath+"/jwks.json", http.HandlerFunc(p.serveJWKS))
	handle("GET "+SAMLPath+"/metadata", http.HandlerFunc(p.serveMetadata))
}

func (p *IdP) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	iss := Issuer(requestBase(r))
	writeJSON(w, map[string]any{
		"issuer":                                iss,
		"jwks_uri":                              iss + "/jwks.json",
		"response_types_supported":              []string{"id_token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"claims_supported":                      []string{"sub", "aud", "exp", "iat", "iss", "nbf", "amr", "azp"},
	})
}

func (p *IdP) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	k, err := p.Key()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &k.Private.PublicKey, KeyID: k.KeyID, Algorithm: string(jose.RS256), Use: "sig"}}})
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "max-age=300")
	_, _ = w.Write(append(b, '\n'))
}
