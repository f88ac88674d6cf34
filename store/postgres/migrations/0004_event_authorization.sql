-- Schema version 4: CloudTrail's additionalEventData on audit events, where
-- the server records every authorization request of a call (action,
-- resource, condition keys, decision, enforcement) for least-privilege
-- policy generation (the SQLite backend's schema version 3). Events
-- written before have none ('null').

ALTER TABLE audit_events ADD COLUMN additional_event_data TEXT COLLATE "C" NOT NULL DEFAULT 'null';
