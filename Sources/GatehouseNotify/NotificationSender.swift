import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// A notification that could not be delivered to one target after every attempt. Safe to log
/// and record: it names the target by kind, name and host only, never the URL path or secrets.
public struct NotificationFailure: Error, Sendable, CustomStringConvertible {
    public let target: String
    public let targetName: String
    public let kind: NotificationTarget.Kind
    public let host: String
    /// The notification's ``ApprovalNotice/id``.
    public let notificationID: String
    /// `approval.requested`, ...
    public let type: String
    public let requestID: String
    public let attempts: Int
    /// The last HTTP status, when the last attempt got one.
    public let lastStatus: Int?
    /// Why the last attempt failed.
    public let reason: String

    public var description: String {
        "\(type) notification \(notificationID) for approval request \(requestID) to \(target) failed after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(reason)"
    }
}

/// The outcome of delivering one notice to one target.
public struct DeliveryReport: Sendable {
    public let target: NotificationTarget
    public let notificationID: String
    public let attempts: Int
    /// The accepting status (2xx), or nil when delivery failed.
    public let status: Int?
    /// Set when delivery failed (and ``NotificationSender``'s failure callback got it too).
    public let failure: NotificationFailure?

    public var delivered: Bool { failure == nil }
}

/// Posts approval notices to the configured targets, retrying with backoff, and reports what
/// could not be delivered through `onFailure`. Nothing here can block, approve or deny a
/// statement: ``notify(_:)`` returns at once, and failures only ever reach the callback.
///
/// The sender owns its HTTP client (redirects disabled: a redirect would carry the body and its
/// signature somewhere not configured); call ``shutdown()`` before exit.
public final class NotificationSender: Sendable {
    public typealias Sleep = @Sendable (Duration) async throws -> Void

    public let targets: [NotificationTarget]
    public let policy: RetryPolicy
    private let client: HTTPClient
    private let onFailure: @Sendable (NotificationFailure) -> Void
    private let sleep: Sleep
    private let now: @Sendable () -> Date
    private let random: @Sendable () -> Double
    private let inFlight = NIOLockedValueBox(InFlight())

    private struct InFlight {
        var nextID = 0
        var tasks: [Int: Task<Void, Never>] = [:]
        var closed = false
    }

    /// Largest response body read (and discarded, bar a short excerpt for failure reasons).
    static let maximumResponseBytes = 64 * 1024
    static let userAgent = "Gatehouse-Notify/1"

