package authz

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/policy"
	"github.com/connect-iam/connect-iam/server/sigv4"
	"github.com/connect-iam/connect-iam/store"
)

const acct = "111122223333"

func userARN(n string) string { return "arn:aws:iam::" + acct + ":user/" + n }

// callers resolves every key of the fixture through the credential store,
// as the server does.
func setupCallers(t testing.TB, f *fixture) map[string]*Caller {
	t.Helper()
	keys := map[string]string{"alice": "AKIAALICE00000000001", "bob": "AKIABOB0000000000001", "carol": "AKIACAROL00000000001", "nobody": "AKIANOBODY0000000001"}
	for u, id := range keys {
		f.addKey(t, u, id, "secret-"+u, store.AccessKeyActive)
	}
	app := f.roleARN(t, "app")
	sessions := []store.Session{
		{ID: "ASIAAPP1", Kind: store.SessionAssumedRole, PrincipalARN: "arn:aws:sts::" + acct + ":assumed-role/app/s1", PrincipalID: f.roleID(t, "app") + ":s1", SourceARN: app, SessionName: "s1"},
		{ID: "ASIAAPP2", Kind: store.SessionAssumedRole, PrincipalARN: "arn:aws:sts::" + acct + ":assumed-role/app/s2", PrincipalID: f.roleID(t, "app") + ":s2", SourceARN: app, SessionName: "s2",
			PolicyARNs: []string{"arn:aws:iam::" + acct + ":policy/SessionGetObject"}},
		{ID: "ASIAAPP3", Kind: store.SessionAssumedRole, PrincipalARN: "arn:aws:sts::" + acct + ":assumed-role/app/s3", PrincipalID: f.roleID(t, "app") + ":s3", SourceARN: app, SessionName: "s3",
			Tags: []store.Tag{{Key: "ENV", Value: "dev"}}, MFAAuthenticated: true, SourceIdentity: "jdoe"},
		{ID: "ASIAFED1", Kind: store.SessionFederatedUser, PrincipalARN: "arn:aws:sts::" + acct + ":federated-user/fed1", PrincipalID: acct + ":fed1", SourceARN: userARN("alice"), SessionName: "fed1"},
		{ID: "ASIAFED2", Kind: store.SessionFederatedUser, PrincipalARN: "arn:aws:sts::" + acct + ":federated-user/fed2", PrincipalID: acct + ":fed2", SourceARN: userARN("alice"), SessionName: "fed2",
			Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`},
		{ID: "ASIAALICE1", Kind: store.SessionUser, PrincipalARN: userARN("alice"), PrincipalID: f.userID(t, "alice"), SourceARN: userARN("alice"), SessionName: "alice"},
		{ID: "ASIABOB1", Kind: store.SessionUser, PrincipalARN: userARN("bob"), PrincipalID: f.userID(t, "bob"), SourceARN: userARN("bob"), SessionName: "bob"},
	}
	cs := NewCredentialStore(f.st, f.box, nil)
	out := map[string]*Caller{}
	for u, id := range keys {
		c, err := cs.LookupCredentials(context.Background(), id)
		if err != nil {
			t.Fatalf("lookup %s: %v", id, err)
		}
		out[u] = CallerOf(c.Principal)
	}
	for _, s := range sessions {
		f.addSession(t, s, "secret-"+s.ID, "token-"+s.ID)
		c, err := cs.LookupCredentials(context.Background(), s.ID)
		if err != nil {
			t.Fatalf("lookup %s: %v", s.ID, err)
		}
		out[s.ID] = CallerOf(c.Principal)
	}
	out["root"] = &Caller{Kind: RootCaller, AccountID: acct, ARN: "arn:aws:iam::" + acct + ":root", UserID: acct}
	return out
}

func compileTrust(t *testing.T, doc string) *eval.Policy {
	t.Helper()
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	pol, err := eval.Compile(p, eval.WithName("trust"))
	if err != nil {
		t.Fatal(err)
	}
	return pol
}

// TestAuthorize runs the table against the plain store and against the
// watched store, where resolutions and request contexts are reused.
func TestAuthorize(t *testing.T) {
	f := loadWorld(t)
	callers := setupCallers(t, f)
	t.Run("plain", func(t *testing.T) { testAuthorize(t, f, f.st, callers) })
	t.Run("watched", func(t *testing.T) { testAuthorize(t, f, Watch(f.st), callers) })
}

func testAuthorize(t *testing.T, f *fixture, st store.Store, callers map[string]*Caller) {
	var obsMu sync.Mutex
	observed := map[string]int{}
	e := New(st, Options{Catalog: catalog.Default(), ManagedPolicy: f.managedPolicy, Observe: func(svc, res string) {
		obsMu.Lock()
		observed[svc+" "+res]++
		obsMu.Unlock()
	}})
	t.Cleanup(e.Close)

	app := f.roleARN(t, "app")
	trustAccount := compileTrust(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+acct+`"},"Action":"sts:AssumeRole"}]}`)
	trustCarol := compileTrust(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+userARN("carol")+`"},"Action":"sts:AssumeRole"},
		{"Effect":"Deny","Principal":{"AWS":"`+userARN("bob")+`"},"Action":"sts:AssumeRole"}]}`)

	plain := httptest.NewRequest("POST", "/", nil)
	plain.RemoteAddr = "192.0.2.10:5555"
	internal := httptest.NewRequest("POST", "/", nil)
	internal.RemoteAddr = "10.1.2.3:5555"
	secure := httptest.NewRequest("POST", "/", nil)
	secure.TLS = &tls.ConnectionState{}

	tests := []struct {
		name     string
		caller   string
		action   string
		resource string
		http     *http.Request
		region   string
		ctx      map[string][]string
		trust    *eval.Policy
		want     eval.Decision
		msg      string // substring of the denial message
	}{
		{name: "aws managed policy attached to user", caller: "alice", action: "iam:GetUser", resource: userARN("x"), want: eval.Allow},
		{name: "inline policy with variable", caller: "alice", action: "iam:CreateAccessKey", resource: userARN("alice"), want: eval.Allow},
		{name: "variable names another user", caller: "alice", action: "iam:CreateAccessKey", resource: userARN("bob"), want: eval.ImplicitDeny,
			msg: "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: iam:CreateAccessKey on resource: arn:aws:iam::111122223333:user/bob because no identity-based policy allows the iam:CreateAccessKey action"},
		{name: "group attached customer policy", caller: "alice", action: "s3:PutObject", resource: "arn:aws:s3:::dev-bucket/k", want: eval.Allow},
		{name: "group policy does not cover resource", caller: "alice", action: "s3:PutObject", resource: "arn:aws:s3:::prod/k", want: eval.ImplicitDeny},
		{name: "group inline explicit deny", caller: "alice", action: "s3:DeleteBucket", resource: "arn:aws:s3:::dev-x", want: eval.ExplicitDeny,
			msg: "with an explicit deny in an identity-based policy"},
		{name: "admin within boundary", caller: "bob", action: "iam:CreateUser", resource: userARN("new"), want: eval.Allow},
		{name: "boundary limits admin", caller: "bob", action: "s3:ListBucket", resource: "arn:aws:s3:::b", want: eval.ImplicitDeny,
			msg: "because no permissions boundary allows the s3:ListBucket action"},
		{name: "inline deny beats admin", caller: "bob", action: "iam:DeleteUser", resource: userARN("x"), want: eval.ExplicitDeny},
		{name: "principal tag", caller: "carol", action: "iam:TagUser", resource: userARN("x"), want: eval.Allow},
		{name: "source ip inside range", caller: "carol", action: "iam:ListUsers", http: internal, want: eval.Allow},
		{name: "source ip outside range", caller: "carol", action: "iam:ListUsers", http: plain, want: eval.ImplicitDeny},
		{name: "secure transport", caller: "carol", action: "iam:ListRoles", http: secure, want: eval.Allow},
		{name: "insecure transport", caller: "carol", action: "iam:ListRoles", http: plain, want: eval.ImplicitDeny},
		{name: "requested region", caller: "carol", action: "iam:ListGroups", region: "eu-west-1", want: eval.Allow},
		{name: "other region", caller: "carol", action: "iam:ListGroups", region: "us-east-1", want: eval.ImplicitDeny},
		{name: "request tag from service", caller: "carol", action: "iam:CreateUser", ctx: map[string][]string{"aws:RequestTag/team": {"red"}}, want: eval.Allow},
		{name: "wrong request tag", caller: "carol", action: "iam:CreateUser", ctx: map[string][]string{"aws:RequestTag/team": {"blue"}}, want: eval.ImplicitDeny},
		{name: "user without policies", caller: "nobody", action: "iam:ListUsers", want: eval.ImplicitDeny,
			msg: "User: arn:aws:iam::111122223333:user/nobody is not authorized to perform: iam:ListUsers because no identity-based policy allows the iam:ListUsers action"},
		{name: "role session with role tag deny", caller: "ASIAAPP1", action: "iam:DeleteRole", resource: app, want: eval.ExplicitDeny,
			msg: "User: arn:aws:sts::111122223333:assumed-role/app/s1 is not authorized"},
		{name: "session tag overrides role tag", caller: "ASIAAPP3", action: "iam:DeleteRole", resource: app, want: eval.Allow},
		{name: "role session without session policy", caller: "ASIAAPP1", action: "s3:PutObject", resource: "arn:aws:s3:::any/k", want: eval.Allow},
		{name: "managed session policy allows", caller: "ASIAAPP2", action: "s3:GetObject", resource: "arn:aws:s3:::data/k", want: eval.Allow},
		{name: "managed session policy limits", caller: "ASIAAPP2", action: "iam:ListUsers", want: eval.ImplicitDeny,
			msg: "because no session policy allows the iam:ListUsers action"},
		{name: "session keys in context", caller: "ASIAAPP3", action: "s3:GetObject", resource: "arn:aws:s3:::x/y", want: eval.Allow},
		{name: "federated user without session policy", caller: "ASIAFED1", action: "s3:GetObject", resource: "arn:aws:s3:::dev-a/k", want: eval.ImplicitDeny},
		{name: "federated user: user policy and session policy", caller: "ASIAFED2", action: "s3:GetObject", resource: "arn:aws:s3:::dev-a/k", want: eval.Allow},
		{name: "federated user: session policy only", caller: "ASIAFED2", action: "s3:GetObject", resource: "arn:aws:s3:::prod/k", want: eval.ImplicitDeny},
		{name: "federated user: user policy only", caller: "ASIAFED2", action: "iam:GetUser", resource: userARN("x"), want: eval.ImplicitDeny},
		{name: "session token has the user's permissions", caller: "ASIAALICE1", action: "s3:PutObject", resource: "arn:aws:s3:::dev-bucket/k", want: eval.Allow},
		{name: "session token keeps the user's boundary", caller: "ASIABOB1", action: "sts:AssumeRole", resource: "arn:aws:iam::" + acct + ":role/x", want: eval.ImplicitDeny,
			msg: "because no permissions boundary allows the sts:AssumeRole action"},
		{name: "session token without MFA cannot call IAM", caller: "ASIABOB1", action: "iam:CreateUser", resource: userARN("n"), want: eval.ImplicitDeny,
			msg: "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: iam:CreateUser because credentials from GetSessionToken obtained without MFA cannot call IAM"},
		{name: "federated user cannot call IAM", caller: "ASIAFED2", action: "iam:ListUsers", want: eval.ImplicitDeny,
			msg: "credentials from GetFederationToken cannot call IAM"},
		{name: "root", caller: "root", action: "iam:DeleteUser", resource: userARN("n"), want: eval.Allow},
		{name: "trust names account, identity allows", caller: "ASIAAPP1", action: "sts:AssumeRole", resource: app, trust: trustAccount, want: eval.Allow},
		{name: "trust names account, no identity allow", caller: "alice", action: "sts:AssumeRole", resource: app, trust: trustAccount, want: eval.ImplicitDeny,
			msg: "because no identity-based policy allows the sts:AssumeRole action"},
		{name: "trust names user directly", caller: "carol", action: "sts:AssumeRole", resource: app, trust: trustCarol, want: eval.Allow},
		{name: "trust does not name caller", caller: "ASIAAPP1", action: "sts:AssumeRole", resource: app, trust: trustCarol, want: eval.ImplicitDeny,
			msg: "User: arn:aws:sts::111122223333:assumed-role/app/s1 is not authorized to perform: sts:AssumeRole on resource: " + app + " because no role trust policy allows the sts:AssumeRole action"},
		{name: "trust denies caller", caller: "bob", action: "sts:AssumeRole", resource: app, trust: trustCarol, want: eval.ExplicitDeny,
			msg: "with an explicit deny in a resource-based policy"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := callers[tc.caller]
			if c == nil {
				t.Fatalf("no caller %q", tc.caller)
			}
			res := tc.resource
			if res == "" {
				res = "*"
			}
			ctx, rec := WithRecorder(context.Background())
			err := e.Authorize(ctx, &Request{Caller: c, Action: tc.action, Resource: res, HTTP: tc.http, Region: tc.region,
				Context: tc.ctx, ResourcePolicy: tc.trust, RequireResourceAllow: tc.trust != nil})
			got := eval.Allow
			var ad *AccessDeniedError
			switch {
			case err == nil:
			case errors.As(err, &ad):
				got = ad.Decision
				if tc.msg != "" && !strings.Contains(ad.Message, tc.msg) {
					t.Errorf("message = %q, want it to contain %q", ad.Message, tc.msg)
				}
			default:
				t.Fatalf("Authorize: %v", err)
			}
			if got != tc.want {
				t.Errorf("decision = %v, want %v (err %v)", got, tc.want, err)
			}
			last, ok := rec.Last()
			if !ok || last.Decision != got || last.Action != tc.action {
				t.Errorf("recorder = %+v, %v; want decision %v for %s", last, ok, got, tc.action)
			}
			if got != eval.Allow && last.Message == "" {
				t.Error("recorder has no message for a denial")
			}
		})
	}
	obsMu.Lock()
	defer obsMu.Unlock()
	if observed["iam allow"] == 0 || observed["s3 implicit_deny"] == 0 || observed["iam explicit_deny"] == 0 {
		t.Errorf("Observe calls = %v, want allow, implicit_deny and explicit_deny counts", observed)
	}
}

// TestAuthorizeSeesChanges checks that policy and key changes apply to the
// next request, with the plain store (no resolution cache) and with the
// watched store (resolution and credential caches invalidated by writes).
func TestAuthorizeSeesChanges(t *testing.T) {
	for _, watched := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "watched"}[watched], func(t *testing.T) {
			f := loadWorld(t)
			setupCallers(t, f)
			var st store.Store = f.st
			if watched {
				w := Watch(f.st)
				st = w
				// Writes that do not change authorization data keep the caches.
				g := w.Generation()
				err := w.Update(context.Background(), func(tx store.Tx) error {
					return tx.RecordAccessKeyUse("AKIANOBODY0000000001", time.Now(), "iam", "us-east-1")
				})
				if err != nil || w.Generation() != g {
					t.Fatalf("RecordAccessKeyUse changed the generation from %d to %d (%v)", g, w.Generation(), err)
				}
			}
			e := New(st, Options{ManagedPolicy: f.managedPolicy})
			t.Cleanup(e.Close)
			cs := NewCredentialStore(st, f.box, nil)
			ctx := context.Background()
			creds, err := cs.LookupCredentials(ctx, "AKIANOBODY0000000001")
			if err != nil {
				t.Fatal(err)
			}
			req := &Request{Caller: CallerOf(creds.Principal), Action: "iam:ListUsers", Resource: "*"}
			for range 2 { // the second time from the caches, if any
				if err := e.Authorize(ctx, req); err == nil {
					t.Fatal("nobody is allowed before a policy is attached")
				}
			}
			nobody := store.EntityRef{Kind: store.KindUser, Name: "nobody"}
			if err := st.Update(ctx, func(tx store.Tx) error {
				return tx.AttachPolicy(acct, nobody, "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
			}); err != nil {
				t.Fatal(err)
			}
			if err := e.Authorize(ctx, req); err != nil {
				t.Fatalf("after attaching IAMReadOnlyAccess: %v", err)
			}
			n := e.cache.len()
			for range 3 {
				if err := e.Authorize(ctx, req); err != nil {
					t.Fatal(err)
				}
			}
			if e.cache.len() != n {
				t.Errorf("compiled policy cache grew from %d to %d on repeated requests", n, e.cache.len())
			}
			if err := st.Update(ctx, func(tx store.Tx) error {
				return tx.PutInlinePolicy(acct, nobody, "deny", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`)
			}); err != nil {
				t.Fatal(err)
			}
			var ad *AccessDeniedError
			if err := e.Authorize(ctx, req); !errors.As(err, &ad) || ad.Decision != eval.ExplicitDeny {
				t.Fatalf("after adding a deny: %v", err)
			}
			if err := st.Update(ctx, func(tx store.Tx) error {
				return tx.SetAccessKeyStatus(acct, "nobody", "AKIANOBODY0000000001", store.AccessKeyInactive)
			}); err != nil {
				t.Fatal(err)
			}
			if _, err := cs.LookupCredentials(ctx, "AKIANOBODY0000000001"); !errors.Is(err, sigv4.ErrUnknownAccessKey) {
				t.Errorf("deactivated key: %v, want ErrUnknownAccessKey", err)
			}
		})
	}
}

func TestAuthorizeErrors(t *testing.T) {
	f := loadWorld(t)
	callers := setupCallers(t, f)
	e := New(f.st, Options{})
	t.Cleanup(e.Close)
	if err := e.Authorize(context.Background(), &Request{Action: "iam:ListUsers"}); err == nil || !strings.Contains(err.Error(), "Caller") {
		t.Errorf("nil caller: %v", err)
	}
	// A stored policy that does not compile is an error, not a silent deny.
	err := f.st.Update(context.Background(), func(tx store.Tx) error {
		return tx.PutInlinePolicy(acct, store.EntityRef{Kind: store.KindUser, Name: "nobody"}, "bad",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"aws:EpochTime":"abc"}}}]}`)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = e.Authorize(context.Background(), &Request{Caller: callers["nobody"], Action: "iam:ListUsers"})
	var ad *AccessDeniedError
	if err == nil || errors.As(err, &ad) || !strings.Contains(err.Error(), "user/nobody inline policy bad") {
		t.Errorf("uncompilable policy: %v", err)
	}
}

func TestKeyUseRecorded(t *testing.T) {
	f := loadWorld(t)
	callers := setupCallers(t, f)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e := New(f.st, Options{ManagedPolicy: f.managedPolicy, Now: func() time.Time { return now }})
	for range 3 {
		_ = e.Authorize(context.Background(), &Request{Caller: callers["alice"], Action: "iam:ListUsers", Region: "eu-west-1"})
	}
	e.Close()
	var k store.AccessKey
	err := f.st.View(context.Background(), func(tx store.ReadTx) error {
		var err error
		k, err = tx.GetAccessKey("AKIAALICE00000000001")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !k.LastUsed.Equal(now) || k.LastUsedService != "iam" || k.LastUsedRegion != "eu-west-1" {
		t.Errorf("last used = %v %q %q, want %v iam eu-west-1", k.LastUsed, k.LastUsedService, k.LastUsedRegion, now)
	}
}

func TestMergeTags(t *testing.T) {
	tests := []struct {
		base, over []store.Tag
		want       map[string]string
	}{
		{nil, nil, map[string]string{}},
		{[]store.Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "a"}}, []store.Tag{{Key: "ENV", Value: "dev"}}, map[string]string{"team": "a", "ENV": "dev"}},
		{nil, []store.Tag{{Key: "k", Value: "v"}}, map[string]string{"k": "v"}},
	}
	for _, tc := range tests {
		got := map[string]string{}
		for _, tg := range MergeTags(tc.base, tc.over) {
			got[tg.Key] = tg.Value
		}
		if len(got) != len(tc.want) {
			t.Errorf("MergeTags(%v, %v) = %v, want %v", tc.base, tc.over, got, tc.want)
			continue
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("MergeTags(%v, %v) = %v, want %v", tc.base, tc.over, got, tc.want)
			}
		}
	}
}

// TestConcurrentAuthorize authorizes from several goroutines while the
// caller's policies change (run with -race).
func TestConcurrentAuthorize(t *testing.T) {
	f := loadWorld(t)
	callers := setupCallers(t, f)
	st := Watch(f.st)
	e := New(st, Options{ManagedPolicy: f.managedPolicy})
	t.Cleanup(e.Close)
	ctx := context.Background()
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			caller := callers[[]string{"alice", "nobody", "ASIAAPP2", "carol"}[i]]
			for {
				select {
				case <-done:
					return
				default:
				}
				err := e.Authorize(ctx, &Request{Caller: caller, Action: "iam:ListUsers", HTTP: httptest.NewRequest("POST", "/", nil)})
				var ad *AccessDeniedError
				if err != nil && !errors.As(err, &ad) {
					errs <- err
					return
				}
			}
		}()
	}
	nobody := store.EntityRef{Kind: store.KindUser, Name: "nobody"}
	for i := range 20 {
		err := st.Update(ctx, func(tx store.Tx) error {
			if i%2 == 0 {
				return tx.AttachPolicy(acct, nobody, "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
			}
			return tx.DetachPolicy(acct, nobody, "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// The last write detached the policy: the next decision must see it.
	if err := e.Authorize(ctx, &Request{Caller: callers["nobody"], Action: "iam:ListUsers"}); err == nil {
		t.Error("a detached policy still allows")
	}
}
