-- 0008: fingerprints of content removed under an order, for re-upload
-- blocking: the SHA-256 of the content's bytes (or of its text), and the
-- 64-bit SimHash of its normalized text (lib/textfp.c). Appended in the
-- transaction that closes the order; the service loads them by seq.
CREATE TABLE fingerprints (
    seq       INTEGER PRIMARY KEY,   -- load order
    order_id  TEXT NOT NULL,
    kind      TEXT NOT NULL,         -- sha256 | text
    digest    BLOB,                  -- 32 bytes for sha256
    simhash   INTEGER,               -- for text (the 64 bits as signed)
    added_ms  INTEGER NOT NULL
);
