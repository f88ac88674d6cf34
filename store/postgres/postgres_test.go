package postgres

import (
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
