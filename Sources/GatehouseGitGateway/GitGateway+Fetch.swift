import Foundation
import GatehouseCore
import GatehouseGit
import GatehouseHTTPProxy
import Hummingbird
import HTTPTypes
import NIOCore

/// The read side: ref advertisements (`GET info/refs`) and fetches (`POST git-upload-pack`).
extension GitGateway {
    func advertisement(_ request: Request, _ call: Call) async -> Response {
        let service = request.uri.queryParameters["service"].map(String.init)
        guard let service, service == "git-upload-pack" || service == "git-receive-pack" else {
            return Self.plain(.forbidden, "only smart HTTP is served: info/refs needs ?service=git-upload-pack or git-receive-pack")
        }
        let proxyRequest = ProxyRequest(method: .get, path: call.path.upstreamPath, query: request.uri.query,
                                        headers: request.headers, body: .none)
        let upstream: UpstreamResponse
        switch await forward(proxyRequest, call) {
        case .success(let response): upstream = response
        case .failure(let error): return error.response()
        }
        if let refusal = Self.upstreamRefusal(upstream, call) { return refusal }
        let body: ByteBuffer
        do {
            body = try await upstream.collectBody(upTo: limits.advertisementBytes)
        } catch let error as ProxyError {
            return error.response()
        } catch {
            return ProxyError.upstreamFailed(host: call.connection.upstream.host, detail: "\(error)").response()
        }
        let advertised = upstream.status == .ok ? try? RefAdvertisement.parse(Array(body.readableBytesView)) : nil
        var activity = Self.activity(service == "git-upload-pack" ? .uploadPack : .receivePack, "advertisement", call)
        activity.protocolVersion = advertised?.version ?? Self.protocolVersion(request)
        // Protocol v2 advertises capabilities only; its refs come later, through ls-refs.
        activity.refsAdvertised = advertised?.version == 2 ? nil : advertised?.refs.count
        // Recorded before the client sees a single ref.
        guard await record(activity, call) else { return Self.notRecorded }
        return Response(status: upstream.status, headers: upstream.headers, body: ResponseBody(byteBuffer: body))
    }

    func uploadPack(_ request: Request, _ call: Call) async -> Response {
        let proxyRequest: ProxyRequest
        switch await Self.buffered(request, path: call.path.upstreamPath, limit: limits.uploadPackRequestBytes) {
        case .success(let buffered): proxyRequest = buffered
        case .failure(let error): return error.response()
        }
        guard case .buffer(let buffer) = proxyRequest.body else { return Self.plain(.badRequest, "the fetch request has no body") }
        var body = Array(buffer.readableBytesView)
        if request.headers[.contentEncoding]?.lowercased() == "gzip" {
            do { body = try GzipBody.decompress(body, limit: limits.uploadPackRequestBytes) } catch {
                return Self.plain(.badRequest, "the fetch request's gzip body cannot be read: \(error)")
            }
        }
        var activity = Self.activity(.uploadPack, "fetch", call)
        activity.protocolVersion = Self.protocolVersion(request)
        // Whether this round ends the negotiation (`done`); earlier rounds repeat the same wants.
        var endsFetch = true
        // Set when the answer's first packet is certain: a held fetch can then say why it waits.
        var opening: FetchAnswerOpening?
        do {
            if activity.protocolVersion == 2 {
                let v2 = try ProtocolV2Request.parse(body)
                activity.operation = v2.command
                let fetch = try v2.fetchArguments()
                activity.setWants((fetch?.wants ?? []).map(\.hex))
                endsFetch = fetch?.done ?? true
                opening = FetchAnswerOpening.v2(v2)
            } else {
                let fetch = try UploadPackRequest.parse(body)
                activity.setWants(fetch.wants.map(\.hex))
                endsFetch = fetch.done
                opening = FetchAnswerOpening.v0(fetch)
            }
        } catch {
            return Self.plain(.badRequest, "malformed fetch request: \(error)")
        }
        // Only a fetch carries repository content; ls-refs lists ref names, as advertisements do.
        guard activity.operation == GitActivity.Operation.fetch else { return await concludeFetch(nil, activity, proxyRequest, call).response }
        let text = Self.fetchText(call, wants: activity.wants, total: activity.wantsTotal)
        switch await approvalStep(.fetch, requestText: text, endsRequest: endsFetch, call) {
        case .decided(let outcome):
            return await concludeFetch(outcome, activity, proxyRequest, call).response
        case .needsDecision(let request):
            guard await recordRequested(request, call) else { return Self.notRecorded }
            if let opening { return heldFetchResponse(request, opening, activity, proxyRequest, call) }
            let outcome = await decision(on: request, endsRequest: endsFetch, call)
            return await concludeFetch(outcome, activity, proxyRequest, call).response
        }
    }

