import NIOCore

/// The client's Parse, Bind and Close messages, from when the gateway applies them to its model
/// of the session until the server confirms or skips them.
///
/// The gateway applies each at once (a later message of the same pipeline, an Execute, must see
/// it) and remembers how to undo it. The server answers them in order: ParseComplete,
/// BindComplete and CloseComplete confirm the oldest; an ErrorResponse means the server skipped
/// every message after the failed one up to the next Sync, so those not yet confirmed are undone
/// (the failed one too: a Parse of a name that exists, a Bind of an unknown statement). The model
/// then equals the server's whatever the sequence, which is what keeps the statement the gateway
/// decides on, records and masks by the statement the server runs.
///
/// Its methods are inlinable: the gateway calls them for every extended-protocol message, and a
/// generic struct used across modules is otherwise not specialised.
public struct PendingSteps<Undo: Sendable>: Sendable {
    @usableFromInline
    enum Entry: Sendable {
        case step(Undo)
        /// A Sync or a simple Query: answered by ReadyForQuery.
        case syncPoint
    }

    @usableFromInline
    var entries = CircularBuffer<Entry>()

    @inlinable
    public init() {}

    @inlinable
    public var isEmpty: Bool { entries.isEmpty }

    /// A step went upstream (already applied to the model).
    @inlinable
    public mutating func applied(undo: Undo) {
        entries.append(.step(undo))
    }

    /// A Sync or simple Query went upstream.
    @inlinable
    public mutating func syncPointForwarded() {
        entries.append(.syncPoint)
    }

    /// ParseComplete, BindComplete or CloseComplete: the oldest step took effect.
    @inlinable
    public mutating func confirmed() {
        if case .step? = entries.first { entries.removeFirst() }
    }

    /// ErrorResponse: the undos of the steps the server skipped, newest first (apply them in that
    /// order). Steps after the next sync point are untouched: the server reads them again.
    @inlinable
    public mutating func failed() -> [Undo] {
        var undos: [Undo] = []
        while case .step(let undo)? = entries.first {
            undos.append(undo)
            entries.removeFirst()
        }
        return undos.reversed()
    }

    /// ReadyForQuery answers the oldest sync point. A step still unconfirmed before it was not
    /// carried out (the server answers every step it carries out): its undo is returned too.
    @inlinable
    public mutating func ready() -> [Undo] {
        let undos = failed()
        if case .syncPoint? = entries.first { entries.removeFirst() }
        return undos
    }
}
