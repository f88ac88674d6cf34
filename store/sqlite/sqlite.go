// Package sqlite is the embedded SQLite backend of [store.Store], built on
// the pure-Go modernc.org/sqlite driver.
//
// The database runs in WAL mode with synchronous=FULL, so that a committed
// transaction survives a crash or power loss, with foreign keys enforced and
// a busy timeout for other processes holding the lock. Read-write
// transactions are serialized in the process (SQLite allows one writer at a
// time anyway) and begin with BEGIN IMMEDIATE, so that they never fail on a
// lock upgrade; read-only transactions use a separate pool of query-only
// connections and run concurrently with the writer. Every connection keeps
// its statements prepared, so that SQLite parses each query once.
//
// The schema is created and upgraded by embedded, numbered migrations
// (migrations/NNNN_name.sql) recorded in PRAGMA user_version. A database
// whose version is newer than the newest migration is refused with a
// [*store.SchemaVersionError].
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/connect-iam/connect-iam/store"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// busyTimeout is how long a statement waits for a lock held by another
// connection or process before failing with SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// maxAttempts bounds how often Update runs its closure when the database
// stays busy.
const maxAttempts = 5

// maxIdleReaders is how many idle read-only connections the store keeps
// open: enough for the concurrent requests of a busy server (each read
// transaction holds one, and preparing a statement briefly takes another).
func maxIdleReaders() int { return max(64, 16*runtime.GOMAXPROCS(0)) }

// Store is a [store.Store] backed by one SQLite database file.
type Store struct {
	path    string
	writer  *sql.DB
	readers *sql.DB
	wcache  *stmtCache
	rcache  *stmtCache
	closed  atomic.Bool
	// wlock serializes read-write transactions. The writer pool has a
	// second connection only so that statements can be prepared while a
	// transaction holds the first.
	wlock chan struct{}
}

var _ store.Store = (*Store)(nil)

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the embedded migrations in version order. File
// names are NNNN_description.sql with versions 1, 2, ... and no gaps.
func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("sqlite: embedded migration %q is not named NNNN_description.sql", name)
		}
		body, err := fs.ReadFile(migrationFS, path.Join("migrations", name))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("sqlite: embedded migration %s has version %d, want %d (versions must be 1, 2, ... without gaps)", m.name, m.version, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion returns the newest schema version this package knows.
func SchemaVersion() int {
	ms, err := loadMigrations()
	if err != nil {
		panic(err) // the embedded files are checked by the tests
	}
	return len(ms)
}

func dsn(file string, write bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	if write {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + (&url.URL{Path: file}).EscapedPath() + "?" + q.Encode()
}

// Open opens the SQLite database at path, creating it if it does not exist,
// and migrates it to the current schema version. It refuses a database
// whose schema is newer than this binary's with a *store.SchemaVersionError.
//
// A new database file is created readable and writable by its owner only
// (mode 0600); SQLite gives its -wal and -shm files the same mode. An
// existing file keeps its mode.
//
// Before it migrates, Open runs PRAGMA quick_check and refuses a damaged
// database with a *CorruptError; OpenOptions can run the full
// integrity_check instead.
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenOptions(ctx, path, Options{})
}

// OpenOptions is Open with options.
func OpenOptions(ctx context.Context, path string, opt Options) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("sqlite: empty database path: pass the file to open, e.g. DIR/connect-iam.db")
	}
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("sqlite: create %s: %w (check that its directory exists and is writable)", path, err)
	}
	writer, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	writer.SetMaxOpenConns(2)
	writer.SetMaxIdleConns(2)
	writer.SetConnMaxIdleTime(0)
	writer.SetConnMaxLifetime(0)
	s := &Store{path: path, writer: writer, wlock: make(chan struct{}, 1)}
	if err := check(ctx, writer, path, opt.FullCheck); err != nil {
		writer.Close()
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		writer.Close()
		return nil, err
	}
	readers, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", path, err)
	}
	// The reader pool is unbounded: preparing a statement needs a
	// connection of its own, which must be available even while every
	// other reader is inside a transaction. Idle connections are kept
	// (up to maxIdleReaders) and never expire: a new connection costs an
	// open, the pragmas, parsing the schema and preparing every statement
	// again, so closing readers after a burst only to reopen them under
	// the next one would cost more than the memory they hold.
	readers.SetMaxOpenConns(0)
	readers.SetMaxIdleConns(maxIdleReaders())
	readers.SetConnMaxIdleTime(0)
	readers.SetConnMaxLifetime(0)
	s.readers = readers
	s.wcache, s.rcache = newStmtCache(writer), newStmtCache(readers)
	return s, nil
}

