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
