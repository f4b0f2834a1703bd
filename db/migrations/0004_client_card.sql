-- Client lookup by municipality (a filter, paged in name order), and the card's
-- reads: a client's open handovers and notifications, and callback attempts.
CREATE INDEX client_municipality_name ON client(municipality_code, search_name);
CREATE INDEX handover_client ON handover(client_id);
CREATE INDEX notification_client ON notification(client_id, created_at);
CREATE INDEX contact_client_received ON contact(client_id, received_at);
DROP INDEX contact_client;
