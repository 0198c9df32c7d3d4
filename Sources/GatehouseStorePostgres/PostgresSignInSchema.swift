import PostgresNIO

/// The shared web UI sign-ins' tables (docs/deployment.md, "Sign-ins across instances"), created
/// on first use (`PostgresStoreConnection.createSchema`), versioned as component `sign_ins`.
enum PostgresSignInSchema {
    static let version = 1
    static let lockID: Int64 = 7_284_033

    static let create: [PostgresQuery] = [
        // `id_digest` is the SHA-256 of the session ID: the store cannot hand anyone a cookie.
        """
        CREATE TABLE IF NOT EXISTS gatehouse_web_sessions (
            id_digest text PRIMARY KEY,
            expires_at timestamptz NOT NULL,
            session text NOT NULL)
        """,
        // Completed sign-ins' `state` (its SHA-256): a provider's answer is honoured once.
        """
        CREATE TABLE IF NOT EXISTS gatehouse_web_sign_in_states (
            state_digest text PRIMARY KEY,
            expires_at timestamptz NOT NULL)
        """,
        "DELETE FROM gatehouse_web_sessions WHERE expires_at < now()",
        "DELETE FROM gatehouse_web_sign_in_states WHERE expires_at < now()",
    ]
}
