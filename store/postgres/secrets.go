package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/connect-iam/connect-iam/store"
)

// The tables and columns that hold values sealed by internal/secretbox,
// each bound (as associated data) to the row's id.
var sealedColumns = []struct{ table, column string }{
	{"access_keys", "secret"},
	{"sessions", "secret"},
}

// KeyCheck returns the master key's check value stored in the database,
// or nil when none is stored (a new database, or one written before
// schema version 2).
func (s *Store) KeyCheck(ctx context.Context) ([]byte, error) {
	var v []byte
	err := s.db.QueryRowContext(ctx, "SELECT value FROM key_check WHERE id = 1").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: read the master key check value of %s: %w", s.url, err)
	}
	return v, nil
}

// SetKeyCheck stores the master key's check value, unless the database
// holds one already: several servers may start together on one database,
// and the first check value stored stays (the caller reads it back with
// KeyCheck and compares).
func (s *Store) SetKeyCheck(ctx context.Context, v []byte) error {
	return s.Update(ctx, func(st store.Tx) error {
		return st.(*tx).execErr("store the master key check value",
			"INSERT INTO key_check (id, value) VALUES (1, ?) ON CONFLICT (id) DO NOTHING", v)
	})
}

func setKeyCheck(t *tx, v []byte) error {
	return t.execErr("store the master key check value",
		"INSERT INTO key_check (id, value) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET value = excluded.value", v)
}

// SealedSample returns one sealed value from the database and how many
// there are in all, so that a database written before it stored a key
// check value can be checked against the master key.
func (s *Store) SealedSample(ctx context.Context) (sample []byte, count int, err error) {
	for _, c := range sealedColumns {
		var n int
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM "+c.table).Scan(&n); err != nil {
			return nil, 0, fmt.Errorf("postgres: count the sealed secrets in %s.%s of %s: %w", c.table, c.column, s.url, err)
		}
		if n > 0 && sample == nil {
			if err := s.db.QueryRowContext(ctx, "SELECT "+c.column+" FROM "+c.table+" LIMIT 1").Scan(&sample); err != nil {
				return nil, 0, fmt.Errorf("postgres: read a sealed secret in %s.%s of %s: %w", c.table, c.column, s.url, err)
			}
		}
		count += n
	}
	return sample, count, nil
}

// Reseal replaces every sealed value in the database, and the key check
// value, in one transaction: reseal receives each value with the id of
// its row (the associated data it is bound to) and returns the value
// sealed under the new key. When reseal fails, nothing is changed. It
// returns how many values were resealed.
func (s *Store) Reseal(ctx context.Context, check []byte, reseal func(id string, sealed []byte) ([]byte, error)) (int, error) {
	n := 0
	err := s.Update(ctx, func(st store.Tx) error {
		t := st.(*tx)
		n = 0
		for _, c := range sealedColumns {
			rows, err := t.q.QueryContext(t.ctx, "SELECT id, "+c.column+" FROM "+c.table+" ORDER BY id")
			if err != nil {
				return fmt.Errorf("postgres: read %s.%s: %w", c.table, c.column, err)
			}
			type row struct {
				id string
				v  []byte
			}
			var all []row
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.id, &r.v); err != nil {
					rows.Close()
					return fmt.Errorf("postgres: read %s.%s: %w", c.table, c.column, err)
				}
				all = append(all, r)
			}
			if err := errors.Join(rows.Err(), rows.Close()); err != nil {
				return fmt.Errorf("postgres: read %s.%s: %w", c.table, c.column, err)
			}
			for _, r := range all {
				nv, err := reseal(r.id, r.v)
				if err != nil {
					return fmt.Errorf("%s %s: %w", c.table, r.id, err)
				}
				if err := t.execErr("reseal "+c.table+" "+r.id, "UPDATE "+c.table+" SET "+c.column+" = ? WHERE id = ?", nv, r.id); err != nil {
					return err
				}
				n++
			}
		}
		return setKeyCheck(t, check)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
