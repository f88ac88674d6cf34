package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connect-iam/connect-iam/store"
	"github.com/connect-iam/connect-iam/store/storetest"
)

func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "connect-iam.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

// pragma reads a PRAGMA on the writer connection.
func pragma(t *testing.T, s *Store, name string) string {
	t.Helper()
	var v string
	if err := s.writer.QueryRowContext(t.Context(), "PRAGMA "+name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

func TestConnectionSettings(t *testing.T) {
	s := openTemp(t)
	for _, c := range []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"synchronous", "2"}, // FULL
		{"foreign_keys", "1"},
		{"busy_timeout", "10000"},
	} {
		if got := pragma(t, s, c.pragma); got != c.want {
			t.Errorf("PRAGMA %s = %s, want %s", c.pragma, got, c.want)
		}
	}
	var qo string
	if err := s.readers.QueryRowContext(t.Context(), "PRAGMA query_only").Scan(&qo); err != nil || qo != "1" {
		t.Errorf("reader PRAGMA query_only = %q (%v), want 1", qo, err)
	}
}

func TestMigrations(t *testing.T) {
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || SchemaVersion() != len(ms) {
		t.Fatalf("SchemaVersion() = %d with %d migrations", SchemaVersion(), len(ms))
	}
	path := filepath.Join(t.TempDir(), "db")
	cases := []struct {
		name    string
		prepare func(t *testing.T) // runs before Open
		wantErr string
	}{
		{"fresh", func(t *testing.T) {}, ""},
		{"reopen", func(t *testing.T) {}, ""},
		{"newer schema", func(t *testing.T) { setUserVersion(t, path, SchemaVersion()+1) }, fmt.Sprintf("has schema version %d, newer than version %d", SchemaVersion()+1, SchemaVersion())},
		{"not a database", func(t *testing.T) {
			path = filepath.Join(t.TempDir(), "garbage")
			if err := os.WriteFile(path, []byte(strings.Repeat("not sqlite ", 100)), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "is it an SQLite database"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.prepare(t)
			s, err := Open(t.Context(), path)
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				if v := pragma(t, s, "user_version"); v != strconv.Itoa(SchemaVersion()) {
					t.Errorf("user_version = %s, want %d", v, SchemaVersion())
				}
				s.Close()
				return
			}
			if err == nil {
				s.Close()
				t.Fatalf("Open succeeded, want an error containing %q", c.wantErr)
			}
			if !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("Open error = %v, want it to contain %q", err, c.wantErr)
			}
		})
	}
	// The refusal is a *store.SchemaVersionError naming both versions.
	p2 := filepath.Join(t.TempDir(), "db")
	s, err := Open(t.Context(), p2)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	setUserVersion(t, p2, 7)
	_, err = Open(t.Context(), p2)
	var sv *store.SchemaVersionError
	if !errors.As(err, &sv) || sv.Database != 7 || sv.Binary != SchemaVersion() || sv.Path != p2 {
		t.Errorf("Open of newer database: %v, want *store.SchemaVersionError{Database: 7, Binary: %d}", err, SchemaVersion())
	}
}

// TestReopenKeepsData checks that committed data survives Close and Open,
// in a directory whose name has characters special in URIs.
func TestReopenKeepsData(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "with space#hash?q%41")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "connect-iam.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(t.Context(), func(tx store.Tx) error {
		if err := tx.CreateAccount(store.Account{ID: "123456789012"}); err != nil {
			return err
		}
		return tx.CreateUser(store.User{AccountID: "123456789012", ID: "AIDAEXAMPLE", Name: "admin", ARN: "arn:aws:iam::123456789012:user/admin"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.View(t.Context(), func(tx store.ReadTx) error {
		_, err := tx.GetUser("123456789012", "ADMIN")
		return err
	})
	if err != nil {
		t.Errorf("user after reopen: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database is not at the path given: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	cases := []struct{ path, want string }{
		{"", "empty database path"},
		{filepath.Join(t.TempDir(), "missing-dir", "db"), "missing-dir"},
	}
	for _, c := range cases {
		s, err := Open(t.Context(), c.path)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", c.path)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%q) = %v, want it to mention %q", c.path, err, c.want)
		}
	}
}

