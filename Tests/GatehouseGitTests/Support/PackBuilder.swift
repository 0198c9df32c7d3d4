@testable import GatehouseGit

/// Writes packs by hand, for shapes git never produces (lies about sizes, broken deltas).
/// Entries are deflated as zlib "stored" blocks, which need no compressor.
struct PackBuilder {
    private(set) var bytes: [UInt8] = []
    private var count = 0

    mutating func add(type: UInt8, declaredSize: Int, payload: [UInt8], prefix: [UInt8] = []) {
        count += 1
        var size = declaredSize
        var byte = type << 4 | UInt8(size & 0x0F)
        size >>= 4
        while size > 0 {
            bytes.append(byte | 0x80)
            byte = UInt8(size & 0x7F)
            size >>= 7
        }
        bytes.append(byte)
        bytes += prefix
        bytes += Self.storedZlib(payload)
    }

    mutating func add(_ type: GitObjectType, _ content: [UInt8]) {
        add(type: type.rawValue, declaredSize: content.count, payload: content)
    }

    mutating func addReferenceDelta(base: GitObjectID, delta: [UInt8]) {
        add(type: 7, declaredSize: delta.count, payload: delta, prefix: base.bytes)
    }

    func finished(objectCount: Int? = nil) -> [UInt8] {
        var pack = Array("PACK".utf8) + [0, 0, 0, 2]
        let declared = UInt32(objectCount ?? count)
        pack += [UInt8(declared >> 24), UInt8(declared >> 16 & 0xFF), UInt8(declared >> 8 & 0xFF), UInt8(declared & 0xFF)]
        pack += bytes
        return pack + SHA1.hash(pack)
    }

    static func storedZlib(_ data: [UInt8]) -> [UInt8] {
        precondition(data.count < 65_536)
        let length = UInt16(data.count)
        var out: [UInt8] = [0x78, 0x01, 0x01, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
        out += data
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        let adler = b << 16 | a
        return out + [UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)]
    }

    /// A delta: sizes as little-endian base-128, then the given instruction bytes.
    static func delta(baseSize: Int, resultSize: Int, instructions: [UInt8]) -> [UInt8] {
        varint(baseSize) + varint(resultSize) + instructions
    }

    private static func varint(_ value: Int) -> [UInt8] {
        var value = value
        var out: [UInt8] = []
        repeat {
            let low = UInt8(value & 0x7F)
            value >>= 7
            out.append(value > 0 ? low | 0x80 : low)
        } while value > 0
        return out
    }
}
