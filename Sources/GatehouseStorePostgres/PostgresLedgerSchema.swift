import PostgresNIO

/// The shared log's tables (docs/deployment.md, "How the shared ledger works"), created on first
/// use (`PostgresStoreConnection.createSchema`); `gatehouse_schema` records the version as
/// component `ledger`, so a later layout can migrate it.
enum PostgresLedgerSchema {
    static let version = 1
    static let lockID: Int64 = 7_284_031
    /// Held (session-level) by the instance applying retention.
    static let retentionLockID: Int64 = 7_284_041

    static let create: [PostgresQuery] = [
        """
        CREATE TABLE IF NOT EXISTS gatehouse_ledger_head (
            id integer PRIMARY KEY CHECK (id = 1),
            log_size bigint NOT NULL CHECK (log_size >= 0))
        """,
        "INSERT INTO gatehouse_ledger_head VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
        """
        CREATE TABLE IF NOT EXISTS gatehouse_ledger_records (
            first_index bigint PRIMARY KEY CHECK (first_index >= 0),
            entry_count integer NOT NULL CHECK (entry_count > 0),
            record bytea NOT NULL,
            root_after bytea NOT NULL CHECK (length(root_after) = 32),
            appended_by text NOT NULL,
            appended_at timestamptz NOT NULL DEFAULT now())
        """,
        """
        CREATE UNIQUE INDEX IF NOT EXISTS gatehouse_ledger_records_end
            ON gatehouse_ledger_records ((first_index + entry_count))
        """,
        """
        CREATE TABLE IF NOT EXISTS gatehouse_ledger_data_keys (
            key_id text PRIMARY KEY,
            wrapped bytea,
            connection text,
            created_at text NOT NULL,
            erased_at text,
            erased_because text)
        """,
        "CREATE TABLE IF NOT EXISTS gatehouse_ledger_settings (name text PRIMARY KEY, value bytea NOT NULL)",
        // Signed checkpoints of the log (C2SP signed notes), whichever instance signed them.
        """
        CREATE TABLE IF NOT EXISTS gatehouse_ledger_checkpoints (
            tree_size bigint PRIMARY KEY CHECK (tree_size > 0),
            note text NOT NULL,
            signed_at text NOT NULL,
            signed_by text NOT NULL)
        """,
    ]
}
