-- 0001: the append-only event stream with its hash chain, and API keys.
CREATE TABLE events (
    seq          INTEGER PRIMARY KEY,   -- 1, 2, 3, ... without gaps
    id           TEXT NOT NULL UNIQUE,  -- the event's id; replays are ignored
    type         TEXT NOT NULL,
    at_ms        INTEGER NOT NULL,      -- when it happened, UTC ms
    recorded_ms  INTEGER NOT NULL,      -- when it was stored, UTC ms
    subject      TEXT NOT NULL,
    pack_id      TEXT NOT NULL,
    pack_version TEXT NOT NULL,
    rules        TEXT NOT NULL,         -- JSON array of rule ids
    body         TEXT NOT NULL,         -- JSON object
    prev_hash    BLOB NOT NULL,
    hash         BLOB NOT NULL
);
CREATE INDEX events_subject ON events (subject, seq);

-- The chain head: the last event's seq and hash, written in the same
-- transaction as the events, so that deleting the newest events shows.
CREATE TABLE chain_head (
    one  INTEGER PRIMARY KEY CHECK (one = 1),
    seq  INTEGER NOT NULL,
    hash BLOB NOT NULL
);
INSERT INTO chain_head VALUES (1, 0, zeroblob(32));

CREATE TABLE api_keys (
    id         TEXT PRIMARY KEY,
    role       INTEGER NOT NULL,
    hash       BLOB NOT NULL UNIQUE,   -- SHA-256 of the key; the key is not kept
    label      TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    revoked_ms INTEGER
);
