package eval

import (
	"strings"
	"testing"
)

func TestParsePrincipal(t *testing.T) {
	tests := []struct {
		in       string
		typ      PrincipalType
		account  string
		name     string
		userID   string // exact, or a prefix when it ends with "*"
		arnKey   string // aws:PrincipalArn
		username string // aws:username, "" when absent
		wantErr  string
	}{
		{in: "arn:aws:iam::111122223333:user/alice", typ: UserPrincipal, account: "111122223333", name: "alice", userID: "AIDA*", arnKey: "arn:aws:iam::111122223333:user/alice", username: "alice"},
		{in: "arn:aws:iam::111122223333:user/div/alice", typ: UserPrincipal, account: "111122223333", name: "alice", userID: "AIDA*", arnKey: "arn:aws:iam::111122223333:user/div/alice", username: "alice"},
		{in: "arn:aws:iam::111122223333:role/ops/Admin", typ: RolePrincipal, account: "111122223333", name: "Admin", userID: "AROA*", arnKey: "arn:aws:iam::111122223333:role/ops/Admin"},
		{in: "arn:aws:sts::111122223333:assumed-role/Admin/s1", typ: AssumedRolePrincipal, account: "111122223333", name: "Admin", userID: "AROA*", arnKey: "arn:aws:iam::111122223333:role/Admin"},
		{in: "arn:aws:sts::111122223333:federated-user/bob", typ: FederatedUserPrincipal, account: "111122223333", name: "bob", userID: "111122223333:bob", arnKey: "arn:aws:sts::111122223333:federated-user/bob"},
		{in: "arn:aws:iam::111122223333:root", typ: AccountPrincipal, account: "111122223333", userID: "111122223333", arnKey: "arn:aws:iam::111122223333:root"},
		{in: "111122223333", typ: AccountPrincipal, account: "111122223333", userID: "111122223333", arnKey: "arn:aws:iam::111122223333:root"},
		{in: "anonymous", typ: AnonymousPrincipal, userID: "anonymous"},
		{in: "connect.amazonaws.com", typ: ServicePrincipal, name: "connect.amazonaws.com", userID: "connect.amazonaws.com"},
		{in: "arn:aws:iam::111122223333:group/devs", wantErr: "not a principal ARN"},
		{in: "arn:aws:sts::111122223333:assumed-role/Admin", wantErr: "assumed-role/ROLE_NAME/SESSION_NAME"},
		{in: "arn:aws:iam::12:user/x", wantErr: "12-digit"},
		{in: "alice", wantErr: "invalid ARN"},
	}
	for _, tt := range tests {
		p, err := ParsePrincipal(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParsePrincipal(%q) error = %v, want containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParsePrincipal(%q): %v", tt.in, err)
			continue
		}
		if p.Type != tt.typ || p.Account != tt.account || p.Name != tt.name {
			t.Errorf("ParsePrincipal(%q) = %s %q %q, want %s %q %q", tt.in, p.Type, p.Account, p.Name, tt.typ, tt.account, tt.name)
		}
		if pre, ok := strings.CutSuffix(tt.userID, "*"); ok {
			if !strings.HasPrefix(p.UserID, pre) || len(strings.Split(p.UserID, ":")[0]) != 21 {
				t.Errorf("ParsePrincipal(%q).UserID = %q, want a 21-character %s... ID", tt.in, p.UserID, pre)
			}
		} else if p.UserID != tt.userID {
			t.Errorf("ParsePrincipal(%q).UserID = %q, want %q", tt.in, p.UserID, tt.userID)
		}
		ctx := NewContext()
		p.Tags = map[string]string{"Team": "red"}
		p.AddToContext(ctx)
		if got, _ := ctx.Values("aws:PrincipalArn"); tt.arnKey != "" && (len(got) != 1 || got[0] != tt.arnKey) {
			t.Errorf("%q: aws:PrincipalArn = %v, want %q", tt.in, got, tt.arnKey)
		}
		if got, ok := ctx.Values("aws:username"); ok != (tt.username != "") || ok && got[0] != tt.username {
			t.Errorf("%q: aws:username = %v, %v; want %q", tt.in, got, ok, tt.username)
		}
		if got, _ := ctx.Values("aws:PrincipalType"); got[0] != tt.typ.String() {
			t.Errorf("%q: aws:PrincipalType = %v", tt.in, got)
		}
		_, hasTag := ctx.Values("AWS:PRINCIPALTAG/team")
		if hasTag != (tt.typ != AnonymousPrincipal) {
			t.Errorf("%q: aws:PrincipalTag/Team present = %v", tt.in, hasTag)
		}
	}
}

func TestSyntheticIDsAreStable(t *testing.T) {
	a, _ := ParsePrincipal("arn:aws:sts::111122223333:assumed-role/Admin/s1")
	b, _ := ParsePrincipal("arn:aws:sts::111122223333:assumed-role/Admin/s2")
	r, _ := ParsePrincipal("arn:aws:iam::111122223333:role/Admin")
	ida, _, _ := strings.Cut(a.UserID, ":")
	idb, _, _ := strings.Cut(b.UserID, ":")
	if ida != idb || ida != r.UserID || a.UserID != ida+":s1" {
		t.Errorf("role IDs differ: %q %q %q", a.UserID, b.UserID, r.UserID)
	}
}

func TestContextOverridesPrincipalKeys(t *testing.T) {
	p, _ := ParsePrincipal("arn:aws:iam::111122223333:user/alice")
	ctx := NewContext()
	ctx.Set("AWS:USERNAME", "mallory")
	p.AddToContext(ctx)
	if got, _ := ctx.Values("aws:username"); len(got) != 1 || got[0] != "mallory" {
		t.Errorf("aws:username = %v, want the context's value", got)
	}
	ctx.Delete("aws:Username")
	if ctx.Has("aws:username") {
		t.Error("Delete did not remove the key")
	}
}
