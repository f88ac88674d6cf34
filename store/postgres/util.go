package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/connect-iam/connect-iam/store"
)

// querier is what a transaction needs from *sql.Tx.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// tx implements store.Tx (and so store.ReadTx) over one SQL transaction.
type tx struct {
	ctx context.Context
	q   querier
	// dirty is set by the methods that change what authorization reads:
	// Update then advances the authorization generation before it commits.
	dirty bool
}

// touch marks the transaction as changing authorization data.
func (t *tx) touch() { t.dirty = true }

// touchFor advances the generation for a write of a resource of service
// when authorization reads that service's records (store.AuthorizationService).
func (t *tx) touchFor(service string) {
	if store.AuthorizationService(service) {
		t.touch()
	}
}

var _ store.Tx = (*tx)(nil)

type scanner interface{ Scan(dest ...any) error }

func (t *tx) exec(query string, args ...any) (sql.Result, error) {
	return t.q.ExecContext(t.ctx, query, args...)
}

// execErr runs a statement and reports SQL failures with what was being
// done; unique violations become store.ErrAlreadyExists.
func (t *tx) execErr(what string, query string, args ...any) error {
	if _, err := t.exec(query, args...); err != nil {
		return sqlErr(what, err)
	}
	return nil
}

func sqlErr(what string, err error) error {
	if isUniqueViolation(err) {
		return fmt.Errorf("store: %s: %w", what, store.ErrAlreadyExists)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// exists reports whether query returns a row.
func (t *tx) exists(query string, args ...any) (bool, error) {
	var one int
	err := t.q.QueryRowContext(t.ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func (t *tx) count(query string, args ...any) (int, error) {
	var n int
	err := t.q.QueryRowContext(t.ctx, query, args...).Scan(&n)
	return n, err
}

// queryList runs a query and scans every row with scan.
func queryList[T any](t *tx, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := t.q.QueryContext(t.ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// micros converts a time to stored microseconds; the zero time is 0.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// fromMicros converts stored microseconds to a UTC time; 0 is the zero time.
func fromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// now returns the current time with the store's precision.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return now()
	}
	return t.UTC().Truncate(time.Microsecond)
}

// limit returns the page size for opt.
func limit(opt store.ListOptions) int {
	switch {
	case opt.MaxItems <= 0:
		return store.DefaultMaxItems
	case opt.MaxItems > store.MaxMaxItems:
		return store.MaxMaxItems
	}
	return opt.MaxItems
}

// Markers are the sort key of the last item returned, base64url-encoded so
// that callers treat them as opaque.
func encodeMarker(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

func decodeMarker(m string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil {
		return "", fmt.Errorf("store: marker %q was not returned by this store; pass the marker from the previous page's response: %w", m, store.ErrInvalidArgument)
	}
	return string(b), nil
}

// paginate trims rows fetched with LIMIT n+1 to n and computes the next
// marker from the last row kept.
func paginate[T any](rows []T, n int, key func(T) string) ([]T, string) {
	if len(rows) <= n {
		return rows, ""
	}
	rows = rows[:n]
	return rows, encodeMarker(key(rows[n-1]))
}

// prefixClause matches column against a path prefix portably.
func prefixArgs(prefix string) (int, string) { return utf8.RuneCountInString(prefix), prefix }

func checkAccount(id string) error {
	if !store.ValidAccountID(id) {
		return fmt.Errorf("store: account ID %q is not 12 digits: %w", id, store.ErrInvalidArgument)
	}
	return nil
}

func required(what, v string) error {
	if v == "" {
		return fmt.Errorf("store: %s is empty; it is required: %w", what, store.ErrInvalidArgument)
	}
	return nil
}

func (t *tx) requireAccount(id string) error {
	if err := checkAccount(id); err != nil {
		return err
	}
	ok, err := t.exists("SELECT 1 FROM accounts WHERE id = ?", id)
	if err != nil {
		return sqlErr("look up account "+id, err)
	}
	if !ok {
		return fmt.Errorf("store: account %s: %w; create the account first", id, store.ErrNotFound)
	}
	return nil
}

func marshalJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only string slices and tags are marshalled
	}
	return string(b)
}

func unmarshalStrings(s string) ([]string, error) {
	var v []string
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, err
	}
	if len(v) == 0 {
		return nil, nil
	}
	return v, nil
}

func unmarshalTags(s string) ([]store.Tag, error) {
	var v []store.Tag
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, err
	}
	if len(v) == 0 {
		return nil, nil
	}
	return v, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// newEventID returns a random UUID (version 4) for events without one.
func newEventID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func isAWSManagedPolicyARN(arn string) bool {
	// arn:PARTITION:iam::aws:policy/...
	parts := strings.SplitN(arn, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[2] == "iam" && parts[4] == "aws" && strings.HasPrefix(parts[5], "policy/")
}

func versionNumber(policyARN, id string) (int, error) {
	n, ok := store.ParseVersionID(id)
	if !ok {
		return 0, fmt.Errorf("store: policy %s: version ID %q is not of the form v1, v2, ...: %w", policyARN, id, store.ErrInvalidArgument)
	}
	return n, nil
}

// auditMarker encodes the position of an event in the log.
func auditMarker(e store.Event) string {
	return encodeMarker(strconv.FormatInt(micros(e.Time), 10) + ":" + strconv.FormatInt(e.Seq, 10))
}

func decodeAuditMarker(m string) (int64, int64, error) {
	s, err := decodeMarker(m)
	if err != nil {
		return 0, 0, err
	}
	a, b, ok := strings.Cut(s, ":")
	ts, err1 := strconv.ParseInt(a, 10, 64)
	seq, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("store: marker %q was not returned by QueryEvents; pass the marker from the previous page's response: %w", m, store.ErrInvalidArgument)
	}
	return ts, seq, nil
}
