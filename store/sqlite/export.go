package sqlite

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/connect-iam/connect-iam/store"
)

// Tables lists the store's data tables in an order in which every table
// comes after the tables it references: the order to copy them in.
var Tables = []string{
	"accounts", "users", "groups", "group_members", "roles", "policies", "policy_versions",
	"inline_policies", "attachments", "tags", "access_keys", "sessions", "deletion_tasks",
	"resources", "resource_tags", "audit_events", "key_check",
}

// ExportTable reads every row of table (one of Tables), in one read
// transaction, and calls fn with the column names and the values of each
// row: int64, float64, string, []byte or nil, as SQLite stores them.
// Sealed secrets are passed as they are stored. fn must not keep row.
func (s *Store) ExportTable(ctx context.Context, table string, fn func(columns []string, row []any) error) error {
	known := false
	for _, t := range Tables {
		known = known || t == table
	}
	if !known {
		return fmt.Errorf("sqlite: export: unknown table %q; the tables are %s", table, strings.Join(Tables, ", "))
	}
	if s.closed.Load() {
		return store.ErrClosed
	}
	sqlTx, err := s.readers.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: export %s from %s: %w", table, s.path, err)
	}
	defer sqlTx.Rollback()
	rows, err := sqlTx.QueryContext(ctx, `SELECT * FROM "`+table+`" ORDER BY rowid`)
	if err != nil {
		return fmt.Errorf("sqlite: export %s from %s: %w", table, s.path, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return fmt.Errorf("sqlite: export %s from %s: %w", table, s.path, err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("sqlite: export %s from %s: %w", table, s.path, err)
		}
		if err := fn(cols, vals); err != nil {
			return err
		}
	}
	return errors.Join(rows.Err(), rows.Close())
}
