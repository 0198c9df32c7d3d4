/// A Git delta (the content of an OFS_DELTA or REF_DELTA pack entry): the base's and result's
/// sizes, then instructions that either copy a range of the base or insert literal bytes.
/// The inserted literals are exactly the new content a delta brings, which is what the gateway
/// scans even when the base lives only on the server (thin packs).
public struct GitDelta: Sendable {
    public enum Instruction: Sendable, Hashable {
        case copy(baseOffset: Int, count: Int)
        /// The literal bytes are `data[range]`.
        case insert(Range<Int>)
    }

    public struct Malformed: Error, Sendable, Hashable {
        public let message: String
    }

    public let baseSize: Int
    public let resultSize: Int
    public let instructions: [Instruction]
    public let data: [UInt8]

    public init(_ data: [UInt8]) throws(Malformed) {
        self.data = data
        var position = 0
        baseSize = try Self.readSize(data, &position)
        resultSize = try Self.readSize(data, &position)
        var instructions: [Instruction] = []
        var produced = 0
        while position < data.count {
            let opcode = data[position]
            position += 1
            let instruction = opcode & 0x80 != 0
                ? try Self.readCopy(opcode, data, &position, baseSize: baseSize)
                : try Self.readInsert(opcode, data, &position)
            produced += instruction.count
            guard produced <= resultSize else { throw Malformed(message: "instructions produce more than the declared \(resultSize) bytes") }
            instructions.append(instruction)
        }
        guard produced == resultSize else { throw Malformed(message: "instructions produce \(produced) bytes, declared \(resultSize)") }
        self.instructions = instructions
    }

    /// The literal bytes each insert instruction adds, in order.
    public var insertedChunks: [ArraySlice<UInt8>] {
        instructions.compactMap { if case .insert(let range) = $0 { data[range] } else { nil } }
    }

    public func apply(to base: [UInt8]) throws(Malformed) -> [UInt8] {
        guard base.count == baseSize else { throw Malformed(message: "base has \(base.count) bytes, delta expects \(baseSize)") }
        var result: [UInt8] = []
        result.reserveCapacity(resultSize)
        for instruction in instructions {
            switch instruction {
            case .copy(let offset, let count): result += base[offset..<offset + count]
            case .insert(let range): result += data[range]
            }
        }
        return result
    }

    /// Little-endian base-128, as in the delta header (not the pack entry header's format).
    private static func readSize(_ data: [UInt8], _ position: inout Int) throws(Malformed) -> Int {
        var value = 0
        var shift = 0
        while true {
            guard position < data.count else { throw Malformed(message: "truncated size header") }
            guard shift <= 56 else { throw Malformed(message: "size header too long") }
            let byte = data[position]
            position += 1
            value |= Int(byte & 0x7F) << shift
            shift += 7
            if byte & 0x80 == 0 { return value }
        }
    }

    /// Bits 0-3 say which offset bytes follow, bits 4-6 which size bytes; a size of 0 means 0x10000.
    private static func readCopy(_ opcode: UInt8, _ data: [UInt8], _ position: inout Int, baseSize: Int) throws(Malformed) -> Instruction {
        var offset = 0
        var count = 0
        for bit in 0..<7 where opcode & (1 << bit) != 0 {
            guard position < data.count else { throw Malformed(message: "truncated copy instruction") }
            let byte = Int(data[position])
            position += 1
            if bit < 4 { offset |= byte << (8 * bit) } else { count |= byte << (8 * (bit - 4)) }
        }
        if count == 0 { count = 0x10000 }
        guard offset + count <= baseSize else { throw Malformed(message: "copy of \(count) bytes at \(offset) runs past the \(baseSize)-byte base") }
        return .copy(baseOffset: offset, count: count)
    }

    private static func readInsert(_ opcode: UInt8, _ data: [UInt8], _ position: inout Int) throws(Malformed) -> Instruction {
        guard opcode != 0 else { throw Malformed(message: "reserved instruction 0") }
        let end = position + Int(opcode)
        guard end <= data.count else { throw Malformed(message: "truncated insert instruction") }
        defer { position = end }
        return .insert(position..<end)
    }
}

extension GitDelta.Instruction {
    var count: Int {
        switch self {
        case .copy(_, let count): count
        case .insert(let range): range.count
        }
    }
}
