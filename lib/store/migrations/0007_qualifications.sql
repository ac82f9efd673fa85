-- 0007: authors' qualifications for educational content (diploma,
-- certificate, licence), matched to the field a post is classified in.
-- A qualification is replaced by (author, doc_type, number): re-posting a
-- document updates its status or validity.
CREATE TABLE qualifications (
    author      TEXT NOT NULL,
    doc_type    TEXT NOT NULL,      -- diploma | certificate | license
    number      TEXT NOT NULL,
    issuer      TEXT NOT NULL,
    fields      TEXT NOT NULL,      -- comma-separated field names
    valid_until TEXT NOT NULL DEFAULT '',   -- YYYY-MM-DD, '' = no expiry
    status      TEXT NOT NULL,      -- pending | verified | rejected
    updated_ms  INTEGER NOT NULL,
    PRIMARY KEY (author, doc_type, number)
) WITHOUT ROWID;
