package postgres

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/connect-iam/connect-iam/store"
)

// Managed policies.

const policyCols = `p.account_id, p.id, p.path, p.name, p.arn, p.description, p.default_version, p.created_us, p.updated_us,
	(SELECT count(*) FROM attachments a WHERE a.account_id = p.account_id AND a.policy_arn = p.arn),
	(SELECT count(*) FROM users u WHERE u.account_id = p.account_id AND u.boundary_arn = p.arn) +
	(SELECT count(*) FROM roles r WHERE r.account_id = p.account_id AND r.boundary_arn = p.arn)`

func scanPolicy(r scanner) (store.Policy, error) {
	var p store.Policy
	var def int
	var created, updated int64
	err := r.Scan(&p.AccountID, &p.ID, &p.Path, &p.Name, &p.ARN, &p.Description, &def, &created, &updated,
		&p.AttachmentCount, &p.PermissionsBoundaryUsageCount)
	p.DefaultVersionID = store.VersionID(def)
	p.Created, p.Updated = fromMicros(created), fromMicros(updated)
	return p, err
}

func (t *tx) GetPolicy(accountID, arn string) (store.Policy, error) {
	p, err := scanPolicy(t.q.QueryRowContext(t.ctx, "SELECT "+policyCols+" FROM policies p WHERE p.account_id = ? AND p.arn = ?", accountID, arn))
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("store: policy %s in account %s: %w", arn, accountID, store.ErrNotFound)
	}
	if err != nil {
		return p, sqlErr("get policy "+arn, err)
	}
	return p, nil
}

func (t *tx) ListPolicies(accountID string, filter store.PolicyFilter, opt store.ListOptions) ([]store.Policy, string, error) {
	after, err := decodeMarker(opt.Marker)
	if err != nil {
		return nil, "", err
	}
	n := limit(opt)
	pl, p := prefixArgs(filter.PathPrefix)
	q := "SELECT " + policyCols + " FROM policies p WHERE p.account_id = ? AND substr(p.path, 1, ?) = ? AND p.name_fold > ?"
	if filter.OnlyAttached {
		q += " AND EXISTS (SELECT 1 FROM attachments a WHERE a.account_id = p.account_id AND a.policy_arn = p.arn)"
	}
	ps, err := queryList(t, scanPolicy, q+" ORDER BY p.name_fold LIMIT ?", accountID, pl, p, after, n+1)
	if err != nil {
		return nil, "", sqlErr("list policies", err)
	}
	ps, next := paginate(ps, n, func(p store.Policy) string { return store.FoldName(p.Name) })
	return ps, next, nil
}

func (t *tx) CreatePolicy(p store.Policy, document string) (store.Policy, error) {
	t.touch()
	if err := t.prepareCreate("policies", "policy", p.AccountID, p.ID, p.Name, p.ARN); err != nil {
		return store.Policy{}, err
	}
	if err := required("policy document", document); err != nil {
		return store.Policy{}, err
	}
	if ok, err := t.exists("SELECT 1 FROM policies WHERE arn = ?", p.ARN); err != nil || ok {
		if err != nil {
			return store.Policy{}, sqlErr("check policy ARN", err)
		}
		return store.Policy{}, fmt.Errorf("store: policy %s: %w", p.ARN, store.ErrAlreadyExists)
	}
	created := micros(orNow(p.Created))
	if err := t.execErr("create policy "+p.Name, `INSERT INTO policies (id, account_id, path, name, name_fold, arn, description, default_version, next_version, created_us, updated_us)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1, 2, ?, ?)`,
		p.ID, p.AccountID, defaultPath(p.Path), p.Name, store.FoldName(p.Name), p.ARN, p.Description, created, created); err != nil {
		return store.Policy{}, err
	}
	if err := t.execErr("create version v1 of policy "+p.Name, "INSERT INTO policy_versions (policy_id, version, document, created_us) VALUES (?, 1, ?, ?)",
		p.ID, document, created); err != nil {
		return store.Policy{}, err
	}
	return t.GetPolicy(p.AccountID, p.ARN)
}

func (t *tx) UpdatePolicyDescription(accountID, arn, description string) error {
	t.touch()
	p, err := t.GetPolicy(accountID, arn)
	if err != nil {
		return err
	}
	return t.execErr("update description of policy "+arn, "UPDATE policies SET description = ? WHERE id = ?", description, p.ID)
}

