/// Parses a pack as it arrives, in chunks of any size: the gateway can refuse a bad or
/// oversized push while it is still being received, and only one entry's unconsumed header
/// bytes are ever buffered (zlib keeps its own window). `finish()` checks the trailer, then
/// resolves deltas and parses commits, which needs the whole pack. After any error the
/// parser's state is unspecified: discard it and refuse the push.
public final class PackStreamParser {
    static let headerSize = 12
    private static let signature: [UInt8] = Array("PACK".utf8)

    private enum State {
        case packHeader
        case entryHeader(index: Int)
        case entryData(index: Int, offset: Int, header: PackEntryHeader)
        case trailer
    }

    public let limits: PackLimits
    public private(set) var version: UInt32?
    public private(set) var objectCount: Int?
    /// Bytes consumed so far: the offset in the pack of the next unread byte.
    public private(set) var offset = 0
    public var entriesRead: Int { entries.count }

    private var state = State.packHeader
    private var pending: [UInt8] = []
    private var entries: [PackEntry] = []
    private var inflatedTotal = 0
    private var hasher = SHA1()
    private var trailer: [UInt8] = []
    private var trailerByteCount = 0
    private let inflater = ZlibInflater()

    public init(limits: PackLimits = .default) { self.limits = limits }

    public func feed(_ chunk: [UInt8]) throws(PackError) { try feed(chunk[...]) }

    public func feed(_ chunk: ArraySlice<UInt8>) throws(PackError) {
        let result: Result<Void, PackError> = chunk.withUnsafeBytes { buffer in Result { () throws(PackError) in try feed(buffer) } }
        try result.get()
    }

    /// Parses what it can in place and keeps only the unconsumed rest (a partial entry header).
    public func feed(_ chunk: UnsafeRawBufferPointer) throws(PackError) {
        guard !pending.isEmpty else {
            let consumed = try process(chunk)
            pending = Array(chunk[consumed...])
            return
        }
        pending += chunk
        let buffered = pending
        let result: Result<Int, PackError> = buffered.withUnsafeBytes { buffer in Result { () throws(PackError) in try process(buffer) } }
        pending = Array(buffered[try result.get()...])
    }

    /// Call once all bytes are fed.
    public func finish() throws(PackError) -> ParsedPack {
        let checksum = try verifyTrailer()
        var resolver = try DeltaResolver(entries: entries)
        entries = []
        try resolver.resolve(limits: limits) { self.reserve($0) }
        let inserts = resolver.inserts.map { inserts in
            var inserts = inserts
            inserts.baseID = resolver.baseID(ofDeltaAt: inserts.objectIndex)
            return inserts
        }
        return ParsedPack(version: version!, checksum: checksum, objects: resolver.objects, contents: resolver.contents, deltaInserts: inserts)
    }

