package postgres

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/connect-iam/connect-iam/store"
)

// Generic resources of other services.

const resourceCols = "account_id, service, type, id, parent_id, arn, name, name_key, attributes, revision, created_us, updated_us"

func scanResource(r scanner) (store.Resource, error) {
	var res store.Resource
	var nameKey sql.NullString
	var attrs string
	var created, updated int64
	err := r.Scan(&res.AccountID, &res.Service, &res.Type, &res.ID, &res.ParentID, &res.ARN, &res.Name, &nameKey, &attrs,
		&res.Revision, &created, &updated)
	res.NameKey = nameKey.String
	if attrs != "null" {
		res.Attributes = json.RawMessage(attrs)
	}
	res.Created, res.Updated = fromMicros(created), fromMicros(updated)
	return res, err
}

func resourceDesc(accountID, service, typ, id string) string {
	return fmt.Sprintf("%s %s %q in account %s", service, typ, id, accountID)
}

func (t *tx) GetResource(accountID, service, resourceType, id string) (store.Resource, error) {
	r, err := scanResource(t.q.QueryRowContext(t.ctx, "SELECT "+resourceCols+" FROM resources WHERE account_id = ? AND service = ? AND type = ? AND id = ?",
		accountID, service, resourceType, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("store: %s: %w", resourceDesc(accountID, service, resourceType, id), store.ErrNotFound)
	}
	if err != nil {
		return r, sqlErr("get "+resourceDesc(accountID, service, resourceType, id), err)
	}
	return r, nil
}

func (t *tx) GetResourceByARN(arn string) (store.Resource, error) {
	r, err := scanResource(t.q.QueryRowContext(t.ctx, "SELECT "+resourceCols+" FROM resources WHERE arn = ?", arn))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("store: resource %s: %w", arn, store.ErrNotFound)
	}
	if err != nil {
		return r, sqlErr("get resource "+arn, err)
	}
	return r, nil
}

func (t *tx) ListResources(accountID, service, resourceType string, filter store.ResourceFilter, opt store.ListOptions) ([]store.Resource, string, error) {
	after, err := decodeMarker(opt.Marker)
	if err != nil {
		return nil, "", err
	}
	n := limit(opt)
	q := "SELECT " + resourceCols + " FROM resources WHERE account_id = ? AND service = ? AND type = ? AND id > ?"
	args := []any{accountID, service, resourceType, after}
	if filter.HasParent {
		q += " AND parent_id = ?"
		args = append(args, filter.Parent)
	}
	rs, err := queryList(t, scanResource, q+" ORDER BY id LIMIT ?", append(args, n+1)...)
	if err != nil {
		return nil, "", sqlErr("list "+service+" "+resourceType+" resources", err)
	}
	rs, next := paginate(rs, n, func(r store.Resource) string { return r.ID })
	return rs, next, nil
}

func checkResource(r store.Resource) (string, error) {
	if err := checkAccount(r.AccountID); err != nil {
		return "", err
	}
	for _, f := range []struct{ what, v string }{
		{"resource service", r.Service}, {"resource type", r.Type}, {"resource ID", r.ID}, {"resource ARN", r.ARN},
	} {
		if err := required(f.what, f.v); err != nil {
			return "", err
		}
	}
	attrs := "null"
	if len(r.Attributes) > 0 {
		if !json.Valid(r.Attributes) {
			return "", fmt.Errorf("store: attributes of %s are not valid JSON: %w", resourceDesc(r.AccountID, r.Service, r.Type, r.ID), store.ErrInvalidArgument)
		}
		attrs = strings.TrimSpace(string(r.Attributes))
	}
	return attrs, nil
}

func nullKey(k string) any {
	if k == "" {
		return nil
	}
	return k
}

// checkNameKey reports ErrAlreadyExists if another resource of the scope
// has the name key.
func (t *tx) checkNameKey(r store.Resource) error {
	if r.NameKey == "" {
		return nil
	}
	ok, err := t.exists("SELECT 1 FROM resources WHERE account_id = ? AND service = ? AND type = ? AND parent_id = ? AND name_key = ? AND id <> ?",
		r.AccountID, r.Service, r.Type, r.ParentID, r.NameKey, r.ID)
	if err != nil {
		return sqlErr("check resource name", err)
	}
	if ok {
		return fmt.Errorf("store: a %s %s named %q already exists in scope %q of account %s: %w", r.Service, r.Type, r.Name, r.ParentID, r.AccountID, store.ErrAlreadyExists)
	}
	return nil
}

