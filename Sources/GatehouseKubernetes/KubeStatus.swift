import Foundation

/// A Kubernetes `Status` object: how the API server reports an error, and so how Gatehouse
/// reports its own refusals. kubectl prints `message` (prefixed "Error from server (reason):").
public struct KubeStatus: Sendable, Equatable {
    public var code: Int
    /// The machine-readable reason: `Forbidden`, `Unauthorized`, `NotFound`, `BadRequest`...
    public var reason: String
    public var message: String

    public init(code: Int, reason: String, message: String) {
        self.code = code
        self.reason = reason
        self.message = message
    }

    public static func forbidden(_ message: String) -> KubeStatus { KubeStatus(code: 403, reason: "Forbidden", message: message) }
    public static func unauthorized(_ message: String) -> KubeStatus { KubeStatus(code: 401, reason: "Unauthorized", message: message) }
    public static func notFound(_ message: String) -> KubeStatus { KubeStatus(code: 404, reason: "NotFound", message: message) }
    public static func badRequest(_ message: String) -> KubeStatus { KubeStatus(code: 400, reason: "BadRequest", message: message) }
    public static func unavailable(_ message: String) -> KubeStatus {
        KubeStatus(code: 503, reason: "ServiceUnavailable", message: message)
    }

    public init(_ refusal: KubeRequest.Refusal) {
        switch refusal.kind {
        case .invalid: self = .badRequest(refusal.message)
        case .notFound: self = .notFound(refusal.message)
        case .forbidden: self = .forbidden(refusal.message)
        }
    }

    /// The JSON body, as the API server writes it.
    public var json: [UInt8] {
        let object: [String: Any] = [
            "kind": "Status", "apiVersion": "v1", "metadata": [String: Any](), "status": "Failure",
            "message": message, "reason": reason, "code": code,
        ]
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }
}

/// A Status is also how a refusal travels until it is answered.
extension KubeStatus: Error {}
