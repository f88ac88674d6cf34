package authz

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/store"
	"github.com/connect-iam/connect-iam/store/sqlite"
)

// world is the fixture format of testdata/world.json: one account's IAM
// entities, loaded into a real SQLite store.
type world struct {
	Account  string                     `json:"account"`
	Managed  map[string]json.RawMessage `json:"managed"`
	Policies []struct {
		Name     string          `json:"name"`
		Document json.RawMessage `json:"document"`
	} `json:"policies"`
	Groups []entity `json:"groups"`
	Users  []entity `json:"users"`
	Roles  []entity `json:"roles"`
}

type entity struct {
	Name     string                     `json:"name"`
	Path     string                     `json:"path"`
	Groups   []string                   `json:"groups"`
	Attached []string                   `json:"attached"`
	Boundary string                     `json:"boundary"`
	Inline   map[string]json.RawMessage `json:"inline"`
	Tags     map[string]string          `json:"tags"`
	Trust    json.RawMessage            `json:"trust"`
}

// fixture is a loaded world.
type fixture struct {
	st      store.Store
	box     *secretbox.Box
	acct    string
	managed map[string]string
}

func (f *fixture) managedPolicy(arn string) (string, bool) {
	d, ok := f.managed[arn]
	return d, ok
}

func testBox(t testing.TB) *secretbox.Box {
	t.Helper()
	box, err := secretbox.New(bytes.Repeat([]byte{7}, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return box
}

func compact(t testing.TB, raw json.RawMessage) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// loadWorld opens a SQLite store in a temporary directory and fills it
// with testdata/world.json.
func loadWorld(t testing.TB) *fixture {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "world.json"))
	if err != nil {
		t.Fatal(err)
	}
	var w world
	if err := json.Unmarshal(src, &w); err != nil {
		t.Fatalf("testdata/world.json: %v", err)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "iam.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{st: st, box: testBox(t), acct: w.Account, managed: map[string]string{}}
	for arn, doc := range w.Managed {
		f.managed[arn] = compact(t, doc)
	}
	a := w.Account
	arn := func(kind string, e entity) string {
		p := e.Path
		if p == "" {
			p = "/"
		}
		return "arn:aws:iam::" + a + ":" + kind + p + e.Name
	}
	inline := func(tx store.Tx, ref store.EntityRef, m map[string]json.RawMessage) error {
		names := make([]string, 0, len(m))
		for n := range m {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if err := tx.PutInlinePolicy(a, ref, n, compact(t, m[n])); err != nil {
				return err
			}
		}
		return nil
	}
	attach := func(tx store.Tx, ref store.EntityRef, arns []string) error {
		for _, p := range arns {
			if err := tx.AttachPolicy(a, ref, p); err != nil {
				return err
			}
		}
		return nil
	}
	tags := func(tx store.Tx, ref store.EntityRef, m map[string]string) error {
		if len(m) == 0 {
			return nil
		}
		var ts []store.Tag
		for k, v := range m {
			ts = append(ts, store.Tag{Key: k, Value: v})
		}
		return tx.TagEntity(a, ref, ts)
	}
	err = st.Update(context.Background(), func(tx store.Tx) error {
		if err := tx.CreateAccount(store.Account{ID: a}); err != nil {
			return err
		}
		for _, p := range w.Policies {
			if _, err := tx.CreatePolicy(store.Policy{AccountID: a, ID: store.NewID("ANPA", 21), Path: "/", Name: p.Name,
				ARN: "arn:aws:iam::" + a + ":policy/" + p.Name}, compact(t, p.Document)); err != nil {
				return err
			}
		}
		for _, g := range w.Groups {
			ref := store.EntityRef{Kind: store.KindGroup, Name: g.Name}
			if err := tx.CreateGroup(store.Group{AccountID: a, ID: store.NewID("AGPA", 21), Name: g.Name, ARN: arn("group", g)}); err != nil {
				return err
			}
			if err := inline(tx, ref, g.Inline); err != nil {
				return err
			}
			if err := attach(tx, ref, g.Attached); err != nil {
				return err
			}
		}
		for _, u := range w.Users {
			ref := store.EntityRef{Kind: store.KindUser, Name: u.Name}
			if err := tx.CreateUser(store.User{AccountID: a, ID: store.NewID("AIDA", 21), Path: u.Path, Name: u.Name, ARN: arn("user", u),
				// Before the sessions of the fixture (addSession): a user
				// created after a federated session would be a replacement.
				PermissionsBoundaryARN: u.Boundary, Created: fixtureEpoch.Add(-time.Hour)}); err != nil {
				return err
			}
			for _, g := range u.Groups {
				if err := tx.AddUserToGroup(a, g, u.Name); err != nil {
					return err
				}
			}
			if err := inline(tx, ref, u.Inline); err != nil {
				return err
			}
			if err := attach(tx, ref, u.Attached); err != nil {
				return err
			}
			if err := tags(tx, ref, u.Tags); err != nil {
				return err
			}
		}
		for _, r := range w.Roles {
			ref := store.EntityRef{Kind: store.KindRole, Name: r.Name}
			if err := tx.CreateRole(store.Role{AccountID: a, ID: store.NewID("AROA", 21), Path: r.Path, Name: r.Name, ARN: arn("role", r),
				AssumeRolePolicyDocument: compact(t, r.Trust), PermissionsBoundaryARN: r.Boundary, MaxSessionDuration: time.Hour}); err != nil {
				return err
			}
			if err := inline(tx, ref, r.Inline); err != nil {
				return err
			}
			if err := attach(tx, ref, r.Attached); err != nil {
				return err
			}
			if err := tags(tx, ref, r.Tags); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("load testdata/world.json: %v", err)
	}
	return f
}

// addKey gives user a long-term access key with the given status.
func (f *fixture) addKey(t testing.TB, user, id, secret string, status store.AccessKeyStatus) {
	t.Helper()
	err := f.st.Update(context.Background(), func(tx store.Tx) error {
		return tx.CreateAccessKey(store.AccessKey{ID: id, AccountID: f.acct, UserName: user,
			SecretCiphertext: f.box.Seal([]byte(secret), []byte(id)), Status: status})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// fixtureEpoch is when the fixture's sessions were issued.
var fixtureEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// addSession stores s with the given secret and token.
func (f *fixture) addSession(t testing.TB, s store.Session, secret, token string) {
	t.Helper()
	s.AccountID = f.acct
	s.SecretCiphertext = SealSessionSecret(f.box, s.ID, secret, token)
	s.TokenHash = TokenHashOf(token)
	if s.Created.IsZero() {
		s.Created = fixtureEpoch
	}
	if s.Expiration.IsZero() {
		s.Expiration = s.Created.Add(time.Hour)
	}
	if err := f.st.Update(context.Background(), func(tx store.Tx) error { return tx.CreateSession(s) }); err != nil {
		t.Fatal(err)
	}
}

// roleARN returns the ARN of a role of the fixture.
// roleID returns the unique ID (AROA...) of the fixture's role name.
func (f *fixture) roleID(t testing.TB, name string) string {
	t.Helper()
	var r store.Role
	err := f.st.View(context.Background(), func(tx store.ReadTx) error {
		var err error
		r, err = tx.GetRole(f.acct, name)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// userID returns the unique ID (AIDA...) of the fixture's user name.
func (f *fixture) userID(t testing.TB, name string) string {
	t.Helper()
	var u store.User
	err := f.st.View(context.Background(), func(tx store.ReadTx) error {
		var err error
		u, err = tx.GetUser(f.acct, name)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func (f *fixture) roleARN(t testing.TB, name string) string {
	t.Helper()
	var r store.Role
	err := f.st.View(context.Background(), func(tx store.ReadTx) error {
		var err error
		r, err = tx.GetRole(f.acct, name)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return r.ARN
}
