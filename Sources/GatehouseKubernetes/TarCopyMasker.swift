import GatehouseMasking

/// `kubectl cp` out of a pod: the pod's `tar cf -` output, rewritten so that every file the
/// client extracts is masked. Each file is read whole (at most `maxFileBytes`), masked with the
/// gateway's detectors, and written with a new header carrying its new size; names and link
/// targets are masked too (a file may be named after someone). What cannot be masked ends the
/// copy instead of passing: a binary file (a NUL byte), a file over the limit, or a stream
/// that is not a tar. Directories and links pass with their masked names. Pure: bytes in,
/// bytes out.
public struct TarCopyMasker: Sendable {
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    public let engine: MaskingEngine
    public let maxFileBytes: Int
    private var reader = TarStreamReader()
    private var current: TarEntry?
    private var content: [UInt8] = []
    private var entries = 0

    public init(engine: MaskingEngine, maxFileBytes: Int = 64 << 20) {
        self.engine = engine
        self.maxFileBytes = maxFileBytes
    }

    /// The masked archive bytes that the input completes, and whom they named.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws -> (bytes: [UInt8], hits: [SubjectHit]) {
        let events: [TarEvent]
        do { events = try reader.feed(bytes) } catch let error as TarStreamError {
            throw Refusal(description: "the pod's tar stream could not be read (\(error.description))")
        }
        var output: [UInt8] = [], hits: [SubjectHit] = []
        for event in events {
            switch event {
            case .entry(let entry):
                entries += 1
                if entry.kind == .file && entry.size > maxFileBytes {
                    throw Refusal(description: "'\(masked(entry.name, &hits))' is \(entry.size) bytes: files over \(maxFileBytes) bytes "
                                  + "cannot be masked, so they are not copied")
                }
                current = entry
                content.removeAll(keepingCapacity: true)
            case .content(let piece):
                content += piece
            case .entryEnd:
                guard var entry = current else { continue }
                current = nil
                entry.name = masked(entry.name, &hits)
                entry.linkName = masked(entry.linkName, &hits)
                guard entry.kind == .file else {
                    entry.size = 0
                    output += TarWriter.header(for: entry)
                    continue
                }
                if content.contains(0) {
                    throw Refusal(description: "'\(entry.name)' is a binary file, which Gatehouse cannot mask: the copy was stopped there")
                }
                let result = engine.mask(content)
                hits += result.hits
                let body = result.output ?? content
                entry.size = body.count
                output += TarWriter.header(for: entry)
                output += body
                output += TarWriter.padding(afterContentOf: body.count)
            case .archiveEnd:
                output += TarWriter.end
            }
        }
        return (output, hits)
    }

    /// Checks the stream ended at an entry's end (a cut-off copy is refused, not half-masked).
    public func finish() throws {
        do { try reader.finish() } catch let error as TarStreamError {
            throw Refusal(description: "the pod's tar stream ended early (\(error.description))")
        }
    }

    private func masked(_ text: String, _ hits: inout [SubjectHit]) -> String {
        guard !text.isEmpty else { return text }
        let result = engine.mask(text)
        hits += result.hits
        return result.text
    }
}
