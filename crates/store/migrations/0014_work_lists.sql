-- The therapist's day lists intakes waiting for review and unsigned drafts;
-- without these the lists walked every intake and note of the clinic.
CREATE INDEX intakes_by_status ON intakes (clinic_id, status, submitted_at);
CREATE INDEX session_notes_by_status ON session_notes (clinic_id, status, created_by);
