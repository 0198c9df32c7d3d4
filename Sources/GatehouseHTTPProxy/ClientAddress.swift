import GatehouseCore
import Hummingbird

/// Who is on the other end of a request, for the checks that relax on loopback (a token over
/// plain HTTP, the dev issuer's password-less sign-in).
public enum ClientAddress {
    /// Whether the peer is on loopback; false when the context does not know the peer (fail closed).
    public static func isLoopback<Context: RequestContext>(_ context: Context) -> Bool {
        guard let address = (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress else { return false }
        return isLoopbackHost(address)
    }
}
