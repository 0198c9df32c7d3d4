import Hummingbird
import NIOCore

/// The request context of Gatehouse's HTTP listener: Hummingbird's basics plus the caller's
/// address, which the dev issuer's sign-in needs (it answers loopback callers only).
public struct GatehouseRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
