-- Treatment plans: the plan itself (goals, frequency, number and length of
-- sessions, re-assessment points) as JSON validated by the plans crate.

CREATE TABLE treatment_plans (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    plan TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'closed')),
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT,
    version BIGINT NOT NULL
);
CREATE INDEX treatment_plans_by_client ON treatment_plans (clinic_id, client_id, created_at);
