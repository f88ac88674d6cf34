// Package storetest is the conformance suite every [store.Store] backend
// runs. A backend's test calls [Run] with a function that opens a fresh,
// empty store:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			s, err := Open(t.Context(), filepath.Join(t.TempDir(), "test.db"))
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// The suite covers every method of [store.Tx], transaction atomicity,
// concurrent writers, pagination order and IAM's case-insensitive name
// rules. It compares timestamps at the store's microsecond precision.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/store"
)

// Run runs the conformance suite. open must return a new, empty store and
// arrange for it to be closed when the test ends (Close may be called by
// the suite as well).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Accounts", testAccounts},
		{"Users", testUsers},
		{"UpdateAndRename", testUpdateAndRename},
		{"Pagination", testPagination},
		{"Groups", testGroups},
		{"Roles", testRoles},
		{"Policies", testPolicies},
		{"PolicyVersions", testPolicyVersions},
		{"InlinePolicies", testInlinePolicies},
		{"Attachments", testAttachments},
		{"DeleteConflicts", testDeleteConflicts},
		{"Tags", testTags},
		{"AccessKeys", testAccessKeys},
		{"Sessions", testSessions},
		{"DeletionTasks", testDeletionTasks},
		{"Resources", testResources},
		{"ResourceTags", testResourceTags},
		{"Audit", testAudit},
		{"Atomicity", testAtomicity},
		{"ConcurrentWriters", testConcurrentWriters},
		{"ConcurrentReadModifyWrite", testConcurrentReadModifyWrite},
		{"Close", testClose},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

const (
	acct  = "111122223333"
	acct2 = "444455556666"
)

func ctx(t *testing.T) context.Context { return t.Context() }

