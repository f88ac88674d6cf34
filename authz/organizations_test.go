package authz

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/store"
	"github.com/connect-iam/connect-iam/store/sqlite"
)

const (
	orgMgmt   = "111111111111"
	orgMember = "222222222222"
	outsider  = "333333333333"
	fullSCP   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	fullRCP   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`
	denyDel   = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"connect:DeleteInstance","Resource":"*"}]}`
	denyOut   = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Resource":"*",
		"Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-exampleorg"}}}]}`
	onlyOrg = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",
		"Condition":{"StringNotLike":{"aws:PrincipalOrgPaths":"o-exampleorg/r-ab12/ou-ab12-11111111/*"}}}]}`
)

// fakeOrg is an organization of orgMgmt and orgMember; the member is in
// ou-ab12-11111111 with extra SCPs and RCPs at the account level.
type fakeOrg struct {
	memberSCPs, memberRCPs []OrgPolicy
	reads                  atomic.Int32
}

func (f *fakeOrg) resolve(tx store.ReadTx, acct string) (OrgAccount, error) {
	f.reads.Add(1)
	full := []OrgPolicy{{Name: "p-FullAWSAccess", Document: fullSCP}}
	rfull := []OrgPolicy{{Name: "p-RCPFullAWSAccess", Document: fullRCP}}
	switch acct {
	case orgMgmt:
		return OrgAccount{OrganizationID: "o-exampleorg", ManagementAccount: orgMgmt, Path: "o-exampleorg/r-ab12/",
			SCPs: [][]OrgPolicy{full, full}, RCPs: [][]OrgPolicy{rfull, rfull}}, nil
	case orgMember:
		return OrgAccount{OrganizationID: "o-exampleorg", ManagementAccount: orgMgmt, Path: "o-exampleorg/r-ab12/ou-ab12-11111111/",
			SCPs: [][]OrgPolicy{full, full, append(full, f.memberSCPs...)}, RCPs: [][]OrgPolicy{rfull, rfull, append(rfull, f.memberRCPs...)}}, nil
	case "999999999999":
		return OrgAccount{}, errors.New("disk on fire")
	}
	return OrgAccount{}, nil
}

func rootOf(acct string) *Caller {
	return &Caller{Kind: RootCaller, AccountID: acct, ARN: "arn:aws:iam::" + acct + ":root", UserID: acct}
}

