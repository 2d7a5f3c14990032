-- Home-care handouts (content built by the plans crate, kept as JSON), the
-- client's daily ticks, and client links that may now open a handout. The
-- links table is rebuilt once more, this time without a CHECK on the
-- purpose: the purposes are an enum in the code, and SQLite cannot change a
-- CHECK in place.

CREATE TABLE home_care (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    content TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX home_care_by_client ON home_care (clinic_id, client_id, created_at);

CREATE TABLE home_care_ticks (
    home_care_id TEXT NOT NULL REFERENCES home_care (id),
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    day TEXT NOT NULL,
    item TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (home_care_id, day, item)
);

CREATE TABLE client_links_v3 (
    token_hash TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    purpose TEXT NOT NULL,
    target_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
INSERT INTO client_links_v3 (token_hash, clinic_id, client_id, purpose, target_id, created_by, created_at, expires_at, used_at)
    SELECT token_hash, clinic_id, client_id, purpose, target_id, created_by, created_at, expires_at, used_at FROM client_links;
DROP TABLE client_links;
ALTER TABLE client_links_v3 RENAME TO client_links;
CREATE INDEX client_links_by_target_v3 ON client_links (clinic_id, target_id);
