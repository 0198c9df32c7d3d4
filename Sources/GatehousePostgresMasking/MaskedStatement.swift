import GatehouseCore
import GatehouseMasking

/// A statement as the record keeps it: text (its own and the analysis's copy) and bind
/// parameters with every identifier the detectors find masked, and the subjects they named.
public struct MaskedStatement: Sendable {
    public var text: String
    public var parameters: [String?]
    public var analysis: StatementAnalysis
    /// nil when the statement named nobody.
    public var subjects: [SubjectReference]?

    public init(text: String, parameters: [String?], analysis: StatementAnalysis, engine: MaskingEngine) {
        var hits = SubjectHitCollector()
        func masked(_ value: String) -> String {
            let result = engine.mask(value)
            hits.add(result.hits)
            return result.text
        }
        self.text = masked(text)
        self.parameters = parameters.map { $0.map(masked) }
        var analysis = analysis
        analysis.text = analysis.text == text ? self.text : masked(analysis.text)
        self.analysis = analysis
        subjects = hits.hits.isEmpty ? nil : hits.references
    }
}

extension SubjectHitCollector {
    /// The hits as the record names them (at most `SubjectReference.limitPerEvent`).
    var references: [SubjectReference] {
        hits.prefix(SubjectReference.limitPerEvent).map { SubjectReference(kind: $0.kind.rawValue, digest: $0.digest) }
    }
}
