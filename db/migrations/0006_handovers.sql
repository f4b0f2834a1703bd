-- Handovers in use (issue 6): who accepted, the notification behind one, shift
-- handovers, and the reads of the inbox, the outbox and due callbacks.
ALTER TABLE handover ADD COLUMN accepted_by TEXT REFERENCES worker(id);
ALTER TABLE handover ADD COLUMN notification_id TEXT REFERENCES notification(id);
ALTER TABLE notification ADD COLUMN received_at TEXT;

CREATE INDEX handover_to_worker ON handover(to_worker_id, state);
CREATE INDEX handover_to_team ON handover(to_team, state);
CREATE INDEX handover_from_worker ON handover(from_worker_id, state);
CREATE INDEX handover_event_handover ON handover_event(handover_id, at);
CREATE INDEX contact_callback ON contact(status, callback_at);

CREATE TABLE shift_handover (
    id TEXT PRIMARY KEY,
    from_worker_id TEXT NOT NULL REFERENCES worker(id),
    note TEXT NOT NULL,
    items TEXT NOT NULL DEFAULT '[]',         -- JSON: the open matters handed over
    acknowledged_by TEXT REFERENCES worker(id),
    acknowledged_at TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX shift_handover_open ON shift_handover(acknowledged_at, created_at);
