-- The words of each client's name, e-mail and phone, folded to [a-z0-9] (see
-- search.rs), one row per word. A search word is a prefix range on
-- (clinic_id, term), which both back ends answer from this index whatever
-- the database's collation, instead of a LIKE '%word%' over every client.
-- Each row also carries the client's list order (search_key) and whether
-- the client is active, so a search is ordered, counted and cut to a page
-- from this table alone and only the page's clients are read (PostgreSQL
-- otherwise joined the matches by scanning every client).
-- Rows are written with the client's own; existing clients get theirs when
-- the store opens.
CREATE TABLE client_terms (
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    term TEXT NOT NULL,
    search_key TEXT NOT NULL,
    active INTEGER NOT NULL,
    PRIMARY KEY (clinic_id, term, client_id)
);
CREATE INDEX client_terms_by_client ON client_terms (client_id);