    /// Returns how many bytes of `buffer` were consumed.
    private func process(_ buffer: UnsafeRawBufferPointer) throws(PackError) -> Int {
        var position = 0
        func consume(_ count: Int) {
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[position..<position + count]))
            position += count
            offset += count
        }
        while true {
            let available = UnsafeRawBufferPointer(rebasing: buffer[position...])
            switch state {
            case .packHeader:
                guard available.count >= Self.headerSize else { return position }
                try readPackHeader(available)
                consume(Self.headerSize)
            case .entryHeader(let index):
                guard let header = try PackEntryHeader.parse(available, offset: offset, index: index) else { return position }
                try startEntry(header, index: index)
                state = .entryData(index: index, offset: offset, header: header)
                consume(header.length)
            case .entryData(let index, let entryOffset, let header):
                guard !available.isEmpty else { return position }
                let (consumed, finished) = try inflate(available, index: index, offset: entryOffset, declaredSize: header.size)
                consume(consumed)
                guard finished else { return position }
                try finishEntry(index: index, offset: entryOffset, header: header)
            case .trailer:
                let wanted = min(available.count, GitObjectID.byteCount - trailer.count)
                if wanted > 0 { trailer += available[..<wanted] }
                trailerByteCount += available.count
                return buffer.count
            }
        }
    }

    private func readPackHeader(_ bytes: UnsafeRawBufferPointer) throws(PackError) {
        guard bytes.prefix(4).elementsEqual(Self.signature) else { throw PackError(.badSignature, offset: 0) }
        func uint32(at index: Int) -> UInt32 { (index..<index + 4).reduce(0) { $0 << 8 | UInt32(bytes[$1]) } }
        let version = uint32(at: 4)
        guard version == 2 || version == 3 else { throw PackError(.unsupportedVersion(version), offset: 4) }
        let count = Int(uint32(at: 8))
        guard count <= limits.maxObjects else {
            throw PackError(.limitExceeded("\(count) objects, at most \(limits.maxObjects)"), offset: 8)
        }
        self.version = version
        objectCount = count
        entries.reserveCapacity(count)
        state = count == 0 ? .trailer : .entryHeader(index: 0)
    }

    private func startEntry(_ header: PackEntryHeader, index: Int) throws(PackError) {
        func fail(_ what: String) -> PackError { PackError(.limitExceeded(what), objectIndex: index, offset: offset) }
        guard header.size <= limits.maxObjectBytes else { throw fail("object of \(header.size) bytes, at most \(limits.maxObjectBytes)") }
        guard reserve(header.size) else { throw fail("more than \(limits.maxTotalBytes) inflated bytes in total") }
        do { try inflater.begin(declaredSize: header.size) } catch { throw PackError(Self.reason(error, header.size), objectIndex: index, offset: offset) }
    }

    private func inflate(_ bytes: UnsafeRawBufferPointer, index: Int, offset: Int, declaredSize: Int) throws(PackError) -> (Int, Bool) {
        do { return try inflater.feed(bytes) } catch {
            throw PackError(Self.reason(error, declaredSize), objectIndex: index, offset: offset)
        }
    }

    private func finishEntry(index: Int, offset: Int, header: PackEntryHeader) throws(PackError) {
        let data = inflater.takeOutput()
        guard data.count == header.size else {
            throw PackError(.sizeMismatch(declared: header.size, actual: data.count), objectIndex: index, offset: offset)
        }
        entries.append(PackEntry(index: index, offset: offset, kind: header.kind, data: data))
        state = index + 1 == objectCount ? .trailer : .entryHeader(index: index + 1)
    }

    private func verifyTrailer() throws(PackError) -> GitObjectID {
        guard case .trailer = state, trailerByteCount >= GitObjectID.byteCount else {
            throw PackError(.truncated, objectIndex: currentIndex, offset: offset + pending.count + trailerByteCount)
        }
        guard trailerByteCount == GitObjectID.byteCount else {
            throw PackError(.trailingData(byteCount: trailerByteCount - GitObjectID.byteCount), offset: offset)
        }
        let expected = GitObjectID(bytes: hasher.finalize())!
        let actual = GitObjectID(bytes: trailer)!
        guard expected == actual else { throw PackError(.badTrailerChecksum(expected: expected.hex, actual: actual.hex), offset: offset) }
        return actual
    }

    private var currentIndex: Int? {
        switch state {
        case .entryHeader(let index), .entryData(let index, _, _): index
        case .packHeader, .trailer: nil
        }
    }

    /// Charges inflated or rebuilt bytes against the pack's total before they are allocated.
    private func reserve(_ bytes: Int) -> Bool {
        guard bytes <= limits.maxTotalBytes - inflatedTotal else { return false }
        inflatedTotal += bytes
        return true
    }

    private static func reason(_ failure: ZlibInflater.Failure, _ declared: Int) -> PackError.Reason {
        switch failure {
        case .longerThanDeclared: .longerThanDeclared(declared: declared)
        case .zlib(let code, let message): .zlib(code: code, message: message)
        }
    }
}
