package postgres

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/connect-iam/connect-iam/store"
)

// Accounts.

func scanAccount(r scanner) (store.Account, error) {
	var a store.Account
	var alias sql.NullString
	var created int64
	err := r.Scan(&a.ID, &alias, &created)
	a.Alias, a.Created = alias.String, fromMicros(created)
	return a, err
}

func (t *tx) GetAccount(id string) (store.Account, error) {
	a, err := scanAccount(t.q.QueryRowContext(t.ctx, "SELECT id, alias, created_us FROM accounts WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("store: account %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return a, sqlErr("get account "+id, err)
	}
	return a, nil
}

func (t *tx) ListAccounts(opt store.ListOptions) ([]store.Account, string, error) {
	after, err := decodeMarker(opt.Marker)
	if err != nil {
		return nil, "", err
	}
	n := limit(opt)
	as, err := queryList(t, scanAccount, "SELECT id, alias, created_us FROM accounts WHERE id > ? ORDER BY id LIMIT ?", after, n+1)
	if err != nil {
		return nil, "", sqlErr("list accounts", err)
	}
	as, next := paginate(as, n, func(a store.Account) string { return a.ID })
	return as, next, nil
}

func nullAlias(alias string) any {
	if alias == "" {
		return nil
	}
	return alias
}

func (t *tx) CreateAccount(a store.Account) error {
	t.touch()
	if err := checkAccount(a.ID); err != nil {
		return err
	}
	if ok, err := t.exists("SELECT 1 FROM accounts WHERE id = ?", a.ID); err != nil || ok {
		if err != nil {
			return sqlErr("create account "+a.ID, err)
		}
		return fmt.Errorf("store: account %s: %w", a.ID, store.ErrAlreadyExists)
	}
	if err := t.checkAlias(a.ID, a.Alias); err != nil {
		return err
	}
	return t.execErr("create account "+a.ID, "INSERT INTO accounts (id, alias, created_us) VALUES (?, ?, ?)",
		a.ID, nullAlias(a.Alias), micros(orNow(a.Created)))
}

func (t *tx) checkAlias(id, alias string) error {
	if alias == "" {
		return nil
	}
	ok, err := t.exists("SELECT 1 FROM accounts WHERE alias = ? AND id <> ?", alias, id)
	if err != nil {
		return sqlErr("check account alias", err)
	}
	if ok {
		return fmt.Errorf("store: account alias %q is used by another account: %w", alias, store.ErrAlreadyExists)
	}
	return nil
}

func (t *tx) SetAccountAlias(id, alias string) error {
	t.touch()
	if err := t.requireAccount(id); err != nil {
		return err
	}
	if err := t.checkAlias(id, alias); err != nil {
		return err
	}
	return t.execErr("set alias of account "+id, "UPDATE accounts SET alias = ? WHERE id = ?", nullAlias(alias), id)
}

// Users.

const userCols = "account_id, id, path, name, arn, boundary_arn, created_us"

func scanUser(r scanner) (store.User, error) {
	var u store.User
	var created int64
	err := r.Scan(&u.AccountID, &u.ID, &u.Path, &u.Name, &u.ARN, &u.PermissionsBoundaryARN, &created)
	u.Created = fromMicros(created)
	return u, err
}

func userKey(u store.User) string { return store.FoldName(u.Name) }

func (t *tx) GetUser(accountID, name string) (store.User, error) {
	u, err := scanUser(t.q.QueryRowContext(t.ctx, "SELECT "+userCols+" FROM users WHERE account_id = ? AND name_fold = ?", accountID, store.FoldName(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("store: user %q in account %s: %w", name, accountID, store.ErrNotFound)
	}
	if err != nil {
		return u, sqlErr("get user "+name, err)
	}
	return u, nil
}

func (t *tx) ListUsers(accountID, pathPrefix string, opt store.ListOptions) ([]store.User, string, error) {
	after, err := decodeMarker(opt.Marker)
	if err != nil {
		return nil, "", err
	}
	n := limit(opt)
	pl, p := prefixArgs(pathPrefix)
	us, err := queryList(t, scanUser, "SELECT "+userCols+" FROM users WHERE account_id = ? AND substr(path, 1, ?) = ? AND name_fold > ? ORDER BY name_fold LIMIT ?",
		accountID, pl, p, after, n+1)
	if err != nil {
		return nil, "", sqlErr("list users", err)
	}
	us, next := paginate(us, n, userKey)
	return us, next, nil
}

// checkEntity validates the common fields of a new or updated entity.
func checkEntity(kind, accountID, id, name, arn string) error {
	if err := checkAccount(accountID); err != nil {
		return err
	}
	if err := required(kind+" ID", id); err != nil {
		return err
	}
	if err := required(kind+" name", name); err != nil {
		return err
	}
	return required(kind+" ARN", arn)
}

func defaultPath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// checkNameFree reports ErrAlreadyExists if table has another row with the
// folded name in the account.
func (t *tx) checkNameFree(table, kind, accountID, id, name string) error {
	ok, err := t.exists("SELECT 1 FROM "+table+" WHERE account_id = ? AND name_fold = ? AND id <> ?", accountID, store.FoldName(name), id)
	if err != nil {
		return sqlErr("check "+kind+" name", err)
	}
	if ok {
		return fmt.Errorf("store: %s named %q (case-insensitively) in account %s: %w", kind, name, accountID, store.ErrAlreadyExists)
	}
	return nil
}

// checkIDFree reports ErrAlreadyExists if the unique ID is taken in table.
func (t *tx) checkIDFree(table, kind, id string) error {
	ok, err := t.exists("SELECT 1 FROM "+table+" WHERE id = ?", id)
	if err != nil {
		return sqlErr("check "+kind+" ID", err)
	}
	if ok {
		return fmt.Errorf("store: %s ID %s: %w", kind, id, store.ErrAlreadyExists)
	}
	return nil
}

func (t *tx) prepareCreate(table, kind, accountID, id, name, arn string) error {
	if err := checkEntity(kind, accountID, id, name, arn); err != nil {
		return err
	}
	if err := t.requireAccount(accountID); err != nil {
		return err
	}
	if err := t.checkIDFree(table, kind, id); err != nil {
		return err
	}
	return t.checkNameFree(table, kind, accountID, id, name)
}

// prepareUpdate checks that the entity with the unique ID exists in the
// account and that its (possibly new) name is free.
func (t *tx) prepareUpdate(table, kind, accountID, id, name, arn string) error {
	if err := checkEntity(kind, accountID, id, name, arn); err != nil {
		return err
	}
	ok, err := t.exists("SELECT 1 FROM "+table+" WHERE account_id = ? AND id = ?", accountID, id)
	if err != nil {
		return sqlErr("look up "+kind+" "+id, err)
	}
	if !ok {
		return fmt.Errorf("store: %s with ID %s in account %s: %w", kind, id, accountID, store.ErrNotFound)
	}
	return t.checkNameFree(table, kind, accountID, id, name)
}

func (t *tx) CreateUser(u store.User) error {
	t.touch()
	if err := t.prepareCreate("users", "user", u.AccountID, u.ID, u.Name, u.ARN); err != nil {
		return err
	}
	return t.execErr("create user "+u.Name, "INSERT INTO users (id, account_id, path, name, name_fold, arn, boundary_arn, created_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		u.ID, u.AccountID, defaultPath(u.Path), u.Name, store.FoldName(u.Name), u.ARN, u.PermissionsBoundaryARN, micros(orNow(u.Created)))
}

func (t *tx) UpdateUser(u store.User) error {
	t.touch()
	if err := t.prepareUpdate("users", "user", u.AccountID, u.ID, u.Name, u.ARN); err != nil {
		return err
	}
	return t.execErr("update user "+u.Name, "UPDATE users SET path = ?, name = ?, name_fold = ?, arn = ?, boundary_arn = ? WHERE id = ?",
		defaultPath(u.Path), u.Name, store.FoldName(u.Name), u.ARN, u.PermissionsBoundaryARN, u.ID)
}

// dependents lists the checks DeleteX runs: a query counting rows that
// block the deletion, and what to tell the caller to remove.
type dependent struct {
	query string
	what  string
}

func (t *tx) checkDependents(desc string, id string, deps []dependent) error {
	for _, d := range deps {
		n, err := t.count(d.query, id)
		if err != nil {
			return sqlErr("check dependents of "+desc, err)
		}
		if n > 0 {
			return fmt.Errorf("store: %s still has %d %s; remove them first: %w", desc, n, d.what, store.ErrConflict)
		}
	}
	return nil
}

func (t *tx) DeleteUser(accountID, name string) error {
	t.touch()
	u, err := t.GetUser(accountID, name)
	if err != nil {
		return err
	}
	desc := fmt.Sprintf("user %q in account %s", u.Name, accountID)
	if err := t.checkDependents(desc, u.ID, []dependent{
		{"SELECT count(*) FROM access_keys WHERE user_id = ?", "access key(s)"},
		{"SELECT count(*) FROM inline_policies WHERE owner_kind = 'user' AND owner_id = ?", "inline polic(ies)"},
		{"SELECT count(*) FROM attachments WHERE owner_kind = 'user' AND owner_id = ?", "attached polic(ies)"},
		{"SELECT count(*) FROM group_members WHERE user_id = ?", "group membership(s)"},
	}); err != nil {
		return err
	}
	if err := t.execErr("delete tags of "+desc, "DELETE FROM tags WHERE owner_kind = 'user' AND owner_id = ?", u.ID); err != nil {
		return err
	}
	return t.execErr("delete "+desc, "DELETE FROM users WHERE id = ?", u.ID)
}

// Groups.

const groupCols = "g.account_id, g.id, g.path, g.name, g.arn, g.created_us"

func scanGroup(r scanner) (store.Group, error) {
	var g store.Group
	var created int64
	err := r.Scan(&g.AccountID, &g.ID, &g.Path, &g.Name, &g.ARN, &created)
	g.Created = fromMicros(created)
	return g, err
}

func groupKey(g store.Group) string { return store.FoldName(g.Name) }

func (t *tx) GetGroup(accountID, name string) (store.Group, error) {
	g, err := scanGroup(t.q.QueryRowContext(t.ctx, "SELECT "+groupCols+" FROM groups g WHERE g.account_id = ? AND g.name_fold = ?", accountID, store.FoldName(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return g, fmt.Errorf("store: group %q in account %s: %w", name, accountID, store.ErrNotFound)
	}
	if err != nil {
		return g, sqlErr("get group "+name, err)
	}
	return g, nil
}

func (t *tx) ListGroups(accountID, pathPrefix string, opt store.ListOptions) ([]store.Group, string, error) {
	after, err := decodeMarker(opt.Marker)
	if err != nil {
		return nil, "", err
	}
	n := limit(opt)
	pl, p := prefixArgs(pathPrefix)
	gs, err := queryList(t, scanGroup, "SELECT "+groupCols+" FROM groups g WHERE g.account_id = ? AND substr(g.path, 1, ?) = ? AND g.name_fold > ? ORDER BY g.name_fold LIMIT ?",
		accountID, pl, p, after, n+1)
	if err != nil {
		return nil, "", sqlErr("list groups", err)
	}
	gs, next := paginate(gs, n, groupKey)
	return gs, next, nil
}

func (t *tx) ListGroupMembers(accountID, groupName string, opt store.ListOptions) ([]store.User, string, error) {
	g, err := t.GetGroup(accountID, groupName)
	if err != nil {
		return nil, "", err
	}
	after, err := decodeMarker(opt.Marker)
	if err != nil {
		return nil, "", err
	}
	n := limit(opt)
	us, err := queryList(t, scanUser, "SELECT u.account_id, u.id, u.path, u.name, u.arn, u.boundary_arn, u.created_us FROM users u JOIN group_members m ON m.user_id = u.id WHERE m.group_id = ? AND u.name_fold > ? ORDER BY u.name_fold LIMIT ?",
		g.ID, after, n+1)
	if err != nil {
		return nil, "", sqlErr("list members of group "+groupName, err)
	}
	us, next := paginate(us, n, userKey)
	return us, next, nil
}

func (t *tx) ListGroupsForUser(accountID, userName string, opt store.ListOptions) ([]store.Group, string, error) {
	u, err := t.GetUser(accountID, userName)
	if err != nil {
		return nil, "", err
	}
	after, err := decodeMarker(opt.Marker)
	if err != nil {
		return nil, "", err
	}
	n := limit(opt)
	gs, err := queryList(t, scanGroup, "SELECT "+groupCols+" FROM groups g JOIN group_members m ON m.group_id = g.id WHERE m.user_id = ? AND g.name_fold > ? ORDER BY g.name_fold LIMIT ?",
		u.ID, after, n+1)
	if err != nil {
		return nil, "", sqlErr("list groups of user "+userName, err)
	}
	gs, next := paginate(gs, n, groupKey)
	return gs, next, nil
}

func (t *tx) CreateGroup(g store.Group) error {
	t.touch()
	if err := t.prepareCreate("groups", "group", g.AccountID, g.ID, g.Name, g.ARN); err != nil {
		return err
	}
	return t.execErr("create group "+g.Name, "INSERT INTO groups (id, account_id, path, name, name_fold, arn, created_us) VALUES (?, ?, ?, ?, ?, ?, ?)",
		g.ID, g.AccountID, defaultPath(g.Path), g.Name, store.FoldName(g.Name), g.ARN, micros(orNow(g.Created)))
}

func (t *tx) UpdateGroup(g store.Group) error {
	t.touch()
	if err := t.prepareUpdate("groups", "group", g.AccountID, g.ID, g.Name, g.ARN); err != nil {
		return err
	}
	return t.execErr("update group "+g.Name, "UPDATE groups SET path = ?, name = ?, name_fold = ?, arn = ? WHERE id = ?",
		defaultPath(g.Path), g.Name, store.FoldName(g.Name), g.ARN, g.ID)
}

func (t *tx) DeleteGroup(accountID, name string) error {
	t.touch()
	g, err := t.GetGroup(accountID, name)
	if err != nil {
		return err
	}
	desc := fmt.Sprintf("group %q in account %s", g.Name, accountID)
	if err := t.checkDependents(desc, g.ID, []dependent{
		{"SELECT count(*) FROM group_members WHERE group_id = ?", "member(s)"},
		{"SELECT count(*) FROM inline_policies WHERE owner_kind = 'group' AND owner_id = ?", "inline polic(ies)"},
		{"SELECT count(*) FROM attachments WHERE owner_kind = 'group' AND owner_id = ?", "attached polic(ies)"},
	}); err != nil {
		return err
	}
	return t.execErr("delete "+desc, "DELETE FROM groups WHERE id = ?", g.ID)
}

func (t *tx) AddUserToGroup(accountID, groupName, userName string) error {
	t.touch()
	g, err := t.GetGroup(accountID, groupName)
	if err != nil {
		return err
	}
	u, err := t.GetUser(accountID, userName)
	if err != nil {
		return err
	}
	member, err := t.exists("SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ?", g.ID, u.ID)
	if err != nil {
		return sqlErr("check membership", err)
	}
	if member {
		return nil
	}
	n, err := t.count("SELECT count(*) FROM group_members WHERE user_id = ?", u.ID)
	if err != nil {
		return sqlErr("count groups of user "+userName, err)
	}
	if n >= store.MaxGroupsPerUser {
		return fmt.Errorf("store: user %q is already in %d groups, the most IAM allows: %w", u.Name, n, store.ErrLimitExceeded)
	}
	return t.execErr("add user to group", "INSERT INTO group_members (group_id, user_id) VALUES (?, ?)", g.ID, u.ID)
}

func (t *tx) RemoveUserFromGroup(accountID, groupName, userName string) error {
	t.touch()
	g, err := t.GetGroup(accountID, groupName)
	if err != nil {
		return err
	}
	u, err := t.GetUser(accountID, userName)
	if err != nil {
		return err
	}
	res, err := t.exec("DELETE FROM group_members WHERE group_id = ? AND user_id = ?", g.ID, u.ID)
	if err != nil {
		return sqlErr("remove user from group", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: user %q is not a member of group %q: %w", u.Name, g.Name, store.ErrNotFound)
	}
	return nil
}

// Roles.

const roleCols = "account_id, id, path, name, arn, trust_policy, description, max_session_seconds, boundary_arn, service_linked, created_us, last_used_us, last_used_region"

func scanRole(r scanner) (store.Role, error) {
	var ro store.Role
	var maxSession, created, lastUsed int64
	err := r.Scan(&ro.AccountID, &ro.ID, &ro.Path, &ro.Name, &ro.ARN, &ro.AssumeRolePolicyDocument, &ro.Description,
		&maxSession, &ro.PermissionsBoundaryARN, &ro.ServiceLinked, &created, &lastUsed, &ro.LastUsedRegion)
	ro.MaxSessionDuration = time.Duration(maxSession) * time.Second
	ro.Created, ro.LastUsed = fromMicros(created), fromMicros(lastUsed)
	return ro, err
}

func (t *tx) GetRole(accountID, name string) (store.Role, error) {
	r, err := scanRole(t.q.QueryRowContext(t.ctx, "SELECT "+roleCols+" FROM roles WHERE account_id = ? AND name_fold = ?", accountID, store.FoldName(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("store: role %q in account %s: %w", name, accountID, store.ErrNotFound)
	}
	if err != nil {
		return r, sqlErr("get role "+name, err)
	}
	return r, nil
}

func (t *tx) ListRoles(accountID, pathPrefix string, opt store.ListOptions) ([]store.Role, string, error) {
	after, err := decodeMarker(opt.Marker)
	if err != nil {
		return nil, "", err
	}
	n := limit(opt)
	pl, p := prefixArgs(pathPrefix)
	rs, err := queryList(t, scanRole, "SELECT "+roleCols+" FROM roles WHERE account_id = ? AND substr(path, 1, ?) = ? AND name_fold > ? ORDER BY name_fold LIMIT ?",
		accountID, pl, p, after, n+1)
	if err != nil {
		return nil, "", sqlErr("list roles", err)
	}
	rs, next := paginate(rs, n, func(r store.Role) string { return store.FoldName(r.Name) })
	return rs, next, nil
}

func roleSeconds(r store.Role) (int64, error) {
	d := r.MaxSessionDuration
	if d == 0 {
		d = time.Hour
	}
	if d < time.Second || d%time.Second != 0 {
		return 0, fmt.Errorf("store: role %q: maximum session duration %v is not a positive whole number of seconds: %w", r.Name, d, store.ErrInvalidArgument)
	}
	return int64(d / time.Second), nil
}

func (t *tx) CreateRole(r store.Role) error {
	t.touch()
	if err := t.prepareCreate("roles", "role", r.AccountID, r.ID, r.Name, r.ARN); err != nil {
		return err
	}
	secs, err := roleSeconds(r)
	if err != nil {
		return err
	}
	return t.execErr("create role "+r.Name, `INSERT INTO roles (id, account_id, path, name, name_fold, arn, trust_policy, description,
		max_session_seconds, boundary_arn, service_linked, created_us, last_used_us, last_used_region) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.AccountID, defaultPath(r.Path), r.Name, store.FoldName(r.Name), r.ARN, r.AssumeRolePolicyDocument, r.Description,
		secs, r.PermissionsBoundaryARN, r.ServiceLinked, micros(orNow(r.Created)), micros(r.LastUsed), r.LastUsedRegion)
}

func (t *tx) UpdateRole(r store.Role) error {
	t.touch()
	if err := t.prepareUpdate("roles", "role", r.AccountID, r.ID, r.Name, r.ARN); err != nil {
		return err
	}
	secs, err := roleSeconds(r)
	if err != nil {
		return err
	}
	return t.execErr("update role "+r.Name, `UPDATE roles SET path = ?, name = ?, name_fold = ?, arn = ?, trust_policy = ?, description = ?,
		max_session_seconds = ?, boundary_arn = ?, last_used_us = ?, last_used_region = ? WHERE id = ?`,
		defaultPath(r.Path), r.Name, store.FoldName(r.Name), r.ARN, r.AssumeRolePolicyDocument, r.Description,
		secs, r.PermissionsBoundaryARN, micros(r.LastUsed), r.LastUsedRegion, r.ID)
}

func (t *tx) DeleteRole(accountID, name string) error {
	t.touch()
	r, err := t.GetRole(accountID, name)
	if err != nil {
		return err
	}
	desc := fmt.Sprintf("role %q in account %s", r.Name, accountID)
	if err := t.checkDependents(desc, r.ID, []dependent{
		{"SELECT count(*) FROM inline_policies WHERE owner_kind = 'role' AND owner_id = ?", "inline polic(ies)"},
		{"SELECT count(*) FROM attachments WHERE owner_kind = 'role' AND owner_id = ?", "attached polic(ies)"},
	}); err != nil {
		return err
	}
	if err := t.execErr("delete tags of "+desc, "DELETE FROM tags WHERE owner_kind = 'role' AND owner_id = ?", r.ID); err != nil {
		return err
	}
	return t.execErr("delete "+desc, "DELETE FROM roles WHERE id = ?", r.ID)
}
