// swift-tools-version:6.0
// Gatehouse: a Layer-7 access gateway for AI coding agents. See README.md and docs/.
import PackageDescription

/// For modules on the per-byte hot path (see GatehouseMasking below).
let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "gatehouse",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gatehouse", targets: ["gatehouse"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket.git", from: "1.6.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.1"),
    ],
    targets: [
        // Vocabulary shared by every other module: principals, requests, decisions, events.
        .target(name: "GatehouseCore"),

        // Prometheus metrics counted from the events the gateway records (GET /metrics).
        .target(name: "GatehouseMetrics", dependencies: [
            "GatehouseCore",
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),

        // The YAML configuration file: typed model, loading, validation with line numbers.
        .target(name: "GatehouseConfig", dependencies: [
            "GatehouseCore", "GatehouseMasking", "GatehousePolicy", "GatehouseBlob", "GatehouseKubernetes",
            .product(name: "Yams", package: "Yams"),
        ]),

        // OIDC token validation (discovery, JWKS cache) and the built-in dev issuer.
        .target(name: "GatehouseIdentity", dependencies: [
            "GatehouseCore",
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Pure masking of personal identifiers: detectors, strategies, subject hits. No I/O.
        // Optimised even in debug builds: it runs over every byte relayed, and unoptimised it is
        // an order of magnitude slower, which would make debug-build integration tests time out.
        .target(name: "GatehouseMasking", dependencies: [
            "GatehouseCore", "CPhoneNumbers",
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: optimisedInDebug),

        // Google's libphonenumber (Debian's libphonenumber-dev, C++) behind a small C interface:
        // the numbering-plan data the phone-number detector checks candidates against.
        .target(name: "CPhoneNumbers", linkerSettings: [.linkedLibrary("phonenumber")]),

        // Prints the masking engine's throughput (a benchmark, not a test): bench/masking_throughput.sh.
        .executableTarget(name: "masking-benchmark", dependencies: ["GatehouseMasking", "GatehouseCore"]),

        // Pure decisions: who may reach which connection, what needs approval, what is masked.
        .target(name: "GatehousePolicy", dependencies: ["GatehouseCore"]),

        // PostgreSQL's own parser (Debian's libpg-query-dev), linked as a system library.
        .systemLibrary(name: "CPGQuery", path: "Sources/CPGQuery"),

        // Statement analysis on top of libpg_query: kinds, relations, columns, lineage.
        .target(name: "GatehouseSQL", dependencies: ["GatehouseCore", "CPGQuery"]),

        // Durable state: the write-ahead event log (SQLite by default).
        .target(name: "GatehouseStore", dependencies: [
            "GatehouseCore", "GatehouseLedger",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // The shared store in PostgreSQL, for several gateway instances: the ledger's log and the approvals (docs/deployment.md).
        .target(name: "GatehouseStorePostgres", dependencies: [
            "GatehouseStore", "GatehouseLedger", "GatehouseCore", "GatehouseApproval",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // The tamper-evident evidence ledger, pure: Merkle trees, signed notes and checkpoints (C2SP).
        .target(name: "GatehouseLedger", dependencies: [
            "GatehouseCore",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // Prints Merkle root and proof costs at a million leaves (a benchmark, not a test).
        .executableTarget(name: "ledger-benchmark", dependencies: ["GatehouseLedger", "GatehouseCore"]),

        // Prints the cost of each stage of one PostgreSQL statement's hot path (a benchmark, not a test).
        .executableTarget(name: "hotpath-benchmark", dependencies: [
            "GatehouseCore", "GatehouseLedger", "GatehouseMasking", "GatehousePostgresMasking", "GatehousePostgresWire", "GatehouseSQL",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // Prints durable group-commit append throughput of the SQLite ledger store (a benchmark, not a test).
        .executableTarget(name: "ledger-store-benchmark", dependencies: ["GatehouseStore", "GatehouseLedger", "GatehouseCore"]),

        // PostgreSQL protocol 3.0 as pure values and state machines: no sockets here.
        .target(name: "GatehousePostgresWire", dependencies: [
            "GatehouseCore",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),

        // Masking of PostgreSQL results, pure: which column is masked how, and rewriting DataRow,
        // COPY and error fields by PostgreSQL type and format.
        .target(name: "GatehousePostgresMasking", dependencies: [
            "GatehouseCore", "GatehouseMasking", "GatehousePostgresWire",
            .product(name: "NIOCore", package: "swift-nio"),
        ], swiftSettings: optimisedInDebug),

        // zlib (Debian's zlib1g-dev), linked as a system library: Git packs are zlib streams.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),

        // Git's smart HTTP protocol and pack format as pure values and parsers: pkt-lines,
        // upload-pack and receive-pack requests, report-status, pack objects, commits, deltas.
        .target(name: "GatehouseGit", dependencies: [
            "GatehouseCore", "CZlib",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // Scanning what a Git push adds (whole blobs, delta inserts) for personal identifiers, pure.
        .target(name: "GatehouseGitScan", dependencies: ["GatehouseCore", "GatehouseGit", "GatehouseMasking"], swiftSettings: optimisedInDebug),

        // The Azure Blob service REST protocol as pure values: requests classified into the
        // operations Gatehouse allows, Shared Key signing, service-style errors, listing and
        // content masking by classification.
        .target(name: "GatehouseBlob", dependencies: [
            "GatehouseCore", "GatehousePolicy", "GatehouseMasking",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // The Kubernetes API as Gatehouse sees it, pure: which requests are allowed, exec's stream
        // protocol, Status errors, the classification of pods, command rules, and kubectl cp's tar
        // streams masked or scanned (docs/kubernetes.md).
        .target(name: "GatehouseKubernetes", dependencies: ["GatehouseCore", "GatehousePolicy", "GatehouseMasking"]),

        // Kubernetes through the gateway: authentication, operation and namespace rules, recording,
        // forwarding under the gateway's credential, masked objects and logs (docs/kubernetes.md).
        .target(name: "GatehouseKubeGateway", dependencies: [
            "GatehouseKubernetes", "GatehouseCore", "GatehouseHTTPProxy", "GatehouseMasking", "GatehousePolicy", "GatehouseApproval",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "WSCore", package: "swift-websocket"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Azure Blob Storage through the gateway: authentication, operation rules, recording,
        // Shared Key signing, masked downloads and listings, scanned uploads (docs/blob.md).
        .target(name: "GatehouseBlobGateway", dependencies: [
            "GatehouseBlob", "GatehouseCore", "GatehouseHTTPProxy", "GatehouseMasking", "GatehouseApproval", "GatehousePolicy",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOFoundationCompat", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Git smart HTTP through the gateway: authentication, push rules and scanning, recording,
        // forwarding through the HTTP proxy core.
        .target(name: "GatehouseGitGateway", dependencies: [
            "GatehouseApproval", "GatehouseCore", "GatehouseGit", "GatehouseGitScan", "GatehouseHTTPProxy", "GatehouseIdentity", "GatehousePolicy",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),

        // The PostgreSQL listener, upstream connector and relay (SwiftNIO).
        .target(name: "GatehousePostgres", dependencies: [
            "GatehouseApproval",
            "GatehouseCore", "GatehousePostgresWire", "GatehouseIdentity", "GatehousePolicy",
            "GatehouseSQL", "GatehouseStore", "GatehouseConfig", "GatehouseMasking", "GatehousePostgresMasking",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // HTTP endpoints: health, the dev issuer, the approvals REST API and the web UI.
        .target(name: "GatehouseWeb", dependencies: [
            "GatehouseCore", "GatehouseIdentity", "GatehouseApproval", "GatehousePolicy", "GatehouseStore", "GatehouseLedger",
            "GatehouseHTTPProxy",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // The HTTP reverse-proxy core the Git, Azure Blob and Kubernetes adapters share: forwarding
        // with credential injection, hop-by-hop hygiene and streaming both ways.
        .target(name: "GatehouseHTTPProxy", dependencies: [
            "GatehouseCore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Approval notifications: payloads (generic webhook, Slack, Teams), HMAC signing, delivery with retries.
        .target(name: "GatehouseNotify", dependencies: [
            "GatehouseCore",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),

        // Just-in-time approval, pure: requests and their state machine, grants, the broker that
        // holds requests until decided. No I/O; the gateway turns its transitions into evidence.
        .target(name: "GatehouseApproval", dependencies: ["GatehouseCore", "GatehousePolicy"]),

        // The `gatehouse` command: serve, demo, token, check-config, approvals, audit.
        // The MCP endpoint (/mcp, Streamable HTTP): tools for agents that run through the same
        // identity, analysis, approval, masking and recording as the native protocols (docs/mcp.md).
        .target(name: "GatehouseMCP", dependencies: [
            "GatehouseApproval", "GatehouseCore", "GatehouseHTTPProxy", "GatehouseIdentity", "GatehousePostgres", "GatehousePostgresWire",
            "GatehouseSQL",
            .product(name: "MCP", package: "swift-sdk"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        .executableTarget(name: "gatehouse", dependencies: [
            "GatehouseCore", "GatehouseConfig", "GatehouseIdentity", "GatehousePostgres", "GatehouseMetrics", "GatehouseMCP",
            "GatehouseStore", "GatehouseWeb", "GatehouseMasking", "GatehouseApproval", "GatehousePolicy", "GatehouseNotify",
            "GatehouseGitGateway", "GatehouseGitScan", "GatehouseHTTPProxy", "GatehouseBlob", "GatehouseBlobGateway",
            "GatehouseKubernetes", "GatehouseKubeGateway", "GatehouseLedger", "GatehouseSQL", "GatehouseStorePostgres",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], resources: [.copy("Demo/demo-seed.sql"), .copy("Demo/blob-seed")]),

        .testTarget(name: "GatehouseKubernetesTests", dependencies: [
            "GatehouseKubernetes", "GatehousePolicy", "GatehouseMasking", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "GatehouseMetricsTests", dependencies: ["GatehouseMetrics", "GatehouseCore"]),
        .testTarget(name: "GatehouseConfigTests", dependencies: [
            "GatehouseConfig", "GatehouseCore", "GatehousePolicy", "GatehouseMasking", "GatehouseBlob", "GatehouseKubernetes",
        ]),
        .testTarget(name: "GatehouseIdentityTests", dependencies: [
            "GatehouseIdentity", "GatehouseCore",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "GatehouseMaskingTests", dependencies: ["GatehouseMasking", "GatehouseCore"]),
        .testTarget(name: "GatehousePostgresMaskingTests", dependencies: [
            "GatehousePostgresMasking", "GatehouseMasking", "GatehouseCore", "GatehousePostgresWire",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "GatehouseApprovalTests", dependencies: ["GatehouseApproval", "GatehousePolicy", "GatehouseCore"]),
        .testTarget(name: "GatehousePolicyTests", dependencies: ["GatehousePolicy", "GatehouseCore"]),
        .testTarget(name: "GatehouseSQLTests", dependencies: ["GatehouseSQL", "GatehouseCore"]),
        .testTarget(name: "GatehouseStoreTests", dependencies: [
            "GatehouseStore", "GatehouseCore", "GatehouseLedger",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "GatehouseLedgerTests", dependencies: [
            "GatehouseLedger", "GatehouseCore",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "GatehouseNotifyTests", dependencies: [
            "GatehouseNotify", "GatehouseCore",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "GatehouseMCPTests", dependencies: [
            "GatehouseMCP", "GatehouseCore", "GatehouseSQL", "GatehousePostgresWire", "GatehousePostgres",
            .product(name: "MCP", package: "swift-sdk"),
        ]),
        .testTarget(name: "GatehouseWebTests", dependencies: [
            "GatehouseWeb", "GatehouseApproval", "GatehousePolicy", "GatehouseCore", "GatehouseIdentity", "GatehouseStore", "GatehouseLedger",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "GatehouseGitTests", dependencies: ["GatehouseGit", "GatehouseCore"]),
        .testTarget(name: "GatehouseGitGatewayTests", dependencies: ["GatehouseGitGateway"]),
        .testTarget(name: "GatehouseBlobTests", dependencies: [
            "GatehouseBlob", "GatehouseMasking", "GatehouseCore", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "GatehouseGitScanTests", dependencies: ["GatehouseGitScan", "GatehouseGit", "GatehouseMasking", "GatehouseCore"]),
        .testTarget(name: "GatehousePostgresWireTests", dependencies: [
            "GatehousePostgresWire",
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .testTarget(name: "GatehouseHTTPProxyTests", dependencies: ["GatehouseHTTPProxy", "GatehouseCore", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"), .product(name: "Logging", package: "swift-log")]),
    ],
    swiftLanguageModes: [.v5],
    cxxLanguageStandard: .cxx17
)
