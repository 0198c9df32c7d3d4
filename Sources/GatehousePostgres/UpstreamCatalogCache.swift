import Foundation
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

    /// Both catalog queries in one round trip; their rows are told apart by their width. A
    /// catalog read never waits long for a lock some transaction holds (DDL in progress): it
    /// fails, and the previous catalog stays in use.
    static let query = "SET lock_timeout = '2s';\n" + ViewCatalog.query + ";\n" + ResultCatalog.query

    init() {}

    init(rows: [[String?]], analyzer: StatementAnalyzer) {
        views = ViewCatalog(rows: rows, analyzer: analyzer)
        results = ResultCatalog(rows: rows)
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

    init(connector: UpstreamConnector, analyzer: StatementAnalyzer, logger: Logger) {
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
            state.withLockedValue { $0 = State(catalog: catalog, loadedAt: .now(), loading: nil) }
        }
        return load
    }

    /// After DDL: the next session (or statement) reloads.
    func invalidate() {
        state.withLockedValue { $0.loadedAt = nil }
    }
}
