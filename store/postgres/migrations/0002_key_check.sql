-- Schema version 2: the master key's check value. One row: the value a
-- secretbox.Box sealed under the master key that sealed every secret in
-- access_keys.secret and sessions.secret, so that a missing or wrong
-- key is detected at start instead of failing every signed call.

CREATE TABLE key_check (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value BYTEA NOT NULL
);
