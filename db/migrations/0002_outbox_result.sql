-- The server's answer to each pushed mutation. A rejected one (a lost claim, a
-- close of a contact another worker won) keeps its arguments and its reason here,
-- so the work in it is never dropped.
ALTER TABLE outbox ADD COLUMN status TEXT;   -- NULL until acknowledged; applied, rejected
ALTER TABLE outbox ADD COLUMN result TEXT;   -- JSON from the server
