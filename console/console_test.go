package console_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/internal/app"
	"github.com/connect-iam/connect-iam/internal/mfa"
	"github.com/connect-iam/connect-iam/store"
)

const (
	account     = "123456789012"
	adminKey    = "AKIAADMINCONSOLETEST"
	adminSecret = "consoleTestAdminSecretAccessKey000000000"
	password    = "Console-Passw0rd!"
)

// env is a server with the console, started in memory.
type env struct {
	t     *testing.T
	srv   *httptest.Server
	app   *app.App
	clock *atomic.Int64 // offset of the server's clock, in nanoseconds
	logs  *bytes.Buffer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	vars := map[string]string{"CONNECT_IAM_ACCOUNT_ID": account,
		"CONNECT_IAM_BOOTSTRAP_ACCESS_KEY_ID": adminKey, "CONNECT_IAM_BOOTSTRAP_SECRET_ACCESS_KEY": adminSecret}
	e := &env{t: t, clock: &atomic.Int64{}, logs: &bytes.Buffer{}}
	a, err := app.New(context.Background(), app.Config{Memory: true, Getenv: func(k string) string { return vars[k] },
		Logger: slog.New(slog.NewTextHandler(e.logs, nil)), Now: e.now})
	if err != nil {
		t.Fatal(err)
	}
	e.app = a
	e.srv = httptest.NewServer(a.Server.Handler())
	t.Cleanup(func() {
		e.srv.Close()
		a.Close()
	})
	return e
}

func (e *env) now() time.Time { return time.Now().Add(time.Duration(e.clock.Load())) }

// client is a browser: a cookie jar and the CSRF token of its page.
type client struct {
	e    *env
	http *http.Client
	csrf string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request to the console and decodes its JSON answer into out
// (when not nil); it returns the status.
func (c *client) do(method, path string, body any, out any, header ...string) int {
	c.e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.e.srv.URL+path, rd)
	if method != http.MethodGet {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			c.e.t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, raw, err)
		}
	}
	return resp.StatusCode
}

type info struct {
	SignedIn bool   `json:"signedIn"`
	ARN      string `json:"arn"`
	CSRF     string `json:"csrf"`
	Code     string `json:"code"`
	Message  string `json:"message"`
}

func (c *client) signIn(req map[string]string) (int, info) {
	c.e.t.Helper()
	var s info
	c.do(http.MethodGet, "/console/api/session", nil, &s)
	c.csrf = s.CSRF
	var out info
	st := c.do(http.MethodPost, "/console/api/signin", req, &out)
	if st == http.StatusOK {
		c.csrf = out.CSRF
	}
	return st, out
}

func (c *client) mustSignIn(req map[string]string) {
	c.e.t.Helper()
	if st, out := c.signIn(req); st != http.StatusOK || !out.SignedIn {
		c.e.t.Fatalf("sign-in %v: %d %+v", req["mode"], st, out)
	}
}

type apiResponse struct {
	Status int    `json:"status"`
	Body   string `json:"body"`
}

// iam calls an IAM action through the console and returns the API's answer.
func (c *client) iam(action string, params ...string) apiResponse {
	c.e.t.Helper()
	form := url.Values{"Action": {action}, "Version": {"2010-05-08"}}
	for i := 0; i+1 < len(params); i += 2 {
		form.Set(params[i], params[i+1])
	}
	var r apiResponse
	if st := c.do(http.MethodPost, "/console/api/call", map[string]any{"service": "iam", "form": form}, &r); st != http.StatusOK {
		c.e.t.Fatalf("call %s: console status %d", action, st)
	}
	return r
}

func (c *client) mustIAM(action string, params ...string) string {
	c.e.t.Helper()
	r := c.iam(action, params...)
	if r.Status != http.StatusOK {
		c.e.t.Fatalf("%s: %d %s", action, r.Status, r.Body)
	}
	return r.Body
}

