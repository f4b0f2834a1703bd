-- A pulled row changed here before the server has the change (a claim made
-- offline) no longer matches the server's signature. Should the server be
-- restored from a backup, it is the signed version that must go back to it: so
-- the first local change of a pulled row keeps the row as it was signed.
-- A pull that writes the row again clears the copy (db.sync_state.remember_signed).
ALTER TABLE sync_row ADD COLUMN data TEXT;  -- JSON: the row as signed, once changed here

CREATE TRIGGER worker_keep_signed BEFORE UPDATE ON worker
WHEN EXISTS (SELECT 1 FROM sync_row WHERE tbl = 'worker' AND id = OLD.id AND data IS NULL)
BEGIN
    UPDATE sync_row SET data = json_object('id', OLD.id, 'name', OLD.name, 'roles', OLD.roles, 'lines', OLD.lines, 'teams', OLD.teams, 'language', OLD.language, 'version', OLD.version, 'deleted', OLD.deleted, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
    WHERE tbl = 'worker' AND id = OLD.id;
END;

CREATE TRIGGER client_keep_signed BEFORE UPDATE ON client
WHEN EXISTS (SELECT 1 FROM sync_row WHERE tbl = 'client' AND id = OLD.id AND data IS NULL)
BEGIN
    UPDATE sync_row SET data = json_object('id', OLD.id, 'hetu', OLD.hetu, 'hetu_temporary', OLD.hetu_temporary, 'birth_date', OLD.birth_date, 'last_name', OLD.last_name, 'first_names', OLD.first_names, 'language', OLD.language, 'municipality_code', OLD.municipality_code, 'email', OLD.email, 'address', OLD.address, 'alerts', OLD.alerts, 'is_training', OLD.is_training, 'version', OLD.version, 'deleted', OLD.deleted, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
    WHERE tbl = 'client' AND id = OLD.id;
END;

CREATE TRIGGER client_phone_keep_signed BEFORE UPDATE ON client_phone
WHEN EXISTS (SELECT 1 FROM sync_row WHERE tbl = 'client_phone' AND id = OLD.id AND data IS NULL)
BEGIN
    UPDATE sync_row SET data = json_object('id', OLD.id, 'client_id', OLD.client_id, 'e164', OLD.e164, 'kind', OLD.kind, 'version', OLD.version, 'deleted', OLD.deleted, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
    WHERE tbl = 'client_phone' AND id = OLD.id;
END;

CREATE TRIGGER relative_keep_signed BEFORE UPDATE ON relative
WHEN EXISTS (SELECT 1 FROM sync_row WHERE tbl = 'relative' AND id = OLD.id AND data IS NULL)
BEGIN
    UPDATE sync_row SET data = json_object('id', OLD.id, 'client_id', OLD.client_id, 'name', OLD.name, 'relation', OLD.relation, 'phone_e164', OLD.phone_e164, 'version', OLD.version, 'deleted', OLD.deleted, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
    WHERE tbl = 'relative' AND id = OLD.id;
END;

CREATE TRIGGER contact_keep_signed BEFORE UPDATE ON contact
WHEN EXISTS (SELECT 1 FROM sync_row WHERE tbl = 'contact' AND id = OLD.id AND data IS NULL)
BEGIN
    UPDATE sync_row SET data = json_object('id', OLD.id, 'channel', OLD.channel, 'line_code', OLD.line_code, 'original_line_code', OLD.original_line_code, 'municipality_code', OLD.municipality_code, 'language', OLD.language, 'caller_phone', OLD.caller_phone, 'caller_kind', OLD.caller_kind, 'caller_name', OLD.caller_name, 'client_id', OLD.client_id, 'priority', OLD.priority, 'status', OLD.status, 'via_queue', OLD.via_queue, 'received_at', OLD.received_at, 'taken_at', OLD.taken_at, 'closed_at', OLD.closed_at, 'taken_by', OLD.taken_by, 'reasons', OLD.reasons, 'note', OLD.note, 'outcome', OLD.outcome, 'callback_at', OLD.callback_at, 'is_training', OLD.is_training, 'version', OLD.version, 'deleted', OLD.deleted, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
    WHERE tbl = 'contact' AND id = OLD.id;
END;

CREATE TRIGGER organization_keep_signed BEFORE UPDATE ON organization
WHEN EXISTS (SELECT 1 FROM sync_row WHERE tbl = 'organization' AND id = OLD.id AND data IS NULL)
BEGIN
    UPDATE sync_row SET data = json_object('id', OLD.id, 'name', OLD.name, 'description', OLD.description, 'sector', OLD.sector, 'website', OLD.website, 'email', OLD.email, 'version', OLD.version, 'deleted', OLD.deleted, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
    WHERE tbl = 'organization' AND id = OLD.id;
END;

CREATE TRIGGER service_keep_signed BEFORE UPDATE ON service
WHEN EXISTS (SELECT 1 FROM sync_row WHERE tbl = 'service' AND id = OLD.id AND data IS NULL)
BEGIN
    UPDATE sync_row SET data = json_object('id', OLD.id, 'organization_id', OLD.organization_id, 'name', OLD.name, 'description', OLD.description, 'eligibility_description', OLD.eligibility_description, 'fees_description', OLD.fees_description, 'application_process', OLD.application_process, 'status', OLD.status, 'client_groups', OLD.client_groups, 'languages', OLD.languages, 'service_areas', OLD.service_areas, 'channels', OLD.channels, 'free', OLD.free, 'url', OLD.url, 'email', OLD.email, 'last_verified_at', OLD.last_verified_at, 'holidays', OLD.holidays, 'eve_closes_at', OLD.eve_closes_at, 'version', OLD.version, 'deleted', OLD.deleted, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
    WHERE tbl = 'service' AND id = OLD.id;
END;

CREATE TRIGGER location_keep_signed BEFORE UPDATE ON location
WHEN EXISTS (SELECT 1 FROM sync_row WHERE tbl = 'location' AND id = OLD.id AND data IS NULL)
BEGIN
    UPDATE sync_row SET data = json_object('id', OLD.id, 'organization_id', OLD.organization_id, 'name', OLD.name, 'address', OLD.address, 'postal_code', OLD.postal_code, 'city', OLD.city, 'municipality_code', OLD.municipality_code, 'version', OLD.version, 'deleted', OLD.deleted, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
    WHERE tbl = 'location' AND id = OLD.id;
END;

CREATE TRIGGER service_at_location_keep_signed BEFORE UPDATE ON service_at_location
WHEN EXISTS (SELECT 1 FROM sync_row WHERE tbl = 'service_at_location' AND id = OLD.id AND data IS NULL)
BEGIN
    UPDATE sync_row SET data = json_object('id', OLD.id, 'service_id', OLD.service_id, 'location_id', OLD.location_id, 'position', OLD.position, 'version', OLD.version, 'deleted', OLD.deleted, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
    WHERE tbl = 'service_at_location' AND id = OLD.id;
END;

CREATE TRIGGER catalogue_phone_keep_signed BEFORE UPDATE ON catalogue_phone
WHEN EXISTS (SELECT 1 FROM sync_row WHERE tbl = 'catalogue_phone' AND id = OLD.id AND data IS NULL)
BEGIN
    UPDATE sync_row SET data = json_object('id', OLD.id, 'service_id', OLD.service_id, 'organization_id', OLD.organization_id, 'location_id', OLD.location_id, 'number', OLD.number, 'description', OLD.description, 'position', OLD.position, 'version', OLD.version, 'deleted', OLD.deleted, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
    WHERE tbl = 'catalogue_phone' AND id = OLD.id;
END;

CREATE TRIGGER schedule_keep_signed BEFORE UPDATE ON schedule
WHEN EXISTS (SELECT 1 FROM sync_row WHERE tbl = 'schedule' AND id = OLD.id AND data IS NULL)
BEGIN
    UPDATE sync_row SET data = json_object('id', OLD.id, 'service_id', OLD.service_id, 'service_at_location_id', OLD.service_at_location_id, 'freq', OLD.freq, 'byday', OLD.byday, 'opens_at', OLD.opens_at, 'closes_at', OLD.closes_at, 'description', OLD.description, 'position', OLD.position, 'version', OLD.version, 'deleted', OLD.deleted, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
    WHERE tbl = 'schedule' AND id = OLD.id;
END;

CREATE TRIGGER notification_keep_signed BEFORE UPDATE ON notification
WHEN EXISTS (SELECT 1 FROM sync_row WHERE tbl = 'notification' AND id = OLD.id AND data IS NULL)
BEGIN
    UPDATE sync_row SET data = json_object('id', OLD.id, 'kind', OLD.kind, 'client_id', OLD.client_id, 'contact_id', OLD.contact_id, 'municipality_code', OLD.municipality_code, 'routed_to', OLD.routed_to, 'fields', OLD.fields, 'notifier_worker_id', OLD.notifier_worker_id, 'received_at', OLD.received_at, 'is_training', OLD.is_training, 'version', OLD.version, 'deleted', OLD.deleted, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
    WHERE tbl = 'notification' AND id = OLD.id;
END;

CREATE TRIGGER handover_keep_signed BEFORE UPDATE ON handover
WHEN EXISTS (SELECT 1 FROM sync_row WHERE tbl = 'handover' AND id = OLD.id AND data IS NULL)
BEGIN
    UPDATE sync_row SET data = json_object('id', OLD.id, 'contact_id', OLD.contact_id, 'client_id', OLD.client_id, 'from_worker_id', OLD.from_worker_id, 'to_worker_id', OLD.to_worker_id, 'to_team', OLD.to_team, 'situation', OLD.situation, 'background', OLD.background, 'assessment', OLD.assessment, 'recommendation', OLD.recommendation, 'note', OLD.note, 'urgency', OLD.urgency, 'due_at', OLD.due_at, 'warm', OLD.warm, 'state', OLD.state, 'accepted_by', OLD.accepted_by, 'notification_id', OLD.notification_id, 'is_training', OLD.is_training, 'version', OLD.version, 'deleted', OLD.deleted, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
    WHERE tbl = 'handover' AND id = OLD.id;
END;

CREATE TRIGGER shift_handover_keep_signed BEFORE UPDATE ON shift_handover
WHEN EXISTS (SELECT 1 FROM sync_row WHERE tbl = 'shift_handover' AND id = OLD.id AND data IS NULL)
BEGIN
    UPDATE sync_row SET data = json_object('id', OLD.id, 'from_worker_id', OLD.from_worker_id, 'note', OLD.note, 'items', OLD.items, 'acknowledged_by', OLD.acknowledged_by, 'acknowledged_at', OLD.acknowledged_at, 'version', OLD.version, 'deleted', OLD.deleted, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
    WHERE tbl = 'shift_handover' AND id = OLD.id;
END;

