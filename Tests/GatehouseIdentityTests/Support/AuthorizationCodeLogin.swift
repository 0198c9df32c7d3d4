import AsyncHTTPClient
import Foundation
import NIOCore

/// Logs a user in at oidc-provider-mock the way a browser and a relying party would: set the
/// user's claims, submit the authorize form, exchange the code at the token endpoint.
struct AuthorizationCodeLogin {
    let baseURL: String
    let clientID: String
    let redirectURI = "http://127.0.0.1/callback"

    struct Tokens {
        let idToken: String
        let accessToken: String
    }

    struct LoginFailure: Error, CustomStringConvertible {
        let description: String
    }

    func login(subject: String, claims: [String: Any]) async throws -> Tokens {
        // Redirects are read, not followed: the authorize response carries the code.
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        do {
            let tokens = try await login(subject: subject, claims: claims, client: client)
            try await client.shutdown()
            return tokens
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func login(subject: String, claims: [String: Any], client: HTTPClient) async throws -> Tokens {
        var setUser = HTTPClientRequest(url: "\(baseURL)/users/\(subject)")
        setUser.method = .PUT
        setUser.headers.add(name: "Content-Type", value: "application/json")
        setUser.body = .bytes(ByteBuffer(bytes: TestJSON.encode(claims)))
        _ = try await send(setUser, expecting: 204, with: client)

        var authorizeURL = URLComponents(string: "\(baseURL)/oauth2/authorize")!
        authorizeURL.queryItems = [
            .init(name: "client_id", value: clientID), .init(name: "redirect_uri", value: redirectURI),
            .init(name: "response_type", value: "code"), .init(name: "scope", value: "openid profile"),
            .init(name: "state", value: "gatehouse-test"),
        ]
        var authorize = HTTPClientRequest(url: authorizeURL.url!.absoluteString)
        authorize.method = .POST
        authorize.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        authorize.body = .bytes(ByteBuffer(string: form(["sub": subject])))
        let redirect = try await send(authorize, expecting: 302, with: client)
        guard let location = redirect.headers.first(name: "Location"),
            let code = URLComponents(string: location)?.queryItems?.first(where: { $0.name == "code" })?.value
        else {
            throw LoginFailure(description: "authorize response carried no code: \(redirect.headers)")
        }

        var exchange = HTTPClientRequest(url: "\(baseURL)/oauth2/token")
        exchange.method = .POST
        exchange.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        exchange.body = .bytes(ByteBuffer(string: form([
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirectURI,
            "client_id": clientID, "client_secret": "unused-by-the-mock",
        ])))
        let response = try await send(exchange, expecting: 200, with: client)
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        guard let idToken = json?["id_token"] as? String, let accessToken = json?["access_token"] as? String else {
            throw LoginFailure(description: "token response lacks id_token or access_token: \(json ?? [:])")
        }
        return Tokens(idToken: idToken, accessToken: accessToken)
    }

    private func send(_ request: HTTPClientRequest, expecting status: UInt, with client: HTTPClient) async throws -> HTTPClientResponse {
        let response = try await client.execute(request, timeout: .seconds(10))
        guard response.status.code == status else {
            let body = try await response.body.collect(upTo: 1 << 16)
            throw LoginFailure(
                description: "\(request.method) \(request.url) returned \(response.status.code), expected \(status): "
                    + String(buffer: body))
        }
        return response
    }

    private func form(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&")
    }
}
