-- Erasure on request (issue 12). A clinic's minimum retention period in
-- whole years, counted from a client's last signed session (or the client's
-- creation when there is none); 0 means no minimum. An erased client keeps a
-- tombstone row (so ids in the audit chain still name something) marked by
-- the instant it was erased.
ALTER TABLE clinics ADD COLUMN retention_years BIGINT NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN erased_at BIGINT;
