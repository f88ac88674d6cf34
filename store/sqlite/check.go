package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Options are the settings of OpenOptions.
type Options struct {
	// FullCheck runs PRAGMA integrity_check at open instead of the
	// default PRAGMA quick_check: it also verifies that every index
	// matches its table, and reads the whole file, so it costs more.
	FullCheck bool
}

// CorruptError reports a database that failed SQLite's integrity check.
type CorruptError struct {
	Path     string
	Check    string   // "quick_check" or "integrity_check"
	Problems []string // as SQLite reports them, at most maxProblems
}

const maxProblems = 10

func (e *CorruptError) Error() string {
	return fmt.Sprintf("sqlite: %s is damaged: PRAGMA %s found %s; stop every process using it, keep a copy of the file, "+
		"and restore the database from a backup (\"connect-iam db backup\" makes one from a healthy server); "+
		"\"connect-iam db check\" runs the full check", e.Path, e.Check, strings.Join(e.Problems, "; "))
}

// check runs PRAGMA quick_check (or integrity_check) on q.
func check(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, path string, full bool) error {
	name := "quick_check"
	if full {
		name = "integrity_check"
	}
	rows, err := q.QueryContext(ctx, fmt.Sprintf("PRAGMA %s(%d)", name, maxProblems))
	if isCorrupt(err) {
		return &CorruptError{Path: path, Check: name, Problems: []string{err.Error()}}
	}
	if err != nil {
		return fmt.Errorf("sqlite: open %s: PRAGMA %s: %w (is it an SQLite database? if it is, it is damaged: restore it from a backup)", path, name, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("sqlite: open %s: PRAGMA %s: %w", path, name, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); isCorrupt(err) {
		return &CorruptError{Path: path, Check: name, Problems: append(problems, err.Error())}
	} else if err != nil {
		return fmt.Errorf("sqlite: open %s: PRAGMA %s: %w (the database is damaged: restore it from a backup)", path, name, err)
	}
	if len(problems) > 0 {
		return &CorruptError{Path: path, Check: name, Problems: problems}
	}
	return nil
}

// isCorrupt reports whether err is SQLite's SQLITE_CORRUPT.
func isCorrupt(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_CORRUPT
}

// Check runs SQLite's full PRAGMA integrity_check on the open database
// and returns a *CorruptError when it finds a problem.
func (s *Store) Check(ctx context.Context) error {
	return check(ctx, s.readers, s.path, true)
}

// Backup writes a consistent copy of the database to file with VACUUM
// INTO, while the store stays usable (readers and the writer go on). It
// refuses to overwrite a file that exists. The copy is created with mode
// 0600 and holds sealed secrets: keep it with (but not beside) the
// master key that opens them.
func (s *Store) Backup(ctx context.Context, file string) error {
	if _, err := os.Lstat(file); err == nil {
		return fmt.Errorf("sqlite: backup to %s: the file exists; choose a new file name", file)
	}
	f, err := os.OpenFile(file, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("sqlite: backup to %s: %w", file, err)
	}
	f.Close()
	// VACUUM INTO needs a file that is empty; the 0600 mode stays.
	if _, err := s.writer.ExecContext(ctx, "VACUUM INTO ?", file); err != nil {
		os.Remove(file)
		return fmt.Errorf("sqlite: backup %s to %s: %w", s.path, file, err)
	}
	return nil
}
