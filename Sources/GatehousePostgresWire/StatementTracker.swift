import NIOCore
import GatehouseCore

/// Matches the server's responses to the statements the gateway forwarded, so each recorded
/// statement gets an outcome. Pure: the relay reports what it forwarded and what came back.
///
/// The server answers in order. A statement completes with CommandComplete, EmptyQueryResponse
/// or PortalSuspended; an ErrorResponse fails the statement at the head and makes the server skip
/// everything up to the next Sync (extended protocol) or the end of the Query message (simple
/// protocol); ReadyForQuery closes that stretch, and statements it closes unanswered did not run.
public struct StatementTracker: Sendable {
    private enum Entry: Sendable {
        case statement(id: Int, forwardedAt: UInt64)
        case syncPoint
    }

    public typealias Outcome = EventPayload.Outcome
    private var pending: [Entry] = []

    public init() {}

    /// Number of statements forwarded and not yet answered.
    public var unansweredStatements: Int {
        pending.reduce(0) { count, entry in if case .statement = entry { return count + 1 } else { return count } }
    }

    public mutating func statementForwarded(id: Int, at nanoseconds: UInt64) {
        pending.append(.statement(id: id, forwardedAt: nanoseconds))
    }

    /// A Sync, or the end of a simple Query message: the server will send ReadyForQuery for it.
    public mutating func syncForwarded() {
        pending.append(.syncPoint)
    }

    /// Feeds one server message; returns the outcomes it settles.
    public mutating func received(type: UInt8, body: ByteBuffer, at nanoseconds: UInt64) -> [Outcome] {
        switch type {
        case BackendMessage.commandCompleteType:
            let tag = BackendMessage.readCommandTag(body)
            return completeHead(at: nanoseconds) { id, duration in
                Outcome(statementID: id, status: .completed, commandTag: tag, rows: tag.flatMap(Self.rowCount), errorCode: nil, durationMicroseconds: duration)
            }
        case BackendMessage.emptyQueryType:
            return completeHead(at: nanoseconds) { id, duration in
                Outcome(statementID: id, status: .completed, commandTag: nil, rows: nil, errorCode: nil, durationMicroseconds: duration)
            }
        case BackendMessage.portalSuspendedType:
            return completeHead(at: nanoseconds) { id, duration in
                Outcome(statementID: id, status: .completed, commandTag: "SUSPENDED", rows: nil, errorCode: nil, durationMicroseconds: duration)
            }
        case BackendMessage.errorType:
            let code = ErrorFields.decode(body).code
            var outcomes = completeHead(at: nanoseconds) { id, duration in
                Outcome(statementID: id, status: .failed, commandTag: nil, rows: nil, errorCode: code, durationMicroseconds: duration)
            }
            outcomes += skipUntilSync()
            return outcomes
        case BackendMessage.readyForQueryType:
            let outcomes = skipUntilSync()
            if case .syncPoint = pending.first { pending.removeFirst() }
            return outcomes
        default:
            return []
        }
    }

    /// Outcomes for everything still pending, when the session ends.
    public mutating func abandonAll() -> [Outcome] {
        defer { pending.removeAll() }
        return pending.compactMap { entry in
            guard case .statement(let id, _) = entry else { return nil }
            return Outcome(statementID: id, status: .notExecuted, commandTag: nil, rows: nil, errorCode: nil, durationMicroseconds: 0)
        }
    }

    private mutating func completeHead(at now: UInt64, _ make: (Int, Int) -> Outcome) -> [Outcome] {
        guard case .statement(let id, let forwardedAt) = pending.first else { return [] }
        pending.removeFirst()
        return [make(id, Int((now &- forwardedAt) / 1000))]
    }

    /// Statements between the head and the next sync point never ran.
    private mutating func skipUntilSync() -> [Outcome] {
        var outcomes: [Outcome] = []
        while case .statement(let id, _) = pending.first {
            pending.removeFirst()
            outcomes.append(Outcome(statementID: id, status: .notExecuted, commandTag: nil, rows: nil, errorCode: nil, durationMicroseconds: 0))
        }
        return outcomes
    }

    /// Rows from a command tag: the last word of `SELECT 5`, `INSERT 0 5`, `UPDATE 5`, `COPY 5`...
    static func rowCount(_ tag: String) -> Int? {
        guard let last = tag.split(separator: " ").last, tag.contains(" ") else { return nil }
        return Int(last)
    }
}
