package authz

import (
	"context"
	"testing"

	"github.com/connect-iam/connect-iam/store"
)

func BenchmarkAuthorize(b *testing.B) {
	f := loadWorld(b)
	callers := setupCallers(b, f)
	for _, st := range []struct {
		name string
		st   store.Store
		org  bool // the account is a member of an organization with SCPs
	}{{"plain", f.st, false}, {"watched", Watch(f.st), false}, {"watched-org", Watch(f.st), true}} {
		opts := Options{ManagedPolicy: f.managedPolicy}
		if st.org {
			full := []OrgPolicy{{Name: "p-FullAWSAccess", Document: fullSCP}}
			opts.Organizations = func(store.ReadTx, string) (OrgAccount, error) {
				return OrgAccount{OrganizationID: "o-exampleorg", ManagementAccount: orgMgmt, Path: "o-exampleorg/r-ab12/ou-ab12-11111111/",
					SCPs: [][]OrgPolicy{full, full, append(full, OrgPolicy{Name: "deny", Document: denyDel})}}, nil
			}
		}
		e := New(st.st, opts)
		b.Cleanup(e.Close)
		for _, name := range []string{"alice", "ASIAAPP2"} {
			req := &Request{Caller: callers[name], Action: "s3:GetObject", Resource: "arn:aws:s3:::data/k", Region: "eu-west-1"}
			b.Run(st.name+"/"+name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					_ = e.Authorize(context.Background(), req)
				}
			})
		}
		cs := NewCredentialStore(st.st, f.box, nil)
		b.Run(st.name+"/LookupCredentials", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := cs.LookupCredentials(context.Background(), "AKIAALICE00000000001"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
