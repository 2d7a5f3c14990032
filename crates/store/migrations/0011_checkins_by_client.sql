-- A client's record reads their check-ins by client. Without this index the
-- read walked every check-in of the clinic (the index by due date starts
-- with the clinic), a cost that grows with the practice, not the client.
CREATE INDEX checkins_by_client ON checkins (clinic_id, client_id, due_hours);
