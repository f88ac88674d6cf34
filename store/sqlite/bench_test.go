package sqlite

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/connect-iam/connect-iam/store"
)

const benchAccount = "123456789012"

// BenchmarkWriteTransaction measures a typical IAM write: create a user with
// two tags and an access key, and append the audit event, in one
// transaction (each committed durably with synchronous=FULL).
func BenchmarkWriteTransaction(b *testing.B) {
	s := openTemp(b)
	if err := s.Update(b.Context(), func(tx store.Tx) error { return tx.CreateAccount(store.Account{ID: benchAccount}) }); err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	secret := make([]byte, 40+61)
	b.ReportAllocs()
	for b.Loop() {
		i := n.Add(1)
		name := fmt.Sprintf("user%d", i)
		err := s.Update(b.Context(), func(tx store.Tx) error {
			u := store.User{AccountID: benchAccount, ID: store.NewID("AIDA", 21), Name: name, ARN: "arn:aws:iam::" + benchAccount + ":user/" + name}
			if err := tx.CreateUser(u); err != nil {
				return err
			}
			if err := tx.TagEntity(benchAccount, store.EntityRef{Kind: store.KindUser, Name: name},
				[]store.Tag{{Key: "team", Value: "ops"}, {Key: "cost-center", Value: "42"}}); err != nil {
				return err
			}
			if err := tx.CreateAccessKey(store.AccessKey{ID: store.NewID("AKIA", 20), AccountID: benchAccount, UserName: name, SecretCiphertext: secret}); err != nil {
				return err
			}
			_, err := tx.AppendEvent(store.Event{Source: "iam.amazonaws.com", Name: "CreateUser", AccountID: benchAccount,
				RequestParameters: []byte(`{"userName":"` + name + `"}`), Decision: "Allow"})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCredentialLookup measures what request authentication reads: the
// access key by ID and its user, in one read-only transaction, from
// parallel goroutines.
func BenchmarkCredentialLookup(b *testing.B) {
	s := openTemp(b)
	const users = 1000
	keys := make([]string, users)
	err := s.Update(b.Context(), func(tx store.Tx) error {
		if err := tx.CreateAccount(store.Account{ID: benchAccount}); err != nil {
			return err
		}
		for i := range users {
			name := fmt.Sprintf("user%d", i)
			if err := tx.CreateUser(store.User{AccountID: benchAccount, ID: store.NewID("AIDA", 21), Name: name,
				ARN: "arn:aws:iam::" + benchAccount + ":user/" + name}); err != nil {
				return err
			}
			keys[i] = store.NewID("AKIA", 20)
			if err := tx.CreateAccessKey(store.AccessKey{ID: keys[i], AccountID: benchAccount, UserName: name, SecretCiphertext: []byte("sealed")}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := keys[n.Add(1)%users]
			err := s.View(b.Context(), func(tx store.ReadTx) error {
				k, err := tx.GetAccessKey(id)
				if err != nil {
					return err
				}
				_, err = tx.GetUser(k.AccountID, k.UserName)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
