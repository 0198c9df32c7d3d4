import Crypto
import Foundation
import SwiftASN1
import X509

/// A self-signed certificate for the demo's TLS listener (localhost and 127.0.0.1), so psql's
/// sslmode=require works out of the box. Production deployments configure their own.
enum SelfSignedCertificate {
    /// Writes `<directory>/gateway.pem` and `<directory>/gateway.key` unless both exist.
    static func ensure(in directory: String) throws -> (certificate: String, key: String) {
        let certificatePath = directory + "/gateway.pem", keyPath = directory + "/gateway.key"
        let files = FileManager.default
        if files.fileExists(atPath: certificatePath) && files.fileExists(atPath: keyPath) { return (certificatePath, keyPath) }
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true)

        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("Gatehouse demo") }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(365 * 86400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
            },
            issuerPrivateKey: .init(key))
        try certificate.serializeAsPEM().pemString.write(toFile: certificatePath, atomically: true, encoding: .utf8)
        files.createFile(atPath: keyPath, contents: Data(key.pemRepresentation.utf8), attributes: [.posixPermissions: 0o600])
        return (certificatePath, keyPath)
    }
}
