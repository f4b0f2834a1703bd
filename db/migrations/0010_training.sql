-- Training shifts (ohjaaja/training). Written only in a training database; the
-- contacts a shift makes are ordinary contact rows, these say where they came from.
CREATE TABLE training_shift (
    id TEXT PRIMARY KEY,              -- the run: scripted contacts' ids derive from it
    scenario TEXT NOT NULL,           -- the scenario's name (its file's stem)
    source TEXT NOT NULL,             -- the scenario file's text, so a debrief needs no file
    format TEXT NOT NULL,             -- yaml or json
    seed INTEGER NOT NULL,
    clock TEXT NOT NULL,              -- JSON ClockState: every desk on this file follows it
    started_at TEXT NOT NULL,         -- real time
    ended_at TEXT                     -- real time; NULL while the shift runs
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
    id INTEGER PRIMARY KEY,
    shift_id TEXT NOT NULL REFERENCES training_shift(id),
    at TEXT NOT NULL,                 -- simulated time, UTC ISO
    kind TEXT NOT NULL,               -- started, paused, resumed, speed, stepped, added,
                                      -- abandoned, fact_asked, ended
    contact_id TEXT,
    worker_id TEXT,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX training_event_shift ON training_event(shift_id, at);
