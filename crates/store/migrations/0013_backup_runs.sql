-- Scheduled backups: the last success and the last failure (one row each),
-- shown to owners on the backups settings page. Installation-wide, not a
-- clinic's: a backup holds every clinic of the installation.
CREATE TABLE backup_runs (
    outcome TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    file TEXT NOT NULL,
    bytes BIGINT,
    error TEXT
);
