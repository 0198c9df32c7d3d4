import AsyncHTTPClient
import Foundation
import GatehouseCore
import NIOCore
import NIOFoundationCompat

/// The gateway's own token for the storage account, from Entra ID's client credentials flow
/// (`https://storage.azure.com/.default`). Cached until five minutes before it expires; a 401
/// from the account asks for a fresh one once. The secret and the token never reach a log or
/// an error message.
public actor EntraIDTokenSource {
    public static let scope = "https://storage.azure.com/.default"
    static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    /// How the gateway's application proves who it is.
    public enum Proof: Sendable {
        case secret(String)
        /// Workload identity: the file's token (rotated by the kubelet) is read at every request.
        case federatedTokenFile(String)
    }

    private let tokenURL: String
    private let clientID: String
    private let proof: Proof
    private let client: HTTPClient
    private var cached: (token: String, refreshAfter: Date)?

    public init(tokenURL: String, clientID: String, proof: Proof, client: HTTPClient) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.proof = proof
        self.client = client
    }

    /// The form fields that prove the application's identity.
    func proofFields() throws -> [(String, String)] {
        switch proof {
        case .secret(let secret):
            return [("client_secret", secret)]
        case .federatedTokenFile(let path):
            guard let data = FileManager.default.contents(atPath: path),
                  let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty
            else { throw Failure(description: "the federated token file \(path) could not be read or is empty") }
            return [("client_assertion_type", Self.assertionType), ("client_assertion", token)]
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A current token; `refresh` forces a new one (after the account refused the cached one).
    public func token(refresh: Bool = false) async throws -> String {
        if !refresh, let cached, cached.refreshAfter > Date() { return cached.token }
        var request = HTTPClientRequest(url: tokenURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        let form = [("grant_type", "client_credentials"), ("client_id", clientID)] + (try proofFields()) + [("scope", Self.scope)]
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode(form)))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(15))
        } catch {
            throw Failure(description: "the token endpoint \(tokenURL) could not be reached: \(error)")
        }
        let body = try await response.body.collect(upTo: 256 * 1024)
        guard response.status == .ok else {
            // Entra ID's error body names the error code and a description, never the secret.
            let detail = (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])?["error"] as? String
            throw Failure(description: "the token endpoint \(tokenURL) answered \(response.status.code)" + (detail.map { " (\($0))" } ?? ""))
        }
        guard let json = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
              let token = json["access_token"] as? String, !token.isEmpty else {
            throw Failure(description: "the token endpoint \(tokenURL) answered without an access_token")
        }
        let lifetime = (json["expires_in"] as? Int) ?? Int(json["expires_in"] as? String ?? "") ?? 3600
        cached = (token, Date().addingTimeInterval(TimeInterval(max(0, lifetime - 300))))
        return token
    }
}