func (t *tx) DeletePolicy(accountID, arn string) error {
	t.touch()
	p, err := t.GetPolicy(accountID, arn)
	if err != nil {
		return err
	}
	if p.AttachmentCount > 0 {
		return fmt.Errorf("store: policy %s is attached to %d entities; detach it first: %w", arn, p.AttachmentCount, store.ErrConflict)
	}
	if p.PermissionsBoundaryUsageCount > 0 {
		return fmt.Errorf("store: policy %s is the permissions boundary of %d entities; remove it from them first: %w", arn, p.PermissionsBoundaryUsageCount, store.ErrConflict)
	}
	for _, q := range []string{
		"DELETE FROM policy_versions WHERE policy_id = ?",
		"DELETE FROM tags WHERE owner_kind = 'policy' AND owner_id = ?",
		"DELETE FROM policies WHERE id = ?",
	} {
		if err := t.execErr("delete policy "+arn, q, p.ID); err != nil {
			return err
		}
	}
	return nil
}

// Policy versions.

func scanVersion(r scanner) (store.PolicyVersion, error) {
	var v store.PolicyVersion
	var n int
	var created int64
	err := r.Scan(&n, &v.Document, &v.IsDefault, &created)
	v.VersionID, v.Created = store.VersionID(n), fromMicros(created)
	return v, err
}

const versionCols = "v.version, v.document, v.version = p.default_version, v.created_us"

func (t *tx) GetPolicyVersion(accountID, policyARN, versionID string) (store.PolicyVersion, error) {
	n, err := versionNumber(policyARN, versionID)
	if err != nil {
		return store.PolicyVersion{}, err
	}
	p, err := t.GetPolicy(accountID, policyARN)
	if err != nil {
		return store.PolicyVersion{}, err
	}
	v, err := scanVersion(t.q.QueryRowContext(t.ctx, "SELECT "+versionCols+" FROM policy_versions v JOIN policies p ON p.id = v.policy_id WHERE v.policy_id = ? AND v.version = ?", p.ID, n))
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("store: version %s of policy %s: %w", versionID, policyARN, store.ErrNotFound)
	}
	if err != nil {
		return v, sqlErr("get policy version", err)
	}
	return v, nil
}

func (t *tx) ListPolicyVersions(accountID, policyARN string) ([]store.PolicyVersion, error) {
	p, err := t.GetPolicy(accountID, policyARN)
	if err != nil {
		return nil, err
	}
	vs, err := queryList(t, scanVersion, "SELECT "+versionCols+" FROM policy_versions v JOIN policies p ON p.id = v.policy_id WHERE v.policy_id = ? ORDER BY v.version DESC", p.ID)
	if err != nil {
		return nil, sqlErr("list versions of policy "+policyARN, err)
	}
	return vs, nil
}

func (t *tx) CreatePolicyVersion(accountID, arn, document string, setAsDefault bool) (store.PolicyVersion, error) {
	t.touch()
	if err := required("policy document", document); err != nil {
		return store.PolicyVersion{}, err
	}
	p, err := t.GetPolicy(accountID, arn)
	if err != nil {
		return store.PolicyVersion{}, err
	}
	var count, next int
	if err := t.q.QueryRowContext(t.ctx, "SELECT (SELECT count(*) FROM policy_versions WHERE policy_id = p.id), p.next_version FROM policies p WHERE p.id = ?", p.ID).Scan(&count, &next); err != nil {
		return store.PolicyVersion{}, sqlErr("count versions of policy "+arn, err)
	}
	if count >= store.MaxPolicyVersions {
		return store.PolicyVersion{}, fmt.Errorf("store: policy %s already has %d versions, the most IAM keeps; delete a version that is not the default first: %w",
			arn, count, store.ErrLimitExceeded)
	}
	created := now()
	if err := t.execErr("create policy version", "INSERT INTO policy_versions (policy_id, version, document, created_us) VALUES (?, ?, ?, ?)",
		p.ID, next, document, micros(created)); err != nil {
		return store.PolicyVersion{}, err
	}
	q := "UPDATE policies SET next_version = ? WHERE id = ?"
	args := []any{next + 1, p.ID}
	if setAsDefault {
		q = "UPDATE policies SET next_version = ?, default_version = ?, updated_us = ? WHERE id = ?"
		args = []any{next + 1, next, micros(created), p.ID}
	}
	if err := t.execErr("create policy version", q, args...); err != nil {
		return store.PolicyVersion{}, err
	}
	return store.PolicyVersion{VersionID: store.VersionID(next), Document: document, IsDefault: setAsDefault, Created: created}, nil
}

func (t *tx) SetDefaultPolicyVersion(accountID, arn, versionID string) error {
	t.touch()
	if _, err := t.GetPolicyVersion(accountID, arn, versionID); err != nil {
		return err
	}
	n, _ := store.ParseVersionID(versionID)
	return t.execErr("set default version of policy "+arn, "UPDATE policies SET default_version = ?, updated_us = ? WHERE account_id = ? AND arn = ?",
		n, micros(now()), accountID, arn)
}

