import Foundation
import GatehouseCore
import MCP

/// The open MCP sessions. A session belongs to the person whose token initialised it: a request
/// naming it with anyone else's token is answered as if it did not exist. Idle sessions close.
actor MCPSessionTable {
    struct Session {
        let transport: StatefulHTTPServerTransport
        let server: Server
        let tools: MCPTools
        let owner: Principal
        var lastUsed: Date
    }

    private var sessions: [String: Session] = [:]
    let idleSeconds: Int
    let perPrincipal: Int
    /// Over all people: each session holds a little memory and, while held, a database session.
    static let totalLimit = 1000

    init(idleSeconds: Int, perPrincipal: Int) {
        self.idleSeconds = idleSeconds
        self.perPrincipal = perPrincipal
    }

    /// The session `id`, when `caller` owns it.
    func session(_ id: String, caller: Principal) -> Session? {
        guard var session = sessions[id], Self.same(session.owner, caller) else { return nil }
        session.lastUsed = Date()
        sessions[id] = session
        return session
    }

    /// Why another session cannot be opened for `caller`, or nil.
    func refusalOfNewSession(for caller: Principal) -> String? {
        if sessions.count >= Self.totalLimit { return "the gateway holds the most MCP sessions it keeps open (\(Self.totalLimit)); try again later" }
        let held = sessions.values.filter { Self.same($0.owner, caller) }.count
        guard held < perPrincipal else {
            return "\(caller.displayName) already has \(perPrincipal) MCP sessions open: end one (HTTP DELETE with its Mcp-Session-Id) "
                + "or wait for an idle one to close (\(idleSeconds / 60) min)"
        }
        return nil
    }

    func add(_ id: String, _ session: Session) {
        sessions[id] = session
    }

    func remove(_ id: String) async {
        guard let session = sessions.removeValue(forKey: id) else { return }
        await Self.close(session)
    }

    /// Closes sessions unused for `idleSeconds`.
    func closeIdle(now: Date = Date()) async {
        let idle = sessions.filter { now.timeIntervalSince($0.value.lastUsed) > Double(idleSeconds) }
        for (id, session) in idle {
            sessions[id] = nil
            await Self.close(session)
        }
    }

    func closeAll() async {
        let all = sessions
        sessions = [:]
        for session in all.values { await Self.close(session) }
    }

    var count: Int { sessions.count }

    private static func close(_ session: Session) async {
        await session.tools.held.closeAll()
        await session.server.stop()
        await session.transport.disconnect()
    }

    private static func same(_ a: Principal, _ b: Principal) -> Bool {
        ExactIdentifier.same(a.issuer, b.issuer) && ExactIdentifier.same(a.subject, b.subject)
    }
}
