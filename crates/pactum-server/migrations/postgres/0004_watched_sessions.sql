-- Live updates across server processes: until when some process has
-- subscribers of the session's event stream. Moves of a watched session
-- send a NOTIFY on commit (see src/live.rs); others do without, since a
-- NOTIFY serialises commits.
ALTER TABLE sessions ADD COLUMN watched_until TIMESTAMPTZ;