// migrate applies the pending migrations, each in its own transaction
// together with the new user_version.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	conn, err := s.writer.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: open %s: %w (is it an SQLite database, in a directory that exists and is writable?)", s.path, err)
	}
	defer conn.Close()
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("sqlite: open %s: %w (is it an SQLite database?)", s.path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("sqlite: open %s: journal mode is %q, not WAL; the file system may not support WAL (use a local disk)", s.path, mode)
	}
	var current int
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("sqlite: read schema version of %s: %w (is it an SQLite database?)", s.path, err)
	}
	if current > len(ms) {
		return &store.SchemaVersionError{Path: s.path, Database: current, Binary: len(ms)}
	}
	for _, m := range ms[current:] {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("sqlite: migrate %s to version %d: %w", s.path, m.version, err)
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return fmt.Errorf("sqlite: migrate %s to version %d (%s): %w", s.path, m.version, m.name, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
			tx.Rollback()
			return fmt.Errorf("sqlite: migrate %s to version %d: %w", s.path, m.version, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("sqlite: migrate %s to version %d: %w", s.path, m.version, err)
		}
	}
	return nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Update implements [store.Store]. The closure runs again, up to a few
// times, when SQLite reports the database busy or locked at commit.
func (s *Store) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	var err error
	for attempt := range maxAttempts {
		var retry bool
		retry, err = s.update(ctx, fn)
		if !retry {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 10 * time.Millisecond):
		}
	}
	return fmt.Errorf("sqlite: %s stayed busy after %d attempts: %w; another process may hold a long write lock", s.path, maxAttempts, err)
}

func (s *Store) update(ctx context.Context, fn func(tx store.Tx) error) (retry bool, err error) {
	select {
	case s.wlock <- struct{}{}:
		defer func() { <-s.wlock }()
	case <-ctx.Done():
		return false, ctx.Err()
	}
	sqlTx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		if s.closed.Load() {
			return false, store.ErrClosed
		}
		return isBusy(err), fmt.Errorf("sqlite: begin transaction on %s: %w", s.path, err)
	}
	t := &tx{ctx: ctx, q: cachedTx{tx: sqlTx, cache: s.wcache}}
	committed := false
	defer func() {
		if !committed {
			sqlTx.Rollback()
		}
	}()
	if err := fn(t); err != nil {
		return false, err
	}
	if err := sqlTx.Commit(); err != nil {
		return isBusy(err), fmt.Errorf("sqlite: commit on %s: %w", s.path, err)
	}
	committed = true
	return false, nil
}

// View implements [store.Store].
func (s *Store) View(ctx context.Context, fn func(tx store.ReadTx) error) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// The statements run uncancelable; cachedTx checks ctx between them.
	quiet := context.WithoutCancel(ctx)
	sqlTx, err := s.readers.BeginTx(quiet, nil)
	if err != nil {
		if s.closed.Load() {
			return store.ErrClosed
		}
		return fmt.Errorf("sqlite: begin read transaction on %s: %w", s.path, err)
	}
	defer sqlTx.Rollback()
	return fn(&tx{ctx: quiet, q: cachedTx{tx: sqlTx, cache: s.rcache, live: ctx}})
}

// Close implements [store.Store]. It checkpoints the write-ahead log.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	cerr := errors.Join(s.rcache.close(), s.wcache.close())
	rerr := s.readers.Close()
	_, _ = s.writer.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	werr := s.writer.Close()
	return errors.Join(cerr, rerr, werr)
}

func isBusy(err error) bool {
	var e *sqlite.Error
	if errors.As(err, &e) {
		switch e.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		}
	}
	return false
}

func isUniqueViolation(err error) bool {
	var e *sqlite.Error
	if errors.As(err, &e) {
		switch e.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return true
		}
	}
	return false
}
