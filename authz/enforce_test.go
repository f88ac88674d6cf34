package authz

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/connect-iam/connect-iam/eval"
)

func TestEnforcementRulesSet(t *testing.T) {
	tests := []struct {
		spec, key string
		want      Enforcement
		err       string
	}{
		{spec: "arn:aws:iam::111122223333:role/app=log", key: "arn:aws:iam::111122223333:role/app", want: EnforceLog},
		{spec: "111122223333=OFF", key: "111122223333", want: EnforceOff},
		{spec: "arn:aws:iam::111122223333:user/a=b=deny", key: "arn:aws:iam::111122223333:user/a=b", want: EnforceDeny},
		{spec: "arn:aws:iam::111122223333:role/app", err: "use KEY=MODE"},
		{spec: "=log", err: "use KEY=MODE"},
		{spec: "arn:aws:iam::111122223333:role/app=maybe", err: `enforcement "maybe": use deny, log or off`},
		{spec: "alice=log", err: "neither a 12-digit account ID nor an ARN"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			var r EnforcementRules
			err := r.Set(tt.spec)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Set(%q) = %v, want %q", tt.spec, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, ok := r.Overrides[tt.key]; !ok || got != tt.want {
				t.Errorf("Overrides = %v, want %s=%s", r.Overrides, tt.key, tt.want)
			}
		})
	}
}

func TestEnforcementRulesFor(t *testing.T) {
	r := &EnforcementRules{Default: EnforceDeny}
	for _, s := range []string{"arn:aws:iam::111122223333:role/app=log", "arn:aws:sts::111122223333:assumed-role/ops/alice=off",
		"444455556666=log", "arn:aws:iam::111122223333:user/bob=off"} {
		if err := r.Set(s); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		c    *Caller
		want Enforcement
	}{
		{"role session via role ARN", &Caller{AccountID: "111122223333", ARN: "arn:aws:sts::111122223333:assumed-role/app/s1",
			RoleName: "app", RoleARN: "arn:aws:iam::111122223333:role/app"}, EnforceLog},
		{"role with a path", &Caller{AccountID: "111122223333", ARN: "arn:aws:sts::111122223333:assumed-role/app/s1",
			RoleName: "app", RoleARN: "arn:aws:iam::111122223333:role/team/app"}, EnforceLog},
		{"one session", &Caller{AccountID: "111122223333", ARN: "arn:aws:sts::111122223333:assumed-role/ops/alice",
			RoleName: "ops", RoleARN: "arn:aws:iam::111122223333:role/ops"}, EnforceOff},
		{"other session of that role", &Caller{AccountID: "111122223333", ARN: "arn:aws:sts::111122223333:assumed-role/ops/carol",
			RoleName: "ops", RoleARN: "arn:aws:iam::111122223333:role/ops"}, EnforceDeny},
		{"user", &Caller{AccountID: "111122223333", ARN: "arn:aws:iam::111122223333:user/bob"}, EnforceOff},
		{"account", &Caller{AccountID: "444455556666", ARN: "arn:aws:iam::444455556666:user/x"}, EnforceLog},
		{"default", &Caller{AccountID: "111122223333", ARN: "arn:aws:iam::111122223333:user/x"}, EnforceDeny},
	}
	for _, tt := range tests {
		if got := r.For(tt.c); got != tt.want {
			t.Errorf("%s: For = %s, want %s", tt.name, got, tt.want)
		}
	}
	if got := (*EnforcementRules)(nil).For(tests[0].c); got != EnforceDeny {
		t.Errorf("nil rules: %s", got)
	}
	if got := r.String(); got != "deny,444455556666=log,arn:aws:iam::111122223333:role/app=log,arn:aws:iam::111122223333:user/bob=off,arn:aws:sts::111122223333:assumed-role/ops/alice=off" {
		t.Errorf("String = %s", got)
	}
}

// TestSoftEnforcement decides the same denials under deny, log and off:
// only deny fails the call; every mode records the decision, log with
// its explanation, and AlwaysEnforce ignores the mode.
func TestSoftEnforcement(t *testing.T) {
	f := loadWorld(t)
	callers := setupCallers(t, f)
	alice := callers["alice"]
	for _, mode := range []Enforcement{EnforceDeny, EnforceLog, EnforceOff} {
		e := New(f.st, Options{ManagedPolicy: f.managedPolicy, Enforcement: &EnforcementRules{Default: mode}})
		t.Cleanup(e.Close)
		for _, always := range []bool{false, true} {
			ctx, rec := WithRecorder(context.Background())
			err := e.Authorize(ctx, &Request{Caller: alice, Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::nope", AlwaysEnforce: always})
			var ad *AccessDeniedError
			denied := errors.As(err, &ad)
			if want := mode == EnforceDeny || always; denied != want {
				t.Errorf("%s (always %v): err %v, want denied %v", mode, always, err, want)
			}
			last, ok := rec.Last()
			if !ok || last.Decision == eval.Allow {
				t.Fatalf("%s: recorder = %+v", mode, last)
			}
			wantMode := mode
			if always {
				wantMode = EnforceDeny
			}
			if last.Enforcement != wantMode || last.Soft() != (wantMode != EnforceDeny) {
				t.Errorf("%s (always %v): recorded enforcement %s, soft %v", mode, always, last.Enforcement, last.Soft())
			}
			if (last.Explanation == nil) != (wantMode == EnforceOff) {
				t.Errorf("%s (always %v): explanation %v", mode, always, last.Explanation != nil)
			}
		}
	}
}

// FuzzEnforcementSet checks that Set either fails or records exactly the
// key before the last '=' with a mode that prints back as given.
func FuzzEnforcementSet(f *testing.F) {
	for _, s := range []string{"arn:aws:iam::111122223333:role/app=log", "111122223333=off", "=deny", "a=b=c", "arn:aws:iam::1:user/x=DENY"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		var r EnforcementRules
		if err := r.Set(spec); err != nil {
			return
		}
		i := strings.LastIndexByte(spec, '=')
		key := strings.TrimSpace(spec[:i])
		m, ok := r.Overrides[key]
		if len(r.Overrides) != 1 || !ok {
			t.Fatalf("Set(%q) = %v, want the key %q", spec, r.Overrides, key)
		}
		if !strings.EqualFold(strings.TrimSpace(spec[i+1:]), m.String()) {
			t.Fatalf("Set(%q): mode %s", spec, m)
		}
	})
}
