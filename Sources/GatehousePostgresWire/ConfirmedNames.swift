import NIOCore

/// The prepared statements and portals of a session, by name, as the server has them.
///
/// The client's Parse, Bind and Close change them at once (a later message of the same
/// pipeline, an Execute, must see the change), and each change is remembered until the server
/// answers it. The server answers in order: ParseComplete, BindComplete and CloseComplete
/// confirm the oldest change; an ErrorResponse means the server skipped every message after the
/// failed one up to the next Sync, so the changes not yet confirmed are undone (the failed one
/// too: a Parse of a name that exists, a Bind of an unknown statement). The names then equal the
/// server's whatever the sequence, which keeps the statement the gateway decides on, records and
/// masks the statement the server runs. Both the statement texts (`ExtendedQueryState`) and the
/// result masks (`ResultRouter`) keep their names here.
///
/// Inlinable: the gateway calls it for every extended-protocol message, and a generic struct
/// used across modules is otherwise not specialised.
public struct ConfirmedNames<Statement: Sendable, Portal: Sendable>: Sendable {
    @usableFromInline
    enum Change: Sendable {
        /// A name's previous value, to restore if the server does not carry the change out.
        case statement(String, Statement?)
        case portal(String, Portal?)
        /// A Sync or a simple Query: answered by ReadyForQuery.
        case syncPoint
    }

    /// Changed only through the journal.
    @usableFromInline
    var statementsByName: [String: Statement] = [:]
    @usableFromInline
    var portalsByName: [String: Portal] = [:]

    @inlinable
    public var statements: [String: Statement] { statementsByName }
    @inlinable
    public var portals: [String: Portal] { portalsByName }
    @usableFromInline
    var pending = CircularBuffer<Change>()

    @inlinable
    public init() {}

    /// Parse (`value`) or Close (nil) of a statement went upstream.
    @inlinable
    public mutating func setStatement(_ name: String, _ value: Statement?) {
        pending.append(.statement(name, statementsByName[name]))
        statementsByName[name] = value
    }

    /// Bind (`value`) or Close (nil) of a portal went upstream.
    @inlinable
    public mutating func setPortal(_ name: String, _ value: Portal?) {
        pending.append(.portal(name, portalsByName[name]))
        portalsByName[name] = value
    }

    /// Changes every statement and portal in place, outside the journal (what the server learnt
    /// by other means: a ParameterDescription, SQL redefining names).
    @inlinable
    public mutating func updateAll(statements updateStatement: (inout Statement) -> Void, portals updatePortal: (inout Portal) -> Void) {
        for name in statementsByName.keys { updateStatement(&statementsByName[name]!) }
        for name in portalsByName.keys { updatePortal(&portalsByName[name]!) }
    }

    @inlinable
    public mutating func updateStatement(_ name: String, _ update: (inout Statement) -> Void) {
        if statementsByName[name] != nil { update(&statementsByName[name]!) }
    }

    /// A Sync or simple Query went upstream.
    @inlinable
    public mutating func syncPointForwarded() {
        pending.append(.syncPoint)
    }

    /// ParseComplete, BindComplete or CloseComplete: the oldest change took effect.
    @inlinable
    public mutating func confirmed() {
        if let first = pending.first, !first.isSyncPoint { pending.removeFirst() }
    }

    /// ErrorResponse: the changes the server skipped, up to the next sync point, are undone.
    /// Changes after it are untouched: the server reads them again.
    @inlinable
    public mutating func failed() {
        var skipped: [Change] = []
        while let first = pending.first, !first.isSyncPoint { skipped.append(pending.removeFirst()) }
        for change in skipped.reversed() {
            switch change {
            case .statement(let name, let previous): statementsByName[name] = previous
            case .portal(let name, let previous): portalsByName[name] = previous
            case .syncPoint: break
            }
        }
    }

    /// ReadyForQuery answers the oldest sync point. A change still unconfirmed before it was not
    /// carried out (the server answers every step it carries out), and is undone too.
    @inlinable
    public mutating func ready() {
        failed()
        if pending.first?.isSyncPoint == true { pending.removeFirst() }
    }
}

extension ConfirmedNames.Change {
    @usableFromInline
    var isSyncPoint: Bool {
        if case .syncPoint = self { return true }
        return false
    }
}