func (e *env) admin() *client {
	c := e.client()
	c.mustSignIn(map[string]string{"mode": "keys", "accessKeyId": adminKey, "secretAccessKey": adminSecret})
	return c
}

// user creates an IAM user with a console password and an inline policy
// (none when policy is "").
func (e *env) user(admin *client, name, policy string) {
	admin.mustIAM("CreateUser", "UserName", name)
	admin.mustIAM("CreateLoginProfile", "UserName", name, "Password", password)
	if policy != "" {
		admin.mustIAM("PutUserPolicy", "UserName", name, "PolicyName", "p", "PolicyDocument", policy)
	}
}

func TestSignIn(t *testing.T) {
	e := newEnv(t)
	admin := e.admin()
	e.user(admin, "alice", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}"}]}`)
	tests := []struct {
		name     string
		req      map[string]string
		status   int
		code     string
		wantUser string
	}{
		{"password", map[string]string{"mode": "password", "userName": "alice", "password": password}, 200, "", "alice"},
		{"password with the account", map[string]string{"mode": "password", "account": account, "userName": "alice", "password": password}, 200, "", "alice"},
		{"wrong password", map[string]string{"mode": "password", "userName": "alice", "password": "nope"}, 401, "SignInFailed", ""},
		{"unknown user", map[string]string{"mode": "password", "userName": "mallory", "password": password}, 401, "SignInFailed", ""},
		{"user without a login profile", map[string]string{"mode": "password", "userName": "admin", "password": password}, 401, "SignInFailed", ""},
		{"other account", map[string]string{"mode": "password", "account": "999999999999", "userName": "alice", "password": password}, 401, "SignInFailed", ""},
		{"access key", map[string]string{"mode": "keys", "accessKeyId": adminKey, "secretAccessKey": adminSecret}, 200, "", "admin"},
		{"wrong secret", map[string]string{"mode": "keys", "accessKeyId": adminKey, "secretAccessKey": adminSecret[1:] + "x"}, 401, "SignInFailed", ""},
		{"unknown key", map[string]string{"mode": "keys", "accessKeyId": "AKIAUNKNOWN000000000", "secretAccessKey": adminSecret}, 401, "SignInFailed", ""},
		{"no mode", map[string]string{"userName": "alice", "password": password}, 400, "ValidationException", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.client()
			st, out := c.signIn(tt.req)
			if st != tt.status || out.Code != tt.code {
				t.Fatalf("sign-in: %d %+v, want %d %s", st, out, tt.status, tt.code)
			}
			if tt.wantUser == "" {
				return
			}
			if want := ":user/" + tt.wantUser; !strings.HasSuffix(out.ARN, want) {
				t.Errorf("ARN %s, want ...%s", out.ARN, want)
			}
			// The session calls IAM as the user: GetUser names it.
			if body := c.mustIAM("GetUser"); !strings.Contains(body, "<UserName>"+tt.wantUser+"</UserName>") {
				t.Errorf("GetUser as %s: %s", tt.wantUser, body)
			}
			// Sign-out ends the session the console issued.
			if st := c.do(http.MethodPost, "/console/api/signout", map[string]string{}, nil); st != http.StatusOK {
				t.Fatalf("sign-out: %d", st)
			}
			var r info
			if st := c.do(http.MethodPost, "/console/api/call", map[string]any{"service": "iam", "form": url.Values{"Action": {"GetUser"}}}, &r); st != http.StatusUnauthorized {
				t.Errorf("call after sign-out: %d %+v", st, r)
			}
		})
	}
	if strings.Contains(e.logs.String(), password) || strings.Contains(e.logs.String(), adminSecret) {
		t.Errorf("a secret is in the log:\n%s", e.logs)
	}
}

