-- Client links stay findable until used (issue 14): staff copy or e-mail an
-- open link again from the client page, which needs its token. The token is
-- kept only while the link is open: using a link up erases it, and so does
-- the sweep of expired links. Lookups still go by the token's hash.
ALTER TABLE client_links ADD COLUMN token TEXT;
