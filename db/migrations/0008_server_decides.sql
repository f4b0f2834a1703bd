-- Sync with a server that decides (issue 12).
-- Every mutation names the worker who acted; the server checks it against its
-- register and the desk's token. Older entries get it from their arguments, or
-- from the database's only worker.
ALTER TABLE outbox ADD COLUMN worker_id TEXT;
UPDATE outbox SET worker_id = coalesce(
    json_extract(args, '$.worker_id'), json_extract(args, '$.from_worker_id'),
    json_extract(args, '$.taken_by'), json_extract(args, '$.notification.notifier_worker_id'),
    CASE WHEN name = 'worker.create' THEN json_extract(args, '$.id') END
);
UPDATE outbox SET worker_id = (SELECT id FROM worker)
WHERE worker_id IS NULL AND (SELECT count(*) FROM worker) = 1;

-- The teams a worker belongs to, as the server's register says.
ALTER TABLE worker ADD COLUMN teams TEXT NOT NULL DEFAULT '[]';

-- The server's signature and sequence number of each row as last pulled: after
-- the server is restored from a backup, the desk gives back the rows it holds
-- that came after the backup, and the server takes only its own signed rows.
CREATE TABLE sync_row (
    tbl TEXT NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    sig TEXT NOT NULL,
    PRIMARY KEY (tbl, id)
) WITHOUT ROWID;  -- read by seq only after a server restore: no index to keep on every pull

-- Pulled rows this desk could not store (a row missing its parent, a code held by
-- a client not yet pushed, a malformed row): kept aside with the reason, tried
-- again on every pull, never allowed to stop one.
CREATE TABLE sync_quarantine (
    tbl TEXT NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    reason TEXT NOT NULL,
    change TEXT NOT NULL,       -- JSON: the change as pulled
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tbl, id)
);

-- A client this desk registered that the server refused because another client
-- holds the identity code: merged into that client. Rows pointing at it are
-- moved once the other client is here.
CREATE TABLE client_merge (
    from_id TEXT PRIMARY KEY,
    to_id TEXT NOT NULL,
    at TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0
);

-- The access log stays append-only; the one change allowed is moving a row to the
-- client it was merged into.
DROP TRIGGER audit_no_update;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
WHEN NOT (
    NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.worker_id IS OLD.worker_id
    AND NEW.action = OLD.action AND NEW.reason IS OLD.reason AND NEW.detail = OLD.detail
    AND EXISTS (SELECT 1 FROM client_merge WHERE from_id = OLD.client_id AND to_id = NEW.client_id)
)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
