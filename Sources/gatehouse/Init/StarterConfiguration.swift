/// The commented starter configuration `gatehouse init` writes: a production shape (Entra ID
/// with group claims, TLS on both listeners, one PostgreSQL connection with classification and
/// approval). Every value is valid as written, so `check-config` passes once the files and
/// variables it names exist; the placeholders say what to change.
enum StarterConfiguration {
    static let text = """
        # Gatehouse configuration: a starting point for production, written by `gatehouse init`.
        # Reference: docs/configuration.md. Check it with: gatehouse check-config <this file>
        # Secrets are never written here: they come from environment variables or files.

        data_dir: ./gatehouse-data          # the evidence ledger's index and keys (created on first start, mode 0700)

        listeners:
          postgres:                         # agents' psql, ORMs, pg_dump connect here
            address: 0.0.0.0
            port: 6432
            tls:                            # tokens cross the network: TLS is required off loopback
              cert: certs/gateway.pem       # PEM certificate chain for the name agents connect to
              key: certs/gateway.key        # its private key (keep it 0600)
          http:                             # web UI, approvals API, Git, Blob, Kubernetes, /healthz, /readyz
            address: 0.0.0.0
            port: 8443
            tls:
              cert: certs/gateway.pem
              key: certs/gateway.key

        identity:
          issuers:
            # Entra ID (Azure AD): replace the tenant ID, and register an app whose Application ID
            # URI is the audience below; add the `groups` claim to its tokens (Token configuration >
            # Add groups claim > Security groups). Group claims hold group object IDs: use those
            # IDs in allowed_groups and approver_groups below.
            - issuer: https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0
              audiences: [api://gatehouse]
              groups_claim: groups

        web:
          public_url: https://gatehouse.example.com   # where approvers' browsers reach the http listener
          login:                            # approvers sign in with the same Entra ID tenant
            issuer: https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0
            client_id: 11111111-1111-1111-1111-111111111111   # the app registration's Application (client) ID
            client_secret_env: GATEHOUSE_UI_CLIENT_SECRET     # redirect URI to register: <public_url>/ui/callback
          auditor_groups: [dpo]             # may read sessions, timelines and the ledger in the web UI

        connections:
          - name: customers                 # agents connect to database "customers" on the postgres listener
            type: postgres
            upstream:
              host: db.internal.example.com
              port: 5432
              database: shop
              user: gatehouse_agent         # a role that cannot read personal data itself:
              approved_role: gatehouse_approved   # `gatehouse db-setup --config FILE` prints the SQL for both roles
              password_env: GATEHOUSE_PG_PASSWORD
              sslmode: verify-full          # checks the server's certificate and name (system trust store)
            allowed_groups: [engineers]     # who may connect at all
            personal_data:                  # what is personal data, by table and column: category
              - table: public.customers
                subject_key: id             # whose data a row is (data subject access requests)
                columns:
                  full_name: name
                  email: contact
                  phone: contact
                  iban: financial
            approval:                       # statements touching personal data wait for a human
              mode: personal-data
              approver_groups: [dpo]        # never the requester themselves (four-eyes)
              hold_seconds: 120
              max_grant_minutes: 60

        ledger:
          master_key_env: GATEHOUSE_LEDGER_MASTER_KEY   # 32+ bytes, e.g. `openssl rand -hex 32`; keep it safe: it unlocks the record
          origin: gatehouse.example.com/ledger          # names this log in every signed checkpoint
          checkpoint_sink:
            directory: ./gatehouse-checkpoints          # a copy of every checkpoint outside the database

        masking:
          key_env: GATEHOUSE_MASKING_KEY    # 32+ bytes: keys pseudonyms, so the same value masks the same way

        # Agents that use MCP tool servers get Gatehouse's own at <public_url>/mcp (docs/mcp.md),
        # with the same token, holds, masking and record; reads only unless a connection says
        # mcp_writes: true.
        # mcp:
        #   enabled: true

        # Several instances behind a load balancer share one PostgreSQL store (docs/deployment.md):
        # store:
        #   type: postgres
        #   host: gatehouse-store.internal.example.com
        #   database: gatehouse
        #   user: gatehouse
        #   password_env: GATEHOUSE_STORE_PASSWORD
        # and then the ledger also needs signing_key_env (`gatehouse audit key --new gatehouse.example.com/ledger`).

        """
}
