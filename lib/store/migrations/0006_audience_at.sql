-- 0006: keep when each day's audience was reported, so that a late,
-- older report does not replace a newer one.
ALTER TABLE audience_daily ADD COLUMN at_ms INTEGER NOT NULL DEFAULT 0;
