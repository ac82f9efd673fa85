-- 0011: account state is written behind. An ingest keeps the accounts it
-- folds in memory and, in the same transaction as each batch's events,
-- appends one row here with the new state of every account the batch
-- changed (lib/store/store.c, "Account deltas", has the blob's layout).
-- The accounts table plus these rows, in seq order, is the current state;
-- a reader applies and deletes them first (acc_sync). account_fold.gen
-- changes whenever a writer takes over the accounts (acc_own), which
-- tells an ingest that its in-memory copy may be stale.
CREATE TABLE account_deltas (
    seq    INTEGER PRIMARY KEY,   -- order of writing
    states BLOB NOT NULL
);
CREATE TABLE account_fold (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    gen INTEGER NOT NULL
);
INSERT INTO account_fold VALUES (1, 0);
