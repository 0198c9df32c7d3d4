import Foundation
import GatehouseCore

/// What a valid token proves: who is calling, and until when.
public struct ValidatedToken: Sendable, Equatable {
    public var principal: Principal
    /// The token's `exp`. Whatever the token opened (a database session, say) should end then:
    /// validation tolerates the issuer's leeway past it, but the issuer meant it as the end.
    public var expiresAt: Date

    public init(principal: Principal, expiresAt: Date) {
        self.principal = principal
        self.expiresAt = expiresAt
    }
}
