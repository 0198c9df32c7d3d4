import GatehouseMasking

/// An upload in blocks is scanned as the blob the blocks form. Each block is scanned when it is
/// put; what that cannot see is an identifier split across two blocks (or several tiny ones).
/// So the gateway keeps each block's edges, and when the block list commits them, scans the
/// bytes around every seam and reports what crosses one. Pure: the gateway supplies the edges.
public enum BlockSeams {
    /// How many bytes either side of a seam are scanned: more than the longest identifier the
    /// detectors find (an email address has at most 254 characters), with room for labels.
    public static let window = 1024

    /// What the gateway keeps of one block: all of a small one, the two ends of a larger one.
    public struct Edges: Sendable, Equatable {
        /// The block's first bytes (all of it when `whole`).
        public var head: [UInt8]
        /// The block's last bytes (empty when `whole`).
        public var tail: [UInt8]
        /// Binary blocks (a NUL byte early on, git's test) are not scanned, nor their seams.
        public var binary: Bool
        public var whole: Bool { tail.isEmpty }

        public init(of block: [UInt8], binary: Bool) {
            self.binary = binary
            if block.count <= 2 * BlockSeams.window {
                head = block
                tail = []
            } else {
                head = Array(block.prefix(BlockSeams.window))
                tail = Array(block.suffix(BlockSeams.window))
            }
        }
    }

    /// One entry of a Put Block List body, in order.
    public struct ListedBlock: Sendable, Equatable {
        /// `Latest`, `Committed` or `Uncommitted`.
        public var list: String
        /// The block ID as the client wrote it (base64).
        public var id: String
    }

    /// The blocks a `<BlockList>` body names, in order; nil when it is not one.
    public static func listedBlocks(in xml: String) -> [ListedBlock]? {
        guard xml.contains("<BlockList>") else { return nil }
        var blocks: [ListedBlock] = []
        var rest = Substring(xml)
        while let open = rest.firstIndex(of: "<") {
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: ">") else { return nil }
            let name = String(rest[afterOpen..<close])
            rest = rest[rest.index(after: close)...]
            guard ["Latest", "Committed", "Uncommitted"].contains(name) else { continue }
            guard let end = rest.range(of: "</\(name)>") else { return nil }
            blocks.append(ListedBlock(list: name, id: BlobListingMasker.unescaped(String(rest[..<end.lowerBound]))))
            rest = rest[end.upperBound...]
        }
        return blocks
    }

    /// Detections crossing a seam between consecutive blocks, each once (at the end of the block
    /// it starts in). `edges` holds each listed block's edges, in list order; a window never
    /// reaches into a binary block.
    public static func detections(across edges: [Edges], detectors: DetectorSet) -> [Detection] {
        var found: [Detection] = []
        for seam in 1..<max(1, edges.count) where !edges[seam - 1].binary && !edges[seam].binary {
            let before = bytes(before: seam, in: edges)
            let after = bytes(from: seam, in: edges)
            let previous = edges[seam - 1]
            let blockStart = before.count - (previous.whole ? previous.head.count : previous.tail.count)
            found += detectors.detect(in: before + after).filter {
                $0.range.lowerBound < before.count && $0.range.upperBound > before.count && $0.range.lowerBound >= blockStart
            }
        }
        return found
    }

    /// Up to `window` bytes ending at the seam before block `index`, through small blocks.
    static func bytes(before index: Int, in edges: [Edges]) -> [UInt8] {
        var collected: [UInt8] = []
        var block = index - 1
        while block >= 0, collected.count < window, !edges[block].binary {
            let edge = edges[block]
            collected = (edge.whole ? edge.head : edge.tail) + collected
            if !edge.whole { break }
            block -= 1
        }
        return Array(collected.suffix(window))
    }

    /// Up to `window` bytes starting at the seam before block `index`, through small blocks.
    static func bytes(from index: Int, in edges: [Edges]) -> [UInt8] {
        var collected: [UInt8] = []
        var block = index
        while block < edges.count, collected.count < window, !edges[block].binary {
            let edge = edges[block]
            collected += edge.head
            if !edge.whole { break }
            block += 1
        }
        return Array(collected.prefix(window))
    }
}
