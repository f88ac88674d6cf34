-- Schema version 1 (PostgreSQL): the IAM/STS server's tables, generic
-- resources and the audit log, the same as the SQLite schema. Text sorts
-- and compares by code point (COLLATE "C"), as in SQLite, whatever the
-- database's default collation. Timestamps are BIGINT microseconds since
-- the Unix epoch (UTC);
-- 0 means "never" where a time is optional. Names that IAM compares
-- case-insensitively are stored beside their folded form (*_fold), which
-- carries the unique index.

CREATE TABLE accounts (
    id         TEXT COLLATE "C" PRIMARY KEY,
    alias      TEXT COLLATE "C" UNIQUE,
    created_us BIGINT NOT NULL
);

CREATE TABLE users (
    id           TEXT COLLATE "C" PRIMARY KEY,
    account_id   TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    path         TEXT COLLATE "C" NOT NULL,
    name         TEXT COLLATE "C" NOT NULL,
    name_fold    TEXT COLLATE "C" NOT NULL,
    arn          TEXT COLLATE "C" NOT NULL,
    boundary_arn TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_us   BIGINT NOT NULL,
    UNIQUE (account_id, name_fold)
);
CREATE INDEX users_boundary ON users (account_id, boundary_arn);

CREATE TABLE groups (
    id         TEXT COLLATE "C" PRIMARY KEY,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    path       TEXT COLLATE "C" NOT NULL,
    name       TEXT COLLATE "C" NOT NULL,
    name_fold  TEXT COLLATE "C" NOT NULL,
    arn        TEXT COLLATE "C" NOT NULL,
    created_us BIGINT NOT NULL,
    UNIQUE (account_id, name_fold)
);