func (t *tx) CreateResource(r store.Resource) (store.Resource, error) {
	attrs, err := checkResource(r)
	if err != nil {
		return store.Resource{}, err
	}
	if err := t.requireAccount(r.AccountID); err != nil {
		return store.Resource{}, err
	}
	desc := resourceDesc(r.AccountID, r.Service, r.Type, r.ID)
	ok, err := t.exists("SELECT 1 FROM resources WHERE (account_id = ? AND service = ? AND type = ? AND id = ?) OR arn = ?",
		r.AccountID, r.Service, r.Type, r.ID, r.ARN)
	if err != nil {
		return store.Resource{}, sqlErr("check "+desc, err)
	}
	if ok {
		return store.Resource{}, fmt.Errorf("store: %s (ARN %s): %w", desc, r.ARN, store.ErrAlreadyExists)
	}
	if err := t.checkNameKey(r); err != nil {
		return store.Resource{}, err
	}
	t.touchFor(r.Service)
	created := orNow(r.Created)
	if err := t.execErr("create "+desc, "INSERT INTO resources ("+resourceCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
		r.AccountID, r.Service, r.Type, r.ID, r.ParentID, r.ARN, r.Name, nullKey(r.NameKey), attrs, micros(created), micros(created)); err != nil {
		return store.Resource{}, err
	}
	return t.GetResource(r.AccountID, r.Service, r.Type, r.ID)
}

func (t *tx) UpdateResource(r store.Resource) (store.Resource, error) {
	attrs, err := checkResource(r)
	if err != nil {
		return store.Resource{}, err
	}
	cur, err := t.GetResource(r.AccountID, r.Service, r.Type, r.ID)
	if err != nil {
		return store.Resource{}, err
	}
	desc := resourceDesc(r.AccountID, r.Service, r.Type, r.ID)
	if cur.Revision != r.Revision {
		return store.Resource{}, fmt.Errorf("store: %s is at revision %d, not %d: it changed since it was read; read it again and retry: %w",
			desc, cur.Revision, r.Revision, store.ErrConflict)
	}
	if err := t.checkNameKey(r); err != nil {
		return store.Resource{}, err
	}
	t.touchFor(r.Service)
	if err := t.execErr("update "+desc, `UPDATE resources SET parent_id = ?, name = ?, name_key = ?, attributes = ?, revision = revision + 1, updated_us = ?
		WHERE account_id = ? AND service = ? AND type = ? AND id = ?`,
		r.ParentID, r.Name, nullKey(r.NameKey), attrs, micros(now()), r.AccountID, r.Service, r.Type, r.ID); err != nil {
		return store.Resource{}, err
	}
	return t.GetResource(r.AccountID, r.Service, r.Type, r.ID)
}

func (t *tx) DeleteResource(accountID, service, resourceType, id string) error {
	r, err := t.GetResource(accountID, service, resourceType, id)
	if err != nil {
		return err
	}
	t.touchFor(service)
	if err := t.execErr("delete tags of resource "+r.ARN, "DELETE FROM resource_tags WHERE arn = ?", r.ARN); err != nil {
		return err
	}
	return t.execErr("delete resource "+r.ARN, "DELETE FROM resources WHERE arn = ?", r.ARN)
}

func (t *tx) ListResourceTags(arn string) ([]store.Tag, error) {
	if _, err := t.GetResourceByARN(arn); err != nil {
		return nil, err
	}
	tags, err := queryList(t, scanTag, "SELECT key, value FROM resource_tags WHERE arn = ? ORDER BY key", arn)
	if err != nil {
		return nil, sqlErr("list tags of resource "+arn, err)
	}
	return tags, nil
}

func identity(s string) string { return s }

