import GatehouseGit
import GatehouseMasking

/// How much of a push the scanner reads. Scanning is linear in the bytes read, so these bound
/// the time a push can hold the gateway; anything left unread is reported (`truncatedPaths`,
/// `reachedTotalLimit`), never silently passed as clean.
public struct GitPushScanLimits: Sendable, Hashable {
    /// Bytes read from one object: a whole blob, one delta's inserts, one commit message.
    public var maxBytesPerObject: Int
    /// Bytes read from the whole push; objects after the budget is spent are not scanned.
    public var maxTotalBytes: Int
    /// How far into an object a NUL byte makes it binary (git's own heuristic reads 8000 bytes).
    public var binaryProbeBytes: Int

    public init(maxBytesPerObject: Int = 16 << 20, maxTotalBytes: Int = 256 << 20, binaryProbeBytes: Int = 8 << 10) {
        self.maxBytesPerObject = maxBytesPerObject
        self.maxTotalBytes = maxTotalBytes
        self.binaryProbeBytes = binaryProbeBytes
    }

    public static let `default` = GitPushScanLimits()
}

/// Finds the personal identifiers a push ADDS, with the masking engine's own detectors (the same
/// `DetectorSet` the gateway masks results with: one definition of what an identifier is).
/// Pure: no I/O, no state between scans.
///
/// What is new in a push, and so what is read:
/// - every whole (non-delta) blob, from its first byte;
/// - for every delta entry, only the literal bytes it inserts. The bytes it copies come from its
///   base, which is either on the server already (a thin pack) or another object of this pack
///   that is scanned in its own right. This holds for resolved deltas too: rescanning the
///   rebuilt content would report, on every edit of a file, the identifiers the repository
///   already had, so a file that once held an email could never be edited again;
/// - every pushed commit's message (not the author and committer lines, which always hold an
///   email by design). Trees hold names and ids, not content, and are not read.
///
/// Binary content (a NUL byte in the first `binaryProbeBytes`) is skipped and listed in
/// `skippedBinary`: the detectors read text, and in images, archives or compressed data random
/// digit runs pass the check digits (one in ten passes Luhn), so scanning it would reject pushes
/// for data that is not there, while identifiers inside compressed formats are invisible anyway.
/// It is reported rather than dropped so the gateway can decide what unscanned content means.
///
/// Known limit: an identifier made partly of copied and partly of inserted bytes (one digit of a
/// number changed) is not seen, because the inserts are read without the copies around them.
public struct GitPushScanner: Sendable {
    public let detectors: DetectorSet
    public let limits: GitPushScanLimits

    /// `detectors`: the gateway's masking detectors, as in `MaskingSettings.engine.detectors`.
    public init(detectors: DetectorSet, limits: GitPushScanLimits = .default) {
        self.detectors = detectors
        self.limits = limits
    }

    public func scan(_ pack: ParsedPack) -> GitPushScanReport {
        var scan = Scan(detectors: detectors, limits: limits)
        let blobPaths = pack.blobPaths()
        for object in pack.objects where object.type == .blob && !object.kind.isDelta {
            guard let id = object.id, let content = pack.content(at: object.index) else { continue }
            let path = blobPaths[id]?.first ?? "<blob \(id)>"
            scan.scan(content[...], path: path, objectID: id, source: .blob)
        }
        for inserts in pack.deltaInserts {
            let object = pack.objects[inserts.objectIndex]
            // A resolved delta to a tree, commit or tag: trees hold no content, commit messages
            // are read below from the whole commit.
            if let type = object.type, type != .blob { continue }
            let path = pack.paths(of: inserts, blobPaths: blobPaths).first ?? Self.unknownPath(of: inserts)
            // A resolved delta knows its whole content, which is the better binary probe; an
            // unresolved one only its inserts.
            let probe = object.id.flatMap { pack.content(of: $0) }
            scan.scan(inserts: Self.runs(of: inserts.chunks), probe: probe, path: path, objectID: inserts.resultID)
        }
        for commit in pack.commits {
            scan.scan(Array(commit.message.utf8)[...], path: "commit \(commit.id) message", objectID: commit.id, source: .commitMessage)
        }
        return scan.report
    }

    static func unknownPath(of inserts: DeltaInserts) -> String {
        if let base = inserts.baseID { return "<delta against \(base)>" }
        return "<delta at pack entry \(inserts.objectIndex)>"
    }

