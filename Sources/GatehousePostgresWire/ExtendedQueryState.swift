import NIOCore

/// What the client prepared and bound in the extended protocol, so that at Execute time the
/// gateway knows which statement text and parameters are about to run. Each change is undone
/// if the server does not carry it out (`ConfirmedNames`), so the state is the server's own.
public struct ExtendedQueryState: Sendable {
    public struct Portal: Sendable, Equatable {
        /// nil when the statement is not one the gateway knows (see `bound`).
        public var statementText: String?
        public var parameters: [String?]
    }

    private struct PreparedStatement: Sendable {
        /// nil once SQL may have redefined the name (`PREPARE`, `DEALLOCATE`, `DISCARD`).
        var text: String?
        /// From Parse, completed by the server's ParameterDescription where Parse left a 0.
        var parameterTypes: [UInt32]
    }

    private var names = ConfirmedNames<PreparedStatement, Portal>()
    /// Statements whose Describe went upstream and whose ParameterDescription is due, in order.
    private var describedStatements: [String] = []

    public init() {}

    public mutating func parsed(_ parse: FrontendMessage.Parse) {
        names.setStatement(parse.statementName, PreparedStatement(text: parse.query, parameterTypes: parse.parameterTypes))
    }

    /// A portal of a statement the gateway does not know (never parsed, or redefined by SQL) has
    /// no text: its Execute is unanalysable.
    public mutating func bound(_ bind: FrontendMessage.Bind) {
        let statement = names.statements[bind.statementName]
        names.setPortal(bind.portalName, Portal(statementText: statement?.text,
                                                parameters: bind.renderedParameters(types: statement?.parameterTypes ?? [])))
    }

    public mutating func closed(_ close: FrontendMessage.Close) {
        if close.isPortal { names.setPortal(close.name, nil) } else { names.setStatement(close.name, nil) }
    }

    /// A Sync or simple Query went upstream.
    public mutating func syncPointForwarded() {
        names.syncPointForwarded()
    }

    /// ParseComplete, BindComplete or CloseComplete.
    public mutating func stepConfirmed() {
        names.confirmed()
    }

    /// ErrorResponse: what the server skipped did not happen.
    public mutating func failed() {
        names.failed()
    }

    /// SQL (`PREPARE`, `DEALLOCATE`, `DISCARD`, or code the gateway cannot see into) may have
    /// changed the server's prepared statements: none of the names is trusted any more.
    public mutating func preparedStatementsChangedBySQL() {
        names.updateAll(statements: { $0.text = nil }, portals: { $0.statementText = nil })
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
        names.updateStatement(name) { $0.parameterTypes = types }
    }

    /// ReadyForQuery: Describes the server skipped after an error will never be answered, and
    /// steps it never confirmed did not happen.
    public mutating func synced() {
        describedStatements.removeAll()
        names.ready()
    }

    /// The statement text a Parse registered under `name`, if any (and still trusted).
    public func statementText(named name: String) -> String? { names.statements[name]?.text }

    public func portal(named name: String) -> Portal? { names.portals[name] }
}
