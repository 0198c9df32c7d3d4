import GatehouseMasking

/// `kubectl cp` into a pod: the client's tar stream, scanned like a Git push before it reaches
/// the pod. The bytes are passed on unchanged, but only whole entries whose content the
/// detectors found clean: a file is held until its last byte is read and scanned (at most
/// `maxFileBytes`; a larger file is refused rather than passed unscanned). A file with
/// identifiers stops the copy before any of its bytes are released. Binary files (a NUL byte)
/// are not read, as for a push: detectors read text, and random digit runs in binary data
/// would look like card numbers. Pure: bytes in, releasable bytes out.
public struct TarCopyScanner: Sendable {
    /// The copy adds identifiers: which file, which kind, how many (never the values).
    public struct Finding: Sendable, Equatable {
        public let path: String
        public let kind: String
        public let count: Int
    }

    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public let findings: [Finding]
        public let description: String
    }

    public let engine: MaskingEngine
    public let maxFileBytes: Int
    private var reader = TarStreamReader()
    /// Bytes received and not yet released; `fed` of them have gone through the reader.
    private var pending: [UInt8] = []
    private var fed = 0
    /// Bytes released before `pending`'s first: with `fed`, where the reader is in the stream.
    private var released = 0
    private var current: TarEntry?
    private var content: [UInt8] = []
    public private(set) var skippedBinary: [String] = []
    public private(set) var scannedFiles = 0

    public init(engine: MaskingEngine, maxFileBytes: Int = 64 << 20) {
        self.engine = engine
        self.maxFileBytes = maxFileBytes
    }

    /// What the next bytes allow: the bytes that may now go to the pod and, once the copy is
    /// refused, why (the bytes released are then those before the refused entry; nothing after).
    public struct Step: Sendable, Equatable {
        public var release: [UInt8]
        public var refusal: Refusal?
    }

    /// Why the copy was refused; every later step releases nothing.
    public private(set) var refusal: Refusal?

    /// Takes the client's next bytes.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> Step {
        guard refusal == nil else { return Step(release: [], refusal: refusal) }
        pending += bytes
        var releasable = 0
        // One tar block at a time (aligned as in the stream), so an event is known to lie in the
        // block just read and releasing up to its end never lets out part of the next header.
        do {
            while pending.count - fed > 0 {
                let position = released + fed
                let end = min(pending.count, fed + TarStreamReader.blockSize - position % TarStreamReader.blockSize)
                let events: [TarEvent]
                do { events = try reader.feed(pending[fed..<end]) } catch let error as TarStreamError {
                    throw Refusal(findings: [], description: "the copy is not a tar stream Gatehouse can read (\(error.description))")
                }
                fed = end
                for event in events where try handle(event) { releasable = fed }
            }
        } catch let stop as Refusal {
            refusal = stop
        } catch {
            refusal = Refusal(findings: [], description: "the copy could not be scanned (\(error))")
        }
        let out = Array(pending[..<releasable])
        pending.removeFirst(releasable)
        fed -= releasable
        released += releasable
        if refusal != nil { pending.removeAll() }
        return Step(release: out, refusal: refusal)
    }

    /// The client's stream ended: the rest, if the archive was complete.
    public mutating func finish() -> Step {
        guard refusal == nil else { return Step(release: [], refusal: refusal) }
        do { try reader.finish() } catch let error as TarStreamError {
            refusal = Refusal(findings: [], description: "the copy ended inside a file (\(error.description)): its bytes were not passed on")
            return Step(release: [], refusal: refusal)
        } catch {
            refusal = Refusal(findings: [], description: "the copy could not be scanned (\(error))")
            return Step(release: [], refusal: refusal)
        }
        defer { pending.removeAll() }
        return Step(release: pending, refusal: nil)
    }

    /// True when the bytes read so far may be released.
    private mutating func handle(_ event: TarEvent) throws -> Bool {
        switch event {
        case .entry(let entry):
            if entry.kind == .file && entry.size > maxFileBytes {
                throw Refusal(findings: [], description: "'\(engine.mask(entry.name).text)' is \(entry.size) bytes: files over "
                              + "\(maxFileBytes) bytes cannot be scanned, so the copy was stopped before it")
            }
            current = entry
            content.removeAll(keepingCapacity: true)
            return false
        case .content(let piece):
            content += piece
            return false
        case .entryEnd:
            guard let entry = current else { return true }
            current = nil
            try scan(entry)
            return true
        case .archiveEnd:
            return true
        }
    }

    private mutating func scan(_ entry: TarEntry) throws {
        var counts: [String: Int] = [:]
        for text in [Array(entry.name.utf8), Array(entry.linkName.utf8)] {
            for detection in engine.detectors.detect(in: text) { counts[detection.name, default: 0] += 1 }
        }
        if entry.kind == .file {
            if content.contains(0) {
                skippedBinary.append(entry.name)
            } else {
                scannedFiles += 1
                for detection in engine.detectors.detect(in: content) { counts[detection.name, default: 0] += 1 }
            }
        }
        guard !counts.isEmpty else { return }
        let path = engine.mask(entry.name).text
        let findings = counts.sorted { $0.key < $1.key }.map { Finding(path: path, kind: $0.key, count: $0.value) }
        let summary = findings.map { "\($0.count) \($0.kind)" }.joined(separator: ", ")
        throw Refusal(findings: findings, description: "'\(path)' holds personal identifiers (\(summary)): the copy was stopped "
                      + "before it reached the pod")
    }
}
