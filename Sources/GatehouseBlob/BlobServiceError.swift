import Foundation

/// An error answered the way the Blob service answers it: a status, the `x-ms-error-code`
/// header and an XML body with `Code` and `Message`, so the Azure SDK raises its usual
/// exception (`ResourceNotFoundError`, `ClientAuthenticationError`, `HttpResponseError`) with
/// Gatehouse's message in it.
public struct BlobServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let code: String
    public let message: String

    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status) \(code): \(message)" }

    /// The XML body, with the request ID and time lines the service appends to every message.
    public func body(requestID: String, time: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let text = "\(message)\nRequestId:\(requestID)\nTime:\(formatter.string(from: time))"
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>\(Self.escaped(code))</Code><Message>\(Self.escaped(text))</Message></Error>"
    }

    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }

    // The service's codes for the refusals Gatehouse makes.
    public static func authenticationRequired(_ message: String) -> BlobServiceError {
        BlobServiceError(status: 401, code: "NoAuthenticationInformation", message: message)
    }
    public static func authenticationFailed(_ message: String) -> BlobServiceError {
        BlobServiceError(status: 401, code: "InvalidAuthenticationInfo", message: message)
    }
    public static func forbidden(_ message: String) -> BlobServiceError {
        BlobServiceError(status: 403, code: "AuthorizationPermissionMismatch", message: message)
    }
    public static func operationNotAllowed(_ message: String) -> BlobServiceError {
        BlobServiceError(status: 403, code: "AuthorizationPermissionMismatch", message: message)
    }
    public static func invalidURI(_ message: String) -> BlobServiceError {
        BlobServiceError(status: 400, code: "InvalidUri", message: message)
    }
    public static func unknownConnection(_ name: String) -> BlobServiceError {
        BlobServiceError(status: 404, code: "ResourceNotFound", message: "unknown Azure Blob connection '\(name)'")
    }
}
