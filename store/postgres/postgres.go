// Package postgres is the PostgreSQL backend of [store.Store], built on
// github.com/jackc/pgx/v5 (through its database/sql driver, so that the
// queries are the SQLite backend's, with the same semantics).
//
// Several connect-iam server processes may share one database. Every
// read-write transaction runs at SERIALIZABLE isolation, so the checks the
// store makes before it writes (unique case-insensitive names, the fixed
// IAM limits, dependents before a delete) hold across processes; when
// PostgreSQL reports a serialization failure or a deadlock (SQLSTATE 40001,
// 40P01), Update runs its closure again, up to a bound. Read-only
// transactions run at REPEATABLE READ READ ONLY: a consistent snapshot.
//
// A transaction that changes what authorization reads (accounts, users,
// groups, roles, policies, attachments, boundaries, trust policies, tags,
// access keys, sessions) increments the one row of authz_generation before
// it commits and sends NOTIFY connect_iam_generation with the new value.
// Every Store listens on that channel and polls the row at
// Options.PollInterval as a fallback, and [Store.Sync] reads the row on
// demand; [Store.Generation] is the newest value seen, which the
// authorizer's caches compare with the value they were filled at (see
// authz.Generationer and authz.Syncer, and docs/postgres.md).
//
// The schema is created and upgraded by embedded, numbered migrations
// (migrations/NNNN_name.sql) recorded in the schema_version table, applied
// under an advisory lock so that nodes starting together migrate once. A
// database whose version is newer than the newest migration is refused
// with a [*store.SchemaVersionError].
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/connect-iam/connect-iam/store"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// maxAttempts bounds how often Update runs its closure when PostgreSQL
// keeps reporting serialization failures.
const maxAttempts = 20

// DefaultPollInterval is how often a Store reads the authorization
// generation when Options.PollInterval is zero, in case a notification
// is lost (a dropped listener connection).
const DefaultPollInterval = time.Second

// contentionWindow is how long after a conflict on the generation row
// every write transaction takes the generation lock before it starts.
const contentionWindow = time.Second

// notifyChannel is the LISTEN/NOTIFY channel of generation changes. The
// payload is "SCHEMA:GENERATION".
const notifyChannel = "connect_iam_generation"

// migrationLock is the key of the advisory lock held while migrating.
const migrationLock = 0x636f6e6e656374 // "connect"

// Options configure a Store.
type Options struct {
	// PollInterval is how often the generation row is read besides the
	// notifications (DefaultPollInterval when zero; negative turns polling
	// and listening off, for tools that only copy data).
	PollInterval time.Duration
	// MaxConns bounds the connections to the database (default 32).
	MaxConns int
}

// Store is a [store.Store] backed by a PostgreSQL database.
type Store struct {
	url     string // redacted, for messages
	schema  string
	db      *sql.DB
	closed  atomic.Bool
	gen     atomic.Uint64
	stop    context.CancelFunc
	done    chan struct{}
	queries sync.Map // query with ? placeholders -> query with $n
	// lockUntil (Unix nanoseconds) is when writers stop taking the
	// generation lock up front: until a second after the last conflict of
	// a transaction that changed authorization data.
	lockUntil atomic.Int64
	cfg       *pgx.ConnConfig
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
			return nil, fmt.Errorf("postgres: embedded migration %q is not named NNNN_description.sql", name)
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
			return nil, fmt.Errorf("postgres: embedded migration %s has version %d, want %d (versions must be 1, 2, ... without gaps)", m.name, m.version, i+1)
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

// IsURL reports whether s names a PostgreSQL database (a postgres:// or
// postgresql:// URL) rather than a file.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Redact returns the URL with its password replaced, for messages.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(a database URL that does not parse)"
	}
	return u.Redacted()
}

// Open connects to the PostgreSQL database named by dsn (a postgres://
// URL or a key=value connection string, as libpq accepts), migrates it to
// the current schema version and starts watching the authorization
// generation. It refuses a database whose schema is newer than this
// binary's with a *store.SchemaVersionError.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return OpenOptions(ctx, dsn, Options{})
}

// OpenOptions is Open with options.
func OpenOptions(ctx context.Context, dsn string, opt Options) (*Store, error) {
	red := Redact(dsn)
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: database URL %s: %w (expected postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=...)", red, err)
	}
	db := stdlib.OpenDB(*cfg)
	maxConns := opt.MaxConns
	if maxConns <= 0 {
		maxConns = 32
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{url: red, db: db, cfg: cfg, done: make(chan struct{})}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connect to %s: %w (is the server running and the URL right?)", red, err)
	}
	if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&s.schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connect to %s: %w", red, err)
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := s.Sync(ctx); err != nil {
		db.Close()
		return nil, err
	}
	lctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	if opt.PollInterval >= 0 {
		poll := opt.PollInterval
		if poll == 0 {
			poll = DefaultPollInterval
		}
		go s.watch(lctx, poll)
	} else {
		close(s.done)
	}
	return s, nil
}

