package sts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/internal/federation"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

// Errors of the federation operations, with AWS's codes and statuses.

func invalidIdentityToken(format string, a ...any) error {
	return awsquery.NewError(http.StatusBadRequest, "InvalidIdentityToken", fmt.Sprintf(format, a...))
}

func expiredIdentityToken(format string, a ...any) error {
	return awsquery.NewError(http.StatusBadRequest, "ExpiredTokenException", fmt.Sprintf(format, a...))
}

func idpCommunication(format string, a ...any) error {
	return awsquery.NewError(http.StatusBadRequest, "IDPCommunicationError", fmt.Sprintf(format, a...))
}

func idpRejectedClaim(format string, a ...any) error {
	return awsquery.NewError(http.StatusForbidden, "IDPRejectedClaim", fmt.Sprintf(format, a...))
}

// tokenAlgorithms are the JWS algorithms AssumeRoleWithWebIdentity
// accepts, as AWS does: RSA and ECDSA signatures, never "none" or an HMAC.
var tokenAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512}

// tokenLeeway is the clock skew allowed on nbf and iat.
const tokenLeeway = time.Minute

// webToken is a parsed, not yet verified, web identity token.
type webToken struct {
	jws   *jwt.JSONWebToken
	std   jwt.Claims
	extra tokenExtra
}

// tokenExtra are the claims beyond the registered ones that STS reads.
type tokenExtra struct {
	AZP string          `json:"azp"`
	AMR json.RawMessage `json:"amr"`
}

// amr returns the amr claim's values: a list of strings, or one string.
func (x tokenExtra) amr() []string {
	if len(x.AMR) == 0 {
		return nil
	}
	var list []string
	if json.Unmarshal(x.AMR, &list) == nil {
		return list
	}
	var one string
	if json.Unmarshal(x.AMR, &one) == nil {
		return []string{one}
	}
	return nil
}

// parseWebToken parses a compact JWS ID token without verifying it.
func parseWebToken(raw string) (*webToken, error) {
	jws, err := jwt.ParseSigned(raw, tokenAlgorithms)
	if err != nil {
		return nil, invalidIdentityToken("The ID Token provided is not a valid JWT (%v). (You may see this error if you sent an Access Token)", err)
	}
	t := &webToken{jws: jws}
	if err := jws.UnsafeClaimsWithoutVerification(&t.std, &t.extra); err != nil {
		return nil, invalidIdentityToken("The ID Token provided is not a valid JWT: its claims are not a JSON object of the registered types (%v).", err)
	}
	if t.std.Issuer == "" {
		return nil, invalidIdentityToken("The ID Token provided has no iss claim: STS finds the OpenID Connect provider by it.")
	}
	if msg := federation.CheckURL(t.std.Issuer); msg != "" {
		return nil, invalidIdentityToken("The ID Token's issuer is not valid: %s.", msg)
	}
	if t.std.Subject == "" {
		return nil, invalidIdentityToken("The ID Token provided has no sub claim.")
	}
	if len(t.std.Audience) == 0 {
		return nil, invalidIdentityToken("The ID Token provided has no aud claim.")
	}
	if t.std.Expiry == nil {
		return nil, invalidIdentityToken("The ID Token provided has no exp claim.")
	}
	return t, nil
}

// verify checks the token's signature against the issuer's keys and its
// times against now.
func (t *webToken) verify(keys *jose.JSONWebKeySet, now time.Time) error {
	kid := ""
	if len(t.jws.Headers) > 0 {
		kid = t.jws.Headers[0].KeyID
	}
	candidates := keys.Keys
	if kid != "" {
		candidates = keys.Key(kid)
	}
	if len(candidates) == 0 {
		return invalidIdentityToken("The web identity token is signed with key %q, which the issuer's JWKS does not have.", kid)
	}
	verified := false
	var std jwt.Claims
	for _, k := range candidates {
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		if err := t.jws.Claims(k, &std); err == nil {
			verified = true
			break
		}
	}
	if !verified {
		return invalidIdentityToken("The web identity token's signature does not verify with the issuer's keys: it was altered or not signed by %s.", t.std.Issuer)
	}
	exp := t.std.Expiry.Time()
	if !now.Before(exp) {
		return expiredIdentityToken("Token expired: current date/time %d must be before the expiration date/time %d", now.Unix(), exp.Unix())
	}
	if t.std.NotBefore != nil && now.Add(tokenLeeway).Before(t.std.NotBefore.Time()) {
		return invalidIdentityToken("The web identity token is not valid yet: its nbf is %s.", t.std.NotBefore.Time().UTC().Format(time.RFC3339))
	}
	if t.std.IssuedAt != nil && now.Add(tokenLeeway).Before(t.std.IssuedAt.Time()) {
		return invalidIdentityToken("The web identity token was issued in the future: its iat is %s.", t.std.IssuedAt.Time().UTC().Format(time.RFC3339))
	}
	return nil
}

