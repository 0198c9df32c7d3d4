import Foundation
import GatehouseCore

/// One place notifications go. Slack and Teams webhook URLs are themselves secrets (whoever has
/// one can post), so neither the URL's path and query nor the webhook secret ever appear in a
/// description, a log line or a failure: only the kind, the name and the host.
public struct NotificationTarget: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Gatehouse's own JSON, signed with HMAC-SHA256 when a secret is set.
        case webhook
        /// A Slack incoming webhook (`https://hooks.slack.com/services/...`).
        case slack
        /// A Microsoft Teams Workflows webhook ("When a Teams webhook request is received").
        case teams
    }

    /// The name operators gave this target (for logs and the record).
    public let name: String
    public let kind: Kind
    public let url: URL
    /// The HMAC key of a webhook target; nil sends unsigned.
    let secret: String?

    public var host: String { url.host ?? "?" }
    public var hasSecret: Bool { secret != nil }

    public var description: String { "\(kind.rawValue) target '\(name)' (\(host))" }
    public var debugDescription: String { description }

    /// Checks the URL: `https` anywhere, plain `http` only to a loopback host (links to the
    /// approval page travel in these messages). A secret is only for `webhook` targets and must
    /// not be empty.
    public init(name: String, kind: Kind, url: String, secret: String? = nil) throws {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
              let host = parsed.host, !host.isEmpty
        else {
            throw NotificationTargetError("notification target '\(name)': the URL is not an absolute http(s) URL")
        }
        switch scheme {
        case "https": break
        case "http" where isLoopbackHost(host): break
        case "http":
            throw NotificationTargetError("notification target '\(name)': the URL must use https (plain http is only allowed to a loopback host)")
        default:
            throw NotificationTargetError("notification target '\(name)': the URL scheme must be https")
        }
        if let secret {
            guard kind == .webhook else {
                throw NotificationTargetError("notification target '\(name)': a secret only applies to webhook targets (a \(kind.rawValue) URL is its own secret)")
            }
            guard !secret.isEmpty else {
                throw NotificationTargetError("notification target '\(name)': the webhook secret is empty")
            }
        }
        self.name = name
        self.kind = kind
        self.url = parsed
        self.secret = secret
    }
}

/// A refused notification target, with a message that never contains the URL's path or secret.
public struct NotificationTargetError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}
