-- Client search by two words, one whole and one begun, in either order and on any
-- given name, as one index range: name_keys() (db/text.py, registered on every
-- connection by db.engine.connect) gives a name's keys, and the triggers keep them
-- for every writer (desk, bulk load, sync). Before, such a search read every client
-- of the last name (a LIKE over the range), which grows with the register.
CREATE TABLE client_name_key (
    key TEXT NOT NULL,
    search_name TEXT NOT NULL,
    client_id TEXT NOT NULL,
    PRIMARY KEY (key, search_name, client_id)
) WITHOUT ROWID;
INSERT INTO client_name_key (key, search_name, client_id)
SELECT k.value, fold(c.last_name || ' ' || c.first_names), c.id
FROM client c, json_each(name_keys(c.last_name, c.first_names)) k;
CREATE TRIGGER client_name_key_insert AFTER INSERT ON client
BEGIN
    INSERT OR IGNORE INTO client_name_key (key, search_name, client_id)
    SELECT value, fold(NEW.last_name || ' ' || NEW.first_names), NEW.id
    FROM json_each(name_keys(NEW.last_name, NEW.first_names));
END;
-- The old keys are found from the old name (no index on client_id to keep up).
CREATE TRIGGER client_name_key_update AFTER UPDATE OF last_name, first_names ON client
BEGIN
    DELETE FROM client_name_key
    WHERE key IN (SELECT value FROM json_each(name_keys(OLD.last_name, OLD.first_names)))
      AND client_id = OLD.id;
    INSERT OR IGNORE INTO client_name_key (key, search_name, client_id)
    SELECT value, fold(NEW.last_name || ' ' || NEW.first_names), NEW.id
    FROM json_each(name_keys(NEW.last_name, NEW.first_names));
END;
CREATE TRIGGER client_name_key_delete AFTER DELETE ON client
BEGIN
    DELETE FROM client_name_key
    WHERE key IN (SELECT value FROM json_each(name_keys(OLD.last_name, OLD.first_names)))
      AND client_id = OLD.id;
END;
-- A birth date's clients in name order, read as far as the page goes (the old index
-- had every client born that day sorted for each page).
CREATE INDEX client_birth_name ON client(birth_date, search_name);
DROP INDEX client_birth;
