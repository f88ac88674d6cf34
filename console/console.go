// Package console serves connect-iam's web console at /console/ on the
// API's port: the embedded single-page application built from web/ (see
// docs/console.md) and the small backend it talks to under /console/api/.
//
// The console is no back door around IAM. Signing in (an IAM user's
// console password, with an MFA code when the user has a device, or an
// access key pair) yields temporary STS credentials for the session,
// stored sealed like every STS session. The session cookie holds only
// their access key ID, sealed with the server's master key; every page's
// data then comes from ordinary API calls (IAM, STS, Access Analyzer,
// Amazon Connect, ...) that the backend signs with SigV4 as the signed-in
// principal and hands to the server's own handler in process, so they are
// authenticated, authorized and audited exactly as the same calls from
// the AWS CLI. The audit page reads the audit log through the console's
// one endpoint of its own, authorized as cloudtrail:LookupEvents for the
// session's principal. The service authorization catalog (public AWS
// reference data) and the offline policy evaluator of "connect-iam
// simulate" are served to signed-in sessions without a policy check,
// since they read nothing from the store.
//
// Every request that changes something (all POSTs) must carry the
// session's CSRF token in the X-CSRF-Token header; the cookie is
// HttpOnly, SameSite=Strict, Path=/console/ and Secure when the request
// came over TLS.
package console

import (
	"embed"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/server/sigv4"
	"github.com/connect-iam/connect-iam/store"
)

// Path is where the console is served.
const Path = "/console/"

// DefaultRegion is the region the console signs its API calls for.
const DefaultRegion = "us-east-1"

// SessionDuration is how long a console session (and its temporary
// credentials) lasts.
const SessionDuration = 12 * time.Hour

//go:embed all:dist
var dist embed.FS

// Deps are what the console needs from the server it runs in.
type Deps struct {
	// API is the server's HTTP handler; the console's API calls are
	// served by it in process, signed as the session's principal.
	API http.Handler
	// Store holds the login profiles, MFA devices, STS sessions and the
	// audit log.
	Store store.Store
	// Box seals the session cookie and the sessions' secrets.
	Box *secretbox.Box
	// Credentials resolves access key IDs (the same lookup the SigV4
	// verifier uses).
	Credentials sigv4.CredentialStore
	// Authorizer authorizes the console's own endpoint (the audit log, as
	// cloudtrail:LookupEvents).
	Authorizer authz.Authorizer
	// Catalog is the service authorization catalog.
	Catalog *catalog.Catalog
	// DefaultAccount is the account a password sign-in uses when the form
	// names none (the bootstrapped account).
	DefaultAccount string
	// Region is the region of the console's API calls; empty means
	// DefaultRegion.
	Region string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives sign-in outcomes (never a secret); nil means
	// slog.Default().
	Logger *slog.Logger
}

// Console is the web console's HTTP handler.
type Console struct {
	d      Deps
	assets fs.FS
	files  http.Handler
	mux    *http.ServeMux
}

// New returns the console; register it on the server at [Path].
func New(d Deps) *Console {
	if d.Region == "" {
		d.Region = DefaultRegion
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the embedded tree always has dist
	}
	c := &Console{d: d, assets: sub, files: http.FileServerFS(sub), mux: http.NewServeMux()}
	c.mux.HandleFunc("GET /console/api/session", c.session)
	c.mux.HandleFunc("POST /console/api/signin", c.csrfLogin(c.signIn))
	c.mux.HandleFunc("POST /console/api/signout", c.authed(c.signOut))
	c.mux.HandleFunc("POST /console/api/call", c.authed(c.call))
	c.mux.HandleFunc("POST /console/api/explain", c.authed(c.explain))
	c.mux.HandleFunc("GET /console/api/catalog/actions", c.authed(c.catalogActions))
	c.mux.HandleFunc("GET /console/api/catalog/action", c.authed(c.catalogAction))
	c.mux.HandleFunc("GET /console/api/audit", c.authed(c.auditEvents))
	c.mux.HandleFunc("/console/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "NotFound", "No console endpoint "+r.Method+" "+r.URL.Path+"; see docs/console.md.")
	})
	c.mux.HandleFunc("/console/", c.static)
	return c
}

// ServeHTTP serves the console under [Path].
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	// CodeMirror injects its style sheets at run time, hence inline styles.
	h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "+
		"frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	if r.URL.Path == "/console" {
		http.Redirect(w, r, Path, http.StatusMovedPermanently)
		return
	}
	c.mux.ServeHTTP(w, r)
}

// static serves the built application; unknown paths get index.html, so
// that the application's own routes load it.
func (c *Console) static(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "the console's pages are read with GET", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(r.URL.Path, Path)
	if name != "" {
		if f, err := c.assets.Open(name); err == nil {
			f.Close()
			w.Header().Set("Cache-Control", "no-cache")
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/" + name
			c.files.ServeHTTP(w, r2)
			return
		}
	}
	b, err := fs.ReadFile(c.assets, "index.html")
	if err != nil {
		http.Error(w, "the console's assets are missing from this build; run scripts/build-console.sh", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(b)
}

// apiError is the JSON error body of the console's endpoints.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, apiError{Code: code, Message: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// maxBody limits the console's request bodies (policies are at most
// 10 KiB; simulations carry a few).
const maxBody = 1 << 20

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "ValidationException", "The request body is not the JSON this endpoint takes: "+err.Error())
		return false
	}
	return true
}
