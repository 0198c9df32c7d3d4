import Dispatch

/// Masks runs of one input side by side, one core each, and joins the results: the bytes
/// between runs are kept as they are, and the hits are gathered as if the runs had been masked
/// one after the other. The maskers that cut their input (`JSONMasker` by array elements, NDJSON
/// blobs by lines) decide where runs may start and end.
public enum ParallelRuns {
    /// Masks one run: returns its masked bytes (nil when unchanged) and adds its hits to the
    /// collector, or throws when the run is not valid.
    public typealias MaskRun = (_ run: Int, _ bytes: UnsafeRawBufferPointer, _ hits: inout SubjectHitCollector) throws -> [UInt8]?

    /// The joined result, or nil when a run threw: the caller masks the whole input in one pass
    /// then, which reports the error as it always does.
    public static func mask(_ input: UnsafeRawBufferPointer, runs: [Range<Int>], subjectLimit: Int, _ maskRun: MaskRun) -> MaskResult? {
        typealias Part = (output: [UInt8]?, hits: SubjectHitCollector)
        let parts = UnsafeMutableBufferPointer<Part?>.allocate(capacity: runs.count)
        parts.initialize(repeating: nil)
        defer { parts.deinitialize().deallocate() }
        DispatchQueue.concurrentPerform(iterations: runs.count) { k in
            var hits = SubjectHitCollector(limit: subjectLimit)
            guard let output = try? maskRun(k, UnsafeRawBufferPointer(rebasing: input[runs[k]]), &hits) else { return }
            parts[k] = (output, hits)   // each thread writes its own slot
        }
        guard !parts.contains(where: { $0 == nil }) else { return nil }
        // The first run's collector is the start as it is (merging it would insert each of its
        // subjects again); it leaves its slot first so that it is not copied when it grows.
        var hits = parts[0]!.hits
        parts[0]!.hits = SubjectHitCollector()
        for part in parts.dropFirst() { hits.merge(part!.hits) }
        guard parts.contains(where: { $0?.output != nil }) else {
            return MaskResult(output: nil, hits: hits.hits, distinctSubjects: hits.distinctCount)
        }
        var output: [UInt8] = []
        output.reserveCapacity(input.count + input.count / 8)
        var cursor = 0
        for (run, part) in zip(runs, parts) {
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[cursor..<run.lowerBound]))
            if let masked = part?.output {
                output.append(contentsOf: masked)
            } else {
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[run]))
            }
            cursor = run.upperBound
        }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[cursor...]))
        return MaskResult(output: output, hits: hits.hits, distinctSubjects: hits.distinctCount)
    }

    /// Up to `parts` runs of whole lines of about equal size (each ends before a `\n`, the next
    /// starts after it), or nil for fewer than two.
    public static func lines(in input: UnsafeRawBufferPointer, parts: Int) -> [Range<Int>]? {
        guard parts > 1 else { return nil }
        var runs: [Range<Int>] = []
        var start = 0
        for k in 1..<parts {
            let target = max(start, input.count * k / parts)
            guard let newline = input[target...].firstIndex(of: 0x0A) else { break }
            if newline > start { runs.append(start..<newline) ; start = newline + 1 }
        }
        guard !runs.isEmpty, start < input.count else { return nil }
        runs.append(start..<input.count)
        return runs
    }
}
