-- ohjaaja schema, version 1: the whole mission's tables from the start.
-- Conventions (DESIGN.md): UUID text keys made on the desk, a `version` on every
-- mutable row, tombstones (`deleted`) instead of deletes, UTC ISO 8601 times.

CREATE TABLE municipality (
    code TEXT PRIMARY KEY,            -- Statistics Finland 3-digit code
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    population INTEGER NOT NULL,
    population_75plus INTEGER NOT NULL,
    in_agreement INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE line (
    code TEXT PRIMARY KEY,            -- lapsiperheet, tyoikaiset, ikaihmiset, mipa, sosiaalipaivystys
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL,
    phone TEXT NOT NULL,              -- E.164
    hours TEXT NOT NULL               -- JSON opening-hours spec
);

CREATE TABLE worker (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    roles TEXT NOT NULL DEFAULT '["guidance"]',   -- JSON: guidance, emergency, trainer, admin
    lines TEXT NOT NULL DEFAULT '[]',             -- JSON: line codes served
    language TEXT NOT NULL DEFAULT 'fi',
    version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE client (
    id TEXT PRIMARY KEY,
    hetu TEXT UNIQUE,                 -- exactly as given; the century sign is identity
    hetu_temporary INTEGER NOT NULL DEFAULT 0,
    birth_date TEXT,
    last_name TEXT NOT NULL,
    first_names TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT 'fi',
    municipality_code TEXT REFERENCES municipality(code),
    email TEXT,
    address TEXT,
    alerts TEXT NOT NULL DEFAULT '',
    is_training INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX client_name ON client(last_name, first_names);
CREATE INDEX client_birth ON client(birth_date);

CREATE TABLE client_phone (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES client(id),
    e164 TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'mobile',
    version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX client_phone_e164 ON client_phone(e164);
CREATE INDEX client_phone_client ON client_phone(client_id);

CREATE TABLE relative (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES client(id),
    name TEXT NOT NULL,
    relation TEXT NOT NULL,           -- child, spouse, parent, sibling, other
    phone_e164 TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX relative_phone ON relative(phone_e164);
CREATE INDEX relative_client ON relative(client_id);

CREATE TABLE contact (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,            -- phone, callback, chat, email, walk_in, eform
    line_code TEXT NOT NULL REFERENCES line(code),
    original_line_code TEXT REFERENCES line(code),  -- kept when routed after hours
    municipality_code TEXT REFERENCES municipality(code),
    language TEXT NOT NULL DEFAULT 'fi',
    caller_phone TEXT,                -- E.164
    caller_kind TEXT,                 -- client, relative, professional, anonymous
    caller_name TEXT,
    client_id TEXT REFERENCES client(id),
    priority INTEGER NOT NULL DEFAULT 3,
    status TEXT NOT NULL DEFAULT 'waiting',   -- waiting, taken, closed
    via_queue INTEGER NOT NULL DEFAULT 1,
    received_at TEXT NOT NULL,
    taken_at TEXT,
    closed_at TEXT,
    taken_by TEXT REFERENCES worker(id),
    claim_state TEXT,                 -- NULL, pending, confirmed, lost (sync)
    reasons TEXT NOT NULL DEFAULT '[]',       -- JSON list of reason codes
    note TEXT NOT NULL DEFAULT '',
    outcome TEXT,                     -- resolved, assessment, handover, notification, no_action
    callback_at TEXT,
    is_training INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX contact_queue ON contact(status, priority, received_at);
CREATE INDEX contact_client ON contact(client_id);
CREATE INDEX contact_received ON contact(received_at);

CREATE TABLE contact_event (          -- append-only
    id TEXT PRIMARY KEY,
    contact_id TEXT NOT NULL REFERENCES contact(id),
    kind TEXT NOT NULL,               -- received, taken, released, identified, closed, ...
    at TEXT NOT NULL,
    worker_id TEXT REFERENCES worker(id),
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX contact_event_contact ON contact_event(contact_id);

-- A note being typed, saved as it is typed; local to the desk, never synced.
CREATE TABLE draft (
    contact_id TEXT PRIMARY KEY REFERENCES contact(id),
    worker_id TEXT REFERENCES worker(id),
    text TEXT NOT NULL,
    form TEXT NOT NULL DEFAULT '{}',  -- JSON: the rest of the contact form
    updated_at TEXT NOT NULL
);

-- Service-offering catalogue, shaped after Open Referral HSDS 3.0.
CREATE TABLE organization (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,               -- JSON {"fi":..,"sv":..,"en":..}
    description TEXT NOT NULL DEFAULT '{}',
    sector TEXT NOT NULL DEFAULT 'public',    -- public, private, third
    website TEXT,
    email TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE service (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organization(id),
    name TEXT NOT NULL,               -- JSON by language
    description TEXT NOT NULL DEFAULT '{}',
    eligibility_description TEXT NOT NULL DEFAULT '{}',
    fees_description TEXT NOT NULL DEFAULT '{}',
    application_process TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'active',
    client_groups TEXT NOT NULL DEFAULT '[]', -- JSON line codes
    languages TEXT NOT NULL DEFAULT '["fi"]',
    service_areas TEXT NOT NULL DEFAULT '[]', -- JSON municipality codes; [] = whole region
    free INTEGER NOT NULL DEFAULT 1,
    last_verified_at TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE location (
    id TEXT PRIMARY KEY,
    organization_id TEXT REFERENCES organization(id),
    name TEXT NOT NULL DEFAULT '{}',
    address TEXT,
    municipality_code TEXT REFERENCES municipality(code),
    version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE service_at_location (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES service(id),
    location_id TEXT NOT NULL REFERENCES location(id),
    version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE catalogue_phone (        -- HSDS phone
    id TEXT PRIMARY KEY,
    service_id TEXT REFERENCES service(id),
    organization_id TEXT REFERENCES organization(id),
    location_id TEXT REFERENCES location(id),
    number TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '{}',
    version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE schedule (               -- HSDS schedule (iCal RRULE fields)
    id TEXT PRIMARY KEY,
    service_id TEXT REFERENCES service(id),
    service_at_location_id TEXT REFERENCES service_at_location(id),
    freq TEXT,
    byday TEXT,
    opens_at TEXT,
    closes_at TEXT,
    description TEXT NOT NULL DEFAULT '{}',
    version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE offer (                  -- a service offered to a client in a contact
    id TEXT PRIMARY KEY,
    contact_id TEXT NOT NULL REFERENCES contact(id),
    service_id TEXT REFERENCES service(id),
    unmet_need TEXT,                  -- set when nothing suitable exists
    created_at TEXT NOT NULL,
    worker_id TEXT REFERENCES worker(id)
);

CREATE TABLE handover (
    id TEXT PRIMARY KEY,
    contact_id TEXT REFERENCES contact(id),
    client_id TEXT REFERENCES client(id),
    from_worker_id TEXT REFERENCES worker(id),
    to_worker_id TEXT REFERENCES worker(id),
    to_team TEXT,
    situation TEXT NOT NULL DEFAULT '',
    background TEXT NOT NULL DEFAULT '',
    assessment TEXT NOT NULL DEFAULT '',
    recommendation TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL,
    urgency TEXT NOT NULL DEFAULT 'normal',
    due_at TEXT,
    warm INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'sent',       -- sent, accepted, returned, completed
    is_training INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE handover_event (         -- append-only
    id TEXT PRIMARY KEY,
    handover_id TEXT NOT NULL REFERENCES handover(id),
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    worker_id TEXT REFERENCES worker(id),
    reason TEXT
);

CREATE TABLE notification (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,               -- child_welfare, social_care_need, elderly_services
    client_id TEXT REFERENCES client(id),
    contact_id TEXT REFERENCES contact(id),
    municipality_code TEXT REFERENCES municipality(code),
    routed_to TEXT,
    fields TEXT NOT NULL DEFAULT '{}',
    notifier_worker_id TEXT REFERENCES worker(id),
    is_training INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE audit (                  -- append-only access log (Client Data Act 703/2023 s. 11)
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    worker_id TEXT REFERENCES worker(id),
    client_id TEXT REFERENCES client(id),
    action TEXT NOT NULL,             -- view, create, update, reveal, ...
    reason TEXT,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_client ON audit(client_id, at);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Every change a desk makes, written in the same transaction as the change.
-- seq is the gapless per-desk mutation id of the sync protocol.
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    mutation_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,               -- e.g. contact.claim, client.create
    args TEXT NOT NULL,               -- JSON
    created_at TEXT NOT NULL,
    acked_at TEXT
);

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
