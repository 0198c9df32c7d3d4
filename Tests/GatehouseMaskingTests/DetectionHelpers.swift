@testable import GatehouseMasking

/// The detected substrings of `text`, with their kinds.
func found(_ text: String, _ detectors: DetectorSet = DetectorSet()) -> [(kind: IdentifierKind, value: String)] {
    let bytes = Array(text.utf8)
    return detectors.detect(in: bytes).map {
        ($0.kind, String(decoding: bytes[$0.range], as: UTF8.self))
    }
}

/// The values of one kind detected in `text`.
func values(_ text: String, of kind: IdentifierKind) -> [String] {
    found(text).filter { $0.kind == kind }.map(\.value)
}

/// True when `text` contains no detection at all.
func isClean(_ text: String) -> Bool { found(text).isEmpty }
