/// Bounds on what one pushed pack may make the gateway inflate and hold, so a hostile or broken
/// pack costs bounded memory and time. Checked against declared sizes before allocating.
public struct PackLimits: Sendable, Hashable {
    public var maxObjects: Int
    /// Per object, after inflating (and after applying a delta).
    public var maxObjectBytes: Int
    /// All objects together, inflated, plus every resolved delta's result.
    public var maxTotalBytes: Int
    /// Longest chain of deltas resolved (git's own `pack.depth` maximum is 4095).
    public var maxDeltaDepth: Int

    public init(maxObjects: Int = 100_000, maxObjectBytes: Int = 100 << 20, maxTotalBytes: Int = 1 << 30, maxDeltaDepth: Int = 4095) {
        self.maxObjects = maxObjects
        self.maxObjectBytes = maxObjectBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxDeltaDepth = maxDeltaDepth
    }

    public static let `default` = PackLimits()
}
