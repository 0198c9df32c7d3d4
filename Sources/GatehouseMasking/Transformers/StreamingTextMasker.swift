/// Masks text that arrives in chunks (network reads): an identifier split between two reads is
/// still masked.
///
/// Only the tail that could still belong to an identifier is held back: at most `holdback` bytes
/// (default 256: longer than any built-in identifier — an email is at most 254 — plus the
/// look-around the matchers need), so memory stays bounded and output lags input by at most that
/// much. The tail is extended backwards only to avoid cutting inside a word or number, or to keep
/// a detection that straddles the cut whole, and never past `2 * holdback`. A cut never splits a
/// UTF-8 sequence. The window scan decides what is an identifier, and the final prefix is masked
/// with what it found there (each byte is scanned once, not again for masking); the result
/// equals masking the whole text at once except in pathological cases (a run of letters and
/// digits longer than `holdback / 4` cut in two), where a piece of it may be masked as well.
///
/// Custom patterns or dictionary terms longer than `holdback` can only be matched when they fall
/// inside one window: configure a larger `holdback` for them.
public struct StreamingTextMasker: Sendable {
    public static let defaultHoldback = 256

    public let engine: MaskingEngine
    public let holdback: Int
    private var pending: [UInt8] = []
    /// Who was reported already: keys only (limit 0), however many people the output names.
    private var seen = SubjectHitCollector(limit: 0)

    public init(engine: MaskingEngine, holdback: Int = StreamingTextMasker.defaultHoldback) {
        precondition(holdback >= 8, "holdback must leave room for an identifier")
        self.engine = engine
        self.holdback = holdback
    }

    /// Bytes held back, waiting for the next chunk or `finish()`.
    public var pendingByteCount: Int { pending.count }

    /// Feeds one chunk; returns the masked bytes that are now final (possibly none) and the
    /// subject hits not reported before by this masker.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer) -> MaskedChunk {
        pending.append(contentsOf: chunk)
        guard pending.count > holdback else { return MaskedChunk(bytes: [], hits: []) }
        let window = pending   // a copy-on-write reference: `emit` mutates `self`
        return window.withUnsafeBytes { buffer in
            let detections = engine.detectors.detect(in: buffer)
            let cut = Self.cut(in: buffer, detections: detections, holdback: holdback)
            // The whole-window scan is authoritative: the prefix is masked where it found
            // identifiers (none straddles the cut, which is placed around them).
            let prefix = UnsafeRawBufferPointer(rebasing: buffer[..<cut])
            let inPrefix = detections.prefix { $0.range.lowerBound < cut }
            let result = inPrefix.allSatisfy({ $0.range.upperBound <= cut })
                ? emit(prefix, detections: Array(inPrefix))
                : emit(prefix, detections: engine.detectors.detect(in: prefix))   // cut inside one by the UTF-8 step back: scan the prefix alone
            pending.removeFirst(cut)
            return result
        }
    }

    public mutating func feed(_ chunk: [UInt8]) -> MaskedChunk {
        chunk.withUnsafeBytes { feed($0) }
    }

    /// Flushes and masks everything held back. The masker can be reused afterwards.
    public mutating func finish() -> MaskedChunk {
        let rest = pending
        pending.removeAll(keepingCapacity: true)
        return rest.withUnsafeBytes { emit($0, detections: engine.detectors.detect(in: $0)) }
    }

    private mutating func emit(_ bytes: UnsafeRawBufferPointer, detections: [Detection]) -> MaskedChunk {
        guard !detections.isEmpty else { return MaskedChunk(bytes: Array(bytes), hits: []) }
        var hits = SubjectHitCollector()
        let output = engine.mask(bytes, detections: detections, collecting: &hits)
        return MaskedChunk(bytes: output, hits: hits.hits.filter { seen.add($0) })
    }

    /// Where the final prefix ends: `holdback` bytes before the end, moved back (by at most
    /// `holdback / 4`) out of a run of letters and digits so the next window does not start
    /// mid-token (a long order number cut in two could look like a card), moved back to the
    /// start of a detection that straddles it (or forward past it when that would hold back more
    /// than `2 * holdback`), then back to a UTF-8 sequence start.
    static func cut(in buffer: UnsafeRawBufferPointer, detections: [Detection], holdback: Int) -> Int {
        var cut = buffer.count - holdback
        let limit = max(0, cut - holdback / 4)
        var boundary = cut
        while boundary > limit && ASCII.isAlnum(buffer[boundary - 1]) && ASCII.isAlnum(buffer[boundary]) { boundary -= 1 }
        // The window's start is no boundary: what came before it was already emitted.
        if boundary > limit || (boundary > 0 && !(ASCII.isAlnum(buffer[boundary]) && ASCII.isAlnum(buffer[boundary - 1]))) {
            cut = boundary
        }
        if let straddling = detections.first(where: { $0.range.lowerBound < cut && cut < $0.range.upperBound }) {
            cut = buffer.count - straddling.range.lowerBound <= 2 * holdback
                ? straddling.range.lowerBound : straddling.range.upperBound
        }
        while cut > 0 && cut < buffer.count && buffer[cut] & 0xC0 == 0x80 { cut -= 1 }
        return cut
    }
}

/// Output of one `StreamingTextMasker` step.
public struct MaskedChunk: Sendable, Equatable {
    public var bytes: [UInt8]
    /// Subjects first seen in this step (each subject is reported once per masker).
    public var hits: [SubjectHit]

    public init(bytes: [UInt8], hits: [SubjectHit]) {
        self.bytes = bytes
        self.hits = hits
    }
}