func TestSignInMFA(t *testing.T) {
	e := newEnv(t)
	admin := e.admin()
	e.user(admin, "carol", "")
	var created struct {
		Device struct {
			Serial string `xml:"SerialNumber"`
			Seed   string `xml:"Base32StringSeed"`
		} `xml:"CreateVirtualMFADeviceResult>VirtualMFADevice"`
	}
	if err := xml.Unmarshal([]byte(admin.mustIAM("CreateVirtualMFADevice", "VirtualMFADeviceName", "carol")), &created); err != nil {
		t.Fatal(err)
	}
	seedRaw, _ := base64.StdEncoding.DecodeString(created.Device.Seed)
	seed := string(seedRaw)
	step := mfa.Step(e.now())
	code := func(s int64) string {
		c, err := mfa.CodeAt(seed, s)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	admin.mustIAM("EnableMFADevice", "UserName", "carol", "SerialNumber", created.Device.Serial,
		"AuthenticationCode1", code(step-1), "AuthenticationCode2", code(step))
	// Move to a fresh time step, past the ones the enabling consumed.
	e.clock.Add(int64(60 * time.Second))
	now := mfa.Step(e.now())
	sign := func(code string) (int, info) {
		return e.client().signIn(map[string]string{"mode": "password", "userName": "carol", "password": password, "mfaCode": code})
	}
	if st, out := sign(""); st != 401 || out.Code != "MFARequired" {
		t.Fatalf("without a code: %d %+v", st, out)
	}
	if st, out := sign("12345"); st != 401 || out.Code != "InvalidMFACode" {
		t.Fatalf("a malformed code: %d %+v", st, out)
	}
	if st, out := sign(code(now + 20)); st != 401 || out.Code != "InvalidMFACode" {
		t.Fatalf("a code far off: %d %+v", st, out)
	}
	if st, out := sign(code(now)); st != 200 {
		t.Fatalf("the right code: %d %+v", st, out)
	}
	if st, out := sign(code(now)); st != 401 || out.Code != "InvalidMFACode" {
		t.Fatalf("the same code again: %d %+v", st, out)
	}
	// The session records the MFA sign-in.
	var n int
	err := e.app.Store.View(context.Background(), func(tx store.ReadTx) error {
		c, err := tx.CountActiveSessions(account, "arn:aws:iam::"+account+":user/carol", e.now())
		n = c
		return err
	})
	if err != nil || n != 1 {
		t.Fatalf("sessions of carol: %d, %v", n, err)
	}
}

func TestCookie(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct {
		name   string
		header []string
		secure bool
	}{
		{"plain HTTP", nil, false},
		{"behind a TLS proxy", []string{"X-Forwarded-Proto", "https"}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := e.client()
			var s info
			c.do(http.MethodGet, "/console/api/session", nil, &s, tt.header...)
			c.csrf = s.CSRF
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/console/api/signin",
				strings.NewReader(`{"mode":"keys","accessKeyId":"`+adminKey+`","secretAccessKey":"`+adminSecret+`"}`))
			req.Header.Set("X-CSRF-Token", s.CSRF)
			for i := 0; i+1 < len(tt.header); i += 2 {
				req.Header.Set(tt.header[i], tt.header[i+1])
			}
			u, _ := url.Parse(e.srv.URL + "/console/")
			for _, ck := range c.http.Jar.Cookies(u) {
				req.AddCookie(ck)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			var got *http.Cookie
			for _, ck := range resp.Cookies() {
				if ck.Name == "connect_iam_console" {
					got = ck
				}
			}
			if got == nil {
				t.Fatalf("no session cookie: %d %v", resp.StatusCode, resp.Header["Set-Cookie"])
			}
			if !got.HttpOnly || got.SameSite != http.SameSiteStrictMode || got.Path != "/console/" || got.Secure != tt.secure {
				t.Errorf("cookie flags: %+v", got)
			}
			if strings.Contains(got.Value, "ASIA") || strings.Contains(got.Value, adminKey) || strings.Contains(got.Value, adminSecret) {
				t.Errorf("the cookie shows its content: %s", got.Value)
			}
		})
	}
	t.Run("tampered", func(t *testing.T) {
		c := e.admin()
		u, _ := url.Parse(e.srv.URL + "/console/")
		for _, ck := range c.http.Jar.Cookies(u) {
			if ck.Name == "connect_iam_console" {
				b := []byte(ck.Value)
				b[len(b)/2] ^= 1
				if b[len(b)/2] == '-' || b[len(b)/2] == '_' {
					b[len(b)/2] = 'A'
				}
				c.http.Jar.SetCookies(u, []*http.Cookie{{Name: ck.Name, Value: string(b), Path: "/console/"}})
			}
		}
		var s info
		if c.do(http.MethodGet, "/console/api/session", nil, &s); s.SignedIn {
			t.Error("a tampered cookie is a session")
		}
		if st := c.do(http.MethodGet, "/console/api/catalog/actions?q=iam:Get", nil, nil); st != http.StatusUnauthorized {
			t.Errorf("tampered cookie: %d", st)
		}
	})
	t.Run("expired", func(t *testing.T) {
		c := e.admin()
		e.clock.Add(int64(13 * time.Hour))
		defer e.clock.Add(-int64(13 * time.Hour))
		if st := c.do(http.MethodGet, "/console/api/catalog/actions?q=iam:Get", nil, nil); st != http.StatusUnauthorized {
			t.Errorf("expired session: %d", st)
		}
	})
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	c := e.admin()
	call := map[string]any{"service": "iam", "form": url.Values{"Action": {"ListUsers"}, "Version": {"2010-05-08"}}}
	tests := []struct {
		name   string
		token  string
		origin string
		want   int
	}{
		{"the session's token", c.csrf, "", 200},
		{"same origin", c.csrf, e.srv.URL, 200},
		{"no token", "", "", 403},
		{"another token", "x" + c.csrf[1:], "", 403},
		{"another origin", c.csrf, "http://evil.example", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			saved := c.csrf
			c.csrf = tt.token
			defer func() { c.csrf = saved }()
			var h []string
			if tt.origin != "" {
				h = []string{"Origin", tt.origin}
			}
			var out map[string]any
			if st := c.do(http.MethodPost, "/console/api/call", call, &out, h...); st != tt.want {
				t.Errorf("status %d, want %d: %v", st, tt.want, out)
			}
		})
	}
	t.Run("sign-in without the login cookie", func(t *testing.T) {
		fresh := e.client()
		fresh.csrf = "made-up-token-made-up-token-made-up"
		var out info
		if st := fresh.do(http.MethodPost, "/console/api/signin", map[string]string{"mode": "keys", "accessKeyId": adminKey, "secretAccessKey": adminSecret}, &out); st != 403 || out.Code != "InvalidCSRFToken" {
			t.Errorf("sign-in without the login cookie: %d %+v", st, out)
		}
	})
}

