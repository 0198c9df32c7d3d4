import Foundation
import GatehouseCore
import GatehouseMasking

/// Masks a whole blob's content before the agent sees any of it: by its rule's format on
/// classified paths, with the detectors on other text blobs. Pure; the gateway fetches the
/// blob, masks it once and serves every range of the client's download from the result.
public struct BlobContentMasker: Sendable {
    public let engine: MaskingEngine

    public init(engine: MaskingEngine) {
        self.engine = engine
    }

    public enum Outcome: Sendable, Equatable {
        /// The bytes to hand out (unchanged when nothing was found), whom they named (the first
        /// `SubjectReference.limitPerEvent`, as many as a record keeps) and how many people that was.
        case masked([UInt8], hits: [SubjectHit], distinct: Int)
        /// The content cannot be masked (a binary format on a classified path, or malformed
        /// JSON/CSV): it is not handed out, and the client is told why.
        case withheld(reason: String)
    }

    /// Whether a blob's content is masked at all: classified blobs always, other blobs when their
    /// name or content type says text. Anything else is passed through untouched.
    public static func needsMasking(rule: BlobDataRule?, blob: String, contentType: String?) -> Bool {
        rule != nil || textFormat(blob: blob, contentType: contentType) != nil
    }

    /// The format of an unclassified blob that is text, by name or content type.
    public static func textFormat(blob: String, contentType: String?) -> BlobDataRule.Format? {
        if let format = BlobDataRule.format(fromName: blob) { return format }
        let type = (contentType ?? "").lowercased().split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        switch type {
        case "application/json": return .json
        case "application/x-ndjson", "application/jsonl", "application/x-jsonlines": return .ndjson
        case "text/csv": return .csv
        default: return type.hasPrefix("text/") ? .text : nil
        }
    }

    public func mask(_ content: [UInt8], blob: String, rule: BlobDataRule?, contentType: String?) -> Outcome {
        let format = rule?.format(ofBlob: blob) ?? Self.textFormat(blob: blob, contentType: contentType) ?? .binary
        do {
            let result: MaskResult
            switch format {
            case .binary:
                guard rule != nil else { return .masked(content, hits: [], distinct: 0) }
                return .withheld(reason: "'\(blob)' holds personal data (\(rule!.category)) in a format Gatehouse cannot mask")
            case .text:
                var hits = SubjectHitCollector(limit: Self.subjectLimit)
                let output = content.withUnsafeBytes { engine.mask($0, collecting: &hits) }
                result = MaskResult(output: output, hits: hits.hits, distinctSubjects: hits.distinctCount)
            case .json:
                result = try jsonMasker(rule).mask(content)
            case .ndjson:
                result = try maskLines(content, with: jsonMasker(rule))
            case .csv:
                var masker = CSVMasker(engine: engine, options: CSVMaskingOptions(columnCategories: rule?.columns ?? [:]))
                masker.subjectLimit = Self.subjectLimit
                result = try masker.mask(content)
            }
            return .masked(result.output ?? content, hits: result.hits, distinct: result.distinctSubjects)
        } catch {
            return .withheld(reason: "'\(blob)' is not valid \(format.rawValue) and cannot be masked: \(error)")
        }
    }

    /// Hits beyond what a record keeps are only counted.
    static let subjectLimit = SubjectReference.limitPerEvent

    private func jsonMasker(_ rule: BlobDataRule?) throws -> JSONMasker {
        var masker = try JSONMasker(engine: engine, fieldCategories: rule?.jsonFields ?? [:])
        masker.subjectLimit = Self.subjectLimit
        // A large export is masked on every core: the agent waits for all of it before the first byte.
        masker.parallelism = ProcessInfo.processInfo.activeProcessorCount
        return masker
    }

    /// Each line a JSON document; blank lines and line endings kept as they are. A large file is
    /// cut at line ends and masked on every core, as a large JSON array is.
    func maskLines(_ content: [UInt8], with masker: JSONMasker) throws -> MaskResult {
        try content.withUnsafeBytes { all in
            if let result = Self.maskLinesSideBySide(all, with: masker) { return result }
            var hits = SubjectHitCollector(limit: masker.subjectLimit)
            let output = try Self.maskLines(all, with: masker, collecting: &hits)
            return MaskResult(output: output, hits: hits.hits, distinctSubjects: hits.distinctCount)
        }
    }

    /// Runs of lines masked side by side, or nil when the file is not cut (one core, too small)
    /// or a line is not valid.
    static func maskLinesSideBySide(_ content: UnsafeRawBufferPointer, with masker: JSONMasker) -> MaskResult? {
        guard masker.parallelism > 1, content.count >= JSONMasker.parallelMinimumBytes,
              let runs = ParallelRuns.lines(in: content, parts: masker.parallelism) else { return nil }
        return ParallelRuns.mask(content, runs: runs, subjectLimit: masker.subjectLimit) { _, run, hits in
            try maskLines(run, with: masker.unsharedHashes(), collecting: &hits)
        }
    }

    static func maskLines(_ content: UnsafeRawBufferPointer, with masker: JSONMasker,
                          collecting hits: inout SubjectHitCollector) throws -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(content.count)
        var changed = false
        var start = 0
        while start < content.count {
            let newline = content[start...].firstIndex(of: 0x0A) ?? content.count
            var end = newline
            if end > start && content[end - 1] == 0x0D { end -= 1 }
            let line = UnsafeRawBufferPointer(rebasing: content[start..<end])
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                output += line
            } else if let masked = try masker.mask(line, collecting: &hits) {
                output += masked
                changed = true
            } else {
                output += line
            }
            output += content[end..<min(newline + 1, content.count)]
            start = newline + 1
        }
        return changed ? output : nil
    }
}
