import NIOCore

/// What the upstream server told us during login: relayed to the client (parameters) or kept by
/// the gateway (the backend key, for cancel requests).
public struct UpstreamSession: Sendable, Equatable {
    public var parameters: [(name: String, value: String)]
    public var backendKey: BackendKey?

    public static func == (lhs: UpstreamSession, rhs: UpstreamSession) -> Bool {
        lhs.backendKey == rhs.backendKey && lhs.parameters.map { "\($0.name)=\($0.value)" } == rhs.parameters.map { "\($0.name)=\($0.value)" }
    }
}

/// Why the upstream login failed; safe to show the client (never holds the password).
public struct UpstreamLoginError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public var serverError: ErrorFields?
    public init(_ description: String, serverError: ErrorFields? = nil) {
        self.description = description
        self.serverError = serverError
    }
}

/// Gatehouse logging in to the real server with the connection's own credentials. Pure: feed it
/// the server's frames, it says what to send. Supports trust, cleartext, md5 and SCRAM-SHA-256.
public struct UpstreamLoginStateMachine: Sendable {
    public enum Action: Sendable, Equatable {
        case send(PostgresFrame)
        case wait
        case loggedIn(UpstreamSession)
    }

    private enum State: Sendable {
        case awaitingAuthentication
        case scram(SCRAMClient)
        case awaitingReady
        case done
    }

    private let user: String
    private let database: String
    private let password: String?
    private let applicationName: String
    private var state: State = .awaitingAuthentication
    private var session = UpstreamSession(parameters: [], backendKey: nil)

    public init(user: String, database: String, password: String?, applicationName: String) {
        self.user = user
        self.database = database
        self.password = password
        self.applicationName = applicationName
    }

    public var startupPacket: StartupPacket {
        .startup(parameters: ["user": user, "database": database, "application_name": applicationName])
    }

    public mutating func receive(_ frame: PostgresFrame) throws -> Action {
        switch frame.type {
        case BackendMessage.authenticationType:
            return try authentication(frame.body)
        case BackendMessage.errorType:
            let fields = ErrorFields.decode(frame.body)
            throw UpstreamLoginError("upstream login failed: \(fields.message) (SQLSTATE \(fields.code))", serverError: fields)
        case BackendMessage.parameterStatusType:
            if let parameter = BackendMessage.readParameterStatus(frame.body) { session.parameters.append(parameter) }
            return .wait
        case BackendMessage.backendKeyDataType:
            session.backendKey = BackendMessage.readBackendKey(frame.body)
            return .wait
        case BackendMessage.readyForQueryType:
            guard case .awaitingReady = state else { throw UpstreamLoginError("upstream sent ReadyForQuery before authentication completed") }
            state = .done
            return .loggedIn(session)
        case BackendMessage.noticeType, BackendMessage.negotiateProtocolVersionType:
            return .wait
        default:
            throw UpstreamLoginError("upstream sent unexpected message '\(frame.typeCharacter)' during login")
        }
    }

    private mutating func authentication(_ body: ByteBuffer) throws -> Action {
        var body = body
        guard let code: Int32 = body.readInteger() else { throw UpstreamLoginError("upstream sent a malformed authentication message") }
        switch (code, state) {
        case (0, .awaitingAuthentication), (0, .scram):
            state = .awaitingReady
            return .wait
        case (3, .awaitingAuthentication):
            return .send(FrontendMessage.password(try requirePassword()))
        case (5, .awaitingAuthentication):
            guard let salt = body.readBytes(length: 4) else { throw UpstreamLoginError("upstream sent a malformed md5 salt") }
            return .send(FrontendMessage.password(MD5Password.response(user: user, password: try requirePassword(), salt: salt)))
        case (10, .awaitingAuthentication):
            var mechanisms: [String] = []
            while let mechanism = body.readNullTerminatedString(), !mechanism.isEmpty { mechanisms.append(mechanism) }
            guard mechanisms.contains(SCRAMClient.mechanism) else {
                throw UpstreamLoginError("upstream offers SASL mechanisms \(mechanisms.joined(separator: ", ")); Gatehouse supports SCRAM-SHA-256")
            }
            var client = SCRAMClient(password: try requirePassword())
            let first = client.clientFirstMessage()
            state = .scram(client)
            return .send(FrontendMessage.saslInitialResponse(mechanism: SCRAMClient.mechanism, data: first))
        case (11, .scram(var client)):
            let final = try client.clientFinalMessage(serverFirst: body.readBytes(length: body.readableBytes) ?? [])
            state = .scram(client)
            return .send(FrontendMessage.saslResponse(final))
        case (12, .scram(let client)):
            try client.verifyServerFinal(body.readBytes(length: body.readableBytes) ?? [])
            return .wait
        default:
            throw UpstreamLoginError("upstream requested authentication method \(code), which Gatehouse does not support here")
        }
    }

    private func requirePassword() throws -> String {
        guard let password else {
            throw UpstreamLoginError("upstream requires a password but the connection configures none (set password_env or password_file)")
        }
        return password
    }
}
