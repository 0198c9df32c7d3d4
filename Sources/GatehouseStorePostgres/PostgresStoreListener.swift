import Foundation
import Logging
import PostgresNIO

/// A connection of its own that LISTENs on one channel of the store: what another instance
/// changed is heard as soon as its transaction commits. Once a second (on its owner's queue) it
/// runs the owner's chores and checks the connection; after the connection was lost it is made
/// again and the owner reads its whole state again, since notifications sent meanwhile are gone.
final class PostgresStoreListener: @unchecked Sendable {
    private let connection: PostgresStoreConnection
    private let channel: String
    private let logger: Logger
    private var timer: DispatchSourceTimer?

    init(settings: PostgresStoreSettings, channel: String, label: String, logger: Logger) {
        connection = PostgresStoreConnection(settings: settings, label: label, logger: logger, answerTimeout: .seconds(5))
        self.channel = channel
        self.logger = logger
    }

    /// Listens now (throws when the store cannot be reached), then checks every second. Call on
    /// `queue`; every callback runs there. `heard` gets each notification's payload.
    func start(on queue: DispatchQueue, heard: @escaping @Sendable (String) -> Void, everySecond: @escaping @Sendable () -> Void = {},
               relistened: @escaping @Sendable () throws -> Void) throws {
        let forward: @Sendable (String) -> Void = { payload in queue.async { heard(payload) } }
        _ = try listen(forward)
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + 1, repeating: 1)
        timer.setEventHandler { [weak self, connection, channel, logger] in
            guard let self else { return }
            everySecond()
            do {
                guard try listen(forward) else { return }
                logger.info("listening to the \(connection.label) again", metadata: ["channel": "\(channel)"])
                try relistened()
            } catch {
                logger.error("the \(connection.label) cannot be heard", metadata: ["error": "\(error)"])
            }
        }
        timer.resume()
        self.timer = timer
    }

    /// Stops checking and closes the connection. Call on the owner's queue.
    func stop() {
        timer?.cancel()
        timer = nil
    }

    func close() {
        connection.close()
    }

    /// Listens, connecting if needed; true when the connection was made now.
    private func listen(_ heard: @escaping @Sendable (String) -> Void) throws -> Bool {
        try connection.withConnection { connection, connected in
            if connected {
                connection.addListener(channel: channel) { _, notification in heard(notification.payload) }
            }
            // Answered only after the LISTEN sent before it: nothing committed from here on is missed.
            try self.connection.run(connection, "SELECT 1")
            return connected
        }
    }
}

/// How the store's JSON columns are written and read.
enum StoreJSON {
    private static let encoder = JSONEncoder()
    private static let decoder = JSONDecoder()

    static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try decoder.decode(type, from: Data(text.utf8))
    }
}
