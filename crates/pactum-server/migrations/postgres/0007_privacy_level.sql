-- The privacy level the convener chose at creation: what the mediator's
-- suggestions may rest on ("full", "pareto" or "off"; see docs/privacy.md).
-- Sessions created before levels existed get the safer "pareto".
ALTER TABLE sessions ADD COLUMN privacy TEXT NOT NULL DEFAULT 'pareto';
