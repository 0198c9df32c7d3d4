import GatehouseCore
import Hummingbird

/// Who is on the other end of a request, for the checks that relax on loopback (a token over
/// plain HTTP, the dev issuer's password-less sign-in).
public enum ClientAddress {
    /// Whether the peer is on loopback; false when the context does not know the peer (fail closed).
    public static func isLoopback<Context: RequestContext>(_ context: Context) -> Bool {
        guard let address = ipAddress(context) else { return false }
        return isLoopbackHost(address)
    }

    /// The peer's IP address, when the context knows it.
    public static func ipAddress<Context: RequestContext>(_ context: Context) -> String? {
        (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress
    }
}
