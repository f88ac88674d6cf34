-- Schema version 3: the authorization generation. One row, incremented in
-- every transaction that changes what authorization reads (accounts,
-- users, groups, roles, policies and their versions, inline policies,
-- attachments, boundaries, trust policies, tags, access keys, sessions),
-- and announced with NOTIFY connect_iam_generation when it commits, so
-- that every server node on the database drops what it has cached.

CREATE TABLE authz_generation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO authz_generation (id, generation) VALUES (1, 1);
