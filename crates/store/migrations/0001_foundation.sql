-- Portable DDL: the same text runs on SQLite and PostgreSQL. Ids are UUID
-- text, instants are BIGINT milliseconds since the Unix epoch (UTC), dates
-- are ISO 'YYYY-MM-DD' text.

CREATE TABLE clinics (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    -- Head of the clinic's audit chain; bumped in the same transaction as
    -- every appended entry, which also serialises appenders per clinic.
    audit_seq BIGINT NOT NULL DEFAULT 0,
    audit_head TEXT NOT NULL DEFAULT ''
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'therapist', 'front_desk')),
    created_at BIGINT NOT NULL
);
CREATE INDEX users_by_clinic ON users (clinic_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE login_failures (
    subject TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_by_subject ON login_failures (subject, at);

CREATE TABLE clients (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    given_name TEXT NOT NULL CHECK (length(given_name) > 0),
    family_name TEXT NOT NULL CHECK (length(family_name) > 0),
    date_of_birth TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    notes TEXT,
    -- Lower-cased "family given email phone": list order and word search.
    search_key TEXT NOT NULL,
    archived_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX clients_by_clinic_order ON clients (clinic_id, search_key, id);

CREATE TABLE audit_log (
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (clinic_id, seq)
);
CREATE INDEX audit_by_record ON audit_log (clinic_id, record_type, record_id);
