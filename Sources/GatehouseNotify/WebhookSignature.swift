import Crypto
import Foundation
import GatehouseCore

/// The `X-Gatehouse-Signature` header of generic webhooks:
///
///     X-Gatehouse-Signature: t=1795678200,v1=8efba5cd21ac902afe5645f367c46b1f753c64f9e9ec7f7deeb0724ab1362f51
///
/// `t` is the Unix time of signing (whole seconds); `v1` is the lower-case hex HMAC-SHA256, keyed
/// with the UTF-8 bytes of the shared secret, of the ASCII text `<t>` followed by `.` and the raw
/// request body bytes. Signing the timestamp lets a receiver refuse replays of old deliveries.
/// A header may carry several `v1` values (e.g. while a secret is rotated); one matching is
/// enough. Unknown keys are ignored, so schemes can be added without breaking receivers.
public enum WebhookSignature {
    public static let headerName = "X-Gatehouse-Signature"
    /// How far a timestamp may be from the receiver's clock, either way, by default.
    public static let defaultTolerance: TimeInterval = 300

    /// The header value for a body signed at `timestamp`.
    public static func sign(body: [UInt8], secret: String, timestamp: Date) -> String {
        let seconds = unixSeconds(timestamp)
        return "t=\(seconds),v1=\(hexString(mac(body: body, secret: secret, seconds: seconds)))"
    }

    /// Why a signature is refused.
    public enum VerificationError: Error, Equatable, CustomStringConvertible {
        /// No `t=` or no `v1=`, or a `t` that is not a whole number.
        case malformedHeader
        /// `t` is further from `now` than the tolerance.
        case timestampOutsideTolerance
        /// No `v1` value is the HMAC of this body under this secret.
        case signatureMismatch

        public var description: String {
            switch self {
            case .malformedHeader: "malformed \(WebhookSignature.headerName) header"
            case .timestampOutsideTolerance: "signature timestamp outside the tolerance"
            case .signatureMismatch: "signature does not match the body"
            }
        }
    }

    /// Checks a received header against the raw body, in constant time per candidate signature;
    /// throws ``VerificationError`` when the delivery must be refused.
    public static func verify(
        header: String, body: [UInt8], secret: String, now: Date = Date(),
        tolerance: TimeInterval = defaultTolerance
    ) throws {
        var timestamp: Int64?
        var candidates: [[UInt8]] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "t":
                guard timestamp == nil, !pair[1].isEmpty, pair[1].utf8.allSatisfy({ (48...57).contains($0) }),
                      let value = Int64(pair[1]) else { throw VerificationError.malformedHeader }
                timestamp = value
            case "v1":
                // A value that is not 64 hex digits can never match; it is simply not a candidate.
                if let bytes = GatehouseCore.bytes(fromHex: pair[1]), bytes.count == SHA256.byteCount { candidates.append(bytes) }
            default:
                continue
            }
        }
        guard let timestamp else { throw VerificationError.malformedHeader }
        guard abs(Double(timestamp) - now.timeIntervalSince1970) <= tolerance else {
            throw VerificationError.timestampOutsideTolerance
        }
        let key = SymmetricKey(data: Array(secret.utf8))
        let signed = signedBytes(body: body, seconds: timestamp)
        for candidate in candidates
        where HMAC<SHA256>.isValidAuthenticationCode(candidate, authenticating: signed, using: key) {
            return
        }
        throw VerificationError.signatureMismatch
    }

    /// ``verify(header:body:secret:now:tolerance:)`` as a yes or no.
    public static func isValid(
        header: String, body: [UInt8], secret: String, now: Date = Date(),
        tolerance: TimeInterval = defaultTolerance
    ) -> Bool {
        (try? verify(header: header, body: body, secret: secret, now: now, tolerance: tolerance)) != nil
    }

    static func unixSeconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }

    private static func signedBytes(body: [UInt8], seconds: Int64) -> [UInt8] {
        Array("\(seconds).".utf8) + body
    }

    private static func mac(body: [UInt8], secret: String, seconds: Int64) -> [UInt8] {
        let key = SymmetricKey(data: Array(secret.utf8))
        return Array(HMAC<SHA256>.authenticationCode(for: signedBytes(body: body, seconds: seconds), using: key))
    }
}