// TestRefusal: a principal without permissions gets the API's refusal,
// and the audit log only with cloudtrail:LookupEvents.
func TestRefusal(t *testing.T) {
	e := newEnv(t)
	admin := e.admin()
	e.user(admin, "bob", "")
	e.user(admin, "auditor", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:LookupEvents","Resource":"*"}]}`)
	bob := e.client()
	bob.mustSignIn(map[string]string{"mode": "password", "userName": "bob", "password": password})
	r := bob.iam("ListUsers")
	if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "<Code>AccessDenied</Code>") || strings.Contains(r.Body, "auditor") {
		t.Fatalf("ListUsers as bob: %d %s", r.Status, r.Body)
	}
	var out info
	if st := bob.do(http.MethodGet, "/console/api/audit", nil, &out); st != http.StatusForbidden || out.Code != "AccessDeniedException" ||
		!strings.Contains(out.Message, "cloudtrail:LookupEvents") {
		t.Fatalf("audit as bob: %d %+v", st, out)
	}
	// The refused read of the audit log is itself in the log.
	var refused []store.Event
	if err := e.app.Store.View(context.Background(), func(tx store.ReadTx) error {
		var err error
		refused, _, err = tx.QueryEvents(store.EventQuery{Source: "cloudtrail.amazonaws.com", OnlyDenied: true}, store.ListOptions{MaxItems: 10})
		return err
	}); err != nil || len(refused) != 1 || refused[0].Name != "LookupEvents" || !strings.HasSuffix(refused[0].PrincipalARN, ":user/bob") {
		t.Errorf("the refused audit read: %+v, %v", refused, err)
	}
	auditor := e.client()
	auditor.mustSignIn(map[string]string{"mode": "password", "userName": "auditor", "password": password})
	bobARN := "arn:aws:iam::" + account + ":user/bob"
	deadline := time.Now().Add(5 * time.Second)
	for {
		var events struct {
			Events []struct {
				EventName, PrincipalARN, Decision, ErrorCode, UserAgent string
			} `json:"events"`
		}
		if st := auditor.do(http.MethodGet, "/console/api/audit?decision=denied&event=ListUsers&principal="+url.QueryEscape(bobARN), nil, &events); st != 200 {
			t.Fatalf("audit as auditor: %d", st)
		}
		if len(events.Events) > 0 {
			ev := events.Events[0]
			if ev.EventName != "ListUsers" || ev.Decision != "ImplicitDeny" || ev.ErrorCode != "AccessDenied" || !strings.HasPrefix(ev.UserAgent, "connect-iam-console/") {
				t.Errorf("audit event: %+v", ev)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("bob's denied ListUsers is not in the audit log")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if st := auditor.do(http.MethodGet, "/console/api/audit?decision=maybe", nil, &out); st != 400 {
		t.Errorf("bad decision filter: %d", st)
	}
}

func TestPages(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	tests := []struct {
		path   string
		status int
		want   string
	}{
		{"/console/", 200, `<div id="app">`},
		{"/console/#/audit", 200, `<div id="app">`},
		{"/console/entities", 200, `<div id="app">`},
		{"/console/assets/app.js", 200, ""},
		{"/console", 301, ""},
		{"/console/api/nothing", 404, "NotFound"},
		{"/console/api/audit", 401, "NotSignedIn"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := c.http.Get(e.srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || !strings.Contains(string(b), tt.want) {
				t.Errorf("%d %.200s", resp.StatusCode, b)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); tt.status == 200 && !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("CSP %q", csp)
			}
		})
	}
}

// TestConsoleLoginAudit: sign-ins are in the audit log as ConsoleLogin
// events, without the password.
func TestConsoleLoginAudit(t *testing.T) {
	e := newEnv(t)
	admin := e.admin()
	e.user(admin, "dave", "")
	e.client().signIn(map[string]string{"mode": "password", "userName": "dave", "password": "wrong-" + password})
	e.client().mustSignIn(map[string]string{"mode": "password", "userName": "dave", "password": password})
	e.client().signIn(map[string]string{"mode": "password", "account": "not-an-account", "userName": "dave", "password": password})
	var events []store.Event
	err := e.app.Store.View(context.Background(), func(tx store.ReadTx) error {
		var err error
		events, _, err = tx.QueryEvents(store.EventQuery{Source: "signin.amazonaws.com", AccountID: account}, store.ListOptions{MaxItems: 100})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ principal, code, message, params string }
	var got []row
	for _, ev := range events {
		if strings.Contains(string(ev.RequestParameters)+string(ev.UserIdentity), password) {
			t.Errorf("the password is in the event: %s %s", ev.RequestParameters, ev.UserIdentity)
		}
		if ev.Name != "ConsoleLogin" || ev.SourceIPAddress != "127.0.0.1" {
			t.Errorf("event %s from %s", ev.Name, ev.SourceIPAddress)
		}
		got = append(got, row{ev.PrincipalARN, ev.ErrorCode, ev.ErrorMessage, string(ev.RequestParameters)})
	}
	daveARN := "arn:aws:iam::" + account + ":user/dave"
	want := []row{
		{"arn:aws:iam::" + account + ":user/admin", "", "", `{"consoleLogin":"Success","mfaUsed":"No","mode":"keys"}`},
		{"", "SignInFailed", "Failed authentication", `{"consoleLogin":"Failure","mfaUsed":"No","mode":"password"}`},
		{daveARN, "", "", `{"consoleLogin":"Success","mfaUsed":"No","mode":"password"}`},
	}
	if len(got) != len(want) {
		t.Fatalf("events:\n%+v\nwant\n%+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestCatalogAndExplain: the simulator's helpers answer from the catalog
// and the offline evaluator.
func TestCatalogAndExplain(t *testing.T) {
	e := newEnv(t)
	c := e.admin()
	var actions []struct{ Name, AccessLevel string }
	if st := c.do(http.MethodGet, "/console/api/catalog/actions?q=connect:describeu", nil, &actions); st != 200 || len(actions) == 0 {
		t.Fatalf("actions: %d %v", st, actions)
	}
	for _, a := range actions {
		if !strings.HasPrefix(strings.ToLower(a.Name), "connect:describeu") {
			t.Errorf("suggestion %s does not start with the prefix", a.Name)
		}
	}
	var services []struct{ Name string }
	if c.do(http.MethodGet, "/console/api/catalog/actions?q=conn", nil, &services); len(services) == 0 || !strings.HasPrefix(services[0].Name, "conn") {
		t.Errorf("a service prefix: %v", services)
	}
	var a struct {
		Name      string
		Resources []struct {
			Type, ARN     string
			ConditionKeys []string
		}
		ConditionKeys []struct{ Name string }
	}
	if st := c.do(http.MethodGet, "/console/api/catalog/action?name=connect:DescribeUser", nil, &a); st != 200 || a.Name != "connect:DescribeUser" {
		t.Fatalf("action: %d %+v", st, a)
	}
	if len(a.Resources) == 0 || a.Resources[0].Type != "user" || !strings.Contains(a.Resources[0].ARN, "${InstanceId}/agent/${UserId}") {
		t.Errorf("resources: %+v", a.Resources)
	}
	keys := map[string]bool{}
	for _, k := range a.ConditionKeys {
		keys[k.Name] = true
	}
	// The user resource type's keys, and the global keys.
	for _, k := range []string{"aws:ResourceTag/${TagKey}", "aws:SourceIp"} {
		if !keys[k] {
			t.Errorf("condition key %s missing from %v", k, keys)
		}
	}
	var nf info
	if st := c.do(http.MethodGet, "/console/api/catalog/action?name=connect:NoSuchThing", nil, &nf); st != 404 || nf.Code != "NoSuchAction" {
		t.Errorf("unknown action: %d %+v", st, nf)
	}
	doc := map[string]any{"principal": map[string]string{"arn": "arn:aws:iam::111122223333:user/alice"}, "action": "connect:DescribeUser",
		"resource":         "arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/u-1",
		"identityPolicies": []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"connect:DescribeUser","Resource":"*"}]}`}}
	var x struct {
		Decision string
		Explain  struct{ DecidedBy struct{ Line, Column int } }
	}
	if st := c.do(http.MethodPost, "/console/api/explain", doc, &x); st != 200 || x.Decision != "Allow" || x.Explain.DecidedBy.Line != 1 {
		t.Errorf("explain: %d %+v", st, x)
	}
	if st := c.do(http.MethodPost, "/console/api/explain", map[string]any{"action": 1}, &nf); st != 400 || nf.Code != "InvalidInput" {
		t.Errorf("explain of a bad document: %d %+v", st, nf)
	}
}
