package authz

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/connect-iam/connect-iam/store"
)

// sharedStore stands for a database other processes write to: its
// generation advances when "another process" commits (bump), and Sync
// fails while fail is set.
type sharedStore struct {
	store.Store
	gen   atomic.Uint64
	syncs atomic.Int64
	fail  atomic.Bool
}

func (s *sharedStore) Generation() uint64 { return s.gen.Load() }

func (s *sharedStore) Sync(context.Context) (uint64, error) {
	s.syncs.Add(1)
	if s.fail.Load() {
		return 0, errors.New("database unreachable")
	}
	return s.gen.Load(), nil
}

// TestSharedStoreGeneration checks that a change another process commits
// to a shared store is seen by the next request once the store's
// generation moves, with no wait for the cache age, and that a failing
// Sync fails the request instead of deciding from the caches.
func TestSharedStoreGeneration(t *testing.T) {
	f := loadWorld(t)
	setupCallers(t, f)
	shared := &sharedStore{Store: f.st}
	w := Watch(shared)
	e := New(w, Options{ManagedPolicy: f.managedPolicy})
	t.Cleanup(e.Close)
	cs := NewCredentialStore(w, f.box, nil)
	ctx := context.Background()
	creds, err := cs.LookupCredentials(ctx, "AKIANOBODY0000000001")
	if err != nil {
		t.Fatal(err)
	}
	req := &Request{Caller: CallerOf(creds.Principal), Action: "iam:ListUsers", Resource: "*"}
	for range 2 {
		if err := e.Authorize(ctx, req); err == nil {
			t.Fatal("nobody is allowed before a policy is attached")
		}
	}
	// Another process attaches a policy: written to the raw store, so that
	// only the shared generation tells.
	nobody := store.EntityRef{Kind: store.KindUser, Name: "nobody"}
	if err := f.st.Update(ctx, func(tx store.Tx) error {
		return tx.AttachPolicy(acct, nobody, "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.Authorize(ctx, req); err == nil {
		t.Fatal("allowed before the shared generation moved: the cache was not used")
	}
	shared.gen.Add(1)
	if err := e.Authorize(ctx, req); err != nil {
		t.Fatalf("the next request after the generation moved: %v, want allowed", err)
	}
	before := shared.syncs.Load()
	if _, err := cs.LookupCredentials(ctx, "AKIANOBODY0000000001"); err != nil {
		t.Fatal(err)
	}
	if err := e.Authorize(ctx, req); err != nil {
		t.Fatal(err)
	}
	if got := shared.syncs.Load() - before; got != 2 {
		t.Errorf("a lookup and a decision synced %d times, want 2 (once each)", got)
	}
	shared.fail.Store(true)
	if _, err := cs.LookupCredentials(ctx, "AKIANOBODY0000000001"); err == nil {
		t.Error("LookupCredentials succeeded from the cache while Sync fails")
	}
	if err := e.Authorize(ctx, req); err == nil {
		t.Error("Authorize succeeded from the cache while Sync fails")
	}
}
