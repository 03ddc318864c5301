-- The seq and hash of the last entry of each session's log, kept by every
-- append in the same statement as its insert, so that a move reads the head
-- together with taking the session's row lock (one statement, not two).
ALTER TABLE sessions ADD COLUMN head_seq BIGINT;
ALTER TABLE sessions ADD COLUMN head_hash TEXT;
UPDATE sessions s SET head_seq = h.seq, head_hash = h.hash
FROM (SELECT DISTINCT ON (session_id) session_id, seq, hash
      FROM events ORDER BY session_id, seq DESC) h
WHERE h.session_id = s.id;
