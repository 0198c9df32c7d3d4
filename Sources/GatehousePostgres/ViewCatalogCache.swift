import Foundation
import GatehouseSQL
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Keeps one connection's `ViewCatalog` fresh: loaded when a session starts and the snapshot is
/// older than `maximumAge`, and again after DDL ran through the gateway. Concurrent sessions
/// share one load.
final class ViewCatalogCache: Sendable {
    private struct State {
        var catalog = ViewCatalog()
        var loadedAt: NIODeadline?
        var loading: EventLoopFuture<ViewCatalog>?
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
    var current: ViewCatalog { state.withLockedValue { $0.catalog } }

    /// A catalog no older than `maximumAge`. If loading fails the previous catalog is kept and
    /// the failure logged: views then stay unresolved in the record.
    func fresh(on eventLoop: EventLoop) -> EventLoopFuture<ViewCatalog> {
        let now = NIODeadline.now()
        let (ready, pending, mustLoad) = state.withLockedValue { state -> (ViewCatalog?, EventLoopFuture<ViewCatalog>?, Bool) in
            if let loadedAt = state.loadedAt, now - loadedAt < Self.maximumAge { return (state.catalog, nil, false) }
            if let loading = state.loading { return (nil, loading, false) }
            return (nil, nil, true)
        }
        if let ready { return eventLoop.makeSucceededFuture(ready) }
        if let pending { return pending.hop(to: eventLoop) }
        guard mustLoad else { return eventLoop.makeSucceededFuture(current) }

        let load = connector.query(ViewCatalog.query, on: eventLoop).map { [analyzer] rows in
            ViewCatalog(rows: rows, analyzer: analyzer)
        }.flatMapError { [self] error -> EventLoopFuture<ViewCatalog> in
            logger.warning("cannot read the view catalog; views stay unresolved", metadata: ["error": "\(error)"])
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
