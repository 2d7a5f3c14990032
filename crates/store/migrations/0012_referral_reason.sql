-- Signing a session note while the client's screening says "refer to a
-- physician first" needs the therapist's reason, kept with the note.
ALTER TABLE session_notes ADD COLUMN referral_reason TEXT;
