-- 0009: webhook deliveries to the platform: one row an event of a
-- delivered type (decisions, alerts, breaches), with its attempts; the
-- cursor is the last event seq considered.
CREATE TABLE webhook_deliveries (
    id           INTEGER PRIMARY KEY,
    event_seq    INTEGER NOT NULL UNIQUE,
    event_id     TEXT NOT NULL,
    type         TEXT NOT NULL,
    status       TEXT NOT NULL,          -- pending | delivered | failed
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at_ms   INTEGER NOT NULL,
    last_status  INTEGER NOT NULL DEFAULT 0, -- HTTP status, 0: none
    last_error   TEXT NOT NULL DEFAULT '',
    delivered_ms INTEGER NOT NULL DEFAULT 0,
    created_ms   INTEGER NOT NULL
);
CREATE INDEX webhook_due ON webhook_deliveries (status, next_at_ms);
CREATE TABLE webhook_cursor (
    k   INTEGER PRIMARY KEY CHECK (k = 1),
    seq INTEGER NOT NULL
);