    /// - Parameters:
    ///   - onFailure: called once per notice and target that could not be delivered; it must not
    ///     block (log and record it, nothing more).
    ///   - sleep: how the sender waits between attempts (tests pass one that records and returns).
    ///   - now: the clock for signature timestamps and `Retry-After` dates.
    ///   - random: jitter source, numbers in [0, 1).
    public init(
        targets: [NotificationTarget], policy: RetryPolicy = .default,
        eventLoopGroup: any EventLoopGroup = HTTPClient.defaultEventLoopGroup,
        onFailure: @escaping @Sendable (NotificationFailure) -> Void,
        sleep: @escaping Sleep = { try await Task.sleep(for: $0) },
        now: @escaping @Sendable () -> Date = { Date() },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.targets = targets
        self.policy = policy
        self.onFailure = onFailure
        self.sleep = sleep
        self.now = now
        self.random = random
        let connect = TimeAmount.nanoseconds(Int64(min(policy.attemptTimeout.seconds, 10) * 1e9))
        self.client = HTTPClient(
            eventLoopGroup: eventLoopGroup,
            configuration: HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: connect)))
    }

    /// Sends `notice` to every target in the background and returns immediately. Failures go to
    /// `onFailure`. After ``shutdown()`` this does nothing.
    public func notify(_ notice: ApprovalNotice) {
        inFlight.withLockedValue { state in
            guard !state.closed else { return }
            let id = state.nextID
            state.nextID += 1
            state.tasks[id] = Task { [self] in
                _ = await deliver(notice)
                inFlight.withLockedValue { _ = $0.tasks.removeValue(forKey: id) }
            }
        }
    }

    /// Sends `notice` to every target concurrently and waits for all of them (retries
    /// included). Never throws: failures are in the reports and went to `onFailure`.
    public func deliver(_ notice: ApprovalNotice) async -> [DeliveryReport] {
        let bodies = Dictionary(uniqueKeysWithValues: NotificationTarget.Kind.allCases.compactMap { kind in
            targets.contains { $0.kind == kind } ? (kind, Self.body(for: kind, notice)) : nil
        })
        return await withTaskGroup(of: (Int, DeliveryReport).self) { group in
            for (index, target) in targets.enumerated() {
                let body = bodies[target.kind]!
                group.addTask { (index, await self.deliver(notice, body: body, to: target)) }
            }
            var reports: [(Int, DeliveryReport)] = []
            for await report in group { reports.append(report) }
            return reports.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// Waits for background deliveries (or cancels them when `cancelInFlight`), then shuts the
    /// HTTP client down. Idempotent.
    public func shutdown(cancelInFlight: Bool = false) async {
        let tasks = inFlight.withLockedValue { state -> [Task<Void, Never>] in
            let wasClosed = state.closed
            state.closed = true
            return wasClosed ? [] : Array(state.tasks.values)
        }
        if cancelInFlight { tasks.forEach { $0.cancel() } }
        for task in tasks { await task.value }
        try? await client.shutdown()
    }

    static func body(for kind: NotificationTarget.Kind, _ notice: ApprovalNotice) -> [UInt8] {
        switch kind {
        case .webhook: GenericWebhookPayload.body(notice)
        case .slack: SlackPayload.body(notice)
        case .teams: TeamsPayload.body(notice)
        }
    }

    // MARK: - One target

    private enum AttemptOutcome {
        case delivered(status: Int)
        case retry(status: Int?, reason: String, retryAfter: Duration?)
        case giveUp(status: Int?, reason: String)
    }

    private func deliver(_ notice: ApprovalNotice, body: [UInt8], to target: NotificationTarget) async -> DeliveryReport {
        var attempt = 0
        var lastStatus: Int?
        var reason = "not attempted"
        while attempt < policy.maximumAttempts {
            if Task.isCancelled { reason = "cancelled (gateway shutting down)"; break }
            attempt += 1
            switch await self.attempt(notice, body: body, to: target) {
            case .delivered(let status):
                return DeliveryReport(target: target, notificationID: notice.id, attempts: attempt, status: status, failure: nil)
            case .giveUp(let status, let why):
                lastStatus = status
                reason = why
                return failed(notice, target, attempts: attempt, status: lastStatus, reason: reason)
            case .retry(let status, let why, let retryAfter):
                lastStatus = status
                reason = why
                guard attempt < policy.maximumAttempts else { break }
                let wait = policy.delay(beforeRetry: attempt, retryAfter: retryAfter, random: random())
                do { try await sleep(wait) } catch { reason += "; then cancelled"; return failed(notice, target, attempts: attempt, status: lastStatus, reason: reason) }
            }
        }
        return failed(notice, target, attempts: attempt, status: lastStatus, reason: reason)
    }

    private func failed(
        _ notice: ApprovalNotice, _ target: NotificationTarget, attempts: Int, status: Int?, reason: String
    ) -> DeliveryReport {
        let failure = NotificationFailure(
            target: target.description, targetName: target.name, kind: target.kind, host: target.host,
            notificationID: notice.id, type: notice.event.type, requestID: notice.requestID, attempts: attempts,
            lastStatus: status, reason: reason)
        onFailure(failure)
        return DeliveryReport(target: target, notificationID: notice.id, attempts: attempts, status: nil, failure: failure)
    }

    private func attempt(_ notice: ApprovalNotice, body: [UInt8], to target: NotificationTarget) async -> AttemptOutcome {
        var request = HTTPClientRequest(url: target.url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "User-Agent", value: Self.userAgent)
        if target.kind == .webhook {
            request.headers.add(name: "X-Gatehouse-Event", value: notice.event.type)
            request.headers.add(name: "X-Gatehouse-Delivery", value: notice.id)
            if let secret = target.secret {
                // Signed afresh per attempt, so a retry after a long backoff is not refused as stale.
                request.headers.add(name: WebhookSignature.headerName,
                                    value: WebhookSignature.sign(body: body, secret: secret, timestamp: now()))
            }
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let timeout = TimeAmount.nanoseconds(Int64(policy.attemptTimeout.seconds * 1e9))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            if error is CancellationError || Task.isCancelled { return .giveUp(status: nil, reason: "cancelled (gateway shutting down)") }
            if let error = error as? HTTPClientError, error == .alreadyShutdown {
                return .giveUp(status: nil, reason: "the sender was shut down")
            }
            return .retry(status: nil, reason: "request failed: \(Self.describe(error))", retryAfter: nil)
        }
        let status = Int(response.status.code)
        let excerpt = await Self.excerpt(of: response)
        switch status {
        case 200..<300:
            return .delivered(status: status)
        case 408, 429, 500..<600:
            let retryAfter = response.headers.first(name: "Retry-After").flatMap { Self.retryAfter($0, now: now()) }
            return .retry(status: status, reason: "HTTP \(status)\(excerpt)", retryAfter: retryAfter)
        case 300..<400:
            return .giveUp(status: status, reason: "HTTP \(status): redirects are not followed; configure the final URL")
        default:
            return .giveUp(status: status, reason: "HTTP \(status)\(excerpt)")
        }
    }

    /// A short printable excerpt of an error response (Slack answers `invalid_payload`,
    /// `no_service`, ...), or nothing. The rest of the body is read and dropped.
    private static func excerpt(of response: HTTPClientResponse) async -> String {
        guard let buffer = try? await response.body.collect(upTo: maximumResponseBytes) else { return "" }
        let text = String(decoding: buffer.readableBytesView.prefix(200), as: UTF8.self)
            .unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }
        let trimmed = String(String.UnicodeScalarView(text)).trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? "" : ": \(trimmed)"
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        return String(describing: error)
    }

    /// `Retry-After` as delta-seconds or an HTTP date; nil when unreadable.
    static func retryAfter(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(text), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
    }
}
