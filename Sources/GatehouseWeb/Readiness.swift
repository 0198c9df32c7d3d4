import Hummingbird

/// One condition `/readyz` reports: a load balancer sends traffic only to an instance whose
/// checks all pass. `detail` says why one fails, for the operator: never a secret or identifier.
public struct ReadinessCheck: Sendable, Equatable {
    public var name: String
    public var ok: Bool
    public var detail: String?

    public init(name: String, ok: Bool, detail: String? = nil) {
        self.name = name
        self.ok = ok
        self.detail = detail
    }
}

enum ReadinessRoute {
    /// 200 when every check passes, 503 otherwise; the checks in a JSON body either way.
    static func register(on router: Router<GatehouseRequestContext>, checks: @escaping @Sendable () async -> [ReadinessCheck]) {
        router.get("/readyz") { _, _ -> Response in
            let results = await checks()
            let ready = results.allSatisfy(\.ok)
            let body: APIJSON = .object([
                "ready": .bool(ready),
                "checks": .object(Dictionary(uniqueKeysWithValues: results.map { check in
                    (check.name, .object(["ok": .bool(check.ok), "detail": .optional(check.detail)]))
                })),
            ])
            return ApprovalAPI.json(ready ? .ok : .serviceUnavailable, body)
        }
    }
}