    /// Insert chunks joined into the runs they form in the result. Git writes a long insert as
    /// several instructions of at most 127 bytes, so an identifier can straddle two chunks; two
    /// chunks are one run when only a one-byte instruction (the next insert's length) separates
    /// them in the delta (a lone 0x80 copy of 64 KiB from offset 0 would pass too: joining then
    /// errs toward finding more). Runs separated by a longer copy are read apart, so no
    /// identifier is made up out of bytes that are not next to each other in the file.
    static func runs(of chunks: [ArraySlice<UInt8>]) -> [[UInt8]] {
        var runs: [[UInt8]] = []
        var previousEnd: Int?
        for chunk in chunks where !chunk.isEmpty {
            if let end = previousEnd, chunk.startIndex == end + 1 {
                runs[runs.count - 1] += chunk
            } else {
                runs.append(Array(chunk))
            }
            previousEnd = chunk.endIndex
        }
        return runs
    }
}

/// One scan's running state and its report.
private struct Scan {
    typealias Source = GitPushScanReport.Finding.Source

    let detectors: DetectorSet
    let limits: GitPushScanLimits
    var report = GitPushScanReport()

    init(detectors: DetectorSet, limits: GitPushScanLimits) {
        self.detectors = detectors
        self.limits = limits
    }

    var remainingBudget: Int { max(0, limits.maxTotalBytes - report.scannedBytes) }

    mutating func scan(_ content: ArraySlice<UInt8>, path: String, objectID: GitObjectID, source: Source) {
        guard !content.isEmpty else { return }
        if source == .blob, isBinary(content) {
            report.skippedBinary.append(path)
            return
        }
        guard let allowed = allowance(for: content.count, path: path) else { return }
        var counts = Counts()
        counts.add(detectors, content.prefix(allowed))
        record(counts, path: path, objectID: objectID, source: source)
        if source == .blob { report.scannedBlobs += 1 } else { report.scannedCommitMessages += 1 }
    }

    mutating func scan(inserts runs: [[UInt8]], probe: [UInt8]?, path: String, objectID: GitObjectID?) {
        guard !runs.isEmpty else { return }
        if isBinary(probe ?? Array(runs.joined().prefix(limits.binaryProbeBytes))) {
            report.skippedBinary.append(path)
            return
        }
        guard var allowed = allowance(for: runs.reduce(0) { $0 + $1.count }, path: path) else { return }
        var counts = Counts()
        for run in runs where allowed > 0 {
            counts.add(detectors, run.prefix(allowed))
            allowed -= min(allowed, run.count)
        }
        record(counts, path: path, objectID: objectID, source: .deltaInserts)
        report.scannedDeltas += 1
    }

    func isBinary(_ content: some Collection<UInt8>) -> Bool {
        content.prefix(limits.binaryProbeBytes).contains(0)
    }

    /// How many of `count` bytes may be read, charged to the budget; nil when none.
    private mutating func allowance(for count: Int, path: String) -> Int? {
        let allowed = min(count, limits.maxBytesPerObject, remainingBudget)
        if allowed < count {
            if count > limits.maxBytesPerObject { report.truncatedPaths.append(path) }
            if remainingBudget < min(count, limits.maxBytesPerObject) { report.reachedTotalLimit = true }
        }
        guard allowed > 0 else {
            report.unscannedObjects += 1
            return nil
        }
        report.scannedBytes += allowed
        return allowed
    }

    private mutating func record(_ counts: Counts, path: String, objectID: GitObjectID?, source: Source) {
        for (key, count) in counts.byKind.sorted(by: { $0.key.name < $1.key.name }) {
            report.findings.append(.init(path: path, objectID: objectID, kind: key.kind, name: key.name, count: count, source: source))
        }
    }
}

/// Detections per kind (and custom name) in one object; the values themselves are never kept.
private struct Counts {
    struct Key: Hashable {
        let kind: IdentifierKind
        let name: String
    }

    var byKind: [Key: Int] = [:]

    mutating func add(_ detectors: DetectorSet, _ bytes: ArraySlice<UInt8>) {
        let detections = bytes.withUnsafeBytes { detectors.detect(in: $0) }
        for detection in detections { byKind[Key(kind: detection.kind, name: detection.name), default: 0] += 1 }
    }
}
