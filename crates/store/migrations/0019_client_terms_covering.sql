-- A search reads, for each matching term, the client's list order and
-- state: with them in the index the search never visits the table rows
-- (an index-only range on both back ends).
CREATE INDEX client_terms_search ON client_terms (clinic_id, term, active, search_key, client_id);
