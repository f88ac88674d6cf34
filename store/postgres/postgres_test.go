package postgres

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"testing"

	"github.com/connect-iam/connect-iam/store"
	"github.com/connect-iam/connect-iam/store/postgres/pgtest"
	"github.com/connect-iam/connect-iam/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// openTemp opens a store on a new, empty database.
func openTemp(t testing.TB) *Store {
	t.Helper()
	dsn := pgtest.NewDatabase(t)
	s, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func account(tx store.Tx) error {
	return tx.CreateAccount(store.Account{ID: "111122223333"})
}

func newUser(name string) store.User {
	return store.User{AccountID: "111122223333", ID: store.NewID("AIDA", 21), Name: name, ARN: "arn:aws:iam::111122223333:user/" + name}
}

func TestMigrations(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	s, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	var v int
	if err := s.db.QueryRowContext(t.Context(), "SELECT max(version) FROM schema_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if v != SchemaVersion() {
		t.Errorf("schema_version = %d, want %d", v, SchemaVersion())
	}
	// Reopening applies nothing and keeps the data.
	if err := s.Update(t.Context(), account); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	if err := s.View(t.Context(), func(tx store.ReadTx) error { _, err := tx.GetAccount("111122223333"); return err }); err != nil {
		t.Errorf("account after reopen: %v", err)
	}
	// A newer schema is refused.
	if _, err := s.db.ExecContext(t.Context(), "INSERT INTO schema_version (version, name, applied_us) VALUES ($1, 'future', 0)", SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(t.Context(), dsn)
	var sv *store.SchemaVersionError
	if !errors.As(err, &sv) || sv.Database != SchemaVersion()+1 || sv.Binary != SchemaVersion() {
		t.Errorf("Open of a newer schema: %v, want a *store.SchemaVersionError", err)
	}
}

func TestMigrationsEmbedded(t *testing.T) {
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 3 {
		t.Fatalf("%d migrations, want at least 3", len(ms))
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct{ name, dsn, want string }{
		{"unparsable", "postgres://user:secret@host:notaport/db", "database URL"},
		{"refused", "postgres://user:secret@127.0.0.1:1/db?connect_timeout=2", "connect to"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(t.Context(), tc.dsn)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open: %v, want an error containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

// TestGenerationAcrossStores checks that a change committed through one
// Store is seen by another on the same database: at once by Sync, and
// without Sync through the notification.
func TestGenerationAcrossStores(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	a, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := OpenOptions(t.Context(), dsn, Options{PollInterval: time.Hour}) // notifications only
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	tests := []struct {
		name  string
		write func(tx store.Tx) error
		dirty bool
	}{
		{"create account", account, true},
		{"create user", func(tx store.Tx) error { return tx.CreateUser(newUser("Alice")) }, true},
		{"attach policy", func(tx store.Tx) error {
			return tx.AttachPolicy("111122223333", store.EntityRef{Kind: store.KindUser, Name: "alice"}, "arn:aws:iam::aws:policy/ReadOnlyAccess")
		}, true},
		{"audit event", func(tx store.Tx) error {
			_, err := tx.AppendEvent(store.Event{Source: "iam.amazonaws.com", Name: "GetUser", AccountID: "111122223333"})
			return err
		}, false},
		{"detach policy", func(tx store.Tx) error {
			return tx.DetachPolicy("111122223333", store.EntityRef{Kind: store.KindUser, Name: "alice"}, "arn:aws:iam::aws:policy/ReadOnlyAccess")
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, err := b.Sync(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Update(t.Context(), tc.write); err != nil {
				t.Fatal(err)
			}
			if a.Generation() == before && tc.dirty {
				t.Errorf("writer's generation stayed %d", before)
			}
			after, err := b.Sync(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if changed := after != before; changed != tc.dirty {
				t.Fatalf("generation %d -> %d: changed = %v, want %v", before, after, changed, tc.dirty)
			}
		})
	}
	// Without Sync: the notification advances b.
	before := b.Generation()
	if err := a.Update(t.Context(), func(tx store.Tx) error { return tx.CreateUser(newUser("Bob")) }); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for b.Generation() == before {
		if time.Now().After(deadline) {
			t.Fatalf("no notification within 10 s: generation stays %d", before)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestConcurrentCreateSameName creates one user name through two stores
// at once, many times: exactly one create succeeds each time, the other
// fails with ErrAlreadyExists.
func TestConcurrentCreateSameName(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	stores := make([]*Store, 2)
	for i := range stores {
		s, err := Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores[i] = s
	}
	if err := stores[0].Update(t.Context(), account); err != nil {
		t.Fatal(err)
	}
	for round := range 20 {
		name := fmt.Sprintf("User%d", round)
		errs := make([]error, len(stores))
		var wg sync.WaitGroup
		for i, s := range stores {
			wg.Go(func() {
				// Different spellings: the names compare case-insensitively.
				n := name
				if i == 1 {
					n = strings.ToUpper(name)
				}
				errs[i] = s.Update(t.Context(), func(tx store.Tx) error {
					if _, err := tx.GetUser("111122223333", n); err == nil {
						return fmt.Errorf("user %s: %w", n, store.ErrAlreadyExists)
					}
					return tx.CreateUser(newUser(n))
				})
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, store.ErrAlreadyExists):
				t.Fatalf("round %d: %v, want nil or ErrAlreadyExists", round, err)
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: %d creates succeeded (%v), want exactly 1", round, ok, errs)
		}
	}
}

func TestRebind(t *testing.T) {
	s := &Store{}
	tests := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT a FROM t WHERE b = ? AND c > ? LIMIT ?", "SELECT a FROM t WHERE b = $1 AND c > $2 LIMIT $3"},
		{"INSERT INTO é (x) VALUES (?)", "INSERT INTO é (x) VALUES ($1)"},
	}
	for _, tc := range tests {
		if got := s.rebind(tc.in); got != tc.want {
			t.Errorf("rebind(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := s.rebind(tc.in); got != tc.want { // cached
			t.Errorf("rebind(%q) again = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestReset checks that Reset empties every table and keeps what fn
// writes, and advances the generation.
func TestReset(t *testing.T) {
	s := openTemp(t)
	if err := s.Update(t.Context(), func(tx store.Tx) error {
		if err := account(tx); err != nil {
			return err
		}
		if err := tx.CreateUser(newUser("Old")); err != nil {
			return err
		}
		_, err := tx.AppendEvent(store.Event{Source: "iam.amazonaws.com", Name: "GetUser", AccountID: "111122223333"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	before := s.Generation()
	if err := s.Reset(t.Context(), func(tx store.Tx) error {
		if err := account(tx); err != nil {
			return err
		}
		return tx.CreateUser(newUser("New"))
	}); err != nil {
		t.Fatal(err)
	}
	if s.Generation() == before {
		t.Error("Reset did not advance the generation")
	}
	err := s.View(t.Context(), func(tx store.ReadTx) error {
		users, _, err := tx.ListUsers("111122223333", "", store.ListOptions{})
		if err != nil {
			return err
		}
		if len(users) != 1 || users[0].Name != "New" {
			t.Errorf("users after Reset = %v, want only New", users)
		}
		events, _, err := tx.QueryEvents(store.EventQuery{}, store.ListOptions{})
		if err != nil {
			return err
		}
		if len(events) != 0 {
			t.Errorf("%d audit events after Reset, want 0", len(events))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