CREATE TABLE group_members (
    group_id TEXT COLLATE "C" NOT NULL REFERENCES groups(id),
    user_id  TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

CREATE TABLE roles (
    id                   TEXT COLLATE "C" PRIMARY KEY,
    account_id           TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    path                 TEXT COLLATE "C" NOT NULL,
    name                 TEXT COLLATE "C" NOT NULL,
    name_fold            TEXT COLLATE "C" NOT NULL,
    arn                  TEXT COLLATE "C" NOT NULL,
    trust_policy         TEXT COLLATE "C" NOT NULL,
    description          TEXT COLLATE "C" NOT NULL DEFAULT '',
    max_session_seconds  BIGINT NOT NULL,
    boundary_arn         TEXT COLLATE "C" NOT NULL DEFAULT '',
    service_linked       BOOLEAN NOT NULL DEFAULT FALSE,
    created_us           BIGINT NOT NULL,
    last_used_us         BIGINT NOT NULL DEFAULT 0,
    last_used_region     TEXT COLLATE "C" NOT NULL DEFAULT '',
    UNIQUE (account_id, name_fold)
);
CREATE INDEX roles_boundary ON roles (account_id, boundary_arn);

CREATE TABLE policies (
    id              TEXT COLLATE "C" PRIMARY KEY,
    account_id      TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    path            TEXT COLLATE "C" NOT NULL,
    name            TEXT COLLATE "C" NOT NULL,
    name_fold       TEXT COLLATE "C" NOT NULL,
    arn             TEXT COLLATE "C" NOT NULL UNIQUE,
    description     TEXT COLLATE "C" NOT NULL DEFAULT '',
    default_version BIGINT NOT NULL,
    next_version    BIGINT NOT NULL,
    created_us      BIGINT NOT NULL,
    updated_us      BIGINT NOT NULL,
    UNIQUE (account_id, name_fold)
);

CREATE TABLE policy_versions (
    policy_id  TEXT COLLATE "C" NOT NULL REFERENCES policies(id),
    version    BIGINT NOT NULL,
    document   TEXT COLLATE "C" NOT NULL,
    created_us BIGINT NOT NULL,
    PRIMARY KEY (policy_id, version)
);

-- Inline policies, attachments and tags belong to a user, group, role or
-- policy, named by (owner_kind, owner_id); the store deletes them with
-- their owner.
CREATE TABLE inline_policies (
    account_id TEXT COLLATE "C" NOT NULL,
    owner_kind TEXT COLLATE "C" NOT NULL,
    owner_id   TEXT COLLATE "C" NOT NULL,
    name       TEXT COLLATE "C" NOT NULL,
    name_fold  TEXT COLLATE "C" NOT NULL,
    document   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (owner_kind, owner_id, name_fold)
);

CREATE TABLE attachments (
    account_id TEXT COLLATE "C" NOT NULL,
    owner_kind TEXT COLLATE "C" NOT NULL,
    owner_id   TEXT COLLATE "C" NOT NULL,
    policy_arn TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (owner_kind, owner_id, policy_arn)
);
CREATE INDEX attachments_policy ON attachments (account_id, policy_arn);

CREATE TABLE tags (
    owner_kind TEXT COLLATE "C" NOT NULL,
    owner_id   TEXT COLLATE "C" NOT NULL,
    key_fold   TEXT COLLATE "C" NOT NULL,
    key        TEXT COLLATE "C" NOT NULL,
    value      TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (owner_kind, owner_id, key_fold)
);

CREATE TABLE access_keys (
    id                TEXT COLLATE "C" PRIMARY KEY,
    account_id        TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    user_id           TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    secret            BYTEA NOT NULL,
    status            TEXT COLLATE "C" NOT NULL,
    created_us        BIGINT NOT NULL,
    last_used_us      BIGINT NOT NULL DEFAULT 0,
    last_used_service TEXT COLLATE "C" NOT NULL DEFAULT '',
    last_used_region  TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX access_keys_user ON access_keys (user_id);

CREATE TABLE sessions (
    id               TEXT COLLATE "C" PRIMARY KEY,
    account_id       TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    secret           BYTEA NOT NULL,
    token_hash       BYTEA NOT NULL,
    kind             TEXT COLLATE "C" NOT NULL,
    principal_arn    TEXT COLLATE "C" NOT NULL,
    principal_id     TEXT COLLATE "C" NOT NULL,
    source_arn       TEXT COLLATE "C" NOT NULL,
    session_name     TEXT COLLATE "C" NOT NULL,
    policy           TEXT COLLATE "C" NOT NULL,
    policy_arns      TEXT COLLATE "C" NOT NULL, -- JSON array of strings
    tags             TEXT COLLATE "C" NOT NULL, -- JSON array of {"Key","Value"}
    transitive_keys  TEXT COLLATE "C" NOT NULL, -- JSON array of strings
    source_identity  TEXT COLLATE "C" NOT NULL,
    chain_depth      BIGINT NOT NULL,
    mfa              BOOLEAN NOT NULL,
    created_us       BIGINT NOT NULL,
    expires_us       BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_us);
CREATE INDEX sessions_source ON sessions (account_id, source_arn, expires_us);

CREATE TABLE deletion_tasks (
    id         TEXT COLLATE "C" PRIMARY KEY,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    role_name  TEXT COLLATE "C" NOT NULL,
    status     TEXT COLLATE "C" NOT NULL,
    reason     TEXT COLLATE "C" NOT NULL,
    created_us BIGINT NOT NULL,
    updated_us BIGINT NOT NULL
);

CREATE TABLE resources (
    account_id  TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    service     TEXT COLLATE "C" NOT NULL,
    type        TEXT COLLATE "C" NOT NULL,
    id          TEXT COLLATE "C" NOT NULL,
    parent_id   TEXT COLLATE "C" NOT NULL,
    arn         TEXT COLLATE "C" NOT NULL UNIQUE,
    name        TEXT COLLATE "C" NOT NULL,
    name_key    TEXT COLLATE "C", -- NULL when the name need not be unique
    attributes  TEXT COLLATE "C" NOT NULL,
    revision    BIGINT NOT NULL,
    created_us  BIGINT NOT NULL,
    updated_us  BIGINT NOT NULL,
    PRIMARY KEY (account_id, service, type, id),
    UNIQUE (account_id, service, type, parent_id, name_key)
);
CREATE INDEX resources_parent ON resources (account_id, service, type, parent_id, id);

CREATE TABLE resource_tags (
    arn   TEXT COLLATE "C" NOT NULL REFERENCES resources(arn) ON DELETE CASCADE,
    key   TEXT COLLATE "C" NOT NULL,
    value TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (arn, key)
);

CREATE TABLE audit_events (
    seq                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id           TEXT COLLATE "C" NOT NULL UNIQUE,
    event_time_us      BIGINT NOT NULL,
    event_source       TEXT COLLATE "C" NOT NULL,
    event_name         TEXT COLLATE "C" NOT NULL,
    account_id         TEXT COLLATE "C" NOT NULL,
    principal_arn      TEXT COLLATE "C" NOT NULL,
    user_identity      TEXT COLLATE "C" NOT NULL,
    source_ip          TEXT COLLATE "C" NOT NULL,
    user_agent         TEXT COLLATE "C" NOT NULL,
    request_parameters TEXT COLLATE "C" NOT NULL,
    error_code         TEXT COLLATE "C" NOT NULL,
    error_message      TEXT COLLATE "C" NOT NULL,
    decision           TEXT COLLATE "C" NOT NULL
);
CREATE INDEX audit_events_time ON audit_events (event_time_us, seq);
CREATE INDEX audit_events_name ON audit_events (event_name, event_time_us, seq);
CREATE INDEX audit_events_principal ON audit_events (principal_arn, event_time_us, seq);
