-- A therapist's time off (holidays, training, sick days): one-off spans of
-- absolute time on top of the weekly hours. Bookings cannot fall in them
-- and the slot finder treats them as busy.

CREATE TABLE time_off (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    therapist_id TEXT NOT NULL REFERENCES users (id),
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX time_off_by_therapist ON time_off (clinic_id, therapist_id, starts_at);
