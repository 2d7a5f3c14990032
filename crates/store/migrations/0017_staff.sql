-- Staff management in the browser: accounts can be deactivated (kept, for
-- the names in records and the audit chain), owners invite staff by a
-- single-use link (hash only), every session has an id to list and revoke
-- it by and remembers the browser and address it was opened from, and the
-- clinic keeps the contact details its messages and pages show, edited
-- with a version like every other shared record.
ALTER TABLE users ADD COLUMN deactivated_at BIGINT;

ALTER TABLE sessions ADD COLUMN id TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN remote_address TEXT NOT NULL DEFAULT '';
-- Sessions opened before this migration get an id derived from their hash
-- (a prefix of a SHA-256 of a random token is no credential).
UPDATE sessions SET id = substr(token_hash, 1, 32);
CREATE UNIQUE INDEX sessions_by_id ON sessions (id);
CREATE INDEX sessions_by_user ON sessions (user_id);

ALTER TABLE clinics ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE clinics ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE clinics ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE clinics ADD COLUMN settings_version BIGINT NOT NULL DEFAULT 1;

CREATE TABLE staff_invitations (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    email TEXT NOT NULL,
    display_name TEXT NOT NULL CHECK (length(display_name) > 0),
    role TEXT NOT NULL CHECK (role IN ('owner', 'therapist', 'front_desk')),
    token_hash TEXT NOT NULL UNIQUE,
    invited_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    user_id TEXT REFERENCES users (id)
);
CREATE INDEX staff_invitations_by_clinic ON staff_invitations (clinic_id, created_at);

-- The outbox carried messages to clients only; an invitation goes to a
-- person who is not a client, so its client becomes optional. Neither back
-- end drops NOT NULL the same way, so the table is rebuilt (portable).
CREATE TABLE outbox_rebuilt (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    client_id TEXT REFERENCES clients (id),
    kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    recipient TEXT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'by_hand', 'sent', 'failed', 'cancelled')),
    send_after BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    sent_by TEXT
);
INSERT INTO outbox_rebuilt (id, clinic_id, client_id, kind, subject_id, recipient, title, body, status, send_after,
    attempts, claimed_until, last_error, created_at, sent_at, sent_by)
    SELECT id, clinic_id, client_id, kind, subject_id, recipient, title, body, status, send_after,
    attempts, claimed_until, last_error, created_at, sent_at, sent_by FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_rebuilt RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, send_after);
CREATE INDEX outbox_by_clinic ON outbox (clinic_id, status, send_after);
CREATE INDEX outbox_by_subject ON outbox (clinic_id, subject_id);
