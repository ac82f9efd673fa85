-- 0005: user complaints, acknowledged at once, with their decision, and
-- the law-enforcement notification a threat to life or safety opens.
CREATE TABLE complaints (
    id            TEXT PRIMARY KEY,   -- the acknowledgement id
    received_ms   INTEGER NOT NULL,
    category      TEXT NOT NULL,
    target        TEXT NOT NULL,      -- the content or account complained of
    reporter      TEXT NOT NULL,      -- the platform's reference of the user
    decide_due_ms INTEGER NOT NULL,   -- 0: the pack sets no decision time
    decision      TEXT NOT NULL DEFAULT '',   -- upheld | dismissed
    action        TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    decided_ms    INTEGER NOT NULL DEFAULT 0,
    urgent        INTEGER NOT NULL DEFAULT 0,
    notify_due_ms INTEGER NOT NULL DEFAULT 0,
    notified_ms   INTEGER NOT NULL DEFAULT 0,
    notified_to   TEXT NOT NULL DEFAULT '',
    notified_ref  TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
