-- The service-offering catalogue in use (issue 5): the fields HSDS 3.0 carries that
-- the desk shows, holiday rules for "open now", and a full-text index.
ALTER TABLE service ADD COLUMN channels TEXT NOT NULL DEFAULT '[]';   -- phone, visit, web, chat, home
ALTER TABLE service ADD COLUMN url TEXT;
ALTER TABLE service ADD COLUMN email TEXT;
ALTER TABLE service ADD COLUMN holidays TEXT NOT NULL DEFAULT 'closed'; -- closed, sunday, open
ALTER TABLE service ADD COLUMN eve_closes_at TEXT;                      -- 'HH:MM' on holiday eves
ALTER TABLE location ADD COLUMN postal_code TEXT;
ALTER TABLE location ADD COLUMN city TEXT;
ALTER TABLE offer ADD COLUMN language TEXT;

CREATE INDEX service_organization ON service(organization_id);
CREATE INDEX service_at_location_service ON service_at_location(service_id);
CREATE INDEX catalogue_phone_service ON catalogue_phone(service_id);
CREATE INDEX catalogue_phone_organization ON catalogue_phone(organization_id);
CREATE INDEX schedule_service ON schedule(service_id);
CREATE INDEX offer_contact ON offer(contact_id);

-- unicode61 with remove_diacritics folds ä, ö, å as db.text.fold does; the
-- weights of the name columns are chosen per query (the client's language first).
CREATE VIRTUAL TABLE service_fts USING fts5(
    name_fi, name_sv, name_en, body,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);

-- Triggers keep the index whoever writes the row: the desk, an import, a sync pull.
-- The body holds the descriptions and the organisation's names in every language.
CREATE TRIGGER service_fts_insert AFTER INSERT ON service BEGIN
    INSERT INTO service_fts (rowid, name_fi, name_sv, name_en, body) VALUES (
        new.rowid,
        json_extract(new.name, '$.fi'), json_extract(new.name, '$.sv'),
        json_extract(new.name, '$.en'),
        coalesce((SELECT group_concat(value, ' ') FROM json_each(new.description)), '')
        || ' ' || coalesce((SELECT group_concat(j.value, ' ')
                            FROM organization AS o, json_each(o.name) AS j
                            WHERE o.id = new.organization_id), '')
    );
END;

CREATE TRIGGER service_fts_update AFTER UPDATE ON service BEGIN
    DELETE FROM service_fts WHERE rowid = old.rowid;
    INSERT INTO service_fts (rowid, name_fi, name_sv, name_en, body) VALUES (
        new.rowid,
        json_extract(new.name, '$.fi'), json_extract(new.name, '$.sv'),
        json_extract(new.name, '$.en'),
        coalesce((SELECT group_concat(value, ' ') FROM json_each(new.description)), '')
        || ' ' || coalesce((SELECT group_concat(j.value, ' ')
                            FROM organization AS o, json_each(o.name) AS j
                            WHERE o.id = new.organization_id), '')
    );
END;

CREATE TRIGGER service_fts_delete AFTER DELETE ON service BEGIN
    DELETE FROM service_fts WHERE rowid = old.rowid;
END;

-- A renamed organisation re-indexes its services (the update trigger above).
CREATE TRIGGER organization_fts_update AFTER UPDATE OF name ON organization BEGIN
    UPDATE service SET name = name WHERE organization_id = new.id;
END;
