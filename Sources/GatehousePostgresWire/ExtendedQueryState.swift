/// What the client prepared and bound in the extended protocol, so that at Execute time the
/// gateway knows which statement text and parameters are about to run.
public struct ExtendedQueryState: Sendable {
    public struct Portal: Sendable, Equatable {
        public var statementText: String
        public var parameters: [String?]
    }

    private var statements: [String: String] = [:]
    private var portals: [String: Portal] = [:]

    public init() {}

    public mutating func parsed(_ parse: FrontendMessage.Parse) {
        statements[parse.statementName] = parse.query
    }

    public mutating func bound(_ bind: FrontendMessage.Bind) {
        // An unknown statement name will be refused by the server; record it as such.
        let text = statements[bind.statementName]
        portals[bind.portalName] = Portal(statementText: text ?? "", parameters: bind.parameters)
    }

    public mutating func closed(_ close: FrontendMessage.Close) {
        if close.isPortal { portals[close.name] = nil } else { statements[close.name] = nil }
    }

    /// The statement text a Parse registered under `name`, if any.
    public func statementText(named name: String) -> String? { statements[name] }

    public func portal(named name: String) -> Portal? { portals[name] }
}
