import Crypto
import Foundation
import SwiftASN1
import X509

/// A self-signed certificate for the demo's TLS listeners (localhost and 127.0.0.1), so psql's
/// sslmode=require works out of the box and clients can trust it by file (the Azure SDK's
/// `connection_verify`, `gatehouse approvals`). Production deployments configure their own.
enum SelfSignedCertificate {
    /// Writes `<directory>/gateway.pem` and `<directory>/gateway.key` unless both exist and the
    /// certificate is one clients can trust directly.
    static func ensure(in directory: String) throws -> (certificate: String, key: String) {
        let certificatePath = directory + "/gateway.pem", keyPath = directory + "/gateway.key"
        let files = FileManager.default
        if files.fileExists(atPath: keyPath), let existing = try? String(contentsOfFile: certificatePath, encoding: .utf8),
           let certificate = try? Certificate(pemEncoded: existing), isTrustAnchor(certificate) {
            return (certificatePath, keyPath)
        }
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true)

        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("Gatehouse demo") }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(365 * 86400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                // Its own issuer: BoringSSL (swift-nio-ssl) trusts a self-signed certificate
                // given as a root only when it may sign, so it says it is a CA (for itself).
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
                SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
            },
            issuerPrivateKey: .init(key))
        try certificate.serializeAsPEM().pemString.write(toFile: certificatePath, atomically: true, encoding: .utf8)
        _ = files.createFile(atPath: keyPath, contents: Data(key.pemRepresentation.utf8), attributes: [.posixPermissions: 0o600])
        return (certificatePath, keyPath)
    }

    /// Demo directories from before this rule hold a certificate that says it is no CA.
    private static func isTrustAnchor(_ certificate: Certificate) -> Bool {
        guard let constraints = try? certificate.extensions.basicConstraints else { return false }
        if case .isCertificateAuthority = constraints { return true }
        return false
    }
}
