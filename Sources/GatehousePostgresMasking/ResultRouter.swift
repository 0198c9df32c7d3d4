import GatehouseCore
import GatehousePostgresWire

/// Knows, for every row the server sends, which statement it belongs to and so how its columns
/// are masked. Pure: the relay reports the requests it forwards and the answers that come back.
///
/// The server answers in order, so the requests are queued as they go upstream and each answer
/// settles the head: a simple Query's statements one after another, a Describe with its
/// RowDescription or NoData, an Execute with its rows and completion, a Sync with ReadyForQuery.
/// An ErrorResponse makes the server skip everything up to the next Sync (or the end of the
/// Query), and so does the router.
///
/// Rows of the extended protocol are described by the Describe of their portal, or by the
/// Describe of their statement plus the result formats of Bind. When a client executes a portal
/// neither was described for, `execute` asks the relay to send a Describe of its own first; its
/// answer is for the gateway and is not forwarded.
public struct ResultRouter: Sendable {
    /// What the current rows are: masks per column, or a COPY stream.
    public enum Rows: Sendable, Equatable {
        case none
        case rows([ResultColumnMask])
        case copy(CopyOptions, [ResultColumnMask])
    }

    private final class PreparedStatement: @unchecked Sendable {
        let analysis: StatementAnalysis?
        var fields: [ResultField]?
        var describePending = false
        init(analysis: StatementAnalysis?) { self.analysis = analysis }
    }

    private final class Portal: @unchecked Sendable {
        let statement: PreparedStatement?
        let resultFormats: [Int16]
        var masks: [ResultColumnMask]?
        var describePending = false
        init(statement: PreparedStatement?, resultFormats: [Int16]) {
            self.statement = statement
            self.resultFormats = resultFormats
        }
    }

    private enum Expected {
        case simpleQuery(analyses: [StatementAnalysis?], next: Int)
        case describeStatement(PreparedStatement?)
        case describePortal(Portal?, forwarded: Bool)
        case execute(Portal?)
        case sync
    }

    public var planner: ResultMaskPlanner
    /// Statements and portals as the server has them (`ConfirmedNames`).
    private var names = ConfirmedNames<PreparedStatement, Portal>()
    private var expected: [Expected] = []
    private var head = 0
    /// The rows now arriving.
    public private(set) var current: Rows = .none {
        didSet { if current != .none { generation &+= 1 } }
    }
    /// Changes whenever `current` describes a new result, so users can cache what they build from it.
    public private(set) var generation = 0

    public init(planner: ResultMaskPlanner) {
        self.planner = planner
    }

    // MARK: - Requests, as forwarded

    /// A simple Query with its statements (analyses before view resolution).
    public mutating func query(_ analyses: [StatementAnalysis?]) {
        expected.append(.simpleQuery(analyses: analyses, next: 0))
    }

    public mutating func parse(name: String, analysis: StatementAnalysis?) {
        names.setStatement(name, PreparedStatement(analysis: analysis))
    }

    public mutating func bind(portal: String, statement: String, resultFormats: [Int16]) {
        names.setPortal(portal, Portal(statement: names.statements[statement], resultFormats: resultFormats))
    }

    /// SQL may have redefined prepared statements (see `ExtendedQueryState`): their analyses are
    /// no longer known, so their rows are masked as an unanalysable statement's.
    public mutating func preparedStatementsChangedBySQL() {
        names.updateAll(statements: { $0 = PreparedStatement(analysis: nil) },
                        portals: { $0 = Portal(statement: PreparedStatement(analysis: nil), resultFormats: $0.resultFormats) })
    }

    public mutating func describe(_ target: FrontendMessage.Target) {
        switch target {
        case .statement(let name):
            names.statements[name]?.describePending = true
            expected.append(.describeStatement(names.statements[name]))
        case .portal(let name):
            names.portals[name]?.describePending = true
            expected.append(.describePortal(names.portals[name], forwarded: true))
        }
    }

    /// An Execute is about to go upstream. True when the relay must first send a Describe of
    /// the portal (`FrontendMessage.describePortal`) because nothing describes its rows.
    public mutating func execute(portal name: String) -> Bool {
        let portal = names.portals[name]
        var mustDescribe = false
        if let portal, portal.masks == nil, !portal.describePending,
           portal.statement?.fields == nil, !(portal.statement?.describePending ?? false) {
            portal.describePending = true
            expected.append(.describePortal(portal, forwarded: false))
            mustDescribe = true
        }
        expected.append(.execute(portal))
        return mustDescribe
    }

    public mutating func close(_ target: FrontendMessage.Target) {
        switch target {
        case .statement(let name): names.setStatement(name, nil)
        case .portal(let name): names.setPortal(name, nil)
        }
    }

