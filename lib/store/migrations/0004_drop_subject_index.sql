-- 0004: no query reads events by subject yet (account state is folded into
-- its own table), and the index cost one more B-tree write per event on
-- every decision and ingested event. A per-subject history query will
-- bring back the index it needs.
DROP INDEX IF EXISTS events_subject;
