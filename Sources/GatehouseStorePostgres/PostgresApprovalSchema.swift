import PostgresNIO

/// The shared approvals' tables (docs/deployment.md, "Approvals across instances"), created on
/// first use (`PostgresStoreConnection.createSchema`), versioned as component `approvals`.
enum PostgresApprovalSchema {
    static let version = 1
    static let lockID: Int64 = 7_284_032

    static let create: [PostgresQuery] = [
        // `request` is the request as approvers see it (JSON, without the statement's exact text).
        """
        CREATE TABLE IF NOT EXISTS gatehouse_approval_requests (
            request_id text PRIMARY KEY,
            holder text NOT NULL,
            state text NOT NULL,
            deadline timestamptz NOT NULL,
            request text NOT NULL,
            grant_made text,
            updated_at timestamptz NOT NULL DEFAULT now())
        """,
        """
        CREATE INDEX IF NOT EXISTS gatehouse_approval_requests_pending
            ON gatehouse_approval_requests (deadline) WHERE state = 'pending'
        """,
        """
        CREATE TABLE IF NOT EXISTS gatehouse_approval_grants (
            grant_id text PRIMARY KEY,
            request_id text NOT NULL,
            expires_at timestamptz NOT NULL,
            grant_made text NOT NULL)
        """,
        // Finished requests and spent grants are kept a week for the UI's late lookups, then dropped
        // (the ledger holds every step for good).
        "DELETE FROM gatehouse_approval_requests WHERE updated_at < now() - interval '7 days' AND deadline < now() - interval '7 days'",
        "DELETE FROM gatehouse_approval_grants WHERE expires_at < now() - interval '7 days'",
    ]
}
