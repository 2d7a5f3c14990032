-- Staff two-factor sign-in (issue 13). A user's TOTP secret is kept in clear
-- because verifying a code needs it (see SECURITY.md); `confirmed_at` is
-- NULL while an enrolment waits for its first code. `last_used_step` is the
-- newest 30-second step a code was accepted for: a code of that step or an
-- older one is refused, so an observed code cannot be replayed.
CREATE TABLE user_mfa (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    last_used_step BIGINT NOT NULL DEFAULT 0
);
-- Single-use recovery codes: only a SHA-256 of each (80 random bits) is kept.
CREATE TABLE mfa_recovery_codes (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_id, code_hash)
);
-- The half-signed-in state between the password and the code: a hash of a
-- random token held by the browser, valid for a few minutes, good only for
-- finishing that user's sign-in. In the database so any instance accepts it.
CREATE TABLE mfa_challenges (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX mfa_challenges_by_expiry ON mfa_challenges (expires_at);
-- An owner's setting: every staff member of the clinic must use a code.
ALTER TABLE clinics ADD COLUMN require_mfa BIGINT NOT NULL DEFAULT 0;
