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
-- The order a service lists its numbers, hours and places in (the first number is the one read out).
ALTER TABLE catalogue_phone ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
ALTER TABLE schedule ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
ALTER TABLE service_at_location ADD COLUMN position INTEGER NOT NULL DEFAULT 0;

CREATE INDEX service_organization ON service(organization_id);
CREATE INDEX service_at_location_service ON service_at_location(service_id);
CREATE INDEX catalogue_phone_service ON catalogue_phone(service_id);
CREATE INDEX catalogue_phone_organization ON catalogue_phone(organization_id);
CREATE INDEX schedule_service ON schedule(service_id);
CREATE INDEX offer_contact ON offer(contact_id);

-- Trigrams of folded text (db.text.fold, as the SQL function fold): a word finds
-- itself inside Finnish compounds ('toimeentulotuki' in 'Perustoimeentulotuki'),
-- and 'paihde' finds 'Päihde'. The weights of the name columns are chosen per
-- query (the client's language first).
CREATE VIRTUAL TABLE service_fts USING fts5(
    name_fi, name_sv, name_en, body,
    tokenize = 'trigram'
);

-- Triggers keep the index whoever writes the row: the desk, an import, a sync pull.
-- The body holds the descriptions and the organisation's names in every language.
CREATE TRIGGER service_fts_insert AFTER INSERT ON service BEGIN
    INSERT INTO service_fts (rowid, name_fi, name_sv, name_en, body) VALUES (
        new.rowid,
        fold(json_extract(new.name, '$.fi')), fold(json_extract(new.name, '$.sv')),
        fold(json_extract(new.name, '$.en')),
        fold(coalesce((SELECT group_concat(value, ' ') FROM json_each(new.description)), '')
             || ' ' || coalesce((SELECT group_concat(j.value, ' ')
                                 FROM organization AS o, json_each(o.name) AS j
                                 WHERE o.id = new.organization_id), ''))
    );
END;

CREATE TRIGGER service_fts_update AFTER UPDATE ON service BEGIN
    DELETE FROM service_fts WHERE rowid = old.rowid;
    INSERT INTO service_fts (rowid, name_fi, name_sv, name_en, body) VALUES (
        new.rowid,
        fold(json_extract(new.name, '$.fi')), fold(json_extract(new.name, '$.sv')),
        fold(json_extract(new.name, '$.en')),
        fold(coalesce((SELECT group_concat(value, ' ') FROM json_each(new.description)), '')
             || ' ' || coalesce((SELECT group_concat(j.value, ' ')
                                 FROM organization AS o, json_each(o.name) AS j
                                 WHERE o.id = new.organization_id), ''))
    );
END;

CREATE TRIGGER service_fts_delete AFTER DELETE ON service BEGIN
    DELETE FROM service_fts WHERE rowid = old.rowid;
END;

-- A renamed organisation re-indexes its services (the update trigger above).
CREATE TRIGGER organization_fts_update AFTER UPDATE OF name ON organization BEGIN
    UPDATE service SET name = name WHERE organization_id = new.id;
END;
