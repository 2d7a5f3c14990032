-- Outcome questionnaires as answered and scored, official wording a clinic
-- holds a licence for, and client links that may now open a questionnaire.

CREATE TABLE questionnaires (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    instrument TEXT NOT NULL,
    taken_on TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('clinic', 'paper', 'client_link')),
    input TEXT NOT NULL,
    result TEXT NOT NULL,
    -- The main score as exact decimal text, NULL when too few items were answered.
    score TEXT,
    entered_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX questionnaires_by_client ON questionnaires (clinic_id, client_id, instrument, taken_on);

CREATE TABLE instrument_wording (
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    instrument TEXT NOT NULL,
    wording TEXT NOT NULL,
    loaded_at BIGINT NOT NULL,
    PRIMARY KEY (clinic_id, instrument)
);

-- SQLite cannot change a CHECK constraint in place: rebuild the table the
-- portable way, keeping every row.
CREATE TABLE client_links_v2 (
    token_hash TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('intake', 'checkin', 'questionnaire')),
    target_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
INSERT INTO client_links_v2 (token_hash, clinic_id, client_id, purpose, target_id, created_by, created_at, expires_at, used_at)
    SELECT token_hash, clinic_id, client_id, purpose, target_id, created_by, created_at, expires_at, used_at FROM client_links;
DROP TABLE client_links;
ALTER TABLE client_links_v2 RENAME TO client_links;
CREATE INDEX client_links_by_target_v2 ON client_links (clinic_id, target_id);
