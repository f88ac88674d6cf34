package postgres

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/connect-iam/connect-iam/store"
)

// Access keys.

const accessKeyCols = `k.id, k.account_id, u.name, k.user_id, k.secret, k.status, k.created_us,
	k.last_used_us, k.last_used_service, k.last_used_region`

const accessKeyFrom = " FROM access_keys k JOIN users u ON u.id = k.user_id"

func scanAccessKey(r scanner) (store.AccessKey, error) {
	var k store.AccessKey
	var status string
	var created, lastUsed int64
	err := r.Scan(&k.ID, &k.AccountID, &k.UserName, &k.UserID, &k.SecretCiphertext, &status, &created,
		&lastUsed, &k.LastUsedService, &k.LastUsedRegion)
	k.Status = store.AccessKeyStatus(status)
	k.Created, k.LastUsed = fromMicros(created), fromMicros(lastUsed)
	return k, err
}

func (t *tx) GetAccessKey(id string) (store.AccessKey, error) {
	k, err := scanAccessKey(t.q.QueryRowContext(t.ctx, "SELECT "+accessKeyCols+accessKeyFrom+" WHERE k.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return k, fmt.Errorf("store: access key %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return k, sqlErr("get access key "+id, err)
	}
	return k, nil
}

func (t *tx) ListAccessKeys(accountID, userName string) ([]store.AccessKey, error) {
	u, err := t.GetUser(accountID, userName)
	if err != nil {
		return nil, err
	}
	ks, err := queryList(t, scanAccessKey, "SELECT "+accessKeyCols+accessKeyFrom+" WHERE k.user_id = ? ORDER BY k.created_us, k.id", u.ID)
	if err != nil {
		return nil, sqlErr("list access keys of user "+userName, err)
	}
	return ks, nil
}

func checkStatus(s store.AccessKeyStatus) error {
	if s != store.AccessKeyActive && s != store.AccessKeyInactive {
		return fmt.Errorf("store: access key status %q is neither %q nor %q: %w", s, store.AccessKeyActive, store.AccessKeyInactive, store.ErrInvalidArgument)
	}
	return nil
}

func (t *tx) CreateAccessKey(k store.AccessKey) error {
	t.touch()
	if err := required("access key ID", k.ID); err != nil {
		return err
	}
	if len(k.SecretCiphertext) == 0 {
		return fmt.Errorf("store: access key %s has no secret ciphertext; seal the secret with secretbox first: %w", k.ID, store.ErrInvalidArgument)
	}
	if k.Status == "" {
		k.Status = store.AccessKeyActive
	}
	if err := checkStatus(k.Status); err != nil {
		return err
	}
	u, err := t.GetUser(k.AccountID, k.UserName)
	if err != nil {
		return err
	}
	for _, table := range []string{"access_keys", "sessions"} {
		ok, err := t.exists("SELECT 1 FROM "+table+" WHERE id = ?", k.ID)
		if err != nil {
			return sqlErr("check access key ID", err)
		}
		if ok {
			return fmt.Errorf("store: access key %s: %w", k.ID, store.ErrAlreadyExists)
		}
	}
	n, err := t.count("SELECT count(*) FROM access_keys WHERE user_id = ?", u.ID)
	if err != nil {
		return sqlErr("count access keys of user "+u.Name, err)
	}
	if n >= store.MaxAccessKeysPerUser {
		return fmt.Errorf("store: user %q already has %d access keys, the most IAM allows; delete one first: %w", u.Name, n, store.ErrLimitExceeded)
	}
	return t.execErr("create access key "+k.ID, `INSERT INTO access_keys (id, account_id, user_id, secret, status, created_us, last_used_us, last_used_service, last_used_region)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.AccountID, u.ID, k.SecretCiphertext, string(k.Status), micros(orNow(k.Created)), micros(k.LastUsed), k.LastUsedService, k.LastUsedRegion)
}

// userAccessKey returns the unique ID of the user owning access key id, or
// ErrNotFound if the user has no such key.
func (t *tx) userAccessKey(accountID, userName, id string) (string, error) {
	u, err := t.GetUser(accountID, userName)
	if err != nil {
		return "", err
	}
	ok, err := t.exists("SELECT 1 FROM access_keys WHERE id = ? AND user_id = ?", id, u.ID)
	if err != nil {
		return "", sqlErr("look up access key "+id, err)
	}
	if !ok {
		return "", fmt.Errorf("store: access key %s of user %q in account %s: %w", id, u.Name, accountID, store.ErrNotFound)
	}
	return u.ID, nil
}

func (t *tx) SetAccessKeyStatus(accountID, userName, id string, status store.AccessKeyStatus) error {
	t.touch()
	if err := checkStatus(status); err != nil {
		return err
	}
	if _, err := t.userAccessKey(accountID, userName, id); err != nil {
		return err
	}
	return t.execErr("set status of access key "+id, "UPDATE access_keys SET status = ? WHERE id = ?", string(status), id)
}

func (t *tx) RecordAccessKeyUse(id string, at time.Time, service, region string) error {
	res, err := t.exec("UPDATE access_keys SET last_used_us = ?, last_used_service = ?, last_used_region = ? WHERE id = ?",
		micros(orNow(at)), service, region, id)
	if err != nil {
		return sqlErr("record use of access key "+id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: access key %s: %w", id, store.ErrNotFound)
	}
	return nil
}

func (t *tx) DeleteAccessKey(accountID, userName, id string) error {
	t.touch()
	if _, err := t.userAccessKey(accountID, userName, id); err != nil {
		return err
	}
	return t.execErr("delete access key "+id, "DELETE FROM access_keys WHERE id = ?", id)
}

// Sessions.

const sessionCols = `id, account_id, secret, token_hash, kind, principal_arn, principal_id, source_arn, session_name,
	policy, policy_arns, tags, transitive_keys, source_identity, chain_depth, mfa, created_us, expires_us`

func scanSession(r scanner) (store.Session, error) {
	var s store.Session
	var kind, policyARNs, tags, transitive string
	var created, expires int64
	if err := r.Scan(&s.ID, &s.AccountID, &s.SecretCiphertext, &s.TokenHash, &kind, &s.PrincipalARN, &s.PrincipalID, &s.SourceARN,
		&s.SessionName, &s.Policy, &policyARNs, &tags, &transitive, &s.SourceIdentity, &s.ChainDepth, &s.MFAAuthenticated,
		&created, &expires); err != nil {
		return s, err
	}
	s.Kind = store.SessionKind(kind)
	s.Created, s.Expiration = fromMicros(created), fromMicros(expires)
	var err1, err2, err3 error
	s.PolicyARNs, err1 = unmarshalStrings(policyARNs)
	s.Tags, err2 = unmarshalTags(tags)
	s.TransitiveTagKeys, err3 = unmarshalStrings(transitive)
	if err := errors.Join(err1, err2, err3); err != nil {
		return s, fmt.Errorf("session %s has corrupt JSON columns: %w", s.ID, err)
	}
	return s, nil
}

func (t *tx) GetSession(id string) (store.Session, error) {
	s, err := scanSession(t.q.QueryRowContext(t.ctx, "SELECT "+sessionCols+" FROM sessions WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("store: session %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return s, sqlErr("get session "+id, err)
	}
	return s, nil
}

func (t *tx) CountActiveSessions(accountID, sourceARN string, now time.Time) (int, error) {
	n, err := t.count("SELECT count(*) FROM sessions WHERE account_id = ? AND source_arn = ? AND expires_us > ?", accountID, sourceARN, micros(now))
	if err != nil {
		return 0, sqlErr("count sessions of "+sourceARN, err)
	}
	return n, nil
}

func (t *tx) CreateSession(s store.Session) error {
	if err := required("session access key ID", s.ID); err != nil {
		return err
	}
	if err := t.requireAccount(s.AccountID); err != nil {
		return err
	}
	switch s.Kind {
	case store.SessionAssumedRole, store.SessionFederatedUser, store.SessionUser, store.SessionConsole:
	default:
		return fmt.Errorf("store: session %s has kind %q; use one of the store.Session* kinds: %w", s.ID, s.Kind, store.ErrInvalidArgument)
	}
	if len(s.SecretCiphertext) == 0 || len(s.TokenHash) == 0 {
		return fmt.Errorf("store: session %s needs both a secret ciphertext and a token hash: %w", s.ID, store.ErrInvalidArgument)
	}
	if s.Expiration.IsZero() {
		return fmt.Errorf("store: session %s has no expiration: %w", s.ID, store.ErrInvalidArgument)
	}
	for _, table := range []string{"sessions", "access_keys"} {
		ok, err := t.exists("SELECT 1 FROM "+table+" WHERE id = ?", s.ID)
		if err != nil {
			return sqlErr("check session ID", err)
		}
		if ok {
			return fmt.Errorf("store: session %s: access key ID in use: %w", s.ID, store.ErrAlreadyExists)
		}
	}
	return t.execErr("create session "+s.ID, "INSERT INTO sessions ("+sessionCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		s.ID, s.AccountID, s.SecretCiphertext, s.TokenHash, string(s.Kind), s.PrincipalARN, s.PrincipalID, s.SourceARN, s.SessionName,
		s.Policy, marshalJSON(nonNil(s.PolicyARNs)), marshalJSON(nonNil(s.Tags)), marshalJSON(nonNil(s.TransitiveTagKeys)),
		s.SourceIdentity, s.ChainDepth, s.MFAAuthenticated, micros(orNow(s.Created)), micros(s.Expiration))
}

func (t *tx) DeleteSession(id string) error {
	t.touch()
	res, err := t.exec("DELETE FROM sessions WHERE id = ?", id)
	if err != nil {
		return sqlErr("delete session "+id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: session %s: %w", id, store.ErrNotFound)
	}
	return nil
}

func (t *tx) DeleteExpiredSessions(before time.Time) (int, error) {
	t.touch()
	res, err := t.exec("DELETE FROM sessions WHERE expires_us < ?", micros(before))
	if err != nil {
		return 0, sqlErr("delete expired sessions", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// Service-linked role deletion tasks.

func checkTaskStatus(s store.DeletionTaskStatus) error {
	switch s {
	case store.DeletionNotStarted, store.DeletionInProgress, store.DeletionSucceeded, store.DeletionFailed:
		return nil
	}
	return fmt.Errorf("store: deletion task status %q is not one of NOT_STARTED, IN_PROGRESS, SUCCEEDED, FAILED: %w", s, store.ErrInvalidArgument)
}

func (t *tx) GetDeletionTask(accountID, id string) (store.DeletionTask, error) {
	var d store.DeletionTask
	var status string
	var created, updated int64
	err := t.q.QueryRowContext(t.ctx, "SELECT account_id, id, role_name, status, reason, created_us, updated_us FROM deletion_tasks WHERE account_id = ? AND id = ?",
		accountID, id).Scan(&d.AccountID, &d.ID, &d.RoleName, &status, &d.Reason, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("store: deletion task %s in account %s: %w", id, accountID, store.ErrNotFound)
	}
	if err != nil {
		return d, sqlErr("get deletion task "+id, err)
	}
	d.Status = store.DeletionTaskStatus(status)
	d.Created, d.Updated = fromMicros(created), fromMicros(updated)
	return d, nil
}

func (t *tx) CreateDeletionTask(d store.DeletionTask) error {
	if err := required("deletion task ID", d.ID); err != nil {
		return err
	}
	if err := required("deletion task role name", d.RoleName); err != nil {
		return err
	}
	if d.Status == "" {
		d.Status = store.DeletionNotStarted
	}
	if err := checkTaskStatus(d.Status); err != nil {
		return err
	}
	if err := t.requireAccount(d.AccountID); err != nil {
		return err
	}
	if ok, err := t.exists("SELECT 1 FROM deletion_tasks WHERE id = ?", d.ID); err != nil || ok {
		if err != nil {
			return sqlErr("check deletion task ID", err)
		}
		return fmt.Errorf("store: deletion task %s: %w", d.ID, store.ErrAlreadyExists)
	}
	created := orNow(d.Created)
	updated := d.Updated
	if updated.IsZero() {
		updated = created
	}
	return t.execErr("create deletion task "+d.ID, "INSERT INTO deletion_tasks (id, account_id, role_name, status, reason, created_us, updated_us) VALUES (?, ?, ?, ?, ?, ?, ?)",
		d.ID, d.AccountID, d.RoleName, string(d.Status), d.Reason, micros(created), micros(updated))
}

func (t *tx) UpdateDeletionTask(accountID, id string, status store.DeletionTaskStatus, reason string) error {
	if err := checkTaskStatus(status); err != nil {
		return err
	}
	res, err := t.exec("UPDATE deletion_tasks SET status = ?, reason = ?, updated_us = ? WHERE account_id = ? AND id = ?",
		string(status), reason, micros(now()), accountID, id)
	if err != nil {
		return sqlErr("update deletion task "+id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: deletion task %s in account %s: %w", id, accountID, store.ErrNotFound)
	}
	return nil
}