// migrate applies the pending migrations in one transaction, holding an
// advisory lock so that processes starting together do not race.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("postgres: migrate %s: %w", s.url, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrationLock)); err != nil {
		return fmt.Errorf("postgres: migrate %s: taking the migration lock: %w", s.url, err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_us BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("postgres: migrate %s: creating schema_version: %w (does the role may create tables in schema %s?)", s.url, err, s.schema)
	}
	var current int
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&current); err != nil {
		return fmt.Errorf("postgres: read schema version of %s: %w", s.url, err)
	}
	if current > len(ms) {
		return &store.SchemaVersionError{Path: s.url, Database: current, Binary: len(ms)}
	}
	for _, m := range ms[current:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("postgres: migrate %s to version %d (%s): %w", s.url, m.version, m.name, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_version (version, name, applied_us) VALUES ($1, $2, $3)",
			m.version, m.name, time.Now().UnixMicro()); err != nil {
			return fmt.Errorf("postgres: migrate %s to version %d: %w", s.url, m.version, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("postgres: migrate %s: %w", s.url, err)
	}
	return nil
}

// URL returns the database URL with its password redacted.
func (s *Store) URL() string { return s.url }

// Path returns the database URL with its password redacted, like URL
// (for messages that name a store's location).
func (s *Store) Path() string { return s.url }

// Generation returns the newest authorization generation this Store has
// seen: through its own commits, notifications, polling or Sync. It
// implements authz.Generationer.
func (s *Store) Generation() uint64 { return s.gen.Load() }

// Sync reads the committed authorization generation (one indexed read of
// one row, outside any transaction) and returns it; afterwards Generation
// is at least that value. A caller that calls Sync after a change was
// committed, on any node, sees a different Generation than before the
// change. It implements authz.Syncer.
func (s *Store) Sync(ctx context.Context) (uint64, error) {
	if s.closed.Load() {
		return 0, store.ErrClosed
	}
	var g int64
	if err := s.db.QueryRowContext(ctx, "SELECT generation FROM authz_generation WHERE id = 1").Scan(&g); err != nil {
		if s.closed.Load() {
			return 0, store.ErrClosed
		}
		return 0, fmt.Errorf("postgres: read the authorization generation from %s: %w", s.url, err)
	}
	s.advance(uint64(g))
	return uint64(g), nil
}

// advance raises the known generation to g.
func (s *Store) advance(g uint64) {
	for {
		cur := s.gen.Load()
		if g <= cur || s.gen.CompareAndSwap(cur, g) {
			return
		}
	}
}

// watch listens for generation notifications on a connection of its own,
// and polls the generation every poll, until ctx is done.
func (s *Store) watch(ctx context.Context, poll time.Duration) {
	defer close(s.done)
	notes := make(chan uint64, 1)
	go s.listen(ctx, notes)
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case g := <-notes:
			s.advance(g)
		case <-t.C:
			pctx, cancel := context.WithTimeout(ctx, poll)
			s.Sync(pctx) // an error is retried at the next tick
			cancel()
		}
	}
}

