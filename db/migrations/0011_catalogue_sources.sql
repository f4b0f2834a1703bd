-- National and neighbouring catalogues (PTV, HSDS from elsewhere).
-- A service's areas outside the region, kept as the source gave them (JSON list of
-- {id, name, extent, extent_type, uri, description}): a service of only such areas
-- is not offered under a municipality of ours.
ALTER TABLE service ADD COLUMN other_areas TEXT NOT NULL DEFAULT '[]';
-- When the source last changed the record (PTV's `modified`): an import skips what
-- did not change since.
ALTER TABLE service ADD COLUMN source_modified_at TEXT;
ALTER TABLE organization ADD COLUMN source_modified_at TEXT;
-- Exceptional hours (a closed holiday, a summer break): a schedule row valid only
-- from valid_from to valid_to (dates, both included); with no opens_at it is closed.
ALTER TABLE schedule ADD COLUMN valid_from TEXT;
ALTER TABLE schedule ADD COLUMN valid_to TEXT;

-- A row signed by the server keeps every synced column as signed (0009): the
-- triggers again, with the columns above.

DROP TRIGGER organization_keep_signed;
CREATE TRIGGER organization_keep_signed BEFORE UPDATE ON organization
WHEN EXISTS (SELECT 1 FROM sync_row WHERE tbl = 'organization' AND id = OLD.id AND data IS NULL)
BEGIN
    UPDATE sync_row SET data = json_object('id', OLD.id, 'name', OLD.name, 'description', OLD.description, 'sector', OLD.sector, 'website', OLD.website, 'email', OLD.email, 'source_modified_at', OLD.source_modified_at, 'version', OLD.version, 'deleted', OLD.deleted, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
    WHERE tbl = 'organization' AND id = OLD.id;
END;

DROP TRIGGER service_keep_signed;
CREATE TRIGGER service_keep_signed BEFORE UPDATE ON service
WHEN EXISTS (SELECT 1 FROM sync_row WHERE tbl = 'service' AND id = OLD.id AND data IS NULL)
BEGIN
    UPDATE sync_row SET data = json_object('id', OLD.id, 'organization_id', OLD.organization_id, 'name', OLD.name, 'description', OLD.description, 'eligibility_description', OLD.eligibility_description, 'fees_description', OLD.fees_description, 'application_process', OLD.application_process, 'status', OLD.status, 'client_groups', OLD.client_groups, 'languages', OLD.languages, 'service_areas', OLD.service_areas, 'channels', OLD.channels, 'free', OLD.free, 'url', OLD.url, 'email', OLD.email, 'last_verified_at', OLD.last_verified_at, 'holidays', OLD.holidays, 'eve_closes_at', OLD.eve_closes_at, 'other_areas', OLD.other_areas, 'source_modified_at', OLD.source_modified_at, 'version', OLD.version, 'deleted', OLD.deleted, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
    WHERE tbl = 'service' AND id = OLD.id;
END;

DROP TRIGGER schedule_keep_signed;
CREATE TRIGGER schedule_keep_signed BEFORE UPDATE ON schedule
WHEN EXISTS (SELECT 1 FROM sync_row WHERE tbl = 'schedule' AND id = OLD.id AND data IS NULL)
BEGIN
    UPDATE sync_row SET data = json_object('id', OLD.id, 'service_id', OLD.service_id, 'service_at_location_id', OLD.service_at_location_id, 'freq', OLD.freq, 'byday', OLD.byday, 'opens_at', OLD.opens_at, 'closes_at', OLD.closes_at, 'description', OLD.description, 'position', OLD.position, 'valid_from', OLD.valid_from, 'valid_to', OLD.valid_to, 'version', OLD.version, 'deleted', OLD.deleted, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
    WHERE tbl = 'schedule' AND id = OLD.id;
END;
