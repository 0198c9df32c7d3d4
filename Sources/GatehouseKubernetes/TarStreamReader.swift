/// An incremental reader for the tar streams that `tar cf -` writes: ustar, pax, old GNU and v7
/// headers. `kubectl cp` delivers that stream in WebSocket messages of any size, so bytes may be
/// split anywhere, even inside a header; events come out as soon as the bytes that complete them
/// arrive.
public struct TarStreamReader: Sendable {
    static let blockSize = 512
    /// No real member is anywhere near 1 PiB; larger sizes mean a corrupt header, and the bound
    /// keeps all offset arithmetic far away from overflow.
    static let maxEntrySize = 1 << 50

    private enum State: Sendable {
        case header
        case content(remaining: Int, padding: Int)
        case metadata(MetadataKind, remaining: Int, padding: Int)
        case padding(remaining: Int)
        case ended
    }

    private let maxMetadataBytes: Int
    private var state = State.header
    /// The part of the next 512-byte header block received so far.
    private var block: [UInt8] = []
    /// The body of a GNU long-name or pax header, collected until complete.
    private var metadataBody: [UInt8] = []
    /// What GNU long-name and pax headers say about the next entry.
    private var overrides = EntryOverrides()
    private var sawZeroBlock = false
    private var headerNumber = 0
    private var entryNumber = 0
    private var completedEntries = 0
    /// Once the stream is known to be broken, every later call reports the same error.
    private var failure: TarStreamError?

    /// - Parameter maxMetadataBytes: cap on the body of one GNU long-name or pax header, which is
    ///   buffered in memory.
    public init(maxMetadataBytes: Int = 1 << 20) {
        self.maxMetadataBytes = maxMetadataBytes
    }

    public var archiveEnded: Bool {
        if case .ended = state { return true }
        return false
    }