// listen keeps a LISTEN connection open and forwards the generations it
// is notified of, reconnecting after a failure.
func (s *Store) listen(ctx context.Context, notes chan<- uint64) {
	prefix := s.schema + ":"
	for ctx.Err() == nil {
		conn, err := pgx.ConnectConfig(ctx, s.cfg.Copy())
		if err == nil {
			if _, err = conn.Exec(ctx, "LISTEN "+notifyChannel); err == nil {
				// Changes committed before LISTEN took effect are read now.
				var g int64
				if conn.QueryRow(ctx, "SELECT generation FROM authz_generation WHERE id = 1").Scan(&g) == nil {
					s.advance(uint64(g))
				}
				for {
					n, werr := conn.WaitForNotification(ctx)
					if werr != nil {
						break
					}
					rest, ok := strings.CutPrefix(n.Payload, prefix)
					if !ok {
						continue // another schema's store on the same database
					}
					if g, perr := strconv.ParseUint(rest, 10, 64); perr == nil {
						select {
						case notes <- g:
						default:
							s.advance(g)
						}
					}
				}
			}
			conn.Close(context.Background())
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

// Update implements [store.Store]. The transaction runs at SERIALIZABLE
// isolation; the closure runs again, up to a bound, when PostgreSQL reports
// a serialization failure or a deadlock.
func (s *Store) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	var err error
	// While writers contend, every transaction takes the generation lock
	// up front instead of failing once first.
	lock := time.Now().UnixNano() < s.lockUntil.Load()
	for attempt := range maxAttempts {
		var retry, dirty bool
		retry, dirty, err = s.update(ctx, fn, lock)
		if !retry {
			return err
		}
		// A transaction that changes authorization data and conflicted
		// runs again holding the generation lock from its start, so that
		// it cannot conflict on the generation row again.
		if dirty {
			lock = true
			s.lockUntil.Store(time.Now().Add(contentionWindow).UnixNano())
		}
		// Exponential backoff with jitter, capped at about 100 ms.
		d := time.Duration(1<<min(attempt, 6)) * time.Millisecond
		d += time.Duration(rand.Int64N(int64(d)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
	}
	return fmt.Errorf("postgres: %s: a transaction conflicted with concurrent ones %d times in a row: %w; retry the request", s.url, maxAttempts, err)
}

// update runs fn once. With lock, the transaction first takes an
// EXCLUSIVE lock on authz_generation, before its snapshot: transactions
// holding it run one after another and see each other's commits, while
// plain reads of the generation go on.
func (s *Store) update(ctx context.Context, fn func(tx store.Tx) error, lock bool) (retry, dirty bool, err error) {
	sqlTx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		if s.closed.Load() {
			return false, false, store.ErrClosed
		}
		return isRetryable(err), false, fmt.Errorf("postgres: begin transaction on %s: %w", s.url, err)
	}
	q := &pgQuerier{tx: sqlTx, s: s}
	t := &tx{ctx: ctx, q: q}
	committed := false
	defer func() {
		if !committed {
			sqlTx.Rollback()
		}
	}()
	if lock {
		if _, err := sqlTx.ExecContext(ctx, "LOCK TABLE authz_generation IN EXCLUSIVE MODE"); err != nil {
			return isRetryable(err), false, fmt.Errorf("postgres: lock the authorization generation on %s: %w", s.url, err)
		}
	}
	if err := fn(t); err != nil {
		return q.conflict, t.dirty, err
	}
	if q.conflict {
		return true, t.dirty, fmt.Errorf("postgres: transaction on %s conflicted with a concurrent one", s.url)
	}
	var gen int64
	if t.dirty {
		if err := sqlTx.QueryRowContext(ctx, "UPDATE authz_generation SET generation = generation + 1 WHERE id = 1 RETURNING generation").Scan(&gen); err != nil {
			return isRetryable(err), true, fmt.Errorf("postgres: advance the authorization generation on %s: %w", s.url, err)
		}
		if _, err := sqlTx.ExecContext(ctx, "SELECT pg_notify($1, $2)", notifyChannel, s.schema+":"+strconv.FormatInt(gen, 10)); err != nil {
			return isRetryable(err), true, fmt.Errorf("postgres: notify on %s: %w", s.url, err)
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return isRetryable(err), t.dirty, fmt.Errorf("postgres: commit on %s: %w", s.url, err)
	}
	committed = true
	if gen > 0 {
		s.advance(uint64(gen))
	}
	return false, t.dirty, nil
}

// View implements [store.Store]: a REPEATABLE READ, READ ONLY transaction.
func (s *Store) View(ctx context.Context, fn func(tx store.ReadTx) error) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	sqlTx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		if s.closed.Load() {
			return store.ErrClosed
		}
		return fmt.Errorf("postgres: begin read transaction on %s: %w", s.url, err)
	}
	defer sqlTx.Rollback()
	return fn(&tx{ctx: ctx, q: &pgQuerier{tx: sqlTx, s: s}})
}

// Reset deletes every row of every table of the store (accounts, IAM
// entities, resources and audit events alike) and runs fn in the same
// transaction, so that the store goes from its current content to what fn
// creates without a moment in between. The schema stays.
func (s *Store) Reset(ctx context.Context, fn func(tx store.Tx) error) error {
	return s.Update(ctx, func(t store.Tx) error {
		q := t.(*tx)
		q.dirty = true
		if _, err := q.q.ExecContext(ctx, `TRUNCATE accounts, users, groups, group_members, roles, policies, policy_versions,
			inline_policies, attachments, tags, access_keys, sessions, deletion_tasks, resources, resource_tags, audit_events`); err != nil {
			return fmt.Errorf("postgres: reset %s: %w", s.url, err)
		}
		return fn(t)
	})
}

// Close implements [store.Store].
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	if s.stop != nil {
		s.stop()
		<-s.done
	}
	return s.db.Close()
}

// pgQuerier runs the store's queries, written with ? placeholders as in
// the SQLite backend, with PostgreSQL's $n placeholders, and notes whether
// one failed with a serialization failure or deadlock.
type pgQuerier struct {
	tx       *sql.Tx
	s        *Store
	conflict bool
}

func (q *pgQuerier) note(err error) {
	if err != nil && isRetryable(err) {
		q.conflict = true
	}
}

func (q *pgQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	r, err := q.tx.ExecContext(ctx, q.s.rebind(query), args...)
	q.note(err)
	return r, err
}

func (q *pgQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	r, err := q.tx.QueryContext(ctx, q.s.rebind(query), args...)
	q.note(err)
	return r, err
}

func (q *pgQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	r := q.tx.QueryRowContext(ctx, q.s.rebind(query), args...)
	q.note(r.Err())
	return r
}

// rebind replaces the ? placeholders of query by $1, $2, ... The store's
// queries have no ? in literals; the result is cached per query text.
func (s *Store) rebind(query string) string {
	if v, ok := s.queries.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	out := b.String()
	s.queries.Store(query, out)
	return out
}

// SQLSTATE codes.
const (
	codeUniqueViolation      = "23505"
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
)

func isRetryable(err error) bool {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code == codeSerializationFailure || e.Code == codeDeadlockDetected
	}
	return false
}

func isUniqueViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == codeUniqueViolation
}
