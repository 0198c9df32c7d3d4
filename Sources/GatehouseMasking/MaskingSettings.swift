/// Everything one connection needs to mask results: the engine (detectors, strategies, keys)
/// and the classification categories whose columns are not masked whole but only have the
/// detectors run on their content (`categories: {free-text: detect}` in the configuration).
public struct MaskingSettings: Sendable {
    public var engine: MaskingEngine
    /// Columns of these categories go through `MaskingEngine.mask` (detections only) instead
    /// of `maskClassifiedValue` (the whole value).
    public var detectOnlyCategories: Set<String>

    public init(engine: MaskingEngine, detectOnlyCategories: Set<String> = []) {
        self.engine = engine
        self.detectOnlyCategories = detectOnlyCategories
    }
}
