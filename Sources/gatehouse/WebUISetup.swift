import AsyncHTTPClient
import Foundation
import GatehouseConfig
import GatehouseCore
import GatehouseIdentity
import GatehouseLedger
import GatehousePolicy
import GatehouseStore
import GatehouseStorePostgres
import GatehouseWeb
import Logging

/// Builds the web UI from the configuration: the sign-in provider (`web.login`, else the dev
/// issuer), roles from groups, the ledger the auditor pages read, and the connections page.
enum WebUISetup {
    static func make(
        _ configuration: GatehouseConfiguration, approvals: ApprovalSetup, api: ApprovalAPI, devIssuer: DevIssuer?,
        ledger: SQLiteLedgerStore, recorder: any EventRecorder, httpClient: HTTPClient, signIns: PostgresSignInStore?,
        derivedClassification: @escaping @Sendable (String) -> DataClassification, logger: Logger
    ) throws -> WebUI {
        let publicURL = configuration.publicBaseURL
        let callbackURL = publicURL + WebUI.basePath + "/callback"
        let login = try loginProvider(configuration, devIssuer: devIssuer, callbackURL: callbackURL, httpClient: httpClient, logger: logger)
        let roles = UIRoleRules(approverGroups: configuration.approverGroups,
                                auditorGroups: configuration.web.auditorGroups, adminGroups: configuration.web.adminGroups)
        var ui = WebUI(publicBaseURL: publicURL, login: login, roles: roles, approvals: api,
                       evidence: try evidence(configuration, ledger: ledger),
                       connections: configuration.connections.map(connection) + configuration.gitConnections.map(connection),
                       sessionLifetime: TimeInterval(configuration.web.sessionMinutes * 60), recorder: recorder,
                       sharing: try signIns.map { .init(store: $0, signInKey: try LedgerSetup.masterKey(configuration).derivedKey(for: signInKeyPurpose)) })
        ui.derivedClassification = { classifiedTables(derivedClassification($0)) }
        do {
            try ui.startSharing()
        } catch {
            throw ValidationFailure("web UI sign-ins cannot be shared: \(error)")
        }
        return ui
    }

    /// HKDF info for the key sealing sign-ins in progress, derived from the ledger master key
    /// when instances share a store (a sign-in started on one may return to another).
    static let signInKeyPurpose = "gatehouse web UI sign-in cookie v1"

    /// The shared store's sign-ins (`store: postgres`), connected; nil for the embedded default.
    static func sharedSignIns(_ configuration: GatehouseConfiguration, logger: Logger) throws -> PostgresSignInStore? {
        do {
            return try LedgerSetup.storeSettings(configuration).map { try PostgresSignInStore(settings: $0, logger: logger) }
        } catch let error as LedgerStoreError {
            throw ValidationFailure("web UI sign-ins cannot be shared: \(error)")
        }
    }

    /// The UI's OIDC client: `web.login` names one of `identity.issuers`; without it the dev
    /// issuer signs humans in (client ID `gatehouse-ui`). ID tokens are validated with the
    /// issuer's own settings, the client ID as audience, and the sign-in's nonce.
    private static func loginProvider(
        _ configuration: GatehouseConfiguration, devIssuer: DevIssuer?, callbackURL: String, httpClient: HTTPClient, logger: Logger
    ) throws -> UILoginProvider? {
        let issuer: IssuerConfiguration
        let clientID: String
        var clientSecret: String?
        var scopes = WebConfiguration.defaultScopes
        if let login = configuration.web.login {
            guard let settings = configuration.issuers.first(where: { $0.issuer == login.issuer }) else { return nil }
            issuer = IssuerConfiguration(issuer: settings.issuer, audiences: [login.clientID], discoveryURL: settings.discoveryURL,
                                         groupsClaim: settings.groupsClaim, algorithms: settings.algorithms, leewaySeconds: settings.leewaySeconds)
            clientID = login.clientID
            scopes = login.scopes
            do {
                clientSecret = try login.clientSecret.map { try $0.resolve() }
            } catch {
                throw ValidationFailure("\(configuration.sourcePath): web.login client secret: \(error)")
            }
        } else if let devIssuer {
            clientID = WebConfiguration.devIssuerClientID
            var settings = devIssuer.issuerConfiguration
            settings.audiences = [clientID]
            issuer = settings
        } else {
            return nil
        }
        let client = OIDCLoginClient(issuer: issuer, clientID: clientID, clientSecret: clientSecret, redirectURI: callbackURL,
                                     scopes: scopes, httpClient: httpClient, logger: logger)
        let validator = TokenValidator(issuers: [issuer], httpClient: httpClient, logger: logger)
        return UILoginProvider(
            issuer: issuer.issuer,
            authorizationURL: { state, nonce, challenge in
                try await client.authorizationURL(state: state, nonce: nonce, codeChallenge: challenge)
            },
            complete: { code, verifier, nonce in
                let idToken = try await client.exchange(code: code, codeVerifier: verifier)
                return try await validator.validateIDToken(idToken, nonce: nonce)
            })
    }

