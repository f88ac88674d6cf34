-- Schema version 1: the IAM/STS server's tables, generic resources and the
-- audit log. Timestamps are INTEGER microseconds since the Unix epoch (UTC);
-- 0 means "never" where a time is optional. Names that IAM compares
-- case-insensitively are stored beside their folded form (*_fold), which
-- carries the unique index.

CREATE TABLE accounts (
    id         TEXT PRIMARY KEY,
    alias      TEXT UNIQUE,
    created_us INTEGER NOT NULL
);

CREATE TABLE users (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts(id),
    path         TEXT NOT NULL,
    name         TEXT NOT NULL,
    name_fold    TEXT NOT NULL,
    arn          TEXT NOT NULL,
    boundary_arn TEXT NOT NULL DEFAULT '',
    created_us   INTEGER NOT NULL,
    UNIQUE (account_id, name_fold)
);
CREATE INDEX users_boundary ON users (account_id, boundary_arn);

CREATE TABLE groups (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    path       TEXT NOT NULL,
    name       TEXT NOT NULL,
    name_fold  TEXT NOT NULL,
    arn        TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    UNIQUE (account_id, name_fold)
);

CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES groups(id),
    user_id  TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

CREATE TABLE roles (
    id                   TEXT PRIMARY KEY,
    account_id           TEXT NOT NULL REFERENCES accounts(id),
    path                 TEXT NOT NULL,
    name                 TEXT NOT NULL,
    name_fold            TEXT NOT NULL,
    arn                  TEXT NOT NULL,
    trust_policy         TEXT NOT NULL,
    description          TEXT NOT NULL DEFAULT '',
    max_session_seconds  INTEGER NOT NULL,
    boundary_arn         TEXT NOT NULL DEFAULT '',
    service_linked       INTEGER NOT NULL DEFAULT 0,
    created_us           INTEGER NOT NULL,
    last_used_us         INTEGER NOT NULL DEFAULT 0,
    last_used_region     TEXT NOT NULL DEFAULT '',
    UNIQUE (account_id, name_fold)
);
CREATE INDEX roles_boundary ON roles (account_id, boundary_arn);

CREATE TABLE policies (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES accounts(id),
    path            TEXT NOT NULL,
    name            TEXT NOT NULL,
    name_fold       TEXT NOT NULL,
    arn             TEXT NOT NULL UNIQUE,
    description     TEXT NOT NULL DEFAULT '',
    default_version INTEGER NOT NULL,
    next_version    INTEGER NOT NULL,
    created_us      INTEGER NOT NULL,
    updated_us      INTEGER NOT NULL,
    UNIQUE (account_id, name_fold)
);

CREATE TABLE policy_versions (
    policy_id  TEXT NOT NULL REFERENCES policies(id),
    version    INTEGER NOT NULL,
    document   TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    PRIMARY KEY (policy_id, version)
);

-- Inline policies, attachments and tags belong to a user, group, role or
-- policy, named by (owner_kind, owner_id); the store deletes them with
-- their owner.
CREATE TABLE inline_policies (
    account_id TEXT NOT NULL,
    owner_kind TEXT NOT NULL,
    owner_id   TEXT NOT NULL,
    name       TEXT NOT NULL,
    name_fold  TEXT NOT NULL,
    document   TEXT NOT NULL,
    PRIMARY KEY (owner_kind, owner_id, name_fold)
);

CREATE TABLE attachments (
    account_id TEXT NOT NULL,
    owner_kind TEXT NOT NULL,
    owner_id   TEXT NOT NULL,
    policy_arn TEXT NOT NULL,
    PRIMARY KEY (owner_kind, owner_id, policy_arn)
);
CREATE INDEX attachments_policy ON attachments (account_id, policy_arn);

CREATE TABLE tags (
    owner_kind TEXT NOT NULL,
    owner_id   TEXT NOT NULL,
    key_fold   TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (owner_kind, owner_id, key_fold)
);

CREATE TABLE access_keys (
    id                TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL REFERENCES accounts(id),
    user_id           TEXT NOT NULL REFERENCES users(id),
    secret            BLOB NOT NULL,
    status            TEXT NOT NULL,
    created_us        INTEGER NOT NULL,
    last_used_us      INTEGER NOT NULL DEFAULT 0,
    last_used_service TEXT NOT NULL DEFAULT '',
    last_used_region  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX access_keys_user ON access_keys (user_id);

CREATE TABLE sessions (
    id               TEXT PRIMARY KEY,
    account_id       TEXT NOT NULL REFERENCES accounts(id),
    secret           BLOB NOT NULL,
    token_hash       BLOB NOT NULL,
    kind             TEXT NOT NULL,
    principal_arn    TEXT NOT NULL,
    principal_id     TEXT NOT NULL,
    source_arn       TEXT NOT NULL,
    session_name     TEXT NOT NULL,
    policy           TEXT NOT NULL,
    policy_arns      TEXT NOT NULL, -- JSON array of strings
    tags             TEXT NOT NULL, -- JSON array of {"Key","Value"}
    transitive_keys  TEXT NOT NULL, -- JSON array of strings
    source_identity  TEXT NOT NULL,
    chain_depth      INTEGER NOT NULL,
    mfa              INTEGER NOT NULL,
    created_us       INTEGER NOT NULL,
    expires_us       INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_us);
CREATE INDEX sessions_source ON sessions (account_id, source_arn, expires_us);

CREATE TABLE deletion_tasks (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    role_name  TEXT NOT NULL,
    status     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    updated_us INTEGER NOT NULL
);

CREATE TABLE resources (
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    service     TEXT NOT NULL,
    type        TEXT NOT NULL,
    id          TEXT NOT NULL,
    parent_id   TEXT NOT NULL,
    arn         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    name_key    TEXT, -- NULL when the name need not be unique
    attributes  TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    created_us  INTEGER NOT NULL,
    updated_us  INTEGER NOT NULL,
    PRIMARY KEY (account_id, service, type, id),
    UNIQUE (account_id, service, type, parent_id, name_key)
);
CREATE INDEX resources_parent ON resources (account_id, service, type, parent_id, id);

CREATE TABLE resource_tags (
    arn   TEXT NOT NULL REFERENCES resources(arn) ON DELETE CASCADE,
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (arn, key)
);

CREATE TABLE audit_events (
    seq                INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id           TEXT NOT NULL UNIQUE,
    event_time_us      INTEGER NOT NULL,
    event_source       TEXT NOT NULL,
    event_name         TEXT NOT NULL,
    account_id         TEXT NOT NULL,
    principal_arn      TEXT NOT NULL,
    user_identity      TEXT NOT NULL,
    source_ip          TEXT NOT NULL,
    user_agent         TEXT NOT NULL,
    request_parameters TEXT NOT NULL,
    error_code         TEXT NOT NULL,
    error_message      TEXT NOT NULL,
    decision           TEXT NOT NULL
);
CREATE INDEX audit_events_time ON audit_events (event_time_us, seq);
CREATE INDEX audit_events_name ON audit_events (event_name, event_time_us, seq);
CREATE INDEX audit_events_principal ON audit_events (principal_arn, event_time_us, seq);
