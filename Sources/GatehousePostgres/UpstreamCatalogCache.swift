import Foundation
import GatehouseCore
import GatehousePolicy
import GatehousePostgresMasking
import GatehouseSQL
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// What the gateway knows of one upstream database's schema: its views (to record and decide
/// statements by base tables) and its relations' columns (to mask results by classification).
struct UpstreamCatalog: Sendable {
    var views = ViewCatalog()
    var results = ResultCatalog()
    /// Functions and operators defined outside `pg_catalog`, which may shadow built-ins.
    var routines = RoutineCatalog()
    /// The relations of `pg_catalog`: an unqualified `pg_*` name is a system relation only if
    /// it is one of these (a user may create `public.pg_anything`).
    var systemRelations: Set<String> = []
    /// Counts loads and derivations, so a session can tell that another session changed it.
    var generation = 0
    /// Tables and columns that approved writes filled from classified data
    /// (`ClassificationDerivation`): personal data in their own right, for every session of the
    /// connection; kept across loads, and across restarts through the ledger.
    var derived = DataClassification()
    /// What the role the gateway logs in as may do (the database backstop's premise).
    var role = UpstreamRoleReport()

    /// Every catalog query in one round trip; their rows are told apart by their width (and the
    /// routine rows by their tag). A catalog read never waits long for a lock some transaction
    /// holds (DDL in progress): it fails, and the previous catalog stays in use.
    static let query = "SET lock_timeout = '2s';\n" + ViewCatalog.query + ";\n" + ResultCatalog.query + ";\n"
        + RoutineCatalog.query + ";\n" + systemRelationsQuery + ";\n" + UpstreamRoleReport.query

    static let systemRelationsQuery = "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'pg_catalog'::regnamespace"

    init() {}

    init(rows: [[String?]], analyzer: StatementAnalyzer) {
        results = ResultCatalog(rows: rows)
        routines = RoutineCatalog(rows: rows)
        systemRelations = Set(rows.filter { $0.count == 1 }.compactMap { $0[0] })
        role = UpstreamRoleReport(rows: rows)
        let (routines, results) = (routines, results)
        views = ViewCatalog(rows: rows, analyzer: analyzer) { routines.check($0, isColumn: results.hasColumn) }
    }

    /// What the catalog adds to a statement's analysis before any decision: user-defined code a
    /// name may call, and views whose definitions cannot be analysed. Views are not resolved
    /// here (masking lines results up with the statement as written).
    func check(_ analysis: StatementAnalysis) -> StatementAnalysis {
        views.checkDefinitions(routines.check(analysis, isColumn: results.hasColumn))
    }

    /// Whether a relation a statement names is one the catalog knows: a system relation (only
    /// in the system schemas), or a user relation it has read.
    func isKnown(_ relation: RelationName) -> Bool {
        if relation.schema == "pg_catalog" { return systemRelations.isEmpty || systemRelations.contains(relation.name) }
        if relation.schema == "information_schema" { return true }
        if relation.schema == nil, systemRelations.contains(relation.name) { return true }
        // Unqualified: the search path (temporary tables first) may find it in any schema, and
        // the classification is read for any schema too. `pg_temp` is the session's own.
        if relation.schema == nil || relation.schema == "pg_temp" { return results.hasRelation(named: relation.name) }
        return results.columns(of: relation) != nil
    }
}

/// Keeps one connection's `UpstreamCatalog` fresh: loaded when a session starts and the snapshot
/// is older than `maximumAge`, and again after DDL ran through the gateway. Concurrent sessions
/// share one load.
final class UpstreamCatalogCache: Sendable {
    private struct State {
        var catalog = UpstreamCatalog()
        var loadedAt: NIODeadline?
        var loading: EventLoopFuture<UpstreamCatalog>?
    }

    static let maximumAge = TimeAmount.seconds(60)
    private let state = NIOLockedValueBox(State())
    private let connector: UpstreamConnector
    private let analyzer: StatementAnalyzer
    private let logger: Logger

    /// `derived`: what the ledger says approved writes classified before this start.
    init(connector: UpstreamConnector, analyzer: StatementAnalyzer, derived: DataClassification = DataClassification(), logger: Logger) {
        state.withLockedValue { $0.catalog.derived = derived }
        self.connector = connector
        self.analyzer = analyzer
        self.logger = logger
    }

    /// The catalog as last loaded (possibly empty).
    var current: UpstreamCatalog { state.withLockedValue { $0.catalog } }

    /// A catalog no older than `maximumAge`. If loading fails the previous catalog is kept and
    /// the failure logged: views then stay unresolved in the record, and results are masked
    /// from the statement analysis alone (which falls back to masking more, never less).
    func fresh(on eventLoop: EventLoop) -> EventLoopFuture<UpstreamCatalog> {
        let now = NIODeadline.now()
        let (ready, pending, mustLoad) = state.withLockedValue { state -> (UpstreamCatalog?, EventLoopFuture<UpstreamCatalog>?, Bool) in
            if let loadedAt = state.loadedAt, now - loadedAt < Self.maximumAge { return (state.catalog, nil, false) }
            if let loading = state.loading { return (nil, loading, false) }
            return (nil, nil, true)
        }
        if let ready { return eventLoop.makeSucceededFuture(ready) }
        if let pending { return pending.hop(to: eventLoop) }
        guard mustLoad else { return eventLoop.makeSucceededFuture(current) }

        let load = connector.query(UpstreamCatalog.query, on: eventLoop).map { [analyzer] rows in
            UpstreamCatalog(rows: rows, analyzer: analyzer)
        }.flatMapError { [self] error -> EventLoopFuture<UpstreamCatalog> in
            logger.warning("cannot read the catalog; views stay unresolved", metadata: ["error": "\(error)"])
            return eventLoop.makeSucceededFuture(current)
        }
        state.withLockedValue { $0.loading = load }
        load.whenSuccess { [state] catalog in
            state.withLockedValue {
                var catalog = catalog
                catalog.generation = $0.catalog.generation + 1
                catalog.derived = $0.catalog.derived
                $0 = State(catalog: catalog, loadedAt: .now(), loading: nil)
            }
        }
        return load
    }

    enum Change {
        case none
        /// A load is under way: wait for it before deciding the next statement.
        case loading(EventLoopFuture<UpstreamCatalog>)
        /// A newer catalog than the caller's.
        case replaced(UpstreamCatalog)
    }

    /// What changed since the caller's catalog was loaded (one lock, for every statement).
    func change(since generation: Int) -> Change {
        state.withLockedValue { state in
            if let loading = state.loading { return .loading(loading) }
            return state.catalog.generation == generation ? .none : .replaced(state.catalog)
        }
    }

    /// Adds derived classification; every session adopts it before its next statement.
    func derive(_ tables: [DataClassification.Table]) -> UpstreamCatalog {
        state.withLockedValue { state in
            state.catalog.derived = state.catalog.derived.merging(tables)
            state.catalog.generation += 1
            return state.catalog
        }
    }

    /// A statement named a relation the catalog does not know: read the catalog again (sessions
    /// asking at the same time share one read; each session asks at most once a second,
    /// `PostgresSession.lookUpUnknownRelations`).
    func freshAfterMiss(on eventLoop: EventLoop) -> EventLoopFuture<UpstreamCatalog> {
        let loading = state.withLockedValue { $0.loading != nil }
        if !loading { invalidate() }
        return fresh(on: eventLoop)
    }

    /// After DDL: the next session (or statement) reloads.
    func invalidate() {
        state.withLockedValue { $0.loadedAt = nil }
    }
}
