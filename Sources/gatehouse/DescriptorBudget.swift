import Foundation

/// How many connections the listeners may hold so that the process never runs out of file
/// descriptors: running out makes accept() fail in a loop and can abort the process from
/// inside libdispatch, taking every session with it (docs/security.md, "Limits").
struct DescriptorBudget: Equatable {
    /// Kept for everything that is not a client connection: the ledger's SQLite files, event
    /// loops, catalog reads, outbound HTTP (OIDC keys, webhooks), log files.
    static let reserved = 64
    /// A PostgreSQL client holds its socket and its upstream's; an HTTP client holds its own and,
    /// for Git, one to the upstream.
    static let descriptorsPerConnection = 2

    /// The process's descriptor limit.
    let limit: Int

    /// The configured limits, scaled down together when the descriptors cannot hold them.
    func connectionLimits(postgres: Int, http: Int) -> (postgres: Int, http: Int) {
        let available = max(0, limit - Self.reserved) / Self.descriptorsPerConnection
        let wanted = postgres + http
        guard wanted > available else { return (postgres, http) }
        let scaledPostgres = max(1, postgres * available / wanted)
        let scaledHTTP = max(1, http * available / wanted)
        return (scaledPostgres, scaledHTTP)
    }

    /// Raises the soft limit to the hard one (what the operator already allowed) and returns
    /// the result.
    static func current() -> DescriptorBudget {
        #if os(Linux)
        let descriptorResource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let descriptorResource = RLIMIT_NOFILE
        #endif
        var limits = rlimit()
        guard getrlimit(descriptorResource, &limits) == 0 else { return DescriptorBudget(limit: 1024) }
        if limits.rlim_cur < limits.rlim_max {
            var raised = limits
            raised.rlim_cur = min(limits.rlim_max, 1 << 20)
            if setrlimit(descriptorResource, &raised) == 0 { limits = raised }
        }
        return DescriptorBudget(limit: Int(clamping: limits.rlim_cur))
    }
}
