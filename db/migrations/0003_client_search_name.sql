-- Folded "last_name first_names" for search that ignores case and ä/ö/å.
-- fold() is registered on every connection by db.engine.connect; the triggers
-- keep the column right for every writer (desk, bulk load, sync).
ALTER TABLE client ADD COLUMN search_name TEXT NOT NULL DEFAULT '';
UPDATE client SET search_name = fold(last_name || ' ' || first_names);
CREATE INDEX client_search_name ON client(search_name);
-- A writer that already folded the name (the bulk loader) skips the extra update.
CREATE TRIGGER client_search_name_insert AFTER INSERT ON client
WHEN NEW.search_name = ''
BEGIN
    UPDATE client SET search_name = fold(NEW.last_name || ' ' || NEW.first_names)
    WHERE id = NEW.id;
END;
CREATE TRIGGER client_search_name_update AFTER UPDATE OF last_name, first_names ON client
BEGIN
    UPDATE client SET search_name = fold(NEW.last_name || ' ' || NEW.first_names)
    WHERE id = NEW.id;
END;