    private static func evidence(_ configuration: GatehouseConfiguration, ledger: SQLiteLedgerStore) throws -> UIEvidence {
        let signer = try LedgerSetup.signer(configuration)
        let verifier = signer.verifier
        let origin = LedgerSetup.origin(configuration, signer: signer)
        let browser = LedgerBrowser(store: ledger, masterKey: try LedgerSetup.masterKey(configuration), verifier: verifier, origin: origin)
        return UIEvidence(browser: browser) {
            // The same checks as `gatehouse audit verify`, through a store of their own (opening
            // it re-verifies the tree) on a thread of their own: the gateway's appends go on
            // meanwhile, and a long verification holds no event loop.
            await Task.detached {
                do {
                    let summary = try LedgerSetup.verifyWholeLog(configuration, verifier: verifier)
                    return UIEvidence.Verification(passed: true, message: summary.description)
                } catch {
                    return UIEvidence.Verification(passed: false, message: "\(error)")
                }
            }.value
        }
    }

    private static func connection(_ connection: ConnectionConfiguration) -> UIConnection {
        let upstream = connection.upstream
        return UIConnection(
            name: connection.name, kind: connection.type.rawValue, upstream: "\(upstream.host):\(upstream.port)/\(upstream.database)",
            allowedGroups: connection.allowedGroups,
            details: approvalDetails(connection.approval),
            classified: classifiedTables(connection.personalData))
    }

    private static func classifiedTables(_ classification: DataClassification) -> [UIConnection.ClassifiedTable] {
        classification.tables.map { table in
            UIConnection.ClassifiedTable(relation: table.relation.description, category: table.category,
                                         columns: table.columns.sorted { $0.key < $1.key }.map { (name: $0.key, category: $0.value) })
        }
    }

    /// A connection's approval rules, as the Connections page lists them (both kinds).
    private static func approvalDetails(_ rules: ApprovalRules) -> [UIConnection.Detail] {
        func groups(_ list: [String]) -> String { list.isEmpty ? "none" : list.joined(separator: ", ") }
        return [
            .init("Approval", rules.mode.rawValue), .init("Approver groups", groups(rules.approverGroups)),
            .init("Break-glass groups", groups(rules.breakGlassGroups)), .init("Hold time", "\(rules.holdTimeoutSeconds) s"),
            .init("Longest grant", "\(rules.maximumGrantMinutes) minutes"),
        ]
    }

    private static func scanDescription(_ scan: GitPushRules.Scan) -> String {
        switch scan {
        case .reject: "pushes adding personal identifiers are refused"
        case .hold: "pushes adding personal identifiers wait for approval"
        case .off: "off"
        }
    }

    private static func connection(_ connection: GitConnectionConfiguration) -> UIConnection {
        let push = connection.push
        return UIConnection(
            name: connection.name, kind: "git", upstream: connection.upstream.url, allowedGroups: connection.allowedGroups,
            details: [
                .init("Push to branches", push.branches.joined(separator: ", ")), .init("Tags", push.tags ? "may be created" : "refused"),
                .init("Forced updates", push.allowForce ? "allowed" : "refused"),
                .init("Push scanning", scanDescription(push.scan)),
                .init("Repositories holding personal data", connection.personalDataRepositories.isEmpty ? "none"
                    : connection.personalDataRepositories.map { "\($0.pattern) (\($0.operations.sorted().map(\.rawValue).joined(separator: " and ")) held)" }
                        .joined(separator: "; ")),
            ] + approvalDetails(connection.approval),
            classified: [])
    }
}
