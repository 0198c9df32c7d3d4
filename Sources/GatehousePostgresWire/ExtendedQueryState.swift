import NIOCore

/// What the client prepared and bound in the extended protocol, so that at Execute time the
/// gateway knows which statement text and parameters are about to run.
public struct ExtendedQueryState: Sendable {
    public struct Portal: Sendable, Equatable {
        public var statementText: String
        public var parameters: [String?]
    }

    private struct PreparedStatement: Sendable {
        var text: String
        /// From Parse, completed by the server's ParameterDescription where Parse left a 0.
        var parameterTypes: [UInt32]
    }

    private var statements: [String: PreparedStatement] = [:]
    private var portals: [String: Portal] = [:]
    /// Statements whose Describe went upstream and whose ParameterDescription is due, in order.
    private var describedStatements: [String] = []

    public init() {}

    public mutating func parsed(_ parse: FrontendMessage.Parse) {
        statements[parse.statementName] = PreparedStatement(text: parse.query, parameterTypes: parse.parameterTypes)
    }

    public mutating func bound(_ bind: FrontendMessage.Bind) {
        // An unknown statement name will be refused by the server; record it as such.
        let statement = statements[bind.statementName]
        portals[bind.portalName] = Portal(statementText: statement?.text ?? "",
                                          parameters: bind.renderedParameters(types: statement?.parameterTypes ?? []))
    }

    public mutating func closed(_ close: FrontendMessage.Close) {
        if close.isPortal { portals[close.name] = nil } else { statements[close.name] = nil }
    }

    /// A Describe went upstream; `statementName` is nil for a portal.
    public mutating func described(statementName: String?) {
        if let statementName { describedStatements.append(statementName) }
    }

    /// The server's ParameterDescription for the oldest Describe of a statement.
    public mutating func received(parameterDescription body: ByteBuffer) {
        guard !describedStatements.isEmpty else { return }
        let name = describedStatements.removeFirst()
        var body = body
        guard let count: Int16 = body.readInteger(), count >= 0 else { return }
        let types = (0..<Int(count)).compactMap { _ in body.readInteger(as: UInt32.self) }
        statements[name]?.parameterTypes = types
    }

    /// ReadyForQuery: Describes the server skipped after an error will never be answered.
    public mutating func synced() {
        describedStatements.removeAll()
    }

    /// The statement text a Parse registered under `name`, if any.
    public func statementText(named name: String) -> String? { statements[name]?.text }

    public func portal(named name: String) -> Portal? { portals[name] }
}
