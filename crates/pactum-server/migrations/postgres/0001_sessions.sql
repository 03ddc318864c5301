-- Sessions, seats (one per negotiator) and the append-only event log.
-- Tokens are never stored: only their SHA-256 hashes (hex).
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    scenario_toml TEXT NOT NULL,
    protocol TEXT NOT NULL,
    deadline_rounds BIGINT NOT NULL,
    admin_token_hash TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

CREATE TABLE seats (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    seat BIGINT NOT NULL,
    party_name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    PRIMARY KEY (session_id, seat)
);

CREATE TABLE events (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    seq BIGINT NOT NULL,
    body TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
);

-- Append-only: the log may grow but never change.
CREATE FUNCTION events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