func setUserVersion(t *testing.T, path string, v int) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("PRAGMA user_version = " + strconv.Itoa(v)); err != nil {
		t.Fatal(err)
	}
}

// TestManyConcurrentReaders holds more read transactions open at once than
// the reader pool keeps idle, and only then runs queries never prepared
// before: preparing must not wait for a connection that another open
// transaction holds.
func TestManyConcurrentReaders(t *testing.T) {
	s := openTemp(t)
	if err := s.Update(t.Context(), func(tx store.Tx) error { return tx.CreateAccount(store.Account{ID: "123456789012"}) }); err != nil {
		t.Fatal(err)
	}
	const readers = 12
	var inside sync.WaitGroup
	inside.Add(readers)
	all := make(chan struct{})
	go func() { inside.Wait(); close(all) }()
	errs := make(chan error, readers)
	for i := range readers {
		go func() {
			errs <- s.View(t.Context(), func(tx store.ReadTx) error {
				if _, err := tx.GetAccount("123456789012"); err != nil { // starts the read transaction
					return err
				}
				inside.Done()
				select {
				case <-all:
				case <-time.After(10 * time.Second):
					return errors.New("not all readers could hold a transaction at once")
				}
				if _, _, err := tx.ListUsers("123456789012", fmt.Sprintf("/p%d/", i), store.ListOptions{}); err != nil {
					return err
				}
				_, _, err := tx.QueryEvents(store.EventQuery{Name: "X", ErrorCode: "Y"}, store.ListOptions{})
				return err
			})
		}()
	}
	timeout := time.After(30 * time.Second)
	for range readers {
		select {
		case err := <-errs:
			if err != nil {
				t.Error(err)
			}
		case <-timeout:
			t.Fatal("read transactions deadlocked preparing statements")
		}
	}
}

// TestWaitsForOtherProcess holds the write lock from a separate connection,
// as another process would, and checks that Update waits for it instead of
// failing with SQLITE_BUSY.
func TestWaitsForOtherProcess(t *testing.T) {
	s := openTemp(t)
	other, err := sql.Open("sqlite", s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(200 * time.Millisecond)
		conn.ExecContext(context.Background(), "COMMIT")
		close(released)
	}()
	err = s.Update(t.Context(), func(tx store.Tx) error { return tx.CreateAccount(store.Account{ID: "123456789012"}) })
	if err != nil {
		t.Fatalf("Update while another connection held the lock: %v", err)
	}
	select {
	case <-released:
	default:
		t.Error("Update committed while another connection held the write lock")
	}
}

// TestViewIsReadOnly checks that a read-only transaction cannot write even
// if the caller converts it to a store.Tx.
func TestViewIsReadOnly(t *testing.T) {
	s := openTemp(t)
	err := s.View(t.Context(), func(rtx store.ReadTx) error {
		tx, ok := rtx.(store.Tx)
		if !ok {
			return nil // nothing to check: the value has no write methods
		}
		return tx.CreateAccount(store.Account{ID: "123456789012"})
	})
	if err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Errorf("write in View: %v, want SQLite's read-only error", err)
	}
	err = s.View(t.Context(), func(tx store.ReadTx) error {
		_, err := tx.GetAccount("123456789012")
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("account written in View: %v, want ErrNotFound", err)
	}
}