    /// What a fetch comes to once its approval is settled.
    enum FetchConclusion {
        /// Not approved: the message git is to show.
        case refused(String)
        case forwarded(UpstreamResponse)
        /// The gateway's own error response (the record failing, the upstream refusing or unreachable).
        case failed(Response)

        var response: Response {
            switch self {
            case .refused(let message): GitGateway.fetchRefusal(message)
            case .forwarded(let upstream): upstream.response()
            case .failed(let response): response
            }
        }
    }

    /// Records the fetch's entry (refused, or allowed and then forwarded); `outcome` is nil
    /// when the request needed no approval step (ls-refs).
    func concludeFetch(_ outcome: ApprovalOutcome?, _ activity: GitActivity, _ proxyRequest: ProxyRequest,
                       _ call: Call) async -> FetchConclusion {
        var activity = activity
        switch outcome {
        case .proceed(let approval):
            activity.approval = approval
        case .refused(let reason, let approval):
            activity.decision = GitActivity.Decision.refused
            activity.reason = reason
            activity.approval = approval
            guard await record(activity, call) else { return .failed(Self.notRecorded) }
            return .refused("gatehouse refused this fetch: " + reason)
        case .notRecorded:
            return .failed(Self.notRecorded)
        case nil:
            break
        }
        guard await record(activity, call) else { return .failed(Self.notRecorded) }
        switch await forward(proxyRequest, call) {
        case .success(let upstream): return Self.upstreamRefusal(upstream, call).map { .failed($0) } ?? .forwarded(upstream)
        case .failure(let error): return .failed(error.response())
        }
    }

    // MARK: - Helpers

    /// What approvers see of a fetch, and what a one-time grant covers: the repository and the
    /// objects wanted (a negotiation round of the same fetch repeats them).
    static func fetchText(_ call: Call, wants: [String], total: Int) -> String {
        let more = total > wants.count ? " and \(total - wants.count) more" : ""
        return "git fetch \(call.path.repository): want \(wants.sorted().joined(separator: " "))\(more)"
    }

    /// A refused fetch as git reports it: an `ERR` packet, printed as `fatal: remote error: …`.
    static func fetchRefusal(_ message: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/x-git-upload-pack-result", .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: ErrorPacket.encode(message))))
    }

    static func activity(_ service: GitActivity.Service, _ operation: String, _ call: Call) -> GitActivity {
        GitActivity(service: service, operation: operation, repository: call.path.repository)
    }

    /// `Git-Protocol: version=2` asks for protocol v2; anything else is v0/v1.
    static func protocolVersion(_ request: Request) -> Int {
        let header = request.headers[HTTPField.Name("Git-Protocol")!] ?? ""
        return header.split(separator: ":").contains { $0.trimmingCharacters(in: .whitespaces) == "version=2" } ? 2 : 0
    }

    /// The upstream refusing the gateway's own credentials is the operator's problem, not the
    /// client's: a 401 passed through would make git ask the user for a password.
    static func upstreamRefusal(_ upstream: UpstreamResponse, _ call: Call) -> Response? {
        guard upstream.status == .unauthorized || upstream.status == .forbidden else { return nil }
        call.logger.error("the Git upstream refused the gateway's credentials",
                          metadata: ["connection": "\(call.connection.name)", "status": "\(upstream.status.code)"])
        return plain(.badGateway, "the upstream of connection \(call.connection.name) refused the gateway's credentials (HTTP \(upstream.status.code)); the operator must check them")
    }
}
