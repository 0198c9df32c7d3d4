import AsyncHTTPClient
import GatehouseConfig
import GatehouseCore
import GatehouseGitGateway
import GatehouseGitScan
import GatehouseHTTPProxy
import GatehouseIdentity
import GatehouseMasking
import GatehousePolicy
import Logging

/// Builds the Git gateway from the `type: git` connections: upstream endpoints with their
/// credentials resolved now (a missing token stops the start), push rules, the scanner that
/// uses the same detectors as masking, and approval on the broker every connection shares.
enum GitSetup {
    static func gateway(
        _ configuration: GatehouseConfiguration, validator: TokenValidator, recorder: any EventRecorder, httpClient: HTTPClient,
        approvals: ApprovalSetup
    ) throws -> GitGateway? {
        guard !configuration.gitConnections.isEmpty else { return nil }
        let subjectKey = try MaskingSetup.subjectKey(for: configuration)
        return GitGateway(
            connections: try connections(configuration), forwarder: HTTPForwarder(client: httpClient),
            authenticate: { try await validator.validate($0) }, recorder: recorder,
            subjectDigests: { emails in
                emails.prefix(SubjectReference.limitPerEvent).map {
                    SubjectReference(kind: IdentifierKind.email.rawValue, digest: subjectDigest(of: $0, kind: .email, key: subjectKey))
                }
            },
            approvals: approvals.broker, approvalURL: approvals.url, notificationKinds: approvals.notificationKinds)
    }

    /// The connections, their upstream credentials resolved now (also for a reload: a token
    /// that cannot be read refuses the reload).
    static func connections(_ configuration: GatehouseConfiguration) throws -> [GitGateway.Connection] {
        let detectors = try MaskingSetup.detectorSet(configuration.masking)
        return try configuration.gitConnections.map { connection in
            let upstream: UpstreamEndpoint
            do {
                upstream = try UpstreamEndpoint(url: connection.upstream.url, credential: try credential(connection.upstream))
            } catch {
                throw ValidationFailure("\(configuration.sourcePath): connection '\(connection.name)': \(error)")
            }
            let rules = connection.push
            return GitGateway.Connection(
                name: connection.name, upstream: upstream, allowedGroups: connection.allowedGroups,
                push: GitPushPolicy(branches: rules.branches, tags: rules.tags, allowForce: rules.allowForce),
                scanner: rules.scan == .off ? nil : GitPushScanner(detectors: detectors), scanHolds: rules.scan == .hold,
                approval: GitApprovalTrigger(rules: connection.approval, repositories: connection.personalDataRepositories))
        }
    }

    /// The HTTP client Git requests go upstream with: no redirects (a credential must not follow
    /// one), long idle reads (large clones).
    static func makeHTTPClient() -> HTTPClient {
        HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPForwarder.clientConfiguration())
    }

    private static func credential(_ upstream: GitUpstream) throws -> UpstreamCredential {
        switch upstream.authentication {
        case .none: return .none
        case .basic: return .basic(user: upstream.username, password: try upstream.token?.resolve() ?? "")
        case .bearer: return .bearer(try upstream.token?.resolve() ?? "")
        }
    }
}
