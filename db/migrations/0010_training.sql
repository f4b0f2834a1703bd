-- Training shifts (ohjaaja/training). Written only in a training database; the
-- contacts a shift makes are ordinary contact rows, these say where they came from.
-- A shift syncs (mutation training.shift, a trainer's) so that every trainee desk of
-- a training store follows its clock and knows its scenario; the other two tables
-- stay on the desk that plays the shift, except the trainees' fact_asked events.
CREATE TABLE training_shift (
    id TEXT PRIMARY KEY,              -- the run: scripted contacts' ids derive from it
    scenario TEXT NOT NULL,           -- the scenario's name (its file's stem)
    source TEXT NOT NULL,             -- the scenario file's text, so a debrief needs no file
    format TEXT NOT NULL,             -- yaml or json
    seed INTEGER NOT NULL,
    clock TEXT NOT NULL,              -- JSON ClockState: every desk on this file follows it
    started_at TEXT NOT NULL,         -- real time
    ended_at TEXT,                    -- real time; NULL while the shift runs
    is_training INTEGER NOT NULL DEFAULT 1,   -- always: a client-data store refuses it
    version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE training_contact (       -- each contact the shift made, and from what
    contact_id TEXT PRIMARY KEY REFERENCES contact(id),
    shift_id TEXT NOT NULL REFERENCES training_shift(id),
    script_id TEXT,                   -- NULL: a stream's background contact
    stream TEXT,                      -- the stream's name; NULL for a script or by hand
    patience_s REAL,                  -- abandoned if still waiting this long; NULL: waits
    attempt INTEGER NOT NULL DEFAULT 1    -- 2, 3: the same caller calling again
);
CREATE INDEX training_contact_shift ON training_contact(shift_id, script_id);

CREATE TABLE training_event (         -- the shift's own timeline beside contact_event
    id TEXT PRIMARY KEY,
    shift_id TEXT NOT NULL REFERENCES training_shift(id),
    at TEXT NOT NULL,                 -- simulated time, UTC ISO
    kind TEXT NOT NULL,               -- started, paused, resumed, speed, stepped, added,
                                      -- abandoned, fact_asked, ended
    contact_id TEXT,
    worker_id TEXT,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX training_event_shift ON training_event(shift_id, at);

-- As every pulled mutable row (0009): the first local change keeps the row as signed.
CREATE TRIGGER training_shift_keep_signed BEFORE UPDATE ON training_shift
WHEN EXISTS (SELECT 1 FROM sync_row WHERE tbl = 'training_shift' AND id = OLD.id AND data IS NULL)
BEGIN
    UPDATE sync_row SET data = json_object('id', OLD.id, 'scenario', OLD.scenario, 'source', OLD.source, 'format', OLD.format, 'seed', OLD.seed, 'clock', OLD.clock, 'started_at', OLD.started_at, 'ended_at', OLD.ended_at, 'is_training', OLD.is_training, 'version', OLD.version, 'deleted', OLD.deleted, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
    WHERE tbl = 'training_shift' AND id = OLD.id;
END;
