-- Drafts of the longer forms (a handover, a notification, a shift handover), so
-- that a crash or an Esc never loses what a worker typed. Local to this desk,
-- never synced; the key is the worker, the form and what it is about.
CREATE TABLE form_draft (
    key TEXT PRIMARY KEY,
    worker_id TEXT,
    fields TEXT NOT NULL,  -- JSON: widget id -> value
    updated_at TEXT NOT NULL
);
