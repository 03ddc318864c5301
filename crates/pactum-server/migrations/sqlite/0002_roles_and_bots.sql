-- Seats now include view-only parties (observers, mediators) and seats
-- played by an automated negotiator (strategy name from pactum-sim).
ALTER TABLE seats ADD COLUMN role TEXT NOT NULL DEFAULT 'negotiator';
ALTER TABLE seats ADD COLUMN strategy TEXT;
