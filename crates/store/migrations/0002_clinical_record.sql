-- The clinical record: intake with screening, assessments with posture
-- photos, session notes with their follow-up check-ins, and the expiring
-- single-use links clients answer through. Nested parts (pain map, findings,
-- treated points, answers) are JSON text validated by the domain crate.

CREATE TABLE client_links (
    token_hash TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('intake', 'checkin')),
    target_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX client_links_by_target ON client_links (clinic_id, target_id);

CREATE TABLE intakes (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    status TEXT NOT NULL CHECK (status IN ('requested', 'submitted', 'signed')),
    form TEXT NOT NULL,
    screening TEXT NOT NULL,
    verdict TEXT,
    outcome TEXT,
    submitted_via TEXT,
    submitted_at BIGINT,
    signed_by TEXT,
    signed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX intakes_by_client ON intakes (clinic_id, client_id, created_at);

CREATE TABLE assessments (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    record TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX assessments_by_client ON assessments (clinic_id, client_id, created_at);

CREATE TABLE posture_photos (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    view TEXT NOT NULL CHECK (view IN ('front', 'back', 'side')),
    content_type TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    image BYTEA NOT NULL,
    landmarks TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX posture_photos_by_assessment ON posture_photos (clinic_id, assessment_id);

CREATE TABLE session_notes (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    assessment_id TEXT REFERENCES assessments (id),
    note TEXT NOT NULL,
    session_date TEXT NOT NULL,
    duration_minutes BIGINT NOT NULL,
    discomfort_warnings BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'signed')),
    amends TEXT REFERENCES session_notes (id),
    amendment_reason TEXT,
    signed_by TEXT,
    signed_at BIGINT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX session_notes_by_client ON session_notes (clinic_id, client_id, session_date);

CREATE TABLE checkins (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    note_id TEXT NOT NULL REFERENCES session_notes (id),
    due_hours BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    answer TEXT,
    answered_at BIGINT,
    reviewed_by TEXT,
    reviewed_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX checkins_by_note ON checkins (clinic_id, note_id);
CREATE INDEX checkins_by_due ON checkins (clinic_id, due_at);
