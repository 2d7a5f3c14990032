-- Scheduling: the clinic's time zone, staff display names, rooms, each
-- therapist's weekly hours and calendar, appointments, and the outbox of
-- messages to clients (reminders, check-in links) with their delivery state.
-- Instants are BIGINT epoch milliseconds (UTC); wall-clock hours are 'HH:MM'
-- text read in the clinic's IANA time zone.

ALTER TABLE clinics ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE users ADD COLUMN display_name TEXT;

CREATE TABLE rooms (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    name TEXT NOT NULL CHECK (length(name) > 0),
    created_at BIGINT NOT NULL,
    -- Bumped by every booking that uses the room: on PostgreSQL the update
    -- takes the row lock that serialises bookings of one room.
    booking_seq BIGINT NOT NULL DEFAULT 0,
    UNIQUE (clinic_id, name)
);

-- One row per therapist who has a calendar: the secret of the iCalendar
-- feed (hash only) and the row whose update serialises their bookings.
CREATE TABLE calendars (
    therapist_id TEXT PRIMARY KEY REFERENCES users (id),
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    feed_token_hash TEXT UNIQUE,
    booking_seq BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE working_hours (
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    therapist_id TEXT NOT NULL REFERENCES users (id),
    position INTEGER NOT NULL,
    weekday TEXT NOT NULL,
    starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('work', 'break')),
    PRIMARY KEY (therapist_id, position)
);

CREATE TABLE appointments (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    therapist_id TEXT NOT NULL REFERENCES users (id),
    room_id TEXT REFERENCES rooms (id),
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    minutes INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'no_show', 'attended')),
    note TEXT NOT NULL DEFAULT '',
    booked_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK (ends_at > starts_at)
);
CREATE INDEX appointments_by_therapist ON appointments (clinic_id, therapist_id, starts_at);
CREATE INDEX appointments_by_room ON appointments (clinic_id, room_id, starts_at);
CREATE INDEX appointments_by_client ON appointments (clinic_id, client_id, starts_at);

CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    kind TEXT NOT NULL,
    -- What the message is about (an appointment, a session note), so a
    -- rescheduled or cancelled appointment can replace its reminder.
    subject_id TEXT NOT NULL,
    recipient TEXT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'by_hand', 'sent', 'failed', 'cancelled')),
    send_after BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    -- A sender holds a message until this instant; another instance may take
    -- it over afterwards (a crashed sender loses nothing).
    claimed_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    sent_by TEXT
);
CREATE INDEX outbox_due ON outbox (status, send_after);
CREATE INDEX outbox_by_clinic ON outbox (clinic_id, status, send_after);
CREATE INDEX outbox_by_subject ON outbox (clinic_id, subject_id);