    /// Consumes the next bytes of the stream and returns the events they complete.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws -> [TarEvent] {
        if let failure { throw failure }
        var events: [TarEvent] = []
        do {
            let handled: Void? = try bytes.withContiguousStorageIfAvailable { try consume($0, into: &events) }
            if handled == nil {
                try Array(bytes).withUnsafeBufferPointer { try consume($0, into: &events) }
            }
        } catch {
            let failure = error as? TarStreamError ?? TarStreamError("\(error)")
            self.failure = failure
            throw failure
        }
        return events
    }

    /// Call when the stream has ended. Throws if it ended inside a header, an entry's content or
    /// before the entry an extended header announced. A stream that stops at an entry boundary
    /// without the two zero blocks is accepted (after at least one entry): some tars pad oddly.
    public func finish() throws {
        if let failure { throw failure }
        switch state {
        case .ended:
            return
        case .content(let remaining, _):
            throw TarStreamError("tar stream ended inside the content of entry \(entryNumber) (\(remaining) bytes missing)")
        case .metadata(let kind, let remaining, _):
            throw TarStreamError("tar stream ended inside the \(kind.description) of header \(headerNumber) (\(remaining) bytes missing)")
        case .header where block.contains(where: { $0 != 0 }):
            throw TarStreamError("tar stream ended inside header \(headerNumber + 1) (\(block.count) of 512 bytes)")
        case .header, .padding:
            // At an entry boundary; a partial zero block or missing padding is only odd padding.
            break
        }
        if !overrides.isEmpty {
            throw TarStreamError("tar stream ended after header \(headerNumber) without the entry it describes")
        }
        if completedEntries == 0 {
            throw TarStreamError("tar stream ended before any complete entry")
        }
    }

    // MARK: - Stream state machine

    private mutating func consume(_ input: UnsafeBufferPointer<UInt8>, into events: inout [TarEvent]) throws(TarStreamError) {
        var offset = 0
        while offset < input.count {
            let available = input.count - offset
            switch state {
            case .header:
                let taken = min(Self.blockSize - block.count, available)
                block.append(contentsOf: input[offset ..< offset + taken])
                offset += taken
                if block.count == Self.blockSize {
                    let header = block
                    block.removeAll(keepingCapacity: true)
                    try process(block: header, into: &events)
                }
            case .content(let remaining, let padding):
                let taken = min(remaining, available)
                events.append(.content(Array(input[offset ..< offset + taken])))
                offset += taken
                if taken == remaining {
                    events.append(.entryEnd)
                    completedEntries += 1
                    state = Self.afterData(padding: padding)
                } else {
                    state = .content(remaining: remaining - taken, padding: padding)
                }
            case .metadata(let kind, let remaining, let padding):
                let taken = min(remaining, available)
                metadataBody.append(contentsOf: input[offset ..< offset + taken])
                offset += taken
                if taken == remaining {
                    try applyMetadata(kind)
                    state = Self.afterData(padding: padding)
                } else {
                    state = .metadata(kind, remaining: remaining - taken, padding: padding)
                }
            case .padding(let remaining):
                let taken = min(remaining, available)
                offset += taken
                state = taken == remaining ? .header : .padding(remaining: remaining - taken)
            case .ended:
                // GNU tar pads the archive to a whole record with zeros; anything else is not tar.
                if input[offset...].contains(where: { $0 != 0 }) {
                    throw TarStreamError("tar stream has non-zero data after the end of the archive")
                }
                offset = input.count
            }
        }
    }

    private static func afterData(padding: Int) -> State {
        padding > 0 ? .padding(remaining: padding) : .header
    }

    private static func padding(for size: Int) -> Int {
        (blockSize - size % blockSize) % blockSize
    }

    private mutating func process(block bytes: [UInt8], into events: inout [TarEvent]) throws(TarStreamError) {
        if bytes.allSatisfy({ $0 == 0 }) {
            try processZeroBlock(into: &events)
            return
        }
        if sawZeroBlock {
            throw TarStreamError("tar archive has a zero block inside it")
        }
        headerNumber += 1
        let header = TarHeader(bytes: bytes, number: headerNumber)
        guard header.hasValidChecksum else {
            throw TarStreamError("tar header \(headerNumber) has a bad checksum")
        }
        if let kind = MetadataKind(typeflag: header.typeflag) {
            try startMetadata(kind, header: header)
        } else {
            try startEntry(header, into: &events)
        }
    }

    private mutating func processZeroBlock(into events: inout [TarEvent]) throws(TarStreamError) {
        if !overrides.isEmpty {
            throw TarStreamError("tar archive ends after header \(headerNumber) without the entry it describes")
        }
        if sawZeroBlock {
            state = .ended
            events.append(.archiveEnd)
        } else {
            sawZeroBlock = true
        }
    }

    // MARK: - Entries

    private mutating func startEntry(_ header: TarHeader, into events: inout [TarEvent]) throws(TarStreamError) {
        entryNumber += 1
        let overrides = self.overrides
        self.overrides = EntryOverrides()

        if header.isOldGNUSparseWithExtensions {
            throw TarStreamError("tar header \(headerNumber) is an old GNU sparse file with extension blocks, which is not supported")
        }
        let nameBytes = overrides.path ?? overrides.longName ?? header.fullName
        let linkBytes = overrides.linkPath ?? overrides.longLinkName ?? header.linkName
        let name = try utf8(nameBytes, what: "name")
        let linkName = try utf8(linkBytes, what: "link name")
        let size = try header.number(.size, unless: overrides.size)
        guard (0 ... Self.maxEntrySize).contains(size) else {
            throw TarStreamError("tar header \(headerNumber) has an impossible size \(size)")
        }
        let entry = TarEntry(
            name: name,
            kind: TarHeader.kind(typeflag: header.typeflag, name: nameBytes),
            size: size,
            mode: try header.number(.mode),
            uid: try header.number(.uid, unless: overrides.uid),
            gid: try header.number(.gid, unless: overrides.gid),
            modificationTime: try header.number(.modificationTime, unless: overrides.modificationTime),
            linkName: linkName,
            userName: overrides.userName ?? header.text(.userName),
            groupName: overrides.groupName ?? header.text(.groupName)
        )
        events.append(.entry(entry))
        if size == 0 {
            events.append(.entryEnd)
            completedEntries += 1
        } else {
            state = .content(remaining: size, padding: Self.padding(for: size))
        }
    }

    /// Names are needed as text (to mask them later), so bytes that are not UTF-8 are an error.
    private func utf8(_ bytes: [UInt8], what: String) throws(TarStreamError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw TarStreamError("tar entry \(entryNumber) (header \(headerNumber)) has a \(what) that is not valid UTF-8")
        }
        return text
    }

    // MARK: - GNU long names and pax headers

    private mutating func startMetadata(_ kind: MetadataKind, header: TarHeader) throws(TarStreamError) {
        let size = try header.number(.size)
        guard size >= 0 else {
            throw TarStreamError("tar header \(headerNumber) has an impossible size \(size)")
        }
        guard size <= maxMetadataBytes else {
            throw TarStreamError("tar header \(headerNumber) has a \(size)-byte \(kind.description), over the limit of \(maxMetadataBytes) bytes")
        }
        metadataBody.removeAll(keepingCapacity: true)
        if size == 0 {
            try applyMetadata(kind)
        } else {
            state = .metadata(kind, remaining: size, padding: Self.padding(for: size))
        }
    }

    private mutating func applyMetadata(_ kind: MetadataKind) throws(TarStreamError) {
        let body = metadataBody
        metadataBody = []
        switch kind {
        case .longName:
            overrides.longName = Array(body.prefix { $0 != 0 })
        case .longLinkName:
            overrides.longLinkName = Array(body.prefix { $0 != 0 })
        case .pax:
            for record in try PaxRecord.parse(body, header: headerNumber) {
                try overrides.apply(record, header: headerNumber)
            }
        case .globalPax:
            // Parsed so that a malformed one is caught, but global defaults are not applied.
            _ = try PaxRecord.parse(body, header: headerNumber)
        }
    }
}

