-- 0002: folded state of accounts (the registry of large anonymous
-- accounts), their daily follower history, encrypted identity data, and
-- the platform's daily audience in Kazakhstan.
CREATE TABLE accounts (
    id             TEXT PRIMARY KEY,
    service        TEXT NOT NULL DEFAULT '',
    registered_ms  INTEGER,
    followers      INTEGER NOT NULL DEFAULT 0,
    measure        INTEGER NOT NULL DEFAULT 0,
    kz_share_pm    INTEGER NOT NULL DEFAULT 65535, -- per mille; 65535 unknown
    identity       INTEGER NOT NULL DEFAULT 0,     -- enum ej_identity
    case_state     INTEGER NOT NULL DEFAULT 0,     -- enum ej_case_state
    flags          INTEGER NOT NULL DEFAULT 0,     -- EJ_ACC_*
    above_since    INTEGER NOT NULL DEFAULT 0,     -- local day number
    below_since    INTEGER NOT NULL DEFAULT -1,
    case_opened_ms INTEGER NOT NULL DEFAULT 0,
    case_due_ms    INTEGER NOT NULL DEFAULT 0,
    last_ms        INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX accounts_registry ON accounts (id) WHERE (flags & 2) != 0;

-- The last count of each local day, for max/average counting.
CREATE TABLE follower_daily (
    account   TEXT NOT NULL,
    day       INTEGER NOT NULL,
    followers INTEGER NOT NULL,
    PRIMARY KEY (account, day)
) WITHOUT ROWID;

-- Identity data, encrypted (XChaCha20-Poly1305, libsodium) under a key
-- kept outside the database; iin_hash is a keyed BLAKE2b of the IIN, so
-- that one person's accounts can be found without decrypting.
CREATE TABLE identities (
    account    TEXT PRIMARY KEY,
    status     INTEGER NOT NULL,
    method     TEXT NOT NULL,
    iin_hash   BLOB,
    nonce      BLOB,
    ciphertext BLOB,
    updated_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX identities_iin ON identities (iin_hash);

CREATE TABLE audience_daily (
    day   INTEGER PRIMARY KEY,  -- local day number
    users INTEGER NOT NULL
);