func (t *tx) DeletePolicyVersion(accountID, arn, versionID string) error {
	t.touch()
	v, err := t.GetPolicyVersion(accountID, arn, versionID)
	if err != nil {
		return err
	}
	if v.IsDefault {
		return fmt.Errorf("store: version %s is the default version of policy %s; make another version the default first, or delete the policy: %w",
			versionID, arn, store.ErrConflict)
	}
	n, _ := store.ParseVersionID(versionID)
	return t.execErr("delete policy version", "DELETE FROM policy_versions WHERE version = ? AND policy_id = (SELECT id FROM policies WHERE account_id = ? AND arn = ?)",
		n, accountID, arn)
}

// Owners of inline policies, attachments and tags.

// resolveOwner returns the stored kind and unique ID of the entity ref
// names. allowed lists the kinds the operation accepts.
func (t *tx) resolveOwner(accountID string, ref store.EntityRef, allowed ...store.EntityKind) (string, string, error) {
	ok := false
	for _, k := range allowed {
		ok = ok || k == ref.Kind
	}
	if !ok {
		return "", "", fmt.Errorf("store: %s: this operation applies to %v only: %w", ref, allowed, store.ErrInvalidArgument)
	}
	switch ref.Kind {
	case store.KindUser:
		u, err := t.GetUser(accountID, ref.Name)
		return "user", u.ID, err
	case store.KindGroup:
		g, err := t.GetGroup(accountID, ref.Name)
		return "group", g.ID, err
	case store.KindRole:
		r, err := t.GetRole(accountID, ref.Name)
		return "role", r.ID, err
	default: // store.KindPolicy
		p, err := t.GetPolicy(accountID, ref.Name)
		return "policy", p.ID, err
	}
}

var principalKinds = []store.EntityKind{store.KindUser, store.KindGroup, store.KindRole}

// Inline policies.

func scanInline(r scanner) (store.InlinePolicy, error) {
	var p store.InlinePolicy
	err := r.Scan(&p.Name, &p.Document)
	return p, err
}

func (t *tx) GetInlinePolicy(accountID string, owner store.EntityRef, policyName string) (store.InlinePolicy, error) {
	kind, id, err := t.resolveOwner(accountID, owner, principalKinds...)
	if err != nil {
		return store.InlinePolicy{}, err
	}
	p, err := scanInline(t.q.QueryRowContext(t.ctx, "SELECT name, document FROM inline_policies WHERE owner_kind = ? AND owner_id = ? AND name_fold = ?",
		kind, id, store.FoldName(policyName)))
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("store: inline policy %q of %s in account %s: %w", policyName, owner, accountID, store.ErrNotFound)
	}
	if err != nil {
		return p, sqlErr("get inline policy", err)
	}
	return p, nil
}

func (t *tx) ListInlinePolicies(accountID string, owner store.EntityRef, opt store.ListOptions) ([]store.InlinePolicy, string, error) {
	kind, id, err := t.resolveOwner(accountID, owner, principalKinds...)
	if err != nil {
		return nil, "", err
	}
	after, err := decodeMarker(opt.Marker)
	if err != nil {
		return nil, "", err
	}
	n := limit(opt)
	ps, err := queryList(t, scanInline, "SELECT name, document FROM inline_policies WHERE owner_kind = ? AND owner_id = ? AND name_fold > ? ORDER BY name_fold LIMIT ?",
		kind, id, after, n+1)
	if err != nil {
		return nil, "", sqlErr("list inline policies", err)
	}
	ps, next := paginate(ps, n, func(p store.InlinePolicy) string { return store.FoldName(p.Name) })
	return ps, next, nil
}

func (t *tx) PutInlinePolicy(accountID string, owner store.EntityRef, policyName, document string) error {
	t.touch()
	if err := required("inline policy name", policyName); err != nil {
		return err
	}
	if err := required("inline policy document", document); err != nil {
		return err
	}
	kind, id, err := t.resolveOwner(accountID, owner, principalKinds...)
	if err != nil {
		return err
	}
	return t.execErr("put inline policy "+policyName, `INSERT INTO inline_policies (account_id, owner_kind, owner_id, name, name_fold, document) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (owner_kind, owner_id, name_fold) DO UPDATE SET name = excluded.name, document = excluded.document`,
		accountID, kind, id, policyName, store.FoldName(policyName), document)
}