func (t *tx) TagResource(arn string, tags []store.Tag) error {
	if _, err := t.GetResourceByARN(arn); err != nil {
		return err
	}
	desc := "resource " + arn
	keys, err := checkNewTags(desc, tags, identity)
	if err != nil {
		return err
	}
	existing, err := t.keySet("SELECT key FROM resource_tags WHERE arn = ?", arn)
	if err != nil {
		return sqlErr("list tags of "+desc, err)
	}
	if err := tagRoom(desc, existing, keys); err != nil {
		return err
	}
	for _, tg := range tags {
		if err := t.execErr("tag "+desc, "INSERT INTO resource_tags (arn, key, value) VALUES (?, ?, ?) ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value",
			arn, tg.Key, tg.Value); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) UntagResource(arn string, keys []string) error {
	if _, err := t.GetResourceByARN(arn); err != nil {
		return err
	}
	for _, k := range keys {
		if err := t.execErr("untag resource "+arn, "DELETE FROM resource_tags WHERE arn = ? AND key = ?", arn, k); err != nil {
			return err
		}
	}
	return nil
}

// Audit log.

const eventCols = `seq, event_id, event_time_us, event_source, event_name, account_id, principal_arn, user_identity,
	source_ip, user_agent, request_parameters, error_code, error_message, decision, additional_event_data`

func scanEvent(r scanner) (store.Event, error) {
	var e store.Event
	var ts int64
	var ui, rp, ad string
	err := r.Scan(&e.Seq, &e.EventID, &ts, &e.Source, &e.Name, &e.AccountID, &e.PrincipalARN, &ui,
		&e.SourceIPAddress, &e.UserAgent, &rp, &e.ErrorCode, &e.ErrorMessage, &e.Decision, &ad)
	e.Time = fromMicros(ts)
	if ui != "null" {
		e.UserIdentity = json.RawMessage(ui)
	}
	if rp != "null" {
		e.RequestParameters = json.RawMessage(rp)
	}
	if ad != "null" {
		e.AdditionalEventData = json.RawMessage(ad)
	}
	return e, err
}

func jsonOrNull(what string, v json.RawMessage) (string, error) {
	if len(v) == 0 {
		return "null", nil
	}
	if !json.Valid(v) {
		return "", fmt.Errorf("store: audit event %s is not valid JSON: %w", what, store.ErrInvalidArgument)
	}
	return strings.TrimSpace(string(v)), nil
}

func (t *tx) AppendEvent(e store.Event) (int64, error) {
	if err := required("event source", e.Source); err != nil {
		return 0, err
	}
	if err := required("event name", e.Name); err != nil {
		return 0, err
	}
	ui, err := jsonOrNull("userIdentity", e.UserIdentity)
	if err != nil {
		return 0, err
	}
	rp, err := jsonOrNull("requestParameters", e.RequestParameters)
	if err != nil {
		return 0, err
	}
	ad, err := jsonOrNull("additionalEventData", e.AdditionalEventData)
	if err != nil {
		return 0, err
	}
	if e.EventID == "" {
		e.EventID = newEventID()
	}
	var seq int64
	err = t.q.QueryRowContext(t.ctx, `INSERT INTO audit_events (event_id, event_time_us, event_source, event_name, account_id, principal_arn, user_identity,
		source_ip, user_agent, request_parameters, error_code, error_message, decision, additional_event_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
		e.EventID, micros(orNow(e.Time)), e.Source, e.Name, e.AccountID, e.PrincipalARN, ui,
		e.SourceIPAddress, e.UserAgent, rp, e.ErrorCode, e.ErrorMessage, e.Decision, ad).Scan(&seq)
	if err != nil {
		return 0, sqlErr("append audit event "+e.EventID, err)
	}
	return seq, nil
}

func (t *tx) QueryEvents(q store.EventQuery, opt store.ListOptions) ([]store.Event, string, error) {
	var afterTime, afterSeq int64 = -1 << 63, 0
	if opt.Marker != "" {
		var err error
		if afterTime, afterSeq, err = decodeAuditMarker(opt.Marker); err != nil {
			return nil, "", err
		}
	}
	n := limit(opt)
	where := []string{"(event_time_us > ? OR (event_time_us = ? AND seq > ?))"}
	order := "event_time_us, seq"
	if q.NewestFirst {
		if opt.Marker == "" {
			afterTime, afterSeq = 1<<63-1, 1<<63-1
		}
		where[0] = "(event_time_us < ? OR (event_time_us = ? AND seq < ?))"
		order = "event_time_us DESC, seq DESC"
	}
	args := []any{afterTime, afterTime, afterSeq}
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if !q.Start.IsZero() {
		add("event_time_us >= ?", micros(q.Start))
	}
	if !q.End.IsZero() {
		add("event_time_us < ?", micros(q.End))
	}
	if q.AccountID != "" {
		add("account_id = ?", q.AccountID)
	}
	if q.Name != "" {
		add("event_name = ?", q.Name)
	}
	if q.PrincipalARN != "" {
		add("principal_arn = ?", q.PrincipalARN)
	}
	if q.ErrorCode != "" {
		add("error_code = ?", q.ErrorCode)
	}
	if q.OnlyErrors {
		where = append(where, "error_code <> ''")
	}
	if q.Source != "" {
		add("event_source = ?", q.Source)
	}
	if q.OnlyDenied {
		where = append(where, "decision IN ('ExplicitDeny', 'ImplicitDeny')")
	}
	es, err := queryList(t, scanEvent, "SELECT "+eventCols+" FROM audit_events WHERE "+strings.Join(where, " AND ")+" ORDER BY "+order+" LIMIT ?",
		append(args, n+1)...)
	if err != nil {
		return nil, "", sqlErr("query audit events", err)
	}
	if len(es) <= n {
		return es, "", nil
	}
	es = es[:n]
	return es, auditMarker(es[n-1]), nil
}