// Limits of the key set cache.
const (
	jwksTTL        = 10 * time.Minute
	jwksRefetch    = 30 * time.Second // least time between two fetches for an unknown kid
	jwksMaxIssuers = 100
	jwksMaxBytes   = 1 << 20
	jwksTimeout    = 5 * time.Second
)

// jwksCache fetches and keeps issuers' JSON Web Key Sets: the jwks_uri of
// the issuer's /.well-known/openid-configuration.
type jwksCache struct {
	client *http.Client

	mu      sync.Mutex
	entries map[string]*jwksEntry // issuer to keys
}

type jwksEntry struct {
	keys    *jose.JSONWebKeySet
	fetched time.Time
}

func newJWKSCache() *jwksCache {
	return &jwksCache{
		client: &http.Client{
			Timeout: jwksTimeout,
			// An issuer's endpoints answer directly; a redirect could lead
			// away from the https (or loopback) URL that was checked.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		entries: map[string]*jwksEntry{},
	}
}

// keys returns the key set of issuer, from the cache when it is fresh and
// has kid (or kid is ""), else fetched.
func (c *jwksCache) keys(ctx context.Context, issuer, kid string, now time.Time) (*jose.JSONWebKeySet, error) {
	c.mu.Lock()
	e := c.entries[issuer]
	c.mu.Unlock()
	if e != nil && now.Sub(e.fetched) < jwksTTL && now.Sub(e.fetched) >= 0 {
		if kid == "" || len(e.keys.Key(kid)) > 0 || now.Sub(e.fetched) < jwksRefetch {
			return e.keys, nil
		}
	}
	keys, err := c.fetch(ctx, issuer)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= jwksMaxIssuers {
		var oldest string
		for iss, e := range c.entries {
			if oldest == "" || e.fetched.Before(c.entries[oldest].fetched) {
				oldest = iss
			}
		}
		delete(c.entries, oldest)
	}
	c.entries[issuer] = &jwksEntry{keys: keys, fetched: now}
	return keys, nil
}

// fetch reads the issuer's discovery document and the key set it names.
func (c *jwksCache) fetch(ctx context.Context, issuer string) (*jose.JSONWebKeySet, error) {
	var disc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := c.getJSON(ctx, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration", &disc); err != nil {
		return nil, err
	}
	if strings.TrimSuffix(disc.Issuer, "/") != strings.TrimSuffix(issuer, "/") {
		return nil, idpCommunication("The discovery document of %s names the issuer %q; it must name the token's issuer.", issuer, disc.Issuer)
	}
	if msg := federation.CheckURL(disc.JWKSURI); msg != "" && !strings.Contains(msg, "query") {
		return nil, idpCommunication("The discovery document of %s has no usable jwks_uri: %s.", issuer, msg)
	}
	var keys jose.JSONWebKeySet
	if err := c.getJSON(ctx, disc.JWKSURI, &keys); err != nil {
		return nil, err
	}
	if len(keys.Keys) == 0 {
		return nil, idpCommunication("The JWKS of %s (%s) has no keys.", issuer, disc.JWKSURI)
	}
	return &keys, nil
}

func (c *jwksCache) getJSON(ctx context.Context, u string, v any) error {
	fail := func(err error) error {
		return idpCommunication("Couldn't retrieve verification key from your identity provider: GET %s: %v", u, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fail(err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fail(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fail(fmt.Errorf("status %s", resp.Status))
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, jwksMaxBytes+1))
	if err != nil {
		return fail(err)
	}
	if len(b) > jwksMaxBytes {
		return fail(fmt.Errorf("the document is larger than %d bytes", jwksMaxBytes))
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fail(fmt.Errorf("not JSON: %v", err))
	}
	return nil
}

// webIdentityResult is the AssumeRoleWithWebIdentity result.
type webIdentityResult struct {
	Credentials                 credentialsXML `xml:"Credentials"`
	SubjectFromWebIdentityToken string         `xml:"SubjectFromWebIdentityToken"`
	AssumedRoleUser             struct {
		Arn           string `xml:"Arn"`
		AssumedRoleID string `xml:"AssumedRoleId"`
	} `xml:"AssumedRoleUser"`
	PackedPolicySize *int   `xml:"PackedPolicySize,omitempty"`
	Provider         string `xml:"Provider"`
	Audience         string `xml:"Audience"`
	SourceIdentity   string `xml:"SourceIdentity,omitempty"`
}

// federatedRequest is what AssumeRoleWithWebIdentity and AssumeRoleWithSAML
// have in common once the token or assertion is verified.
type federatedRequest struct {
	call        *server.QueryCall
	action      string // sts:AssumeRoleWithWebIdentity or sts:AssumeRoleWithSAML
	roleARN     string
	sessionName string
	provider    string              // the provider's ARN, the Federated principal
	keys        map[string][]string // the provider's condition keys
	dur         time.Duration
	hasDur      bool
}

// assumeFederated evaluates the role's trust policy for a verified
// federated caller and issues the role session.
func (s *Service) assumeFederated(ctx context.Context, fr *federatedRequest) (store.Session, issued, *int, error) {
	p := fr.call.Params
	denied := func() error {
		return accessDenied("Not authorized to perform " + fr.action)
	}
	partition, account, roleName, ok := roleARNParts(fr.roleARN)
	if !ok {
		return store.Session{}, issued{}, nil, validationError(fmt.Sprintf("%s is not a valid role ARN: write arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME (with the role's path, if any).", fr.roleARN))
	}
	var role store.Role
	err := s.d.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		role, err = tx.GetRole(account, roleName)
		return err
	})
	if errors.Is(err, store.ErrNotFound) || err == nil && role.ARN != fr.roleARN {
		return store.Session{}, issued{}, nil, denied()
	}
	if err != nil {
		return store.Session{}, issued{}, nil, err
	}
	maxDur := role.MaxSessionDuration
	if maxDur <= 0 {
		maxDur = time.Hour
	}
	dur := fr.dur
	if !fr.hasDur {
		dur = DefaultRoleDuration
	}
	if dur > maxDur {
		return store.Session{}, issued{}, nil, validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	sp, err := s.readSessionPolicies(ctx, p, account, 2048)
	if err != nil {
		return store.Session{}, issued{}, nil, err
	}
	var packed *int
	if sp.given {
		if packed, err = packedSize(sp.size); err != nil {
			return store.Session{}, issued{}, nil, err
		}
	}
	trust, err := s.compileTrust(role)
	if err != nil {
		return store.Session{}, issued{}, nil, err
	}
	now := s.now().UTC()
	ec := eval.NewContext()
	for k, vs := range fr.keys {
		ec.Set(k, vs...)
	}
	ec.Set("aws:FederatedProvider", fr.provider)
	ec.Set("sts:RoleSessionName", fr.sessionName)
	ec.Set("aws:CurrentTime", now.Format(time.RFC3339))
	ec.Set("aws:EpochTime", strconv.FormatInt(now.Unix(), 10))
	ec.Set("aws:ResourceAccount", role.AccountID)
	ec.Set("aws:SecureTransport", strconv.FormatBool(fr.call.HTTPRequest != nil && fr.call.HTTPRequest.TLS != nil))
	if h := fr.call.HTTPRequest; h != nil {
		if host, _, err := net.SplitHostPort(h.RemoteAddr); err == nil {
			ec.Set("aws:SourceIp", host)
		}
		ec.Set("aws:UserAgent", h.UserAgent())
	}
	er := &eval.Request{
		Principal:       eval.Principal{Type: eval.AnonymousPrincipal, Federated: fr.provider, UserID: fr.provider},
		Action:          fr.action,
		Resource:        role.ARN,
		ResourceAccount: role.AccountID,
		Context:         ec,
	}
	set := eval.PolicySet{Resource: trust}
	if set.Decide(er) != eval.Allow {
		return store.Session{}, issued{}, nil, denied()
	}
	now = now.Truncate(time.Second)
	cr := newCredentials()
	sess := store.Session{
		AccountID:    role.AccountID,
		Kind:         store.SessionAssumedRole,
		PrincipalARN: "arn:" + partition + ":sts::" + role.AccountID + ":assumed-role/" + role.Name + "/" + fr.sessionName,
		PrincipalID:  role.ID + ":" + fr.sessionName,
		SourceARN:    role.ARN,
		SessionName:  fr.sessionName,
		Policy:       sp.inline,
		PolicyARNs:   sp.arns,
		Created:      now,
		Expiration:   now.Add(dur),
	}
	var recordUse func(tx store.Tx) error
	if s.roleUseDue(role.ARN, now) {
		region := ""
		if fr.call.Auth != nil {
			region = fr.call.Auth.Region
		}
		recordUse = func(tx store.Tx) error {
			r, err := tx.GetRole(role.AccountID, role.Name)
			if err != nil {
				return err
			}
			r.LastUsed, r.LastUsedRegion = now, region
			return tx.UpdateRole(r)
		}
	}
	if err := s.storeSession(ctx, cr, sess, recordUse); err != nil {
		return store.Session{}, issued{}, nil, err
	}
	return sess, cr, packed, nil
}

// webIdentityKeys are the condition keys AWS sets for a web identity
// token of the provider with ID (HOST/PATH): HOST/PATH:sub, :aud (the azp
// claim when the token has one, else its aud), :oaud (the aud claim when
// azp took :aud), and :amr.
func webIdentityKeys(id string, t *webToken) map[string][]string {
	kv := map[string][]string{id + ":sub": {t.std.Subject}}
	if t.extra.AZP != "" {
		kv[id+":aud"] = []string{t.extra.AZP}
		kv[id+":oaud"] = []string(t.std.Audience)
	} else {
		kv[id+":aud"] = []string(t.std.Audience)
	}
	if amr := t.extra.amr(); len(amr) > 0 {
		kv[id+":amr"] = amr
	}
	return kv
}

// audienceAllowed reports the client ID of the token that the provider
// lists (aud, or azp), or "".
func audienceAllowed(p federation.OIDCProvider, t *webToken) string {
	for _, id := range p.ClientIDs {
		if t.extra.AZP == id {
			return id
		}
		for _, a := range t.std.Audience {
			if a == id {
				return id
			}
		}
	}
	return ""
}

func (s *Service) assumeRoleWithWebIdentity(ctx context.Context, call *server.QueryCall) (any, error) {
	p := call.Params
	roleARN := p.Required("RoleArn")
	p.Length("RoleArn", 20, 2048)
	sessionName := p.Required("RoleSessionName")
	p.Length("RoleSessionName", 2, 64)
	p.Pattern("RoleSessionName", reSessionName)
	raw := p.Required("WebIdentityToken")
	p.Length("WebIdentityToken", 4, 20000)
	p.Length("ProviderId", 4, 2048)
	p.Range("DurationSeconds", int64(MinDuration/time.Second), int64(MaxAssumeRoleDuration/time.Second))
	_, hasDur := p.Int("DurationSeconds")
	dur := duration(p, DefaultRoleDuration)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if p.Has("ProviderId") {
		return nil, invalidParam("ProviderId is for OAuth 2.0 access tokens of www.amazon.com and graph.facebook.com, which connect-iam does not verify; pass an OpenID Connect ID token without ProviderId.")
	}
	_, account, _, ok := roleARNParts(roleARN)
	if !ok {
		return nil, validationError(fmt.Sprintf("%s is not a valid role ARN: write arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME (with the role's path, if any).", roleARN))
	}
	tok, err := parseWebToken(raw)
	if err != nil {
		return nil, err
	}
	var prov federation.OIDCProvider
	err = s.d.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		prov, err = federation.FindOIDC(tx, account, tok.std.Issuer)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, invalidIdentityToken("No OpenIDConnect provider found in your account for %s", tok.std.Issuer)
	}
	if err != nil {
		return nil, err
	}
	aud := audienceAllowed(prov, tok)
	if aud == "" {
		return nil, invalidIdentityToken("Incorrect token audience: none of %q is a client ID of the provider %s; add it with AddClientIDToOpenIDConnectProvider.", []string(tok.std.Audience), prov.ARN)
	}
	kid := ""
	if len(tok.jws.Headers) > 0 {
		kid = tok.jws.Headers[0].KeyID
	}
	keys, err := s.jwks.keys(ctx, tok.std.Issuer, kid, s.now())
	if err != nil {
		return nil, err
	}
	if err := tok.verify(keys, s.now()); err != nil {
		return nil, err
	}
	sess, cr, packed, err := s.assumeFederated(ctx, &federatedRequest{call: call, action: "sts:AssumeRoleWithWebIdentity", roleARN: roleARN,
		sessionName: sessionName, provider: prov.ARN, keys: webIdentityKeys(prov.ID(), tok), dur: dur, hasDur: hasDur})
	if err != nil {
		return nil, err
	}
	out := &webIdentityResult{Credentials: cr.xml(sess.Expiration), SubjectFromWebIdentityToken: tok.std.Subject,
		PackedPolicySize: packed, Provider: tok.std.Issuer, Audience: aud}
	out.AssumedRoleUser.Arn = sess.PrincipalARN
	out.AssumedRoleUser.AssumedRoleID = sess.PrincipalID
	return out, nil
}
