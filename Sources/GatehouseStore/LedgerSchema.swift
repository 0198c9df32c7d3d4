import GRDB

/// The evidence ledger's tables. SQLite keeps the statement text with its comments, so
/// `.schema` in the sqlite3 shell documents the columns for auditors too.
///
/// Level-0 Merkle nodes (leaf hashes) live only in `entries.leaf_hash`: storing them again in
/// `nodes` would add 32 bytes and an insert per entry for nothing. `nodes` holds every completed
/// perfect subtree of level 1 and up (one per entry on average), which is what makes roots and
/// proofs O(log n) lookups (`MerkleTreeStore`).
enum LedgerSchema {
    static let createStatements = """
        CREATE TABLE IF NOT EXISTS entries (
          idx INTEGER PRIMARY KEY,          -- leaf index in the Merkle tree, from 0, contiguous
          leaf_hash BLOB NOT NULL,          -- SHA-256(0x00 || entry), RFC 9162; the level-0 node
          entry BLOB NOT NULL,              -- the entry's bytes, opaque to the store
          session_id TEXT,                  -- the entry's session, copied out for lookups (not hashed)
          time TEXT                         -- the entry's time (ISO 8601 UTC, ms), copied out for lookups
        );
        CREATE INDEX IF NOT EXISTS entries_session ON entries(session_id);
        CREATE TABLE IF NOT EXISTS nodes (
          level INTEGER NOT NULL,           -- height above the leaves, from 1 (leaves are entries.leaf_hash)
          idx INTEGER NOT NULL,             -- position within the level: leaves idx << level ..< (idx + 1) << level
          hash BLOB NOT NULL,               -- hash of that complete perfect subtree
          PRIMARY KEY (level, idx)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS checkpoints (
          tree_size INTEGER PRIMARY KEY,    -- strictly increasing, never beyond the log
          note TEXT NOT NULL,               -- the C2SP signed checkpoint note as serialized
          signed_at TEXT NOT NULL           -- ISO 8601 UTC with milliseconds
        );
        CREATE TABLE IF NOT EXISTS data_keys (
          key_id TEXT PRIMARY KEY,          -- by convention the session ID
          wrapped BLOB,                     -- the wrapped data key; NULL once erased (crypto-shredding)
          connection TEXT,                  -- the Gatehouse connection whose retention applies
          created_at TEXT NOT NULL,         -- ISO 8601 UTC with milliseconds: when retention starts
          erased_at TEXT,                   -- ISO 8601 UTC with milliseconds, NULL while the key exists
          erased_because TEXT               -- why it was erased (`erasure` or `retention`), NULL while it exists
        );
        CREATE TABLE IF NOT EXISTS subjects (
          digest TEXT NOT NULL,             -- SubjectReference.digest: keyed hex digest, never the identifier
          kind TEXT NOT NULL,               -- SubjectReference.kind
          idx INTEGER NOT NULL              -- the entry (entries.idx) that touched the subject
        );
        CREATE INDEX IF NOT EXISTS subjects_digest ON subjects(digest, idx);
        CREATE TABLE IF NOT EXISTS derived_classifications (
          idx INTEGER PRIMARY KEY           -- an entry (entries.idx) of kind `classification`: read back at every start
        );
        """

    static let insertEntry = "INSERT INTO entries (idx, leaf_hash, entry, session_id, time) VALUES (?, ?, ?, ?, ?)"
    static let insertDataKey = "INSERT INTO data_keys (key_id, wrapped, connection, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (key_id) DO NOTHING"
    static let insertNode = "INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)"
    static let insertSubject = "INSERT INTO subjects (digest, kind, idx) VALUES (?, ?, ?)"
    static let insertDerivedClassification = "INSERT INTO derived_classifications (idx) VALUES (?)"

    static func create(in db: Database) throws {
        try db.execute(sql: createStatements)
    }
}