/// Header types whose content describes the next entry instead of being an entry.
enum MetadataKind: Sendable, CustomStringConvertible {
    case longName, longLinkName, pax, globalPax

    init?(typeflag: UInt8) {
        switch typeflag {
        case UInt8(ascii: "L"): self = .longName
        case UInt8(ascii: "K"): self = .longLinkName
        // 'X' is the pre-POSIX spelling of 'x' that Solaris tar wrote; GNU tar reads both.
        case UInt8(ascii: "x"), UInt8(ascii: "X"): self = .pax
        case UInt8(ascii: "g"): self = .globalPax
        default: return nil
        }
    }

    var description: String {
        switch self {
        case .longName: "GNU long name"
        case .longLinkName: "GNU long link name"
        case .pax: "pax extended header"
        case .globalPax: "pax global header"
        }
    }
}

/// Values from GNU long-name and pax headers that replace the next header's fields.
struct EntryOverrides: Sendable {
    var longName: [UInt8]?
    var longLinkName: [UInt8]?
    var path: [UInt8]?
    var linkPath: [UInt8]?
    var size: Int?
    var uid: Int?
    var gid: Int?
    var modificationTime: Int?
    var userName: String?
    var groupName: String?

    var isEmpty: Bool {
        longName == nil && longLinkName == nil && path == nil && linkPath == nil && size == nil
            && uid == nil && gid == nil && modificationTime == nil && userName == nil && groupName == nil
    }

    mutating func apply(_ record: PaxRecord, header: Int) throws(TarStreamError) {
        // An empty value cancels the keyword, so the ustar field applies again.
        let value = record.value.isEmpty ? nil : record.value
        func number(_ parse: ([UInt8]) -> Int?) throws(TarStreamError) -> Int? {
            guard let value else { return nil }
            guard let number = parse(value) else {
                throw TarStreamError("tar header \(header) has a pax \(record.key) that is not a number: \"\(String(decoding: value, as: UTF8.self))\"")
            }
            return number
        }
        switch record.key {
        case "path": path = value
        case "linkpath": linkPath = value
        case "size": size = try number(PaxNumber.unsigned)
        case "uid": uid = try number(PaxNumber.unsigned)
        case "gid": gid = try number(PaxNumber.unsigned)
        case "mtime": modificationTime = try number(PaxNumber.seconds)
        case "uname": userName = value.map { String(decoding: $0, as: UTF8.self) }
        case "gname": groupName = value.map { String(decoding: $0, as: UTF8.self) }
        default: break  // atime, ctime, charset, comments and vendor keys are not needed
        }
    }
}
