import ArgumentParser
import Foundation
import GatehouseConfig
import GatehouseIdentity
import GatehousePolicy
import Logging

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run Gatehouse on its embedded defaults with a demo PostgreSQL holding sample personal data.",
        discussion: """
            Starts a throwaway PostgreSQL (initdb into <data-dir>/postgres, a free loopback port) \
            seeded with customers and orders, the gateway with SQLite state and the built-in dev \
            token issuer, writes <data-dir>/gatehouse.yaml, and prints a token and a psql command. \
            With --blob-stand-in, also a storage account with sample files behind an Azure Blob \
            connection, and a Python snippet using the Azure SDK through the gateway; with \
            --kube-stand-in, a Kubernetes API server with sample pods and the kubectl commands. \
            Ctrl-C stops everything.
            """)

    static let defaultDataDirectory = "gatehouse-demo"

    @Option(help: "Where the demo keeps its state (configuration, keys, evidence ledger, PostgreSQL).")
    var dataDir: String = DemoCommand.defaultDataDirectory

    @Option(help: "The gateway's PostgreSQL port.")
    var port: Int = 6432

    @Option(help: "The gateway's HTTPS port (web UI, dev issuer, approvals API, Azure Blob).")
    var httpPort: Int = 8080

    @Option(help: ArgumentHelp("The Azure Blob stand-in to start for the demo's Blob connection (scripts/demo.sh passes "
                               + "tests/integration/blob_standin.py); without it the demo has no Blob connection.",
                               valueName: "script"))
    var blobStandIn: String?

    @Option(help: ArgumentHelp("The Kubernetes API server stand-in to start for the demo's Kubernetes connection (scripts/demo.sh "
                               + "passes tests/integration/kube_standin.py; needs root); without it the demo has no Kubernetes connection.",
                               valueName: "script"))
    var kubeStandIn: String?

    func run() async throws {
        let dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL.path
        let postgresDirectory = dataDirectory + "/postgres"
        try? FileManager.default.removeItem(atPath: postgresDirectory)
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)

        guard let seedURL = Bundle.module.url(forResource: "demo-seed", withExtension: "sql"),
              let seed = try? String(contentsOf: seedURL, encoding: .utf8)
        else { throw ValidationFailure("the demo seed (demo-seed.sql) is missing from the gatehouse bundle") }

        announce("gatehouse demo: starting PostgreSQL in \(postgresDirectory) ...")
        let postgres = try DemoPostgres.start(directory: postgresDirectory, seedSQL: seed)
        defer { postgres.stop() }

        let tls = try SelfSignedCertificate.ensure(in: dataDirectory + "/tls")
        let storage = try blobStandIn.map { try startStorage(script: $0, directory: dataDirectory + "/blob") }
        defer { storage?.stop() }
        let cluster = try kubeStandIn.map { try startCluster(script: $0, directory: dataDirectory + "/kube", tls: tls) }
        defer { cluster?.stop() }

        let passwordVariable = "GATEHOUSE_DEMO_PG_PASSWORD"
        setenv(passwordVariable, postgres.password, 1)
        let configPath = dataDirectory + "/gatehouse.yaml"
        try demoConfiguration(postgres: postgres, storage: storage, cluster: cluster, tls: tls, passwordVariable: passwordVariable)
            .write(toFile: configPath, atomically: true, encoding: .utf8)

        let configuration = try loadConfiguration(configPath)
        // The demo runs as production should: the role Gatehouse logs in as cannot read
        // classified columns; approved statements run as the approved role (docs/security.md).
        if let shop = configuration.connections.first, let approvedRole = shop.upstream.approvedRole {
            try postgres.hardenForGatehouse(setupSQL: BackstopSetupSQL(
                database: postgres.database, loginRole: postgres.user, approvedRole: approvedRole, classification: shop.personalData).script)
        }
        _ = EscapingLogHandler.bootstrapped
        var logger = Logger(label: "gatehouse")
        logger.logLevel = .warning
        do {
            try await GatewayRuntime(configuration: configuration, logger: logger).run { postgresPort, _ in
                printInstructions(configuration: configuration, configPath: configPath, postgresPort: postgresPort,
                                  certificate: tls.certificate, blob: storage != nil, kubernetes: cluster != nil)
            }
        } catch {
            printError("gatehouse demo: \(error)")
            throw ExitCode(1)
        }
        announce("gatehouse demo: stopped")
    }

    private func printInstructions(configuration: GatehouseConfiguration, configPath: String, postgresPort: Int, certificate: String,
                                   blob: Bool, kubernetes: Bool) {
        let token: String
        do {
            let settings = configuration.devIssuer!
            let issuer = try DevIssuer.loadOrCreate(directory: configuration.dataDirectory, issuerURL: devIssuerURL(configuration), audience: settings.audience)
            token = try issuer.mintToken(subject: "alice@example.com", groups: ["engineers"], ttlSeconds: settings.tokenTTLSeconds,
                                         username: "alice", agentApplication: "demo-agent")
        } catch {
            printError("gatehouse demo: cannot mint the demo token: \(error)")
            return
        }
        let gatehouse = Executable.shellCommand()
        announce("""

            Gatehouse demo is running. Connect as alice (group engineers) through the gateway:

              psql "host=127.0.0.1 port=\(postgresPort) dbname=shop user=alice sslmode=require password=\(token)"

            Try: /* purpose: DEMO-1 check contact data */ SELECT full_name, email, city FROM customers LIMIT 5;
            It reads personal data, so it waits (up to 120 s) for an approver. Open the web UI in a browser
            (the certificate is the demo's own, \(certificate): accept the browser's warning):

              https://127.0.0.1:\(httpPort)/ui

            and sign in with the dev issuer as bob, groups "approvers, auditors" (the dev sign-in page asks; no
            password: never enable the dev issuer in production). Open the request, give a reason, approve.
            Or, from a terminal:

              export GATEHOUSE_TOKEN=$(\(gatehouse) token --config \(configPath) --sub bob@example.com --groups engineers,approvers)
              \(gatehouse) approvals list --config \(configPath)
              \(gatehouse) approvals approve <ID> --config \(configPath) --reason "demo" --minutes 10

            The query then returns, masked. In the UI, Sessions shows alice's session and its timeline (every
            ledger entry, each with its inclusion proof checked), and Ledger verifies the whole log. Every statement and decision is recorded in the evidence ledger
            \(configuration.ledgerDatabasePath) before it takes effect; verify it with
            `\(gatehouse) audit verify --config \(configPath)`, see who touched a person with
            `\(gatehouse) audit subject --config \(configPath) --email <address>`.
            Mint more tokens:  \(gatehouse) token --config \(configPath) --sub bob@example.com --groups engineers
            """ + (blob ? blobInstructions(token: token, certificate: certificate) : "")
            + (kubernetes ? kubernetesInstructions(configPath: configPath, gatehouse: gatehouse) : "")
            + mcpInstructions(configuration: configuration, certificate: certificate) + "\nStop with Ctrl-C.")
    }

    /// The MCP endpoint, as an MCP client registers it (docs/mcp.md).
    private func mcpInstructions(configuration: GatehouseConfiguration, certificate: String) -> String {
        """


            MCP: agents that use tool servers reach the same data through \(configuration.publicBaseURL)/mcp
            (docs/mcp.md). Register it in an MCP client, e.g. a .mcp.json beside the agent's work:

              {"mcpServers": {"gatehouse": {"type": "http", "url": "\(configuration.publicBaseURL)/mcp",
                "headers": {"Authorization": "Bearer ${GATEHOUSE_TOKEN}"}}}}

            with GATEHOUSE_TOKEN set to a token as above, and the client trusting \(certificate)
            (NODE_EXTRA_CA_CERTS for Node-based clients, SSL_CERT_FILE for Python). Its query tool holds
            the same statements for approval and masks the same columns.
            """
    }

    private func demoConfiguration(postgres: DemoPostgres, storage: DemoStandIn?, cluster: DemoStandIn?,
                                   tls: (certificate: String, key: String), passwordVariable: String) -> String {
        """
        # Written by `gatehouse demo`; see docs/configuration.md.
        data_dir: .
        listeners:
          postgres:
            address: 127.0.0.1
            port: \(port)
            tls:
              cert: \(tls.certificate)
              key: \(tls.key)
          http:
            address: 127.0.0.1
            port: \(httpPort)
            tls:
              cert: \(tls.certificate)
              key: \(tls.key)
        identity:
          dev_issuer:
            enabled: true
            audience: gatehouse
            token_ttl_seconds: 3600
        connections:
          - name: shop
            type: postgres
            upstream:
              host: 127.0.0.1
              port: \(postgres.port)
              database: \(postgres.database)
              user: \(postgres.user)
              approved_role: \(postgres.approvedRole)
              password_env: \(passwordVariable)
              sslmode: disable
            allowed_groups: [engineers]
            personal_data:
              - table: public.customers
                subject_key: id
                columns:
                  full_name: name
                  email: contact
                  phone: contact
                  national_id: national-id
                  card_number: financial
                  iban: financial
                  birth_date: demographic
                  notes: free-text
              - table: public.orders
                subject_key: {column: customer_id, of: public.customers}
              - table: public.support_tickets
                subject_key: {column: customer_id, of: public.customers}
                columns:
                  subject: free-text
                  body: free-text
                  metadata:
                    category: free-text
                    json_fields:
                      $.caller.name: name
                      $.caller.number: contact
                      $.reply_to: contact
                      $.refund.iban: financial
            approval:
              mode: personal-data
              approver_groups: [approvers]
              hold_seconds: 120
              max_grant_minutes: 60
        \(storage.map(blobConnection) ?? "")\(cluster.map { kubernetesConnection($0, certificate: tls.certificate) } ?? "")masking:
          categories:
            free-text: detect
        web:
          auditor_groups: [auditors]
          admin_groups: [admins]
        mcp:
          enabled: true
        """
    }
}
