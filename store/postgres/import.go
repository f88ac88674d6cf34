package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/connect-iam/connect-iam/store"
)

// Source reads every row of a table and calls fn with the column names
// and values of each, as sqlite.Store.ExportTable does.
type Source func(ctx context.Context, table string, fn func(columns []string, row []any) error) error

// importBatch is how many rows one INSERT carries at most.
const importBatch = 200

// Import copies tables (names of this schema's tables, in an order in
// which each comes after those it references) from src into the store,
// which must be empty, in one transaction: afterwards the store holds
// exactly the rows src gave, or nothing at all. Values are stored as they
// come (sealed secrets stay sealed under the key that sealed them);
// integers become booleans where the column is boolean. progress, if not
// nil, is called after every batch with the table and the rows copied so
// far. The authorization generation advances, so that running servers
// drop what they cached.
func (s *Store) Import(ctx context.Context, tables []string, src Source, progress func(table string, rows int)) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("postgres: import into %s: %w", s.url, err)
	}
	defer tx.Rollback()
	for _, table := range tables {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM "`+table+`"`).Scan(&n); err != nil {
			return fmt.Errorf("postgres: import into %s: table %s: %w", s.url, table, err)
		}
		if n > 0 {
			return fmt.Errorf("postgres: import into %s: table %s already holds %d rows; import into an empty database (a new one, or one no server has started on)", s.url, table, n)
		}
	}
	for _, table := range tables {
		types := map[string]string{}
		rows, err := tx.QueryContext(ctx, "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1", table)
		if err != nil {
			return fmt.Errorf("postgres: import %s: %w", table, err)
		}
		for rows.Next() {
			var c, t string
			if err := rows.Scan(&c, &t); err != nil {
				rows.Close()
				return fmt.Errorf("postgres: import %s: %w", table, err)
			}
			types[c] = t
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("postgres: import %s: %w", table, err)
		}
		var (
			cols  []string
			batch []any
			count int
		)
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			var q strings.Builder
			q.WriteString(`INSERT INTO "` + table + `" (` + strings.Join(cols, ", ") + ")")
			if table == "audit_events" {
				q.WriteString(" OVERRIDING SYSTEM VALUE")
			}
			q.WriteString(" VALUES ")
			for r := 0; r < len(batch)/len(cols); r++ {
				if r > 0 {
					q.WriteString(", ")
				}
				q.WriteByte('(')
				for c := range cols {
					if c > 0 {
						q.WriteString(", ")
					}
					q.WriteString("$" + strconv.Itoa(r*len(cols)+c+1))
				}
				q.WriteByte(')')
			}
			if _, err := tx.ExecContext(ctx, q.String(), batch...); err != nil {
				return fmt.Errorf("postgres: import %s: rows %d to %d: %w", table, count-len(batch)/len(cols)+1, count, err)
			}
			batch = batch[:0]
			if progress != nil {
				progress(table, count)
			}
			return nil
		}
		err = src(ctx, table, func(columns []string, row []any) error {
			if cols == nil {
				for _, c := range columns {
					if _, ok := types[c]; !ok {
						return fmt.Errorf("postgres: import %s: the source has a column %s that %s does not; migrate with a connect-iam release that knows both schemas", table, c, s.url)
					}
				}
				cols = append([]string(nil), columns...)
			}
			for i, v := range row {
				if b, ok := v.([]byte); ok {
					v = append([]byte(nil), b...)
				}
				if n, ok := v.(int64); ok && types[cols[i]] == "boolean" {
					v = n != 0
				}
				batch = append(batch, v)
			}
			count++
			if count%importBatch == 0 {
				return flush()
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := flush(); err != nil {
			return err
		}
		if progress != nil && count == 0 {
			progress(table, 0)
		}
	}
	if _, err := tx.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('audit_events', 'seq'), coalesce(max(seq), 0) + 1, false) FROM audit_events"); err != nil {
		return fmt.Errorf("postgres: import into %s: audit sequence: %w", s.url, err)
	}
	var gen int64
	if err := tx.QueryRowContext(ctx, "UPDATE authz_generation SET generation = generation + 1 WHERE id = 1 RETURNING generation").Scan(&gen); err != nil {
		return fmt.Errorf("postgres: import into %s: %w", s.url, err)
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_notify($1, $2)", notifyChannel, s.schema+":"+strconv.FormatInt(gen, 10)); err != nil {
		return fmt.Errorf("postgres: import into %s: %w", s.url, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("postgres: import into %s: commit: %w", s.url, err)
	}
	s.advance(uint64(gen))
	// A bulk load leaves the planner's statistics behind until autovacuum
	// runs: without them every page of a paged read may scan the whole
	// table. Analyze at once.
	return s.Analyze(ctx)
}

// Analyze refreshes PostgreSQL's planner statistics of the store's tables
// (ANALYZE). Autovacuum does it as tables grow; call it after a bulk load
// (Import does) so that paged reads use their indexes from the first
// request.
func (s *Store) Analyze(ctx context.Context) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	if _, err := s.db.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("postgres: analyze %s: %w", s.url, err)
	}
	return nil
}

// ExportTable reads every row of table and calls fn with the column names
// and values of each (int64, bool, string, []byte or nil), in one
// snapshot. fn must not keep row.
func (s *Store) ExportTable(ctx context.Context, table string, fn func(columns []string, row []any) error) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("postgres: export %s: %w", table, err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT * FROM "`+strings.ReplaceAll(table, `"`, `""`)+`"`)
	if err != nil {
		return fmt.Errorf("postgres: export %s: %w", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("postgres: export %s: %w", table, err)
		}
		if err := fn(cols, vals); err != nil {
			return err
		}
	}
	return rows.Err()
}
