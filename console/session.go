package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/server/sigv4"
)

// Cookie names. The session cookie is sealed; the login cookie holds only
// the CSRF token of the sign-in form (double submit).
const (
	sessionCookie = "connect_iam_console"
	loginCookie   = "connect_iam_console_login"
	csrfHeader    = "X-CSRF-Token"
)

// cookieAD binds sealed cookies to their purpose, so that no other value
// the master key seals can pass for one.
var cookieAD = []byte("connect-iam console session v1")

// sessionState is what the session cookie carries, sealed (AES-GCM under
// the master key: encrypted and authenticated). It holds no secret: the
// temporary credentials' secret stays sealed in the store, found by
// KeyID.
type sessionState struct {
	KeyID   string `json:"k"` // temporary access key ID (ASIA...)
	ARN     string `json:"a"` // the principal, for display
	Account string `json:"c"`
	Expires int64  `json:"e"` // Unix seconds
	CSRF    string `json:"x"`
	Reset   bool   `json:"r,omitempty"` // the password must be changed
	Own     bool   `json:"o,omitempty"` // the console issued the credentials: sign-out deletes them
}

// errNoSession is a request without a valid session cookie.
var errNoSession = errors.New("console: not signed in")

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// seal returns the cookie value of s.
func (c *Console) seal(s sessionState) string {
	raw, _ := json.Marshal(s)
	return base64.RawURLEncoding.EncodeToString(c.d.Box.Seal(raw, cookieAD))
}

// open returns the session of a cookie value; any tampering, a value
// sealed under another master key or an expired session is errNoSession.
func (c *Console) open(v string) (sessionState, error) {
	var s sessionState
	sealed, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return s, errNoSession
	}
	raw, err := c.d.Box.Open(sealed, cookieAD)
	if err != nil {
		return s, errNoSession
	}
	if json.Unmarshal(raw, &s) != nil || s.KeyID == "" || s.CSRF == "" {
		return s, errNoSession
	}
	if !c.d.Now().Before(time.Unix(s.Expires, 0)) {
		return s, errNoSession
	}
	return s, nil
}

func secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func (c *Console) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: Path, MaxAge: maxAge, HttpOnly: true,
		Secure: secure(r), SameSite: http.SameSiteStrictMode}
}

func (c *Console) setSession(w http.ResponseWriter, r *http.Request, s sessionState) {
	maxAge := max(int(time.Unix(s.Expires, 0).Sub(c.d.Now()).Seconds()), 1)
	http.SetCookie(w, c.cookie(r, sessionCookie, c.seal(s), maxAge))
}

func (c *Console) clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, c.cookie(r, sessionCookie, "", -1))
}

// current returns the request's session.
func (c *Console) current(r *http.Request) (sessionState, error) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return sessionState{}, errNoSession
	}
	return c.open(ck.Value)
}

// sameOrigin refuses a request whose Origin header (browsers send it on
// every POST) names another origin than the one it was sent to.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	_, host, ok := strings.Cut(o, "://")
	return ok && strings.EqualFold(host, r.Host)
}

func tokenEqual(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// handlerFunc is a console endpoint of a signed-in session.
type handlerFunc func(w http.ResponseWriter, r *http.Request, s sessionState, creds sigv4.Credentials)

// authed wraps an endpoint that needs a session: a valid cookie whose
// temporary credentials still resolve, and on POST the session's CSRF
// token and a same-origin request.
func (c *Console) authed(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := c.current(r)
		if err != nil {
			writeError(w, http.StatusUnauthorized, "NotSignedIn", "Sign in to the console first (your session is missing or has expired).")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !sameOrigin(r) || !tokenEqual(r.Header.Get(csrfHeader), s.CSRF) {
				writeError(w, http.StatusForbidden, "InvalidCSRFToken",
					"The request lacks the session's CSRF token (header "+csrfHeader+"); reload the console and try again.")
				return
			}
		}
		creds, err := c.d.Credentials.LookupCredentials(r.Context(), s.KeyID)
		if err != nil {
			// The session was deleted, its principal removed, or it expired.
			c.clearSession(w, r)
			writeError(w, http.StatusUnauthorized, "NotSignedIn", "Your console session is no longer valid; sign in again.")
			return
		}
		h(w, r, s, creds)
	}
}

// csrfLogin wraps the sign-in endpoint: its X-CSRF-Token header must
// equal the login cookie that GET /console/api/session set (double
// submit), so that another site cannot sign a browser in as its own user.
func (c *Console) csrfLogin(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie(loginCookie)
		if err != nil || !sameOrigin(r) || !tokenEqual(r.Header.Get(csrfHeader), ck.Value) {
			writeError(w, http.StatusForbidden, "InvalidCSRFToken",
				"The sign-in lacks its CSRF token (header "+csrfHeader+" and its cookie); reload the console and try again.")
			return
		}
		h(w, r)
	}
}

// sessionInfo is the answer of GET /console/api/session.
type sessionInfo struct {
	SignedIn bool   `json:"signedIn"`
	ARN      string `json:"arn,omitempty"`
	Account  string `json:"account,omitempty"`
	Expires  string `json:"expires,omitempty"`
	// CSRF is the token to send in X-CSRF-Token: the session's, or the
	// sign-in form's before signing in.
	CSRF string `json:"csrf"`
	// PasswordResetRequired is set when the login profile asks for a new
	// password.
	PasswordResetRequired bool   `json:"passwordResetRequired,omitempty"`
	Region                string `json:"region"`
}

func (c *Console) session(w http.ResponseWriter, r *http.Request) {
	if s, err := c.current(r); err == nil {
		if _, err := c.d.Credentials.LookupCredentials(r.Context(), s.KeyID); err == nil {
			writeJSON(w, http.StatusOK, sessionInfo{SignedIn: true, ARN: s.ARN, Account: s.Account, CSRF: s.CSRF,
				Expires: time.Unix(s.Expires, 0).UTC().Format(time.RFC3339), PasswordResetRequired: s.Reset, Region: c.d.Region})
			return
		}
		c.clearSession(w, r)
	}
	tok := randomToken()
	if ck, err := r.Cookie(loginCookie); err == nil && len(ck.Value) >= 32 {
		tok = ck.Value
	}
	http.SetCookie(w, c.cookie(r, loginCookie, tok, 3600))
	writeJSON(w, http.StatusOK, sessionInfo{CSRF: tok, Region: c.d.Region})
}

// callerOf returns the authorizer's caller of a session's credentials.
func callerOf(creds sigv4.Credentials) *authz.Caller { return authz.CallerOf(creds.Principal) }
