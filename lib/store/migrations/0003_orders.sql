-- 0003: orders of state bodies about unlawful content, with their clocks.
CREATE TABLE orders (
    id            TEXT PRIMARY KEY,
    issuer        TEXT NOT NULL,          -- issuing body
    number        TEXT NOT NULL,          -- its number
    basis         TEXT NOT NULL,          -- category of the pack's taxonomy
    action        TEXT NOT NULL,          -- remove | restrict_kz | suspend_account_kz
    targets       TEXT NOT NULL,          -- JSON array of content ids, URLs, accounts
    state         INTEGER NOT NULL,       -- enum ej_order_state
    received_ms   INTEGER NOT NULL,
    acked_ms      INTEGER NOT NULL,       -- automatic acknowledgement
    has_effect    INTEGER NOT NULL,
    c_due_ms      INTEGER NOT NULL,       -- consideration clock, unpaused due
    c_paused_ms   INTEGER NOT NULL,
    c_paused      INTEGER NOT NULL,
    c_paused_since INTEGER NOT NULL,
    c_last_ms     INTEGER NOT NULL,
    e_due_ms      INTEGER NOT NULL,       -- effect clock
    e_paused_ms   INTEGER NOT NULL,
    e_paused      INTEGER NOT NULL,
    e_paused_since INTEGER NOT NULL,
    e_last_ms     INTEGER NOT NULL,
    emitted       INTEGER NOT NULL,       -- alert/breach bits already logged
    closed_ms     INTEGER NOT NULL DEFAULT 0,
    close_action  TEXT NOT NULL DEFAULT '',
    evidence      TEXT NOT NULL DEFAULT '' -- JSON object
) WITHOUT ROWID;
CREATE INDEX orders_state ON orders (state, received_ms);
