package sqlite

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/store"
	"github.com/connect-iam/connect-iam/store/storetest"
)

// TestMemoryConformance runs the store conformance suite on in-memory
// databases: each is separate and nothing reaches the disk.
func TestMemoryConformance(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := OpenMemory(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
		t.Errorf("in-memory stores wrote to the working directory: %v, %v", entries, err)
	}
}

// TestReset checks that Reset empties every table and keeps what its
// closure creates, on a file and in memory, and that a failing closure
// leaves the data as it was.
func TestReset(t *testing.T) {
	open := map[string]func(t *testing.T) *Store{
		"file": func(t *testing.T) *Store { return openTemp(t) },
		"memory": func(t *testing.T) *Store {
			s, err := OpenMemory(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for name, openStore := range open {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t)
			err := s.Update(ctx, func(tx store.Tx) error {
				for _, id := range []string{"111111111111", "222222222222"} {
					if err := tx.CreateAccount(store.Account{ID: id, Created: now}); err != nil {
						return err
					}
					if err := tx.CreateUser(store.User{AccountID: id, ID: "AIDA" + id, Path: "/", Name: "u",
						ARN: "arn:aws:iam::" + id + ":user/u", Created: now}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			boom := errors.New("boom")
			if err := s.Reset(ctx, func(store.Tx) error { return boom }); !errors.Is(err, boom) {
				t.Fatalf("Reset with a failing closure = %v, want %v", err, boom)
			}
			if got := accounts(t, s); len(got) != 2 {
				t.Fatalf("after a failed Reset: accounts %v, want both kept", got)
			}
			err = s.Reset(ctx, func(tx store.Tx) error {
				return tx.CreateAccount(store.Account{ID: "333333333333", Created: now})
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := accounts(t, s); len(got) != 1 || got[0] != "333333333333" {
				t.Errorf("after Reset: accounts %v, want [333333333333]", got)
			}
			err = s.View(ctx, func(tx store.ReadTx) error {
				_, err := tx.GetUser("111111111111", "u")
				return err
			})
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("after Reset: GetUser = %v, want ErrNotFound", err)
			}
		})
	}
}

func accounts(t *testing.T, s *Store) []string {
	t.Helper()
	var ids []string
	err := s.View(context.Background(), func(tx store.ReadTx) error {
		as, _, err := tx.ListAccounts(store.ListOptions{MaxItems: 100})
		for _, a := range as {
			ids = append(ids, a.ID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}