// TestViewCancellation checks that a read transaction, whose statements run
// with a context that is never canceled, still stops when the caller's
// context is done: before it begins and at its next statement.
func TestViewCancellation(t *testing.T) {
	s := openTemp(t)
	if err := s.Update(t.Context(), func(tx store.Tx) error {
		return tx.CreateAccount(store.Account{ID: "123456789012"})
	}); err != nil {
		t.Fatal(err)
	}
	done, cancel := context.WithCancel(t.Context())
	cancel()
	ran := false
	err := s.View(done, func(store.ReadTx) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Errorf("View with a canceled context: err %v, ran %v; want context.Canceled without running", err, ran)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var first, second error
	err = s.View(ctx, func(tx store.ReadTx) error {
		_, first = tx.GetAccount("123456789012")
		cancel()
		_, second = tx.GetAccount("123456789012")
		return nil
	})
	if err != nil || first != nil {
		t.Fatalf("View: %v; first read: %v", err, first)
	}
	if !errors.Is(second, context.Canceled) {
		t.Errorf("read after cancel = %v, want context.Canceled", second)
	}
}

// TestListTagsUnknownPrincipal checks the one-statement tag listing of users
// and roles: an unknown principal is ErrNotFound, one without tags has none.
func TestListTagsUnknownPrincipal(t *testing.T) {
	s := openTemp(t)
	const acct = "123456789012"
	if err := s.Update(t.Context(), func(tx store.Tx) error {
		return errors.Join(tx.CreateAccount(store.Account{ID: acct}),
			tx.CreateUser(store.User{AccountID: acct, ID: "AIDAEXAMPLE1", Path: "/", Name: "Bob", ARN: "arn:aws:iam::" + acct + ":user/Bob"}),
			tx.CreateRole(store.Role{AccountID: acct, ID: "AROAEXAMPLE1", Path: "/", Name: "ops", ARN: "arn:aws:iam::" + acct + ":role/ops",
				AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[]}`, MaxSessionDuration: time.Hour}))
	}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ref      store.EntityRef
		wantErr  error
		wantTags int
	}{
		{store.EntityRef{Kind: store.KindUser, Name: "bob"}, nil, 0},
		{store.EntityRef{Kind: store.KindRole, Name: "OPS"}, nil, 0},
		{store.EntityRef{Kind: store.KindUser, Name: "alice"}, store.ErrNotFound, 0},
		{store.EntityRef{Kind: store.KindRole, Name: "dev"}, store.ErrNotFound, 0},
	} {
		err := s.View(t.Context(), func(tx store.ReadTx) error {
			tags, err := tx.ListTags(acct, c.ref)
			if len(tags) != c.wantTags {
				t.Errorf("ListTags(%s) = %v, want %d tags", c.ref, tags, c.wantTags)
			}
			return err
		})
		if !errors.Is(err, c.wantErr) || (c.wantErr == nil && err != nil) {
			t.Errorf("ListTags(%s): %v, want %v", c.ref, err, c.wantErr)
		}
	}
}

// TestReadersStayOpen checks that the read-only connections of a burst of
// concurrent transactions are kept for the next burst rather than closed.
func TestReadersStayOpen(t *testing.T) {
	s := openTemp(t)
	const n = 12
	var wg sync.WaitGroup
	start := make(chan struct{})
	inside := make(chan struct{}, n)
	for range n {
		wg.Go(func() {
			err := s.View(t.Context(), func(tx store.ReadTx) error {
				inside <- struct{}{}
				<-start
				_, err := tx.GetAccount("123456789012")
				return err
			})
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("View: %v, want ErrNotFound", err)
			}
		})
	}
	for range n {
		<-inside
	}
	close(start)
	wg.Wait()
	if idle := s.readers.Stats().Idle; idle < n {
		t.Errorf("after %d concurrent read transactions %d readers stay open, want at least %d", n, idle, n)
	}
}

// TestNewDatabaseIsPrivate checks that a new database and its WAL files are
// readable by their owner only, whatever the umask, and that an existing
// file keeps the mode its owner chose.
func TestNewDatabaseIsPrivate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "connect-iam.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	// A write makes SQLite create the -wal and -shm files.
	if err := s.Update(t.Context(), func(tx store.Tx) error {
		return tx.CreateAccount(store.Account{ID: "123456789012"})
	}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(name), perm)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	shared := filepath.Join(dir, "shared.db")
	if err := os.WriteFile(shared, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o640); err != nil { // whatever the umask
		t.Fatal(err)
	}
	s, err = Open(t.Context(), shared)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if fi, err := os.Stat(shared); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("existing database mode changed: %v, %v", fi.Mode().Perm(), err)
	}
}
