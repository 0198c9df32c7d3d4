import Crypto
import _CryptoExtras
import Foundation
import GatehouseCore

/// The client side of SCRAM-SHA-256 (RFC 5802 / RFC 7677) as PostgreSQL uses it: the user name
/// in the messages is empty (the server takes it from the startup packet) and there is no
/// channel binding (`n,,`).
public struct SCRAMClient: Sendable {
    public static let mechanism = "SCRAM-SHA-256"

    private let password: String
    private let username: String
    private let clientNonce: String
    private var clientFirstBare = ""
    private var expectedServerSignature: [UInt8]?

    /// `username` stays empty for PostgreSQL, which ignores it; RFC 7677's test vector sets it.
    public init(password: String, username: String = "", clientNonce: String = SCRAMClient.makeNonce()) {
        self.password = password
        self.username = username
        self.clientNonce = clientNonce
    }

    public static func makeNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<18).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
    }

    /// client-first-message.
    public mutating func clientFirstMessage() -> [UInt8] {
        clientFirstBare = "n=\(username),r=\(clientNonce)"
        return Array(("n,," + clientFirstBare).utf8)
    }

    /// Reads server-first-message and returns client-final-message.
    public mutating func clientFinalMessage(serverFirst: [UInt8]) throws -> [UInt8] {
        let serverFirstText = String(decoding: serverFirst, as: UTF8.self)
        let attributes = Self.attributes(serverFirstText)
        guard let nonce = attributes["r"], nonce.hasPrefix(clientNonce), nonce.count > clientNonce.count,
              let saltText = attributes["s"], let salt = Data(base64Encoded: saltText),
              let iterationsText = attributes["i"], let iterations = Int(iterationsText), iterations > 0, iterations <= 10_000_000
        else { throw ProtocolViolation("upstream sent an invalid SCRAM server-first-message") }

        let saltedPassword = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: iterations)
        let clientKey = Self.hmac(key: saltedPassword, "Client Key")
        let storedKey = Array(SHA256.hash(data: clientKey))
        let serverKey = Self.hmac(key: saltedPassword, "Server Key")

        let clientFinalWithoutProof = "c=biws,r=\(nonce)" // biws = base64("n,,")
        let authMessage = "\(clientFirstBare),\(serverFirstText),\(clientFinalWithoutProof)"
        let clientSignature = Self.hmac(key: SymmetricKey(data: storedKey), authMessage)
        let proof = zip(clientKey, clientSignature).map { $0 ^ $1 }
        expectedServerSignature = Self.hmac(key: SymmetricKey(data: serverKey), authMessage)
        return Array("\(clientFinalWithoutProof),p=\(Data(proof).base64EncodedString())".utf8)
    }

    /// Checks server-final-message: the server proves it knew the password too.
    public func verifyServerFinal(_ serverFinal: [UInt8]) throws {
        let attributes = Self.attributes(String(decoding: serverFinal, as: UTF8.self))
        if let error = attributes["e"] { throw ProtocolViolation("upstream refused SCRAM authentication: \(error)") }
        guard let expected = expectedServerSignature, let verifier = attributes["v"],
              let signature = Data(base64Encoded: verifier),
              ConstantTime.equals(Array(signature), expected)
        else { throw ProtocolViolation("upstream's SCRAM server signature does not verify") }
    }

    private static func hmac(key: SymmetricKey, _ message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key))
    }

    private static func attributes(_ message: String) -> [String: String] {
        var result: [String: String] = [:]
        for part in message.split(separator: ",") {
            guard let equals = part.firstIndex(of: "="), part.distance(from: part.startIndex, to: equals) == 1 else { continue }
            result[String(part[part.startIndex])] = String(part[part.index(after: equals)...])
        }
        return result
    }
}

/// PostgreSQL's md5 password hash: "md5" + md5(md5(password + user) + salt).
public enum MD5Password {
    public static func response(user: String, password: String, salt: [UInt8]) -> String {
        let inner = hexString(Insecure.MD5.hash(data: Array((password + user).utf8)))
        return "md5" + hexString(Insecure.MD5.hash(data: Array(inner.utf8) + salt))
    }
}