func TestOrganizations(t *testing.T) {
	db, err := sqlite.OpenMemory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st := Watch(db)
	tests := []struct {
		name                   string
		memberSCPs, memberRCPs []OrgPolicy
		caller                 *Caller
		action, resource       string
		want                   eval.Decision
		wantPolicy             string // the deciding policy of a deny
		wantContext            map[string]string
		open                   bool // the resource has a policy allowing everyone
	}{
		{name: "member allowed", caller: rootOf(orgMember), action: "connect:ListInstances", resource: "*", want: eval.Allow,
			wantContext: map[string]string{"aws:PrincipalOrgID": "o-exampleorg", "aws:PrincipalOrgPaths": "o-exampleorg/r-ab12/ou-ab12-11111111/",
				"aws:ResourceOrgID": "o-exampleorg"}},
		{name: "SCP denies the member", memberSCPs: []OrgPolicy{{Name: "arn:deny", Document: denyDel}}, caller: rootOf(orgMember),
			action: "connect:DeleteInstance", resource: "*", want: eval.ExplicitDeny, wantPolicy: "arn:deny"},
		{name: "SCP allows other actions", memberSCPs: []OrgPolicy{{Name: "arn:deny", Document: denyDel}}, caller: rootOf(orgMember),
			action: "connect:ListInstances", resource: "*", want: eval.Allow},
		{name: "management account exempt", caller: rootOf(orgMgmt), action: "connect:DeleteInstance", resource: "*", want: eval.Allow,
			wantContext: map[string]string{"aws:PrincipalOrgPaths": "o-exampleorg/r-ab12/"}},
		{name: "path condition", memberSCPs: []OrgPolicy{{Name: "arn:path", Document: onlyOrg}}, caller: rootOf(orgMember),
			action: "iam:ListUsers", resource: "*", want: eval.Allow},
		{name: "outsider unaffected", caller: rootOf(outsider), action: "connect:DeleteInstance", resource: "*", want: eval.Allow},
		{name: "RCP denies an outsider", memberRCPs: []OrgPolicy{{Name: "arn:rcp", Document: denyOut}}, caller: rootOf(outsider),
			action: "sts:AssumeRole", resource: "arn:aws:iam::" + orgMember + ":role/r", want: eval.ExplicitDeny, wantPolicy: "arn:rcp", open: true,
			wantContext: map[string]string{"aws:ResourceOrgID": "o-exampleorg"}},
		{name: "RCP spares the org", memberRCPs: []OrgPolicy{{Name: "arn:rcp", Document: denyOut}}, caller: rootOf(orgMgmt),
			action: "sts:AssumeRole", resource: "arn:aws:iam::" + orgMember + ":role/r", want: eval.Allow, open: true},
		{name: "RCP only on supported services", memberRCPs: []OrgPolicy{{Name: "arn:rcp", Document: strings.ReplaceAll(denyOut, "sts:AssumeRole", "*")}},
			caller: rootOf(outsider), action: "connect:DescribeInstance", resource: "arn:aws:connect:us-east-1:" + orgMember + ":instance/i",
			want: eval.Allow, open: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeOrg{memberSCPs: tt.memberSCPs, memberRCPs: tt.memberRCPs}
			e := New(st, Options{Organizations: f.resolve})
			defer e.Close()
			ctx, rec := WithRecorder(context.Background())
			req := &Request{Caller: tt.caller, Action: tt.action, Resource: tt.resource}
			if tt.open {
				req.ResourcePolicy = compileTrust(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`)
			}
			err := e.Authorize(ctx, req)
			var ad *AccessDeniedError
			switch {
			case tt.want == eval.Allow && err != nil:
				t.Fatalf("denied: %v", err)
			case tt.want != eval.Allow && !errors.As(err, &ad):
				t.Fatalf("Authorize = %v, want %v", err, tt.want)
			case ad != nil:
				if ad.Decision != tt.want || ad.Explanation == nil || ad.Explanation.DecidedBy == nil || ad.Explanation.DecidedBy.Policy != tt.wantPolicy {
					t.Fatalf("denial %v %+v, want %v by %s", ad.Decision, ad.Explanation.DecidedBy, tt.want, tt.wantPolicy)
				}
			}
			if len(tt.wantContext) > 0 {
				// Decide once more through Explain, to read the context.
				set, p, memo, err := e.resolve(context.Background(), tt.caller)
				if err != nil {
					t.Fatal(err)
				}
				er := &eval.Request{Principal: p, Action: tt.action, Resource: tt.resource}
				r := &Request{Caller: tt.caller, Action: tt.action, Resource: tt.resource}
				ok, err := e.applyOrganizations(context.Background(), r, set, er)
				if err != nil {
					t.Fatal(err)
				}
				c := e.requestContext(r, &p, e.now(), memo, ok)
				for k, v := range tt.wantContext {
					if got, _ := c.Values(k); len(got) != 1 || got[0] != v {
						t.Errorf("%s = %v, want %s", k, got, v)
					}
				}
			}
			if _, ok := rec.Last(); !ok {
				t.Error("no decision recorded")
			}
		})
	}
}

func TestOrganizationsCacheInvalidation(t *testing.T) {
	db, err := sqlite.OpenMemory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st := Watch(db)
	f := &fakeOrg{}
	e := New(st, Options{Organizations: f.resolve})
	defer e.Close()
	authorize := func() {
		t.Helper()
		if err := e.Authorize(context.Background(), &Request{Caller: rootOf(orgMember), Action: "connect:ListInstances", Resource: "*"}); err != nil {
			t.Fatal(err)
		}
	}
	authorize()
	authorize()
	if n := f.reads.Load(); n != 1 {
		t.Fatalf("%d organization reads for two requests, want 1 (cached)", n)
	}
	tests := []struct {
		name       string
		write      func(tx store.Tx) error
		invalidate bool
	}{
		{"organizations resource", func(tx store.Tx) error {
			_, err := tx.CreateResource(store.Resource{AccountID: orgMgmt, Service: OrganizationsService, Type: "policy", ID: "p-1", ARN: "arn:test:p-1"})
			return err
		}, true},
		{"other service's resource", func(tx store.Tx) error {
			_, err := tx.CreateResource(store.Resource{AccountID: orgMgmt, Service: "connect", Type: "instance", ID: "i-1", ARN: "arn:test:i-1"})
			return err
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := st.Update(context.Background(), func(tx store.Tx) error {
				if err := tx.CreateAccount(store.Account{ID: orgMgmt}); err != nil && !errors.Is(err, store.ErrAlreadyExists) {
					return err
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			authorize() // after the account write
			before := f.reads.Load()
			if err := st.Update(context.Background(), tt.write); err != nil {
				t.Fatal(err)
			}
			authorize()
			if got := f.reads.Load() > before; got != tt.invalidate {
				t.Errorf("organization read again after the write: %v, want %v", got, tt.invalidate)
			}
		})
	}
	if err := e.Authorize(context.Background(), &Request{Caller: rootOf("999999999999"), Action: "connect:ListInstances", Resource: "*"}); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("a resolver failure was not reported: %v", err)
	}
}
