-- Sessions, seats (one per negotiator) and the append-only event log.
-- Tokens are never stored: only their SHA-256 hashes (hex).
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    scenario_toml TEXT NOT NULL,
    protocol TEXT NOT NULL,
    deadline_rounds INTEGER NOT NULL,
    admin_token_hash TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
);

CREATE TABLE seats (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    seat INTEGER NOT NULL,
    party_name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    PRIMARY KEY (session_id, seat)
);

CREATE TABLE events (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
);

-- Append-only: the log may grow but never change.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