func (t *tx) DeleteInlinePolicy(accountID string, owner store.EntityRef, policyName string) error {
	t.touch()
	kind, id, err := t.resolveOwner(accountID, owner, principalKinds...)
	if err != nil {
		return err
	}
	res, err := t.exec("DELETE FROM inline_policies WHERE owner_kind = ? AND owner_id = ? AND name_fold = ?", kind, id, store.FoldName(policyName))
	if err != nil {
		return sqlErr("delete inline policy", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: inline policy %q of %s in account %s: %w", policyName, owner, accountID, store.ErrNotFound)
	}
	return nil
}

// Attachments.

func (t *tx) ListAttachedPolicies(accountID string, owner store.EntityRef, opt store.ListOptions) ([]string, string, error) {
	kind, id, err := t.resolveOwner(accountID, owner, principalKinds...)
	if err != nil {
		return nil, "", err
	}
	after, err := decodeMarker(opt.Marker)
	if err != nil {
		return nil, "", err
	}
	n := limit(opt)
	arns, err := queryList(t, func(r scanner) (string, error) {
		var s string
		err := r.Scan(&s)
		return s, err
	}, "SELECT policy_arn FROM attachments WHERE owner_kind = ? AND owner_id = ? AND policy_arn > ? ORDER BY policy_arn LIMIT ?", kind, id, after, n+1)
	if err != nil {
		return nil, "", sqlErr("list attached policies", err)
	}
	arns, next := paginate(arns, n, func(s string) string { return s })
	return arns, next, nil
}

func (t *tx) ListPolicyAttachments(accountID, policyARN string) ([]store.EntityRef, error) {
	refs, err := queryList(t, func(r scanner) (store.EntityRef, error) {
		var ref store.EntityRef
		var kind string
		err := r.Scan(&kind, &ref.Name)
		ref.Kind = store.EntityKind(kind)
		return ref, err
	}, `SELECT a.owner_kind, coalesce(u.name, g.name, r.name) AS name FROM attachments a
		LEFT JOIN users u ON a.owner_kind = 'user' AND u.id = a.owner_id
		LEFT JOIN groups g ON a.owner_kind = 'group' AND g.id = a.owner_id
		LEFT JOIN roles r ON a.owner_kind = 'role' AND r.id = a.owner_id
		WHERE a.account_id = ? AND a.policy_arn = ?
		ORDER BY CASE a.owner_kind WHEN 'user' THEN 1 WHEN 'group' THEN 2 ELSE 3 END, lower(coalesce(u.name, g.name, r.name))`, accountID, policyARN)
	if err != nil {
		return nil, sqlErr("list attachments of policy "+policyARN, err)
	}
	return refs, nil
}

func (t *tx) AttachPolicy(accountID string, owner store.EntityRef, policyARN string) error {
	t.touch()
	kind, id, err := t.resolveOwner(accountID, owner, principalKinds...)
	if err != nil {
		return err
	}
	if !isAWSManagedPolicyARN(policyARN) {
		if _, err := t.GetPolicy(accountID, policyARN); err != nil {
			return err
		}
	}
	return t.execErr("attach policy "+policyARN, "INSERT INTO attachments (account_id, owner_kind, owner_id, policy_arn) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
		accountID, kind, id, policyARN)
}

func (t *tx) DetachPolicy(accountID string, owner store.EntityRef, policyARN string) error {
	t.touch()
	kind, id, err := t.resolveOwner(accountID, owner, principalKinds...)
	if err != nil {
		return err
	}
	res, err := t.exec("DELETE FROM attachments WHERE owner_kind = ? AND owner_id = ? AND policy_arn = ?", kind, id, policyARN)
	if err != nil {
		return sqlErr("detach policy", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: policy %s is not attached to %s in account %s: %w", policyARN, owner, accountID, store.ErrNotFound)
	}
	return nil
}

// Tags on IAM entities.

var taggableKinds = []store.EntityKind{store.KindUser, store.KindRole, store.KindPolicy}

func scanTag(r scanner) (store.Tag, error) {
	var tg store.Tag
	err := r.Scan(&tg.Key, &tg.Value)
	return tg, err
}

// principalTagQueries list the tags of a user or role found by name in one
// statement: the owner row left-joined with its tags, so that a principal
// without tags yields one row of NULLs and an unknown one no row.
var principalTagQueries = map[store.EntityKind]string{
	store.KindUser: "SELECT t.key, t.value FROM users o LEFT JOIN tags t ON t.owner_kind = 'user' AND t.owner_id = o.id" +
		" WHERE o.account_id = ? AND o.name_fold = ? ORDER BY t.key_fold",
	store.KindRole: "SELECT t.key, t.value FROM roles o LEFT JOIN tags t ON t.owner_kind = 'role' AND t.owner_id = o.id" +
		" WHERE o.account_id = ? AND o.name_fold = ? ORDER BY t.key_fold",
}

func (t *tx) ListTags(accountID string, target store.EntityRef) ([]store.Tag, error) {
	if q, ok := principalTagQueries[target.Kind]; ok {
		tags, found, err := t.listPrincipalTags(q, accountID, target.Name)
		if err != nil {
			return nil, sqlErr("list tags", err)
		}
		if found {
			return tags, nil
		}
		// Unknown principal: report it as resolveOwner does.
	}
	kind, id, err := t.resolveOwner(accountID, target, taggableKinds...)
	if err != nil {
		return nil, err
	}
	tags, err := queryList(t, scanTag, "SELECT key, value FROM tags WHERE owner_kind = ? AND owner_id = ? ORDER BY key_fold", kind, id)
	if err != nil {
		return nil, sqlErr("list tags", err)
	}
	return tags, nil
}

// listPrincipalTags runs one of principalTagQueries; found is false when
// the principal does not exist.
func (t *tx) listPrincipalTags(query, accountID, name string) (tags []store.Tag, found bool, err error) {
	rows, err := t.q.QueryContext(t.ctx, query, accountID, store.FoldName(name))
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	for rows.Next() {
		found = true
		var k, v sql.NullString
		if err := rows.Scan(&k, &v); err != nil {
			return nil, false, err
		}
		if k.Valid {
			tags = append(tags, store.Tag{Key: k.String, Value: v.String})
		}
	}
	return tags, found, rows.Err()
}

// checkNewTags validates tags and returns the keys in comparison form.
func checkNewTags(desc string, tags []store.Tag, fold func(string) string) ([]string, error) {
	seen := make(map[string]bool, len(tags))
	keys := make([]string, len(tags))
	for i, tg := range tags {
		if tg.Key == "" {
			return nil, fmt.Errorf("store: tags of %s: tag %d has an empty key: %w", desc, i+1, store.ErrInvalidArgument)
		}
		k := fold(tg.Key)
		if seen[k] {
			return nil, fmt.Errorf("store: tags of %s: key %q appears more than once; pass each key once: %w", desc, tg.Key, store.ErrInvalidArgument)
		}
		seen[k] = true
		keys[i] = k
	}
	return keys, nil
}

// tagRoom checks that adding the keys not yet present keeps the total
// within store.MaxTagsPerEntity.
func tagRoom(desc string, existing map[string]bool, keys []string) error {
	added := 0
	for _, k := range keys {
		if !existing[k] {
			added++
		}
	}
	if total := len(existing) + added; total > store.MaxTagsPerEntity {
		return fmt.Errorf("store: %s would have %d tags, more than the %d allowed; remove tags first: %w",
			desc, total, store.MaxTagsPerEntity, store.ErrLimitExceeded)
	}
	return nil
}

func (t *tx) keySet(query string, args ...any) (map[string]bool, error) {
	keys, err := queryList(t, func(r scanner) (string, error) {
		var s string
		err := r.Scan(&s)
		return s, err
	}, query, args...)
	set := make(map[string]bool, len(keys))
	for _, k := range keys {
		set[k] = true
	}
	return set, err
}

func (t *tx) TagEntity(accountID string, target store.EntityRef, tags []store.Tag) error {
	t.touch()
	kind, id, err := t.resolveOwner(accountID, target, taggableKinds...)
	if err != nil {
		return err
	}
	desc := target.String()
	keys, err := checkNewTags(desc, tags, store.FoldName)
	if err != nil {
		return err
	}
	existing, err := t.keySet("SELECT key_fold FROM tags WHERE owner_kind = ? AND owner_id = ?", kind, id)
	if err != nil {
		return sqlErr("list tags of "+desc, err)
	}
	if err := tagRoom(desc, existing, keys); err != nil {
		return err
	}
	for i, tg := range tags {
		if err := t.execErr("tag "+desc, `INSERT INTO tags (owner_kind, owner_id, key_fold, key, value) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (owner_kind, owner_id, key_fold) DO UPDATE SET key = excluded.key, value = excluded.value`,
			kind, id, keys[i], tg.Key, tg.Value); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) UntagEntity(accountID string, target store.EntityRef, keys []string) error {
	t.touch()
	kind, id, err := t.resolveOwner(accountID, target, taggableKinds...)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := t.execErr("untag "+target.String(), "DELETE FROM tags WHERE owner_kind = ? AND owner_id = ? AND key_fold = ?",
			kind, id, store.FoldName(k)); err != nil {
			return err
		}
	}
	return nil
}
