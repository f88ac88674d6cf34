package authz

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/server/sigv4"
	"github.com/connect-iam/connect-iam/store"
)

func TestLookupCredentials(t *testing.T) {
	f := loadWorld(t)
	f.addKey(t, "alice", "AKIAALICE00000000001", "alice-secret", store.AccessKeyActive)
	f.addKey(t, "alice", "AKIAALICE00000000002", "old-secret", store.AccessKeyInactive)
	exp := time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC)
	app := f.roleARN(t, "app")
	f.addSession(t, store.Session{ID: "ASIAROLE", Kind: store.SessionAssumedRole, PrincipalARN: "arn:aws:sts::" + acct + ":assumed-role/app/sess",
		PrincipalID: f.roleID(t, "app") + ":sess", SourceARN: app, SessionName: "sess", Expiration: exp}, "role-secret", "role-token")
	f.addSession(t, store.Session{ID: "ASIAFED", Kind: store.SessionFederatedUser, PrincipalARN: "arn:aws:sts::" + acct + ":federated-user/fed",
		PrincipalID: acct + ":fed", SourceARN: userARN("alice"), SessionName: "fed"}, "fed-secret", "fed-token")
	f.addSession(t, store.Session{ID: "ASIAUSER", Kind: store.SessionUser, PrincipalARN: userARN("alice"), PrincipalID: f.userID(t, "alice"),
		SourceARN: userARN("alice")}, "user-secret", "user-token")
	f.addSession(t, store.Session{ID: "ASIACONSOLE", Kind: store.SessionConsole, PrincipalARN: userARN("alice"), PrincipalID: f.userID(t, "alice"),
		SourceARN: userARN("alice")}, "console-secret", "console-token")
	// A session whose token hash does not match its sealed token.
	bad := store.Session{ID: "ASIABAD", AccountID: acct, Kind: store.SessionUser, PrincipalARN: userARN("alice"), SourceARN: userARN("alice"),
		SecretCiphertext: SealSessionSecret(f.box, "ASIABAD", "s", "t"), TokenHash: TokenHashOf("other"), Expiration: exp}
	if err := f.st.Update(context.Background(), func(tx store.Tx) error { return tx.CreateSession(bad) }); err != nil {
		t.Fatal(err)
	}

	cs := NewCredentialStore(f.st, f.box, nil)
	tests := []struct {
		id                    string
		secret, token         string
		expires               time.Time
		kind                  CallerKind
		arn, userName, role   string
		unknown, internalFail bool
	}{
		{id: "AKIAALICE00000000001", secret: "alice-secret", kind: UserCaller, arn: userARN("alice"), userName: "alice"},
		{id: "AKIAALICE00000000002", unknown: true},
		{id: "AKIANOSUCHKEY0000000", unknown: true},
		{id: "ASIANOSUCHSESSION", unknown: true},
		{id: "ASIAROLE", secret: "role-secret", token: "role-token", expires: exp, kind: AssumedRoleCaller,
			arn: "arn:aws:sts::" + acct + ":assumed-role/app/sess", role: "app"},
		{id: "ASIAFED", secret: "fed-secret", token: "fed-token", expires: exp, kind: FederatedUserCaller,
			arn: "arn:aws:sts::" + acct + ":federated-user/fed", userName: "alice"},
		{id: "ASIAUSER", secret: "user-secret", token: "user-token", expires: exp, kind: SessionTokenCaller, arn: userARN("alice"), userName: "alice"},
		// A console sign-in acts as the user itself, with its session.
		{id: "ASIACONSOLE", secret: "console-secret", token: "console-token", expires: exp, kind: UserCaller, arn: userARN("alice"), userName: "alice"},
		{id: "ASIABAD", internalFail: true},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			c, err := cs.LookupCredentials(context.Background(), tc.id)
			switch {
			case tc.unknown:
				if !errors.Is(err, sigv4.ErrUnknownAccessKey) {
					t.Fatalf("err = %v, want ErrUnknownAccessKey", err)
				}
				return
			case tc.internalFail:
				if err == nil || errors.Is(err, sigv4.ErrUnknownAccessKey) || !strings.Contains(err.Error(), "token hash") {
					t.Fatalf("err = %v, want a corrupt-session error", err)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if c.SecretAccessKey != tc.secret || c.SessionToken != tc.token || !c.Expires.Equal(tc.expires) || c.AccessKeyID != tc.id {
				t.Errorf("credentials = %q %q %v, want %q %q %v", c.SecretAccessKey, c.SessionToken, c.Expires, tc.secret, tc.token, tc.expires)
			}
			caller := CallerOf(c.Principal)
			if caller == nil || caller.Kind != tc.kind || caller.ARN != tc.arn || caller.UserName != tc.userName || caller.RoleName != tc.role ||
				caller.AccountID != acct || caller.AccessKeyID != tc.id {
				t.Errorf("caller = %+v, want kind %d arn %s user %q role %q", caller, tc.kind, tc.arn, tc.userName, tc.role)
			}
			if (caller.Session != nil) != (tc.token != "") {
				t.Errorf("caller.Session = %v for %s", caller.Session, tc.id)
			}
		})
	}
}

func TestSessionSecretRoundTrip(t *testing.T) {
	box := testBox(t)
	sealed := SealSessionSecret(box, "ASIA1", "secret", "to/ken+==")
	s, tok, err := OpenSessionSecret(box, "ASIA1", sealed)
	if err != nil || s != "secret" || tok != "to/ken+==" {
		t.Fatalf("OpenSessionSecret = %q %q %v", s, tok, err)
	}
	if _, _, err := OpenSessionSecret(box, "ASIA2", sealed); err == nil {
		t.Error("sealed credentials opened under another access key ID")
	}
	if _, _, err := OpenSessionSecret(box, "ASIA3", box.Seal([]byte("no-separator"), []byte("ASIA3"))); err == nil {
		t.Error("a value without a token opened")
	}
}

func TestCallerOf(t *testing.T) {
	c := &Caller{ARN: "x"}
	if CallerOf(c) != c || CallerOf("x") != nil || CallerOf(nil) != nil {
		t.Error("CallerOf")
	}
}

func TestAuthCaller(t *testing.T) {
	c := &Caller{ARN: "x"}
	tests := []struct {
		name string
		auth *sigv4.Result
		want *Caller
	}{
		{"unverified request", nil, nil},
		{"credentials without a Caller", &sigv4.Result{Credentials: sigv4.Credentials{Principal: "someone"}}, nil},
		{"credentials from NewCredentialStore", &sigv4.Result{Credentials: sigv4.Credentials{Principal: c}}, c},
	}
	for _, tt := range tests {
		if got := AuthCaller(tt.auth); got != tt.want {
			t.Errorf("%s: AuthCaller = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func FuzzOpenSessionSecret(f *testing.F) {
	box := testBox(f)
	f.Add(SealSessionSecret(box, "ASIA1", "secret", "token"))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, sealed []byte) {
		secret, token, err := OpenSessionSecret(box, "ASIA1", sealed)
		if err != nil {
			return
		}
		// Whatever opens re-seals to the same secret and token.
		s2, t2, err := OpenSessionSecret(box, "ASIA1", SealSessionSecret(box, "ASIA1", secret, token))
		if err != nil || s2 != secret || t2 != token {
			t.Fatalf("round trip of %q/%q = %q/%q, %v", secret, token, s2, t2, err)
		}
	})
}