    /// A Sync, or the end of a simple Query: answered by ReadyForQuery.
    public mutating func sync() {
        expected.append(.sync)
        names.syncPointForwarded()
    }

    /// ParseComplete, BindComplete or CloseComplete: the oldest Parse, Bind or Close took effect.
    public mutating func stepConfirmed() {
        names.confirmed()
    }

    // MARK: - Answers, as received

    /// RowDescription. Returns false when it answers the gateway's own Describe (do not forward).
    public mutating func rowDescription(_ fields: [ResultField]) -> Bool {
        described(fields)
    }

    /// NoData. Returns false when it answers the gateway's own Describe (do not forward).
    public mutating func noData() -> Bool {
        described([])
    }

    private mutating func described(_ fields: [ResultField]) -> Bool {
        guard let entry = peek() else { return true }
        switch entry {
        case .simpleQuery(let analyses, let next):
            let analysis = next < analyses.count ? analyses[next] : nil
            current = .rows(planner.masks(for: fields, analysis: analysis))
            return true
        case .describeStatement(let statement):
            statement?.fields = fields
            statement?.describePending = false
            pop()
            return true
        case .describePortal(let portal, let forwarded):
            if let portal {
                portal.masks = planner.masks(for: fields, analysis: portal.statement?.analysis)
                portal.describePending = false
            }
            pop()
            return forwarded
        case .execute, .sync:
            return true
        }
    }

    /// The statement whose answers are now arriving (before view resolution), when known.
    public func currentStatement() -> StatementAnalysis? {
        switch peek() {
        case .simpleQuery(let analyses, let next)?: return next < analyses.count ? analyses[next] : nil
        case .execute(let portal)?: return portal?.statement?.analysis
        // An error of a Bind (planning evaluates parameters and constants) arrives while the
        // portal's Describe or Execute is next.
        case .describePortal(let portal, _)?: return portal?.statement?.analysis
        case .describeStatement(let statement)?: return statement?.analysis
        case .sync?, nil: return nil
        }
    }

    /// DataRows about to arrive for an Execute: its portal's masks (nil when unknown).
    public mutating func rowMasks() -> [ResultColumnMask]? {
        if case .rows(let masks) = current { return masks }
        guard case .execute(let portal)? = peek(), let portal else { return nil }
        if portal.masks == nil, let statement = portal.statement, let fields = statement.fields {
            portal.masks = planner.masks(for: Self.apply(portal.resultFormats, to: fields), analysis: statement.analysis)
        }
        if let masks = portal.masks { current = .rows(masks) }
        return portal.masks
    }

    /// CopyOutResponse: the COPY stream that follows and how its columns are masked.
    public mutating func copyOut(columnCount: Int) -> Rows {
        let analysis = currentStatement()
        current = .copy(analysis?.copy ?? CopyOptions(), planner.copyMasks(analysis: analysis, columnCount: columnCount))
        return current
    }

    /// CommandComplete, EmptyQueryResponse or PortalSuspended: the current statement is done.
    public mutating func completed() {
        current = .none
        guard let entry = peek() else { return }
        switch entry {
        case .simpleQuery(let analyses, let next): expected[head] = .simpleQuery(analyses: analyses, next: next + 1)
        case .execute: pop()
        default: break
        }
    }

    /// ErrorResponse: the server skips to the next Sync, and what it skipped did not happen.
    public mutating func error() {
        names.failed()
        current = .none
        skipToSync()
    }

    private mutating func skipToSync() {
        while let entry = peek() {
            if case .sync = entry { break }
            abandon(entry)
            pop()
        }
    }

    /// ReadyForQuery.
    public mutating func ready() {
        current = .none
        skipToSync()
        names.ready()
        if case .sync? = peek() { pop() }
    }

    // MARK: - Queue

    private func peek() -> Expected? { head < expected.count ? expected[head] : nil }

    private mutating func pop() {
        head += 1
        if head >= 64 && head * 2 >= expected.count {
            expected.removeFirst(head)
            head = 0
        }
    }

    /// A Describe the server skipped will never be answered.
    private func abandon(_ entry: Expected) {
        switch entry {
        case .describeStatement(let statement): statement?.describePending = false
        case .describePortal(let portal, _): portal?.describePending = false
        default: break
        }
    }

    /// A statement's fields with the formats Bind chose: none (text), one for all, or one each.
    static func apply(_ formats: [Int16], to fields: [ResultField]) -> [ResultField] {
        fields.enumerated().map { index, field in
            var field = field
            field.format = formats.isEmpty ? 0 : (formats.count == 1 ? formats[0] : (index < formats.count ? formats[index] : 0))
            return field
        }
    }
}