// update runs fn in a read-write transaction and fails the test on error.
func update(t *testing.T, s store.Store, fn func(tx store.Tx) error) {
	t.Helper()
	if err := s.Update(ctx(t), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// view runs fn in a read-only transaction and fails the test on error.
func view(t *testing.T, s store.Store, fn func(tx store.ReadTx) error) {
	t.Helper()
	if err := s.View(ctx(t), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// wantErr checks that err wraps want (nil for success).
func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Errorf("%s: unexpected error %v", what, err)
	case want != nil && !errors.Is(err, want):
		t.Errorf("%s: error = %v, want one wrapping %v", what, err, want)
	}
}

// try runs fn in its own read-write transaction and returns its error.
func try(t *testing.T, s store.Store, fn func(tx store.Tx) error) error {
	t.Helper()
	return s.Update(ctx(t), fn)
}

func equal[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// ts returns a fixed UTC time at the store's precision.
func ts(sec int) time.Time {
	return time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC).Add(time.Duration(sec) * time.Second)
}

func seedAccounts(t *testing.T, s store.Store, ids ...string) {
	t.Helper()
	if len(ids) == 0 {
		ids = []string{acct, acct2}
	}
	update(t, s, func(tx store.Tx) error {
		for _, id := range ids {
			if err := tx.CreateAccount(store.Account{ID: id, Created: ts(0)}); err != nil {
				return err
			}
		}
		return nil
	})
}

func newUser(account, path, name string) store.User {
	return store.User{AccountID: account, ID: store.NewID("AIDA", 21), Path: path, Name: name,
		ARN: fmt.Sprintf("arn:aws:iam::%s:user%s%s", account, path, name), Created: ts(1)}
}

func newGroup(account, name string) store.Group {
	return store.Group{AccountID: account, ID: store.NewID("AGPA", 21), Path: "/", Name: name,
		ARN: fmt.Sprintf("arn:aws:iam::%s:group/%s", account, name), Created: ts(2)}
}

func newRole(account, name string) store.Role {
	return store.Role{AccountID: account, ID: store.NewID("AROA", 21), Path: "/", Name: name,
		ARN:                      fmt.Sprintf("arn:aws:iam::%s:role/%s", account, name),
		AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		Created:                  ts(3)}
}

func newPolicy(account, path, name string) store.Policy {
	return store.Policy{AccountID: account, ID: store.NewID("ANPA", 21), Path: path, Name: name,
		ARN: fmt.Sprintf("arn:aws:iam::%s:policy%s%s", account, path, name), Created: ts(4)}
}

const doc1 = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`

func userRef(name string) store.EntityRef  { return store.EntityRef{Kind: store.KindUser, Name: name} }
func groupRef(name string) store.EntityRef { return store.EntityRef{Kind: store.KindGroup, Name: name} }
func roleRef(name string) store.EntityRef  { return store.EntityRef{Kind: store.KindRole, Name: name} }

func testAccounts(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	cases := []struct {
		name string
		a    store.Account
		want error
	}{
		{"new", store.Account{ID: "000000000001", Alias: "first"}, nil},
		{"duplicate ID", store.Account{ID: acct}, store.ErrAlreadyExists},
		{"duplicate alias", store.Account{ID: "000000000002", Alias: "first"}, store.ErrAlreadyExists},
		{"short ID", store.Account{ID: "12345"}, store.ErrInvalidArgument},
		{"non-digit ID", store.Account{ID: "12345678901a"}, store.ErrInvalidArgument},
	}
	for _, c := range cases {
		wantErr(t, c.name, try(t, s, func(tx store.Tx) error { return tx.CreateAccount(c.a) }), c.want)
	}
	view(t, s, func(tx store.ReadTx) error {
		a, err := tx.GetAccount(acct)
		wantErr(t, "GetAccount", err, nil)
		equal(t, "account", a, store.Account{ID: acct, Created: ts(0)})
		a, err = tx.GetAccount("000000000001")
		wantErr(t, "GetAccount with alias", err, nil)
		equal(t, "alias", a.Alias, "first")
		if a.Created.IsZero() || a.Created.Location() != time.UTC {
			t.Errorf("defaulted Created = %v, want a UTC time", a.Created)
		}
		_, err = tx.GetAccount("999999999999")
		wantErr(t, "GetAccount missing", err, store.ErrNotFound)
		as, next, err := tx.ListAccounts(store.ListOptions{MaxItems: 2})
		wantErr(t, "ListAccounts", err, nil)
		equal(t, "first page IDs", accountIDs(as), []string{"000000000001", acct})
		as, next, err = tx.ListAccounts(store.ListOptions{Marker: next, MaxItems: 2})
		wantErr(t, "ListAccounts page 2", err, nil)
		equal(t, "second page IDs", accountIDs(as), []string{acct2})
		equal(t, "last marker", next, "")
		return nil
	})
	// Aliases: set, move between accounts only once freed, remove.
	wantErr(t, "alias taken", try(t, s, func(tx store.Tx) error { return tx.SetAccountAlias(acct, "first") }), store.ErrAlreadyExists)
	wantErr(t, "alias of missing account", try(t, s, func(tx store.Tx) error { return tx.SetAccountAlias("999999999999", "x") }), store.ErrNotFound)
	update(t, s, func(tx store.Tx) error {
		if err := tx.SetAccountAlias("000000000001", ""); err != nil {
			return err
		}
		return tx.SetAccountAlias(acct, "first")
	})
	view(t, s, func(tx store.ReadTx) error {
		a, _ := tx.GetAccount(acct)
		b, _ := tx.GetAccount("000000000001")
		equal(t, "aliases after move", []string{a.Alias, b.Alias}, []string{"first", ""})
		return nil
	})
}

func accountIDs(as []store.Account) []string {
	var ids []string
	for _, a := range as {
		ids = append(ids, a.ID)
	}
	return ids
}

func testUsers(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	alice := newUser(acct, "/", "Alice")
	update(t, s, func(tx store.Tx) error { return tx.CreateUser(alice) })
	cases := []struct {
		name string
		u    store.User
		want error
	}{
		{"same name other case", newUser(acct, "/", "ALICE"), store.ErrAlreadyExists},
		{"same name other path", newUser(acct, "/x/", "alice"), store.ErrAlreadyExists},
		{"same ID", func() store.User { u := newUser(acct, "/", "Bob"); u.ID = alice.ID; return u }(), store.ErrAlreadyExists},
		{"same name other account", newUser(acct2, "/", "Alice"), nil},
		{"unknown account", newUser("999999999999", "/", "Carol"), store.ErrNotFound},
		{"empty name", newUser(acct, "/", ""), store.ErrInvalidArgument},
		{"empty ID", func() store.User { u := newUser(acct, "/", "Dan"); u.ID = ""; return u }(), store.ErrInvalidArgument},
		{"empty ARN", func() store.User { u := newUser(acct, "/", "Dan"); u.ARN = ""; return u }(), store.ErrInvalidArgument},
		{"bad account", newUser("abc", "/", "Dan"), store.ErrInvalidArgument},
		{"default path", func() store.User { u := newUser(acct, "", "Erin"); return u }(), nil},
	}
	for _, c := range cases {
		wantErr(t, c.name, try(t, s, func(tx store.Tx) error { return tx.CreateUser(c.u) }), c.want)
	}
	view(t, s, func(tx store.ReadTx) error {
		for _, name := range []string{"Alice", "alice", "ALICE"} {
			u, err := tx.GetUser(acct, name)
			wantErr(t, "GetUser "+name, err, nil)
			equal(t, "GetUser "+name, u, alice)
		}
		_, err := tx.GetUser(acct, "nobody")
		wantErr(t, "GetUser missing", err, store.ErrNotFound)
		u, err := tx.GetUser(acct, "erin")
		wantErr(t, "GetUser erin", err, nil)
		equal(t, "default path", u.Path, "/")
		other, err := tx.GetUser(acct2, "alice")
		wantErr(t, "GetUser other account", err, nil)
		if other.ID == alice.ID {
			t.Errorf("user in other account has the same ID")
		}
		return nil
	})
	// Deleting frees the name.
	update(t, s, func(tx store.Tx) error { return tx.DeleteUser(acct, "aLiCe") })
	wantErr(t, "delete again", try(t, s, func(tx store.Tx) error { return tx.DeleteUser(acct, "Alice") }), store.ErrNotFound)
	update(t, s, func(tx store.Tx) error { return tx.CreateUser(newUser(acct, "/", "alice")) })
}

func testUpdateAndRename(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	u := newUser(acct, "/", "Alice")
	g := newGroup(acct, "Devs")
	update(t, s, func(tx store.Tx) error {
		return errors.Join(tx.CreateUser(u), tx.CreateUser(newUser(acct, "/", "Bob")), tx.CreateGroup(g),
			tx.CreateGroup(newGroup(acct, "Ops")), tx.AddUserToGroup(acct, "Devs", "Alice"),
			tx.PutInlinePolicy(acct, userRef("Alice"), "p", doc1))
	})
	renamed := u
	renamed.Name, renamed.Path = "Alicia", "/eng/"
	renamed.ARN = "arn:aws:iam::" + acct + ":user/eng/Alicia"
	renamed.PermissionsBoundaryARN = "arn:aws:iam::aws:policy/PowerUserAccess"
	cases := []struct {
		name string
		fn   func(tx store.Tx) error
		want error
	}{
		{"rename user to taken name", func(tx store.Tx) error { v := u; v.Name = "BOB"; return tx.UpdateUser(v) }, store.ErrAlreadyExists},
		{"update unknown user", func(tx store.Tx) error { v := u; v.ID = "AIDANOSUCHUSER000000"; return tx.UpdateUser(v) }, store.ErrNotFound},
		{"update user in wrong account", func(tx store.Tx) error { v := u; v.AccountID = acct2; return tx.UpdateUser(v) }, store.ErrNotFound},
		{"rename user case only", func(tx store.Tx) error { v := u; v.Name = "ALICE"; return tx.UpdateUser(v) }, nil},
		{"rename user", func(tx store.Tx) error { return tx.UpdateUser(renamed) }, nil},
		{"rename group to taken name", func(tx store.Tx) error { v := g; v.Name = "ops"; return tx.UpdateGroup(v) }, store.ErrAlreadyExists},
		{"rename group", func(tx store.Tx) error { v := g; v.Name = "Developers"; return tx.UpdateGroup(v) }, nil},
	}
	for _, c := range cases {
		wantErr(t, c.name, try(t, s, c.fn), c.want)
	}
	view(t, s, func(tx store.ReadTx) error {
		got, err := tx.GetUser(acct, "alicia")
		wantErr(t, "GetUser renamed", err, nil)
		equal(t, "renamed user", got, renamed)
		_, err = tx.GetUser(acct, "Alice")
		wantErr(t, "old name", err, store.ErrNotFound)
		// Relations follow the rename.
		gs, _, err := tx.ListGroupsForUser(acct, "Alicia", store.ListOptions{})
		wantErr(t, "ListGroupsForUser", err, nil)
		if len(gs) != 1 || gs[0].Name != "Developers" {
			t.Errorf("groups of renamed user = %+v, want [Developers]", gs)
		}
		p, err := tx.GetInlinePolicy(acct, userRef("ALICIA"), "P")
		wantErr(t, "inline policy of renamed user", err, nil)
		equal(t, "inline policy", p, store.InlinePolicy{Name: "p", Document: doc1})
		return nil
	})
}

func testPagination(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	names := []string{"delta", "Alpha", "charlie", "Bravo", "echo", "Foxtrot", "golf"}
	paths := []string{"/", "/eng/", "/eng/", "/", "/eng/team/", "/", "/ops/"}
	update(t, s, func(tx store.Tx) error {
		for i, n := range names {
			if err := tx.CreateUser(newUser(acct, paths[i], n)); err != nil {
				return err
			}
			if err := tx.CreateRole(newRole(acct, n)); err != nil {
				return err
			}
			g := newGroup(acct, n)
			g.Path = paths[i]
			if err := tx.CreateGroup(g); err != nil {
				return err
			}
			if _, err := tx.CreatePolicy(newPolicy(acct, paths[i], n), doc1); err != nil {
				return err
			}
		}
		return tx.CreateUser(newUser(acct2, "/", "zulu"))
	})
	all := []string{"Alpha", "Bravo", "charlie", "delta", "echo", "Foxtrot", "golf"}
	cases := []struct {
		prefix string
		size   int
		want   []string
	}{
		{"", 3, all},
		{"", 1, all},
		{"", 7, all},
		{"", 100, all},
		{"", 0, all},
		{"/eng/", 1, []string{"Alpha", "charlie", "echo"}},
		{"/eng/team/", 2, []string{"echo"}},
		{"/nothing/", 2, nil},
	}
	for _, c := range cases {
		lists := map[string]func(tx store.ReadTx, opt store.ListOptions) ([]string, string, error){
			"users": func(tx store.ReadTx, opt store.ListOptions) ([]string, string, error) {
				us, next, err := tx.ListUsers(acct, c.prefix, opt)
				var out []string
				for _, u := range us {
					out = append(out, u.Name)
				}
				return out, next, err
			},
			"groups": func(tx store.ReadTx, opt store.ListOptions) ([]string, string, error) {
				gs, next, err := tx.ListGroups(acct, c.prefix, opt)
				var out []string
				for _, g := range gs {
					out = append(out, g.Name)
				}
				return out, next, err
			},
			"policies": func(tx store.ReadTx, opt store.ListOptions) ([]string, string, error) {
				ps, next, err := tx.ListPolicies(acct, store.PolicyFilter{PathPrefix: c.prefix}, opt)
				var out []string
				for _, p := range ps {
					out = append(out, p.Name)
				}
				return out, next, err
			},
		}
		for kind, list := range lists {
			got := collect(t, s, c.size, list)
			equal(t, fmt.Sprintf("%s with prefix %q in pages of %d", kind, c.prefix, c.size), got, c.want)
		}
	}
	roles := collect(t, s, 2, func(tx store.ReadTx, opt store.ListOptions) ([]string, string, error) {
		rs, next, err := tx.ListRoles(acct, "", opt)
		var out []string
		for _, r := range rs {
			out = append(out, r.Name)
		}
		return out, next, err
	})
	equal(t, "roles in pages of 2", roles, all)
	view(t, s, func(tx store.ReadTx) error {
		_, _, err := tx.ListUsers(acct, "", store.ListOptions{Marker: "%%% not a marker"})
		wantErr(t, "bad marker", err, store.ErrInvalidArgument)
		us, next, err := tx.ListUsers(acct, "", store.ListOptions{MaxItems: 7})
		wantErr(t, "exact page", err, nil)
		if len(us) != 7 || next != "" {
			t.Errorf("MaxItems = count: got %d users and marker %q, want 7 and none", len(us), next)
		}
		return nil
	})
}

// collect pages through a list with the given page size.
func collect(t *testing.T, s store.Store, size int, list func(tx store.ReadTx, opt store.ListOptions) ([]string, string, error)) []string {
	t.Helper()
	var all []string
	marker := ""
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("pagination does not end")
		}
		var got []string
		var next string
		view(t, s, func(tx store.ReadTx) error {
			var err error
			got, next, err = list(tx, store.ListOptions{Marker: marker, MaxItems: size})
			return err
		})
		if size > 0 && len(got) > size {
			t.Fatalf("page of %d items, want at most %d", len(got), size)
		}
		if next != "" && len(got) == 0 {
			t.Fatal("empty page with a next marker")
		}
		all = append(all, got...)
		if next == "" {
			return all
		}
		marker = next
	}
}

func testGroups(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	update(t, s, func(tx store.Tx) error {
		return errors.Join(tx.CreateGroup(newGroup(acct, "Admins")), tx.CreateGroup(newGroup(acct, "devs")),
			tx.CreateUser(newUser(acct, "/", "bob")), tx.CreateUser(newUser(acct, "/", "Alice")))
	})
	cases := []struct {
		name string
		fn   func(tx store.Tx) error
		want error
	}{
		{"duplicate group", func(tx store.Tx) error { return tx.CreateGroup(newGroup(acct, "ADMINS")) }, store.ErrAlreadyExists},
		{"add", func(tx store.Tx) error { return tx.AddUserToGroup(acct, "admins", "ALICE") }, nil},
		{"add again", func(tx store.Tx) error { return tx.AddUserToGroup(acct, "Admins", "alice") }, nil},
		{"add bob", func(tx store.Tx) error { return tx.AddUserToGroup(acct, "Admins", "bob") }, nil},
		{"add bob to devs", func(tx store.Tx) error { return tx.AddUserToGroup(acct, "devs", "bob") }, nil},
		{"add to missing group", func(tx store.Tx) error { return tx.AddUserToGroup(acct, "nope", "bob") }, store.ErrNotFound},
		{"add missing user", func(tx store.Tx) error { return tx.AddUserToGroup(acct, "devs", "nope") }, store.ErrNotFound},
		{"add across accounts", func(tx store.Tx) error { return tx.AddUserToGroup(acct2, "devs", "bob") }, store.ErrNotFound},
		{"remove non-member", func(tx store.Tx) error { return tx.RemoveUserFromGroup(acct, "devs", "alice") }, store.ErrNotFound},
		{"delete group with members", func(tx store.Tx) error { return tx.DeleteGroup(acct, "devs") }, store.ErrConflict},
		{"remove", func(tx store.Tx) error { return tx.RemoveUserFromGroup(acct, "DEVS", "Bob") }, nil},
		{"delete empty group", func(tx store.Tx) error { return tx.DeleteGroup(acct, "Devs") }, nil},
		{"delete missing group", func(tx store.Tx) error { return tx.DeleteGroup(acct, "devs") }, store.ErrNotFound},
	}
	for _, c := range cases {
		wantErr(t, c.name, try(t, s, c.fn), c.want)
	}
	view(t, s, func(tx store.ReadTx) error {
		g, err := tx.GetGroup(acct, "ADMINS")
		wantErr(t, "GetGroup", err, nil)
		equal(t, "group name", g.Name, "Admins")
		us, next, err := tx.ListGroupMembers(acct, "admins", store.ListOptions{MaxItems: 1})
		wantErr(t, "ListGroupMembers", err, nil)
		if len(us) != 1 || us[0].Name != "Alice" || next == "" {
			t.Errorf("first member page = %+v, %q; want [Alice] and a marker", us, next)
		}
		us, next, err = tx.ListGroupMembers(acct, "admins", store.ListOptions{Marker: next, MaxItems: 1})
		wantErr(t, "ListGroupMembers page 2", err, nil)
		if len(us) != 1 || us[0].Name != "bob" || next != "" {
			t.Errorf("second member page = %+v, %q; want [bob] and no marker", us, next)
		}
		gs, _, err := tx.ListGroupsForUser(acct, "bob", store.ListOptions{})
		wantErr(t, "ListGroupsForUser", err, nil)
		if len(gs) != 1 || gs[0].Name != "Admins" {
			t.Errorf("groups of bob = %+v, want [Admins]", gs)
		}
		_, _, err = tx.ListGroupMembers(acct, "devs", store.ListOptions{})
		wantErr(t, "members of deleted group", err, store.ErrNotFound)
		_, _, err = tx.ListGroupsForUser(acct, "nobody", store.ListOptions{})
		wantErr(t, "groups of missing user", err, store.ErrNotFound)
		return nil
	})
	// A user belongs to at most MaxGroupsPerUser groups.
	update(t, s, func(tx store.Tx) error {
		for i := range store.MaxGroupsPerUser - 1 {
			name := fmt.Sprintf("g%02d", i)
			if err := errors.Join(tx.CreateGroup(newGroup(acct, name)), tx.AddUserToGroup(acct, name, "Alice")); err != nil {
				return err
			}
		}
		return tx.CreateGroup(newGroup(acct, "one-too-many"))
	})
	// Alice is in Admins plus the new groups, MaxGroupsPerUser in all.
	err := try(t, s, func(tx store.Tx) error { return tx.AddUserToGroup(acct, "one-too-many", "alice") })
	wantErr(t, "group limit", err, store.ErrLimitExceeded)
}

func testRoles(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	r := newRole(acct, "Deployer")
	r.Description = "deploys things"
	r.MaxSessionDuration = 4 * time.Hour
	slr := newRole(acct, "AWSServiceRoleForAmazonConnect_abc")
	slr.Path = "/aws-service-role/connect.amazonaws.com/"
	slr.ServiceLinked = true
	slr.MaxSessionDuration = 0 // defaults to one hour
	cases := []struct {
		name string
		r    store.Role
		want error
	}{
		{"create", r, nil},
		{"service-linked", slr, nil},
		{"duplicate", newRole(acct, "deployer"), store.ErrAlreadyExists},
		{"fractional duration", func() store.Role { x := newRole(acct, "x"); x.MaxSessionDuration = 1500 * time.Millisecond; return x }(), store.ErrInvalidArgument},
	}
	for _, c := range cases {
		wantErr(t, c.name, try(t, s, func(tx store.Tx) error { return tx.CreateRole(c.r) }), c.want)
	}
	view(t, s, func(tx store.ReadTx) error {
		got, err := tx.GetRole(acct, "DEPLOYER")
		wantErr(t, "GetRole", err, nil)
		equal(t, "role", got, r)
		_, err = tx.GetRole(acct, "awsservicerolefor amazonconnect_abc")
		wantErr(t, "GetRole misspelled", err, store.ErrNotFound)
		got, err = tx.GetRole(acct, "awsservicerole"+"foramazonconnect_ABC")
		wantErr(t, "GetRole SLR", err, nil)
		if !got.ServiceLinked || got.MaxSessionDuration != time.Hour || got.Path != slr.Path {
			t.Errorf("service-linked role = %+v, want ServiceLinked, 1h, path %s", got, slr.Path)
		}
		return nil
	})
	r.AssumeRolePolicyDocument = `{"Version":"2012-10-17","Statement":[]}`
	r.Description = ""
	r.MaxSessionDuration = 12 * time.Hour
	r.PermissionsBoundaryARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	r.LastUsed = ts(100)
	r.LastUsedRegion = "eu-west-2"
	update(t, s, func(tx store.Tx) error { return tx.UpdateRole(r) })
	view(t, s, func(tx store.ReadTx) error {
		got, err := tx.GetRole(acct, "Deployer")
		wantErr(t, "GetRole after update", err, nil)
		equal(t, "updated role", got, r)
		return nil
	})
	wantErr(t, "delete with inline policy", try(t, s, func(tx store.Tx) error {
		if err := tx.PutInlinePolicy(acct, roleRef("deployer"), "inline", doc1); err != nil {
			return err
		}
		return tx.DeleteRole(acct, "Deployer")
	}), store.ErrConflict)
	update(t, s, func(tx store.Tx) error { return tx.DeleteRole(acct, "deployer") })
	wantErr(t, "delete missing", try(t, s, func(tx store.Tx) error { return tx.DeleteRole(acct, "deployer") }), store.ErrNotFound)
}

func testPolicies(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	p := newPolicy(acct, "/", "ReadBuckets")
	p.Description = "read"
	var created store.Policy
	update(t, s, func(tx store.Tx) error {
		var err error
		created, err = tx.CreatePolicy(p, doc1)
		return err
	})
	want := p
	want.DefaultVersionID, want.Updated = "v1", p.Created
	equal(t, "created policy", created, want)
	cases := []struct {
		name string
		p    store.Policy
		doc  string
		want error
	}{
		{"same name other case and path", newPolicy(acct, "/x/", "readbuckets"), doc1, store.ErrAlreadyExists},
		{"same ARN other account", func() store.Policy { q := newPolicy(acct2, "/", "ReadBuckets"); q.ARN = p.ARN; return q }(), doc1, store.ErrAlreadyExists},
		{"same name other account", newPolicy(acct2, "/", "ReadBuckets"), doc1, nil},
		{"empty document", newPolicy(acct, "/", "Empty"), "", store.ErrInvalidArgument},
	}
	for _, c := range cases {
		wantErr(t, c.name, try(t, s, func(tx store.Tx) error { _, err := tx.CreatePolicy(c.p, c.doc); return err }), c.want)
	}
	update(t, s, func(tx store.Tx) error { return tx.UpdatePolicyDescription(acct, p.ARN, "read buckets") })
	wantErr(t, "describe missing", try(t, s, func(tx store.Tx) error {
		return tx.UpdatePolicyDescription(acct, p.ARN+"x", "d")
	}), store.ErrNotFound)
	view(t, s, func(tx store.ReadTx) error {
		got, err := tx.GetPolicy(acct, p.ARN)
		wantErr(t, "GetPolicy", err, nil)
		want.Description = "read buckets"
		equal(t, "policy", got, want)
		_, err = tx.GetPolicy(acct2, p.ARN)
		wantErr(t, "GetPolicy other account", err, store.ErrNotFound)
		return nil
	})
	// Counts and OnlyAttached.
	update(t, s, func(tx store.Tx) error {
		u := newUser(acct, "/", "alice")
		u.PermissionsBoundaryARN = p.ARN
		return errors.Join(tx.CreateUser(u), tx.CreateRole(newRole(acct, "r")), tx.CreateGroup(newGroup(acct, "g")),
			tx.AttachPolicy(acct, roleRef("r"), p.ARN), tx.AttachPolicy(acct, groupRef("g"), p.ARN),
			func() error { _, err := tx.CreatePolicy(newPolicy(acct, "/", "Unused"), doc1); return err }())
	})
	view(t, s, func(tx store.ReadTx) error {
		got, err := tx.GetPolicy(acct, p.ARN)
		wantErr(t, "GetPolicy", err, nil)
		equal(t, "counts", [2]int{got.AttachmentCount, got.PermissionsBoundaryUsageCount}, [2]int{2, 1})
		ps, _, err := tx.ListPolicies(acct, store.PolicyFilter{OnlyAttached: true}, store.ListOptions{})
		wantErr(t, "ListPolicies OnlyAttached", err, nil)
		if len(ps) != 1 || ps[0].ARN != p.ARN {
			t.Errorf("attached policies = %+v, want only %s", ps, p.ARN)
		}
		ps, _, err = tx.ListPolicies(acct, store.PolicyFilter{}, store.ListOptions{})
		wantErr(t, "ListPolicies", err, nil)
		equal(t, "policy count", len(ps), 2)
		return nil
	})
	wantErr(t, "delete attached", try(t, s, func(tx store.Tx) error { return tx.DeletePolicy(acct, p.ARN) }), store.ErrConflict)
	wantErr(t, "delete boundary", try(t, s, func(tx store.Tx) error {
		if err := errors.Join(tx.DetachPolicy(acct, roleRef("r"), p.ARN), tx.DetachPolicy(acct, groupRef("g"), p.ARN)); err != nil {
			return err
		}
		return tx.DeletePolicy(acct, p.ARN)
	}), store.ErrConflict)
	update(t, s, func(tx store.Tx) error {
		u, err := tx.GetUser(acct, "alice")
		if err != nil {
			return err
		}
		u.PermissionsBoundaryARN = ""
		return errors.Join(tx.UpdateUser(u), tx.DetachPolicy(acct, roleRef("r"), p.ARN),
			tx.DetachPolicy(acct, groupRef("g"), p.ARN), tx.TagEntity(acct, store.EntityRef{Kind: store.KindPolicy, Name: p.ARN}, []store.Tag{{Key: "k", Value: "v"}}),
			tx.DeletePolicy(acct, p.ARN))
	})
	view(t, s, func(tx store.ReadTx) error {
		_, err := tx.GetPolicy(acct, p.ARN)
		wantErr(t, "deleted policy", err, store.ErrNotFound)
		_, err = tx.ListPolicyVersions(acct, p.ARN)
		wantErr(t, "versions of deleted policy", err, store.ErrNotFound)
		return nil
	})
	// The name is free again.
	update(t, s, func(tx store.Tx) error {
		_, err := tx.CreatePolicy(newPolicy(acct, "/", "readbuckets"), doc1)
		return err
	})
}

func testPolicyVersions(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	p := newPolicy(acct, "/", "P")
	update(t, s, func(tx store.Tx) error { _, err := tx.CreatePolicy(p, "doc v1"); return err })
	for i := 2; i <= store.MaxPolicyVersions; i++ {
		var v store.PolicyVersion
		update(t, s, func(tx store.Tx) error {
			var err error
			v, err = tx.CreatePolicyVersion(acct, p.ARN, fmt.Sprintf("doc v%d", i), i == 3)
			return err
		})
		equal(t, "version ID", v.VersionID, store.VersionID(i))
		equal(t, "IsDefault", v.IsDefault, i == 3)
	}
	cases := []struct {
		name string
		fn   func(tx store.Tx) error
		want error
	}{
		{"sixth version", func(tx store.Tx) error { _, err := tx.CreatePolicyVersion(acct, p.ARN, "doc v6", false); return err }, store.ErrLimitExceeded},
		{"delete default", func(tx store.Tx) error { return tx.DeletePolicyVersion(acct, p.ARN, "v3") }, store.ErrConflict},
		{"delete missing", func(tx store.Tx) error { return tx.DeletePolicyVersion(acct, p.ARN, "v9") }, store.ErrNotFound},
		{"delete malformed", func(tx store.Tx) error { return tx.DeletePolicyVersion(acct, p.ARN, "3") }, store.ErrInvalidArgument},
		{"default missing", func(tx store.Tx) error { return tx.SetDefaultPolicyVersion(acct, p.ARN, "v7") }, store.ErrNotFound},
		{"version of missing policy", func(tx store.Tx) error { _, err := tx.CreatePolicyVersion(acct, p.ARN+"x", "d", false); return err }, store.ErrNotFound},
		{"empty document", func(tx store.Tx) error { _, err := tx.CreatePolicyVersion(acct, p.ARN, "", false); return err }, store.ErrInvalidArgument},
		{"delete v2", func(tx store.Tx) error { return tx.DeletePolicyVersion(acct, p.ARN, "v2") }, nil},
		{"set default v4", func(tx store.Tx) error { return tx.SetDefaultPolicyVersion(acct, p.ARN, "v4") }, nil},
		{"delete old default", func(tx store.Tx) error { return tx.DeletePolicyVersion(acct, p.ARN, "v3") }, nil},
		{"sixth after deletions", func(tx store.Tx) error { _, err := tx.CreatePolicyVersion(acct, p.ARN, "doc v6", false); return err }, nil},
	}
	for _, c := range cases {
		wantErr(t, c.name, try(t, s, c.fn), c.want)
	}
	view(t, s, func(tx store.ReadTx) error {
		vs, err := tx.ListPolicyVersions(acct, p.ARN)
		wantErr(t, "ListPolicyVersions", err, nil)
		var ids []string
		var def []string
		for _, v := range vs {
			ids = append(ids, v.VersionID)
			if v.IsDefault {
				def = append(def, v.VersionID)
			}
			equal(t, "document of "+v.VersionID, v.Document, "doc "+v.VersionID)
		}
		equal(t, "versions newest first", ids, []string{"v6", "v5", "v4", "v1"})
		equal(t, "default versions", def, []string{"v4"})
		got, err := tx.GetPolicy(acct, p.ARN)
		wantErr(t, "GetPolicy", err, nil)
		equal(t, "DefaultVersionID", got.DefaultVersionID, "v4")
		if !got.Updated.After(got.Created) {
			t.Errorf("Updated %v not after Created %v after changing the default", got.Updated, got.Created)
		}
		v, err := tx.GetPolicyVersion(acct, p.ARN, "v4")
		wantErr(t, "GetPolicyVersion", err, nil)
		equal(t, "v4", [2]any{v.Document, v.IsDefault}, [2]any{"doc v4", true})
		_, err = tx.GetPolicyVersion(acct, p.ARN, "v2")
		wantErr(t, "GetPolicyVersion deleted", err, store.ErrNotFound)
		return nil
	})
}

func testInlinePolicies(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	update(t, s, func(tx store.Tx) error {
		return errors.Join(tx.CreateUser(newUser(acct, "/", "u")), tx.CreateGroup(newGroup(acct, "g")), tx.CreateRole(newRole(acct, "r")),
			tx.CreateUser(newUser(acct2, "/", "u")))
	})
	for _, owner := range []store.EntityRef{userRef("u"), groupRef("G"), roleRef("R")} {
		cases := []struct {
			name string
			fn   func(tx store.Tx) error
			want error
		}{
			{"put", func(tx store.Tx) error { return tx.PutInlinePolicy(acct, owner, "ReadOnly", "doc1") }, nil},
			{"put second", func(tx store.Tx) error { return tx.PutInlinePolicy(acct, owner, "admin", "doc2") }, nil},
			{"replace other case", func(tx store.Tx) error { return tx.PutInlinePolicy(acct, owner, "READONLY", "doc3") }, nil},
			{"empty name", func(tx store.Tx) error { return tx.PutInlinePolicy(acct, owner, "", "doc") }, store.ErrInvalidArgument},
			{"empty document", func(tx store.Tx) error { return tx.PutInlinePolicy(acct, owner, "x", "") }, store.ErrInvalidArgument},
			{"delete missing", func(tx store.Tx) error { return tx.DeleteInlinePolicy(acct, owner, "nope") }, store.ErrNotFound},
		}
		for _, c := range cases {
			wantErr(t, fmt.Sprintf("%s: %s", owner, c.name), try(t, s, c.fn), c.want)
		}
		view(t, s, func(tx store.ReadTx) error {
			p, err := tx.GetInlinePolicy(acct, owner, "readonly")
			wantErr(t, "GetInlinePolicy", err, nil)
			equal(t, "replaced policy", p, store.InlinePolicy{Name: "READONLY", Document: "doc3"})
			ps, next, err := tx.ListInlinePolicies(acct, owner, store.ListOptions{MaxItems: 1})
			wantErr(t, "ListInlinePolicies", err, nil)
			equal(t, "first page", ps, []store.InlinePolicy{{Name: "admin", Document: "doc2"}})
			ps, next, err = tx.ListInlinePolicies(acct, owner, store.ListOptions{Marker: next})
			wantErr(t, "ListInlinePolicies page 2", err, nil)
			equal(t, "second page", ps, []store.InlinePolicy{{Name: "READONLY", Document: "doc3"}})
			equal(t, "last marker", next, "")
			return nil
		})
		update(t, s, func(tx store.Tx) error { return tx.DeleteInlinePolicy(acct, owner, "Admin") })
		view(t, s, func(tx store.ReadTx) error {
			_, err := tx.GetInlinePolicy(acct, owner, "admin")
			wantErr(t, "deleted inline policy", err, store.ErrNotFound)
			return nil
		})
	}
	view(t, s, func(tx store.ReadTx) error {
		ps, _, err := tx.ListInlinePolicies(acct2, userRef("u"), store.ListOptions{})
		wantErr(t, "other account's user", err, nil)
		equal(t, "policies of other account's user", len(ps), 0)
		_, _, err = tx.ListInlinePolicies(acct, userRef("missing"), store.ListOptions{})
		wantErr(t, "missing owner", err, store.ErrNotFound)
		_, err = tx.GetInlinePolicy(acct, store.EntityRef{Kind: store.KindPolicy, Name: "x"}, "p")
		wantErr(t, "policy owner", err, store.ErrInvalidArgument)
		_, err = tx.GetInlinePolicy(acct, store.EntityRef{Kind: "bucket", Name: "x"}, "p")
		wantErr(t, "unknown kind", err, store.ErrInvalidArgument)
		return nil
	})
}

func testAttachments(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	p := newPolicy(acct, "/", "Mine")
	const admin = "arn:aws:iam::aws:policy/AdministratorAccess"
	const connect = "arn:aws:iam::aws:policy/AmazonConnect_FullAccess"
	update(t, s, func(tx store.Tx) error {
		_, err := tx.CreatePolicy(p, doc1)
		return errors.Join(err, tx.CreateUser(newUser(acct, "/", "u")), tx.CreateGroup(newGroup(acct, "g")), tx.CreateRole(newRole(acct, "r")))
	})
	cases := []struct {
		name string
		fn   func(tx store.Tx) error
		want error
	}{
		{"customer policy", func(tx store.Tx) error { return tx.AttachPolicy(acct, userRef("U"), p.ARN) }, nil},
		{"again", func(tx store.Tx) error { return tx.AttachPolicy(acct, userRef("u"), p.ARN) }, nil},
		{"AWS managed", func(tx store.Tx) error { return tx.AttachPolicy(acct, userRef("u"), admin) }, nil},
		{"AWS managed to role", func(tx store.Tx) error { return tx.AttachPolicy(acct, roleRef("r"), connect) }, nil},
		{"customer to group", func(tx store.Tx) error { return tx.AttachPolicy(acct, groupRef("g"), p.ARN) }, nil},
		{"missing customer policy", func(tx store.Tx) error {
			return tx.AttachPolicy(acct, userRef("u"), "arn:aws:iam::"+acct+":policy/Nope")
		}, store.ErrNotFound},
		{"other account's policy", func(tx store.Tx) error {
			return tx.AttachPolicy(acct, userRef("u"), "arn:aws:iam::"+acct2+":policy/Mine")
		}, store.ErrNotFound},
		{"missing user", func(tx store.Tx) error { return tx.AttachPolicy(acct, userRef("x"), admin) }, store.ErrNotFound},
		{"policy owner", func(tx store.Tx) error {
			return tx.AttachPolicy(acct, store.EntityRef{Kind: store.KindPolicy, Name: p.ARN}, admin)
		}, store.ErrInvalidArgument},
		{"detach not attached", func(tx store.Tx) error { return tx.DetachPolicy(acct, groupRef("g"), admin) }, store.ErrNotFound},
	}
	for _, c := range cases {
		wantErr(t, c.name, try(t, s, c.fn), c.want)
	}
	view(t, s, func(tx store.ReadTx) error {
		arns, next, err := tx.ListAttachedPolicies(acct, userRef("u"), store.ListOptions{MaxItems: 1})
		wantErr(t, "ListAttachedPolicies", err, nil)
		equal(t, "first page", arns, []string{p.ARN})
		arns, next, err = tx.ListAttachedPolicies(acct, userRef("u"), store.ListOptions{Marker: next, MaxItems: 1})
		wantErr(t, "ListAttachedPolicies page 2", err, nil)
		equal(t, "second page", arns, []string{admin})
		equal(t, "last marker", next, "")
		refs, err := tx.ListPolicyAttachments(acct, p.ARN)
		wantErr(t, "ListPolicyAttachments", err, nil)
		equal(t, "entities of customer policy", refs, []store.EntityRef{userRef("u"), groupRef("g")})
		refs, err = tx.ListPolicyAttachments(acct, connect)
		wantErr(t, "ListPolicyAttachments AWS", err, nil)
		equal(t, "entities of AWS policy", refs, []store.EntityRef{roleRef("r")})
		refs, err = tx.ListPolicyAttachments(acct2, connect)
		wantErr(t, "ListPolicyAttachments other account", err, nil)
		equal(t, "entities in other account", len(refs), 0)
		got, _ := tx.GetPolicy(acct, p.ARN)
		equal(t, "AttachmentCount", got.AttachmentCount, 2)
		return nil
	})
	update(t, s, func(tx store.Tx) error { return tx.DetachPolicy(acct, userRef("u"), p.ARN) })
	view(t, s, func(tx store.ReadTx) error {
		arns, _, err := tx.ListAttachedPolicies(acct, userRef("u"), store.ListOptions{})
		wantErr(t, "ListAttachedPolicies after detach", err, nil)
		equal(t, "after detach", arns, []string{admin})
		return nil
	})
}

func testDeleteConflicts(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	const admin = "arn:aws:iam::aws:policy/AdministratorAccess"
	// Each case sets up one dependent of user "u", group "g" or role "r",
	// checks that deletion fails with ErrConflict and leaves the entity,
	// removes the dependent and deletes.
	cases := []struct {
		name    string
		add     func(tx store.Tx) error
		remove  func(tx store.Tx) error
		del     func(tx store.Tx) error
		present func(tx store.ReadTx) error
	}{
		{"user with access key",
			func(tx store.Tx) error {
				return tx.CreateAccessKey(store.AccessKey{ID: "AKIAUSERKEY000000001", AccountID: acct, UserName: "u", SecretCiphertext: []byte("x")})
			},
			func(tx store.Tx) error { return tx.DeleteAccessKey(acct, "u", "AKIAUSERKEY000000001") },
			func(tx store.Tx) error { return tx.DeleteUser(acct, "u") },
			func(tx store.ReadTx) error { _, err := tx.GetUser(acct, "u"); return err }},
		{"user with inline policy",
			func(tx store.Tx) error { return tx.PutInlinePolicy(acct, userRef("u"), "p", doc1) },
			func(tx store.Tx) error { return tx.DeleteInlinePolicy(acct, userRef("u"), "p") },
			func(tx store.Tx) error { return tx.DeleteUser(acct, "u") },
			func(tx store.ReadTx) error { _, err := tx.GetUser(acct, "u"); return err }},
		{"user with attached policy",
			func(tx store.Tx) error { return tx.AttachPolicy(acct, userRef("u"), admin) },
			func(tx store.Tx) error { return tx.DetachPolicy(acct, userRef("u"), admin) },
			func(tx store.Tx) error { return tx.DeleteUser(acct, "u") },
			func(tx store.ReadTx) error { _, err := tx.GetUser(acct, "u"); return err }},
		{"user in group",
			func(tx store.Tx) error { return tx.AddUserToGroup(acct, "g", "u") },
			func(tx store.Tx) error { return tx.RemoveUserFromGroup(acct, "g", "u") },
			func(tx store.Tx) error { return tx.DeleteUser(acct, "u") },
			func(tx store.ReadTx) error { _, err := tx.GetUser(acct, "u"); return err }},
		{"group with inline policy",
			func(tx store.Tx) error { return tx.PutInlinePolicy(acct, groupRef("g"), "p", doc1) },
			func(tx store.Tx) error { return tx.DeleteInlinePolicy(acct, groupRef("g"), "p") },
			func(tx store.Tx) error { return tx.DeleteGroup(acct, "g") },
			func(tx store.ReadTx) error { _, err := tx.GetGroup(acct, "g"); return err }},
		{"group with attached policy",
			func(tx store.Tx) error { return tx.AttachPolicy(acct, groupRef("g"), admin) },
			func(tx store.Tx) error { return tx.DetachPolicy(acct, groupRef("g"), admin) },
			func(tx store.Tx) error { return tx.DeleteGroup(acct, "g") },
			func(tx store.ReadTx) error { _, err := tx.GetGroup(acct, "g"); return err }},
		{"role with attached policy",
			func(tx store.Tx) error { return tx.AttachPolicy(acct, roleRef("r"), admin) },
			func(tx store.Tx) error { return tx.DetachPolicy(acct, roleRef("r"), admin) },
			func(tx store.Tx) error { return tx.DeleteRole(acct, "r") },
			func(tx store.ReadTx) error { _, err := tx.GetRole(acct, "r"); return err }},
	}
	for _, c := range cases {
		update(t, s, func(tx store.Tx) error {
			for _, err := range []error{tx.CreateUser(newUser(acct, "/", "u")), tx.CreateGroup(newGroup(acct, "g")), tx.CreateRole(newRole(acct, "r"))} {
				if err != nil && !errors.Is(err, store.ErrAlreadyExists) {
					return err
				}
			}
			return c.add(tx)
		})
		wantErr(t, c.name+": delete", try(t, s, c.del), store.ErrConflict)
		view(t, s, c.present)
		update(t, s, c.remove)
		wantErr(t, c.name+": delete after removal", try(t, s, c.del), nil)
	}
}

func testTags(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	p := newPolicy(acct, "/", "P")
	update(t, s, func(tx store.Tx) error {
		_, err := tx.CreatePolicy(p, doc1)
		return errors.Join(err, tx.CreateUser(newUser(acct, "/", "u")), tx.CreateRole(newRole(acct, "r")), tx.CreateGroup(newGroup(acct, "g")))
	})
	for _, target := range []store.EntityRef{userRef("U"), roleRef("r"), {Kind: store.KindPolicy, Name: p.ARN}} {
		update(t, s, func(tx store.Tx) error {
			return tx.TagEntity(acct, target, []store.Tag{{Key: "Team", Value: "a"}, {Key: "cost", Value: "1"}})
		})
		update(t, s, func(tx store.Tx) error {
			return tx.TagEntity(acct, target, []store.Tag{{Key: "TEAM", Value: "b"}, {Key: "env", Value: ""}})
		})
		view(t, s, func(tx store.ReadTx) error {
			tags, err := tx.ListTags(acct, target)
			wantErr(t, "ListTags", err, nil)
			equal(t, fmt.Sprintf("tags of %s", target), tags, []store.Tag{{Key: "cost", Value: "1"}, {Key: "env", Value: ""}, {Key: "TEAM", Value: "b"}})
			return nil
		})
		update(t, s, func(tx store.Tx) error { return tx.UntagEntity(acct, target, []string{"team", "absent"}) })
		// Fill up to the limit: 2 present + 48 new = 50.
		var many []store.Tag
		for i := range store.MaxTagsPerEntity - 2 {
			many = append(many, store.Tag{Key: fmt.Sprintf("k%02d", i), Value: "v"})
		}
		update(t, s, func(tx store.Tx) error { return tx.TagEntity(acct, target, many) })
		// Replacing existing keys at the limit is allowed; one more is not,
		// and a failed call writes none of its tags.
		update(t, s, func(tx store.Tx) error { return tx.TagEntity(acct, target, []store.Tag{{Key: "K00", Value: "w"}}) })
		err := try(t, s, func(tx store.Tx) error {
			err := tx.TagEntity(acct, target, []store.Tag{{Key: "k01", Value: "changed"}, {Key: "new", Value: "v"}})
			wantErr(t, "51st tag", err, store.ErrLimitExceeded)
			tags, err := tx.ListTags(acct, target)
			if err != nil {
				return err
			}
			for _, tg := range tags {
				if tg.Key == "k01" && tg.Value != "v" {
					t.Errorf("failed TagEntity changed tag k01 to %q", tg.Value)
				}
			}
			equal(t, "tag count after failed call", len(tags), store.MaxTagsPerEntity)
			return nil
		})
		wantErr(t, "transaction after failed TagEntity", err, nil)
	}
	cases := []struct {
		name string
		fn   func(tx store.Tx) error
		want error
	}{
		{"group", func(tx store.Tx) error { return tx.TagEntity(acct, groupRef("g"), []store.Tag{{Key: "a", Value: "b"}}) }, store.ErrInvalidArgument},
		{"duplicate keys", func(tx store.Tx) error {
			return tx.TagEntity(acct, userRef("u"), []store.Tag{{Key: "a", Value: "b"}, {Key: "A", Value: "c"}})
		}, store.ErrInvalidArgument},
		{"empty key", func(tx store.Tx) error { return tx.TagEntity(acct, roleRef("r"), []store.Tag{{Key: "", Value: "c"}}) }, store.ErrInvalidArgument},
		{"missing user", func(tx store.Tx) error { return tx.TagEntity(acct, userRef("x"), []store.Tag{{Key: "a", Value: "b"}}) }, store.ErrNotFound},
		{"untag missing role", func(tx store.Tx) error { return tx.UntagEntity(acct, roleRef("x"), []string{"a"}) }, store.ErrNotFound},
	}
	for _, c := range cases {
		wantErr(t, c.name, try(t, s, c.fn), c.want)
	}
	// Tags go with their entity: a new user with the same name has none.
	update(t, s, func(tx store.Tx) error {
		return errors.Join(tx.DeleteUser(acct, "u"), tx.CreateUser(newUser(acct, "/", "u")))
	})
	view(t, s, func(tx store.ReadTx) error {
		tags, err := tx.ListTags(acct, userRef("u"))
		wantErr(t, "ListTags of new user", err, nil)
		equal(t, "tags of new user", len(tags), 0)
		return nil
	})
}

func testAccessKeys(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	u := newUser(acct, "/", "alice")
	update(t, s, func(tx store.Tx) error { return tx.CreateUser(u) })
	k1 := store.AccessKey{ID: "AKIAAAAAAAAAAAAAAAA1", AccountID: acct, UserName: "ALICE", SecretCiphertext: []byte{1, 2, 3}, Created: ts(10)}
	k2 := store.AccessKey{ID: "AKIAAAAAAAAAAAAAAAA2", AccountID: acct, UserName: "alice", SecretCiphertext: []byte{4}, Status: store.AccessKeyInactive, Created: ts(11)}
	cases := []struct {
		name string
		k    store.AccessKey
		want error
	}{
		{"first", k1, nil},
		{"duplicate ID", func() store.AccessKey { k := k1; k.UserName = "alice"; return k }(), store.ErrAlreadyExists},
		{"second", k2, nil},
		{"third", store.AccessKey{ID: "AKIAAAAAAAAAAAAAAAA3", AccountID: acct, UserName: "alice", SecretCiphertext: []byte{5}}, store.ErrLimitExceeded},
		{"missing user", store.AccessKey{ID: "AKIAAAAAAAAAAAAAAAA4", AccountID: acct, UserName: "bob", SecretCiphertext: []byte{5}}, store.ErrNotFound},
		{"no secret", store.AccessKey{ID: "AKIAAAAAAAAAAAAAAAA5", AccountID: acct, UserName: "alice"}, store.ErrInvalidArgument},
		{"bad status", store.AccessKey{ID: "AKIAAAAAAAAAAAAAAAA6", AccountID: acct, UserName: "alice", SecretCiphertext: []byte{5}, Status: "Enabled"}, store.ErrInvalidArgument},
		{"empty ID", store.AccessKey{AccountID: acct, UserName: "alice", SecretCiphertext: []byte{5}}, store.ErrInvalidArgument},
	}
	for _, c := range cases {
		wantErr(t, c.name, try(t, s, func(tx store.Tx) error { return tx.CreateAccessKey(c.k) }), c.want)
	}
	want1 := k1
	want1.UserName, want1.UserID, want1.Status = "alice", u.ID, store.AccessKeyActive
	want2 := k2
	want2.UserID = u.ID
	view(t, s, func(tx store.ReadTx) error {
		k, err := tx.GetAccessKey(k1.ID)
		wantErr(t, "GetAccessKey", err, nil)
		equal(t, "access key", k, want1)
		_, err = tx.GetAccessKey("AKIANOSUCHKEY0000000")
		wantErr(t, "GetAccessKey missing", err, store.ErrNotFound)
		ks, err := tx.ListAccessKeys(acct, "Alice")
		wantErr(t, "ListAccessKeys", err, nil)
		equal(t, "keys oldest first", ks, []store.AccessKey{want1, want2})
		_, err = tx.ListAccessKeys(acct, "bob")
		wantErr(t, "ListAccessKeys missing user", err, store.ErrNotFound)
		return nil
	})
	ops := []struct {
		name string
		fn   func(tx store.Tx) error
		want error
	}{
		{"deactivate", func(tx store.Tx) error { return tx.SetAccessKeyStatus(acct, "alice", k1.ID, store.AccessKeyInactive) }, nil},
		{"bad status", func(tx store.Tx) error { return tx.SetAccessKeyStatus(acct, "alice", k1.ID, "off") }, store.ErrInvalidArgument},
		{"status of other user's key", func(tx store.Tx) error {
			if err := tx.CreateUser(newUser(acct, "/", "bob")); err != nil {
				return err
			}
			return tx.SetAccessKeyStatus(acct, "bob", k1.ID, store.AccessKeyActive)
		}, store.ErrNotFound},
		{"record use", func(tx store.Tx) error { return tx.RecordAccessKeyUse(k1.ID, ts(50), "iam", "us-east-1") }, nil},
		{"record use of missing key", func(tx store.Tx) error { return tx.RecordAccessKeyUse("AKIAX", ts(50), "iam", "us-east-1") }, store.ErrNotFound},
		{"delete other user's key", func(tx store.Tx) error {
			if err := tx.CreateUser(newUser(acct, "/", "carol")); err != nil {
				return err
			}
			return tx.DeleteAccessKey(acct, "carol", k1.ID)
		}, store.ErrNotFound},
		{"delete k2", func(tx store.Tx) error { return tx.DeleteAccessKey(acct, "alice", k2.ID) }, nil},
		{"delete k2 again", func(tx store.Tx) error { return tx.DeleteAccessKey(acct, "alice", k2.ID) }, store.ErrNotFound},
		{"rename owner", func(tx store.Tx) error { v := u; v.Name = "alicia"; return tx.UpdateUser(v) }, nil},
	}
	for _, c := range ops {
		wantErr(t, c.name, try(t, s, c.fn), c.want)
	}
	view(t, s, func(tx store.ReadTx) error {
		k, err := tx.GetAccessKey(k1.ID)
		wantErr(t, "GetAccessKey", err, nil)
		want1.Status, want1.LastUsed, want1.LastUsedService, want1.LastUsedRegion = store.AccessKeyInactive, ts(50), "iam", "us-east-1"
		want1.UserName = "alicia"
		equal(t, "used, deactivated key of renamed user", k, want1)
		_, err = tx.GetAccessKey(k2.ID)
		wantErr(t, "deleted key", err, store.ErrNotFound)
		return nil
	})
	// Deleting a key frees a slot.
	update(t, s, func(tx store.Tx) error {
		return tx.CreateAccessKey(store.AccessKey{ID: "AKIAAAAAAAAAAAAAAAA7", AccountID: acct, UserName: "alicia", SecretCiphertext: []byte{7}})
	})
}

func testSessions(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	const roleARN = "arn:aws:iam::" + acct + ":role/Deployer"
	full := store.Session{
		ID: "ASIAAAAAAAAAAAAAAAA1", AccountID: acct, SecretCiphertext: []byte("sealed"), TokenHash: []byte("hash"),
		Kind: store.SessionAssumedRole, PrincipalARN: "arn:aws:sts::" + acct + ":assumed-role/Deployer/build",
		PrincipalID: "AROAEXAMPLE:build", SourceARN: roleARN, SessionName: "build",
		Policy:            `{"Version":"2012-10-17","Statement":[]}`,
		PolicyARNs:        []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"},
		Tags:              []store.Tag{{Key: "Project", Value: "x"}, {Key: "team", Value: ""}},
		TransitiveTagKeys: []string{"Project"}, SourceIdentity: "alice", ChainDepth: 1, MFAAuthenticated: true,
		Created: ts(0), Expiration: ts(3600),
	}
	minimal := store.Session{ID: "ASIAAAAAAAAAAAAAAAA2", AccountID: acct, SecretCiphertext: []byte("s"), TokenHash: []byte("h"),
		Kind: store.SessionFederatedUser, PrincipalARN: "arn:aws:sts::" + acct + ":federated-user/bob", PrincipalID: acct + ":bob",
		SourceARN: "arn:aws:iam::" + acct + ":user/bob", SessionName: "bob", Created: ts(0), Expiration: ts(900)}
	expired := minimal
	expired.ID, expired.Kind, expired.SourceARN, expired.Expiration = "ASIAAAAAAAAAAAAAAAA3", store.SessionUser, roleARN, ts(-1)
	cases := []struct {
		name string
		s    store.Session
		want error
	}{
		{"full", full, nil},
		{"minimal", minimal, nil},
		{"expired", expired, nil},
		{"duplicate", full, store.ErrAlreadyExists},
		{"bad kind", func() store.Session { x := minimal; x.ID = "ASIAX1"; x.Kind = "root"; return x }(), store.ErrInvalidArgument},
		{"no token hash", func() store.Session { x := minimal; x.ID = "ASIAX2"; x.TokenHash = nil; return x }(), store.ErrInvalidArgument},
		{"no expiration", func() store.Session { x := minimal; x.ID = "ASIAX3"; x.Expiration = time.Time{}; return x }(), store.ErrInvalidArgument},
		{"unknown account", func() store.Session { x := minimal; x.ID = "ASIAX4"; x.AccountID = "999999999999"; return x }(), store.ErrNotFound},
	}
	for _, c := range cases {
		wantErr(t, c.name, try(t, s, func(tx store.Tx) error { return tx.CreateSession(c.s) }), c.want)
	}
	view(t, s, func(tx store.ReadTx) error {
		got, err := tx.GetSession(full.ID)
		wantErr(t, "GetSession", err, nil)
		equal(t, "full session", got, full)
		got, err = tx.GetSession(minimal.ID)
		wantErr(t, "GetSession minimal", err, nil)
		equal(t, "minimal session", got, minimal)
		_, err = tx.GetSession("ASIANOPE")
		wantErr(t, "GetSession missing", err, store.ErrNotFound)
		n, err := tx.CountActiveSessions(acct, roleARN, ts(0))
		wantErr(t, "CountActiveSessions", err, nil)
		equal(t, "active sessions of role", n, 1)
		n, _ = tx.CountActiveSessions(acct, roleARN, ts(3600))
		equal(t, "active sessions at expiry", n, 0)
		return nil
	})
	var deleted int
	update(t, s, func(tx store.Tx) error {
		var err error
		deleted, err = tx.DeleteExpiredSessions(ts(0))
		return err
	})
	equal(t, "expired sessions deleted", deleted, 1)
	update(t, s, func(tx store.Tx) error { return tx.DeleteSession(minimal.ID) })
	wantErr(t, "delete again", try(t, s, func(tx store.Tx) error { return tx.DeleteSession(minimal.ID) }), store.ErrNotFound)
	view(t, s, func(tx store.ReadTx) error {
		for id, want := range map[string]error{full.ID: nil, minimal.ID: store.ErrNotFound, expired.ID: store.ErrNotFound} {
			_, err := tx.GetSession(id)
			wantErr(t, "GetSession "+id, err, want)
		}
		return nil
	})
}

func testDeletionTasks(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	task := store.DeletionTask{AccountID: acct, ID: "task/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_x/1",
		RoleName: "AWSServiceRoleForAmazonConnect_x", Created: ts(0)}
	cases := []struct {
		name string
		fn   func(tx store.Tx) error
		want error
	}{
		{"create", func(tx store.Tx) error { return tx.CreateDeletionTask(task) }, nil},
		{"duplicate", func(tx store.Tx) error { return tx.CreateDeletionTask(task) }, store.ErrAlreadyExists},
		{"bad status", func(tx store.Tx) error {
			x := task
			x.ID, x.Status = "t2", "DONE"
			return tx.CreateDeletionTask(x)
		}, store.ErrInvalidArgument},
		{"no role", func(tx store.Tx) error { x := task; x.ID, x.RoleName = "t3", ""; return tx.CreateDeletionTask(x) }, store.ErrInvalidArgument},
		{"update", func(tx store.Tx) error {
			return tx.UpdateDeletionTask(acct, task.ID, store.DeletionFailed, `{"Reason":"in use"}`)
		}, nil},
		{"update bad status", func(tx store.Tx) error { return tx.UpdateDeletionTask(acct, task.ID, "NOPE", "") }, store.ErrInvalidArgument},
		{"update missing", func(tx store.Tx) error { return tx.UpdateDeletionTask(acct, "nope", store.DeletionSucceeded, "") }, store.ErrNotFound},
		{"update other account", func(tx store.Tx) error { return tx.UpdateDeletionTask(acct2, task.ID, store.DeletionSucceeded, "") }, store.ErrNotFound},
	}
	for _, c := range cases {
		wantErr(t, c.name, try(t, s, c.fn), c.want)
	}
	view(t, s, func(tx store.ReadTx) error {
		got, err := tx.GetDeletionTask(acct, task.ID)
		wantErr(t, "GetDeletionTask", err, nil)
		equal(t, "status and reason", [3]any{got.Status, got.Reason, got.RoleName}, [3]any{store.DeletionFailed, `{"Reason":"in use"}`, task.RoleName})
		if !got.Updated.After(got.Created) {
			t.Errorf("Updated %v not after Created %v", got.Updated, got.Created)
		}
		_, err = tx.GetDeletionTask(acct2, task.ID)
		wantErr(t, "GetDeletionTask other account", err, store.ErrNotFound)
		return nil
	})
}

func instance(id string) store.Resource {
	return store.Resource{AccountID: acct, Service: "connect", Type: "instance", ID: id,
		ARN: "arn:aws:connect:us-east-1:" + acct + ":instance/" + id, Name: "alias-" + id, NameKey: "alias-" + id,
		Attributes: []byte(`{"IdentityManagementType":"CONNECT_MANAGED"}`), Created: ts(0)}
}

func queue(inst, id, name string) store.Resource {
	return store.Resource{AccountID: acct, Service: "connect", Type: "queue", ID: id, ParentID: inst,
		ARN: "arn:aws:connect:us-east-1:" + acct + ":instance/" + inst + "/queue/" + id, Name: name, NameKey: name, Created: ts(1)}
}

func testResources(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	cases := []struct {
		name string
		r    store.Resource
		want error
	}{
		{"instance 1", instance("i1"), nil},
		{"instance 2", instance("i2"), nil},
		{"queue", queue("i1", "q1", "Sales"), nil},
		{"same name other instance", queue("i2", "q2", "Sales"), nil},
		{"same name same instance", queue("i1", "q3", "Sales"), store.ErrAlreadyExists},
		{"name differs in case", queue("i1", "q4", "sales"), nil},
		{"duplicate ID", func() store.Resource { r := queue("i1", "q1", "Other"); r.ARN += "x"; return r }(), store.ErrAlreadyExists},
		{"duplicate ARN", func() store.Resource { r := queue("i1", "q5", "Other"); r.ARN = queue("i1", "q1", "").ARN; return r }(), store.ErrAlreadyExists},
		{"names need not be unique", func() store.Resource { r := queue("i1", "q6", "Sales"); r.NameKey = ""; return r }(), nil},
		{"no ARN", func() store.Resource { r := queue("i1", "q7", "x"); r.ARN = ""; return r }(), store.ErrInvalidArgument},
		{"bad JSON", func() store.Resource { r := queue("i1", "q8", "y"); r.Attributes = []byte("{"); return r }(), store.ErrInvalidArgument},
		{"unknown account", func() store.Resource { r := queue("i1", "q9", "z"); r.AccountID = "999999999999"; return r }(), store.ErrNotFound},
	}
	for _, c := range cases {
		wantErr(t, c.name, try(t, s, func(tx store.Tx) error { _, err := tx.CreateResource(c.r); return err }), c.want)
	}
	want := instance("i1")
	want.Revision, want.Updated = 1, want.Created
	view(t, s, func(tx store.ReadTx) error {
		got, err := tx.GetResource(acct, "connect", "instance", "i1")
		wantErr(t, "GetResource", err, nil)
		equal(t, "instance", got, want)
		got, err = tx.GetResourceByARN(want.ARN)
		wantErr(t, "GetResourceByARN", err, nil)
		equal(t, "instance by ARN", got, want)
		_, err = tx.GetResource(acct, "connect", "queue", "i1")
		wantErr(t, "wrong type", err, store.ErrNotFound)
		_, err = tx.GetResourceByARN("arn:aws:connect:us-east-1:" + acct + ":instance/none")
		wantErr(t, "missing ARN", err, store.ErrNotFound)
		q, err := tx.GetResource(acct, "connect", "queue", "q1")
		wantErr(t, "GetResource queue", err, nil)
		if q.Attributes != nil {
			t.Errorf("queue without attributes has %s", q.Attributes)
		}
		return nil
	})
	lists := []struct {
		filter store.ResourceFilter
		want   []string
	}{
		{store.ResourceFilter{}, []string{"q1", "q2", "q4", "q6"}},
		{store.ResourceFilter{HasParent: true, Parent: "i1"}, []string{"q1", "q4", "q6"}},
		{store.ResourceFilter{HasParent: true, Parent: "i3"}, nil},
	}
	for _, l := range lists {
		got := collect(t, s, 2, func(tx store.ReadTx, opt store.ListOptions) ([]string, string, error) {
			rs, next, err := tx.ListResources(acct, "connect", "queue", l.filter, opt)
			var ids []string
			for _, r := range rs {
				ids = append(ids, r.ID)
			}
			return ids, next, err
		})
		equal(t, fmt.Sprintf("queues with %+v", l.filter), got, l.want)
	}
	// Optimistic concurrency on update.
	upd := want
	upd.Name, upd.NameKey, upd.Attributes = "renamed", "renamed", []byte(`{"a":1}`)
	var got store.Resource
	update(t, s, func(tx store.Tx) error {
		var err error
		got, err = tx.UpdateResource(upd)
		return err
	})
	equal(t, "revision after update", got.Revision, int64(2))
	equal(t, "attributes after update", string(got.Attributes), `{"a":1}`)
	equal(t, "created kept", got.Created, want.Created)
	ucases := []struct {
		name string
		r    store.Resource
		want error
	}{
		{"stale revision", upd, store.ErrConflict},
		{"name taken", func() store.Resource { r := got; r.NameKey = "alias-i2"; return r }(), store.ErrAlreadyExists},
		{"missing", func() store.Resource { r := got; r.ID = "i9"; return r }(), store.ErrNotFound},
	}
	for _, c := range ucases {
		wantErr(t, c.name, try(t, s, func(tx store.Tx) error { _, err := tx.UpdateResource(c.r); return err }), c.want)
	}
	update(t, s, func(tx store.Tx) error { return tx.DeleteResource(acct, "connect", "queue", "q1") })
	wantErr(t, "delete again", try(t, s, func(tx store.Tx) error { return tx.DeleteResource(acct, "connect", "queue", "q1") }), store.ErrNotFound)
	// The name is free again.
	update(t, s, func(tx store.Tx) error { _, err := tx.CreateResource(queue("i1", "q10", "Sales")); return err })
}

func testResourceTags(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	r := instance("i1")
	update(t, s, func(tx store.Tx) error { _, err := tx.CreateResource(r); return err })
	update(t, s, func(tx store.Tx) error {
		return tx.TagResource(r.ARN, []store.Tag{{Key: "Team", Value: "a"}, {Key: "team", Value: "b"}})
	})
	update(t, s, func(tx store.Tx) error { return tx.TagResource(r.ARN, []store.Tag{{Key: "Team", Value: "c"}}) })
	view(t, s, func(tx store.ReadTx) error {
		tags, err := tx.ListResourceTags(r.ARN)
		wantErr(t, "ListResourceTags", err, nil)
		equal(t, "case-sensitive keys", tags, []store.Tag{{Key: "Team", Value: "c"}, {Key: "team", Value: "b"}})
		return nil
	})
	update(t, s, func(tx store.Tx) error { return tx.UntagResource(r.ARN, []string{"TEAM", "team"}) })
	var many []store.Tag
	for i := range store.MaxTagsPerEntity - 1 {
		many = append(many, store.Tag{Key: fmt.Sprintf("k%02d", i)})
	}
	update(t, s, func(tx store.Tx) error { return tx.TagResource(r.ARN, many) })
	cases := []struct {
		name string
		fn   func(tx store.Tx) error
		want error
	}{
		{"51st tag", func(tx store.Tx) error { return tx.TagResource(r.ARN, []store.Tag{{Key: "x"}}) }, store.ErrLimitExceeded},
		{"duplicate keys", func(tx store.Tx) error { return tx.TagResource(r.ARN, []store.Tag{{Key: "k00"}, {Key: "k00"}}) }, store.ErrInvalidArgument},
		{"missing resource", func(tx store.Tx) error { return tx.TagResource(r.ARN+"x", []store.Tag{{Key: "x"}}) }, store.ErrNotFound},
		{"untag missing resource", func(tx store.Tx) error { return tx.UntagResource(r.ARN+"x", []string{"x"}) }, store.ErrNotFound},
	}
	for _, c := range cases {
		wantErr(t, c.name, try(t, s, c.fn), c.want)
	}
	view(t, s, func(tx store.ReadTx) error {
		tags, err := tx.ListResourceTags(r.ARN)
		wantErr(t, "ListResourceTags", err, nil)
		equal(t, "tag count", len(tags), store.MaxTagsPerEntity)
		_, err = tx.ListResourceTags(r.ARN + "x")
		wantErr(t, "tags of missing resource", err, store.ErrNotFound)
		return nil
	})
	// Tags go with their resource.
	update(t, s, func(tx store.Tx) error {
		if err := tx.DeleteResource(acct, "connect", "instance", "i1"); err != nil {
			return err
		}
		_, err := tx.CreateResource(r)
		return err
	})
	view(t, s, func(tx store.ReadTx) error {
		tags, err := tx.ListResourceTags(r.ARN)
		wantErr(t, "ListResourceTags of recreated resource", err, nil)
		equal(t, "tags of recreated resource", len(tags), 0)
		return nil
	})
}

func testAudit(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	const alice = "arn:aws:iam::" + acct + ":user/alice"
	const bob = "arn:aws:iam::" + acct + ":user/bob"
	events := []store.Event{
		{EventID: "e1", Time: ts(10), Source: "iam.amazonaws.com", Name: "CreateUser", AccountID: acct, PrincipalARN: alice,
			UserIdentity: []byte(`{"type":"IAMUser","arn":"` + alice + `"}`), SourceIPAddress: "127.0.0.1", UserAgent: "aws-cli",
			RequestParameters: []byte(`{"userName":"carol"}`), Decision: "Allow",
			AdditionalEventData: []byte(`{"authorization":[{"action":"iam:CreateUser","decision":"Allow"}]}`)},
		{EventID: "e2", Time: ts(20), Source: "iam.amazonaws.com", Name: "DeleteUser", AccountID: acct, PrincipalARN: bob,
			ErrorCode: "AccessDenied", ErrorMessage: "User: bob is not authorized", Decision: "ImplicitDeny"},
		{EventID: "e3", Time: ts(20), Source: "sts.amazonaws.com", Name: "AssumeRole", AccountID: acct, PrincipalARN: alice, Decision: "Allow"},
		{EventID: "e4", Time: ts(20), Source: "iam.amazonaws.com", Name: "CreateUser", AccountID: acct2, PrincipalARN: bob, Decision: "Allow"},
		{EventID: "e5", Time: ts(30), Source: "sts.amazonaws.com", Name: "GetCallerIdentity", ErrorCode: "InvalidClientTokenId"},
		{EventID: "e0", Time: ts(5), Source: "iam.amazonaws.com", Name: "ListUsers", AccountID: acct, PrincipalARN: alice, Decision: "Allow"},
	}
	seqs := map[string]int64{}
	update(t, s, func(tx store.Tx) error {
		for _, e := range events {
			seq, err := tx.AppendEvent(e)
			if err != nil {
				return err
			}
			seqs[e.EventID] = seq
		}
		return nil
	})
	for i := 1; i < len(events); i++ {
		if seqs[events[i].EventID] <= seqs[events[i-1].EventID] {
			t.Errorf("sequence numbers not increasing: %v", seqs)
		}
	}
	bad := []struct {
		name string
		e    store.Event
		want error
	}{
		{"duplicate ID", events[0], store.ErrAlreadyExists},
		{"no name", store.Event{Source: "iam.amazonaws.com"}, store.ErrInvalidArgument},
		{"bad identity JSON", store.Event{Source: "iam.amazonaws.com", Name: "X", UserIdentity: []byte("{")}, store.ErrInvalidArgument},
		{"bad parameters JSON", store.Event{Source: "iam.amazonaws.com", Name: "X", RequestParameters: []byte("[")}, store.ErrInvalidArgument},
		{"bad additional data JSON", store.Event{Source: "iam.amazonaws.com", Name: "X", AdditionalEventData: []byte("{")}, store.ErrInvalidArgument},
		{"generated ID", store.Event{Source: "iam.amazonaws.com", Name: "Generated", Time: ts(100)}, nil},
	}
	for _, c := range bad {
		wantErr(t, c.name, try(t, s, func(tx store.Tx) error { _, err := tx.AppendEvent(c.e); return err }), c.want)
	}
	queries := []struct {
		name string
		q    store.EventQuery
		want []string
	}{
		{"all", store.EventQuery{End: ts(100)}, []string{"e0", "e1", "e2", "e3", "e4", "e5"}},
		{"time range", store.EventQuery{Start: ts(10), End: ts(30)}, []string{"e1", "e2", "e3", "e4"}},
		{"name", store.EventQuery{Name: "CreateUser"}, []string{"e1", "e4"}},
		{"principal", store.EventQuery{PrincipalARN: alice}, []string{"e0", "e1", "e3"}},
		{"error code", store.EventQuery{ErrorCode: "AccessDenied"}, []string{"e2"}},
		{"only errors", store.EventQuery{OnlyErrors: true}, []string{"e2", "e5"}},
		{"account", store.EventQuery{AccountID: acct2}, []string{"e4"}},
		{"combined", store.EventQuery{Start: ts(20), PrincipalARN: bob, Name: "DeleteUser"}, []string{"e2"}},
		{"none", store.EventQuery{Name: "Nope"}, nil},
		{"source", store.EventQuery{Source: "sts.amazonaws.com"}, []string{"e3", "e5"}},
		{"denied", store.EventQuery{OnlyDenied: true}, []string{"e2"}},
		{"newest first", store.EventQuery{NewestFirst: true, End: ts(100)}, []string{"e5", "e4", "e3", "e2", "e1", "e0"}},
		{"newest first, filtered", store.EventQuery{NewestFirst: true, Source: "iam.amazonaws.com", End: ts(100)}, []string{"e4", "e2", "e1", "e0"}},
	}
	for _, q := range queries {
		for _, size := range []int{1, 2, 100} {
			got := collect(t, s, size, func(tx store.ReadTx, opt store.ListOptions) ([]string, string, error) {
				es, next, err := tx.QueryEvents(q.q, opt)
				var ids []string
				for _, e := range es {
					ids = append(ids, e.EventID)
				}
				return ids, next, err
			})
			equal(t, fmt.Sprintf("%s in pages of %d", q.name, size), got, q.want)
		}
	}
	view(t, s, func(tx store.ReadTx) error {
		es, _, err := tx.QueryEvents(store.EventQuery{Name: "CreateUser", AccountID: acct}, store.ListOptions{})
		wantErr(t, "QueryEvents", err, nil)
		want := events[0]
		want.Seq = seqs["e1"]
		equal(t, "full event", es, []store.Event{want})
		es, _, err = tx.QueryEvents(store.EventQuery{Name: "Generated"}, store.ListOptions{})
		wantErr(t, "QueryEvents generated", err, nil)
		if len(es) != 1 || es[0].EventID == "" {
			t.Errorf("event without ID: got %+v, want one event with a generated ID", es)
		}
		_, _, err = tx.QueryEvents(store.EventQuery{}, store.ListOptions{Marker: "bm90IGEgbWFya2Vy"})
		wantErr(t, "bad marker", err, store.ErrInvalidArgument)
		return nil
	})
}

var errAbort = errors.New("abort")

func testAtomicity(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	update(t, s, func(tx store.Tx) error { return tx.CreateUser(newUser(acct, "/", "existing")) })
	// Each case writes a lot and then fails; none of it may remain.
	cases := []struct {
		name string
		fail func(tx store.Tx) error
	}{
		{"closure error", func(tx store.Tx) error { return errAbort }},
		{"store error returned", func(tx store.Tx) error { return tx.CreateUser(newUser(acct, "/", "GHOST")) }},
		{"error after a failed call", func(tx store.Tx) error {
			if err := tx.DeleteUser(acct, "nobody"); !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("DeleteUser: %v", err)
			}
			return errAbort
		}},
	}
	for _, c := range cases {
		err := s.Update(ctx(t), func(tx store.Tx) error {
			u := newUser(acct, "/", "ghost")
			if err := errors.Join(
				tx.CreateAccount(store.Account{ID: "000000000009"}),
				tx.CreateUser(u),
				tx.TagEntity(acct, userRef("ghost"), []store.Tag{{Key: "a", Value: "b"}}),
				tx.CreateAccessKey(store.AccessKey{ID: "AKIAGHOST00000000001", AccountID: acct, UserName: "ghost", SecretCiphertext: []byte("x")}),
				tx.DeleteUser(acct, "existing"),
				func() error {
					_, err := tx.AppendEvent(store.Event{EventID: "ghost", Source: "iam.amazonaws.com", Name: "CreateUser"})
					return err
				}(),
				func() error { _, err := tx.CreateResource(instance("ghost")); return err }(),
			); err != nil {
				return fmt.Errorf("setup: %w", err)
			}
			return c.fail(tx)
		})
		if err == nil || strings.HasPrefix(err.Error(), "setup") {
			t.Fatalf("%s: Update = %v, want the closure's error", c.name, err)
		}
		if c.name == "closure error" && err != errAbort {
			t.Errorf("%s: Update returned %v, want the closure's error unchanged", c.name, err)
		}
		view(t, s, func(tx store.ReadTx) error {
			_, err := tx.GetAccount("000000000009")
			wantErr(t, c.name+": account", err, store.ErrNotFound)
			_, err = tx.GetUser(acct, "ghost")
			wantErr(t, c.name+": user", err, store.ErrNotFound)
			_, err = tx.GetAccessKey("AKIAGHOST00000000001")
			wantErr(t, c.name+": access key", err, store.ErrNotFound)
			_, err = tx.GetUser(acct, "existing")
			wantErr(t, c.name+": deleted user", err, nil)
			es, _, err := tx.QueryEvents(store.EventQuery{}, store.ListOptions{})
			wantErr(t, c.name+": events", err, nil)
			equal(t, c.name+": event count", len(es), 0)
			_, err = tx.GetResource(acct, "connect", "instance", "ghost")
			wantErr(t, c.name+": resource", err, store.ErrNotFound)
			return nil
		})
	}
	// A panic rolls back and propagates.
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the closure's panic", r)
			}
		}()
		_ = s.Update(ctx(t), func(tx store.Tx) error {
			if err := tx.CreateUser(newUser(acct, "/", "panicky")); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	view(t, s, func(tx store.ReadTx) error {
		_, err := tx.GetUser(acct, "panicky")
		wantErr(t, "user written before panic", err, store.ErrNotFound)
		return nil
	})
	// View returns the closure's error unchanged, and a committed Update is
	// visible to later transactions.
	if err := s.View(ctx(t), func(tx store.ReadTx) error { return errAbort }); err != errAbort {
		t.Errorf("View returned %v, want the closure's error", err)
	}
	// A cancelled context fails the transaction.
	cctx, cancel := context.WithCancel(ctx(t))
	cancel()
	if err := s.Update(cctx, func(tx store.Tx) error { return tx.CreateUser(newUser(acct, "/", "cancelled")) }); err == nil {
		t.Error("Update with a cancelled context succeeded")
	}
	view(t, s, func(tx store.ReadTx) error {
		_, err := tx.GetUser(acct, "cancelled")
		wantErr(t, "user of cancelled transaction", err, store.ErrNotFound)
		return nil
	})
}

func testConcurrentWriters(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	const writers, perWriter = 8, 15
	errs := make(chan error, writers*2)
	for w := range writers {
		go func() {
			for i := range perWriter {
				err := s.Update(ctx(t), func(tx store.Tx) error {
					name := fmt.Sprintf("user-%d-%d", w, i)
					if err := tx.CreateUser(newUser(acct, "/", name)); err != nil {
						return err
					}
					_, err := tx.AppendEvent(store.Event{Source: "iam.amazonaws.com", Name: "CreateUser", RequestParameters: []byte(`{"userName":"` + name + `"}`)})
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
		// Readers run beside the writers and always see a consistent state:
		// as many CreateUser events as users.
		go func() {
			for range perWriter {
				err := s.View(ctx(t), func(tx store.ReadTx) error {
					us, _, err := tx.ListUsers(acct, "", store.ListOptions{MaxItems: store.MaxMaxItems})
					if err != nil {
						return err
					}
					es, _, err := tx.QueryEvents(store.EventQuery{}, store.ListOptions{MaxItems: store.MaxMaxItems})
					if err != nil {
						return err
					}
					if len(us) != len(es) {
						return fmt.Errorf("snapshot has %d users but %d events", len(us), len(es))
					}
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range writers * 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	view(t, s, func(tx store.ReadTx) error {
		us, _, err := tx.ListUsers(acct, "", store.ListOptions{MaxItems: store.MaxMaxItems})
		wantErr(t, "ListUsers", err, nil)
		equal(t, "users written", len(us), writers*perWriter)
		return nil
	})
	// Writers racing for the same name: exactly one wins.
	results := make(chan error, writers)
	for range writers {
		go func() {
			results <- s.Update(ctx(t), func(tx store.Tx) error { return tx.CreateRole(newRole(acct, "Contended")) })
		}()
	}
	won := 0
	for range writers {
		err := <-results
		switch {
		case err == nil:
			won++
		case !errors.Is(err, store.ErrAlreadyExists):
			t.Errorf("racing CreateRole: %v", err)
		}
	}
	equal(t, "winners of the race for a name", won, 1)
}

func testConcurrentReadModifyWrite(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	r := instance("counter")
	r.Attributes = []byte("0")
	update(t, s, func(tx store.Tx) error { _, err := tx.CreateResource(r); return err })
	const workers, increments = 6, 10
	errs := make(chan error, workers)
	for range workers {
		go func() {
			for range increments {
				err := s.Update(ctx(t), func(tx store.Tx) error {
					cur, err := tx.GetResource(acct, "connect", "instance", "counter")
					if err != nil {
						return err
					}
					var n int
					if _, err := fmt.Sscan(string(cur.Attributes), &n); err != nil {
						return err
					}
					cur.Attributes = fmt.Appendf(nil, "%d", n+1)
					_, err = tx.UpdateResource(cur)
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	view(t, s, func(tx store.ReadTx) error {
		cur, err := tx.GetResource(acct, "connect", "instance", "counter")
		wantErr(t, "GetResource", err, nil)
		equal(t, "counter (no lost updates)", string(cur.Attributes), fmt.Sprint(workers*increments))
		equal(t, "revision", cur.Revision, int64(1+workers*increments))
		return nil
	})
}

func testClose(t *testing.T, s store.Store) {
	seedAccounts(t, s)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	wantErr(t, "Update after Close", s.Update(ctx(t), func(tx store.Tx) error { return nil }), store.ErrClosed)
	wantErr(t, "View after Close", s.View(ctx(t), func(tx store.ReadTx) error { return nil }), store.ErrClosed)
}
