package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// stmtCache keeps one prepared statement per query text for a pool, so that
// SQLite parses each query once per connection instead of once per call.
// The number of distinct query texts is bounded: queries are built only
// from constant fragments. Preparing takes a connection of the pool besides
// the one the calling transaction holds, so a pool must never be limited to
// the connections its transactions can hold at once (see Open).
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.RLock()
	s, ok := c.m[query]
	c.mu.RUnlock()
	if ok {
		return s, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.m[query]; ok {
		return s, nil
	}
	s, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.m[query] = s
	return s, nil
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for q, s := range c.m {
		errs = append(errs, s.Close())
		delete(c.m, q)
	}
	return errors.Join(errs...)
}

// cachedTx runs queries of one transaction through prepared statements of
// the cache. If a statement cannot be prepared, the query runs unprepared,
// which reports the same error where the caller expects it.
//
// A read-only transaction runs its statements with a context that is never
// canceled, because the driver watches a cancelable context with a
// goroutine per statement, which costs more than a point read; live is
// then the caller's context, checked before each statement instead, so
// that a canceled request stops its transaction at the next statement.
type cachedTx struct {
	tx    *sql.Tx
	cache *stmtCache
	live  context.Context // nil: ctx is the caller's
}

// ctx returns the context to run a statement with: the live context once
// it is done, so that the statement fails with its error.
func (c cachedTx) ctx(ctx context.Context) context.Context {
	if c.live != nil && c.live.Err() != nil {
		return c.live
	}
	return ctx
}

func (c cachedTx) stmt(ctx context.Context, query string) *sql.Stmt {
	if c.cache == nil {
		return nil // an in-memory database: statements run on the transaction's connection
	}
	s, err := c.cache.get(ctx, query)
	if err != nil {
		return nil
	}
	return c.tx.StmtContext(ctx, s)
}

func (c cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = c.ctx(ctx)
	if s := c.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return c.tx.ExecContext(ctx, query, args...)
}

func (c cachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = c.ctx(ctx)
	if s := c.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return c.tx.QueryContext(ctx, query, args...)
}

func (c cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = c.ctx(ctx)
	if s := c.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return c.tx.QueryRowContext(ctx, query, args...)
}
