-- Preferences a negotiator entered itself (PUT /sessions/{id}/me/preferences).
-- Private: the event log holds only a salted commitment to each body.
CREATE TABLE private_preferences (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    seq BIGINT NOT NULL,
    party_name TEXT NOT NULL,
    body TEXT NOT NULL,
    salt TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
);
