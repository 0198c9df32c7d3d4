/// Rewrites elements of a PostgreSQL array in binary format (array_send): int32 dimension
/// count, int32 has-NULL flag, uint32 element type OID, then per dimension int32 size and
/// int32 lower bound, then per element int32 length (-1 for NULL) and that many bytes.
///
/// Replaced elements get their new length; the header and untouched elements are copied as
/// they were. The layout is validated completely (no truncation, no trailing bytes, element
/// count matching the dimensions), so a malformed array throws instead of being half-masked.
struct BinaryArrayRewriter {
    static let maxDimensions = 6

    let input: UnsafeRawBufferPointer
    let elementOID: UInt32
    let elementCount: Int
    /// Offset of the first element's length word.
    let elementsOffset: Int

    init(_ input: UnsafeRawBufferPointer) throws {
        self.input = input
        guard input.count >= 12 else { throw Self.fail("shorter than its header") }
        let dimensions = Int(Self.int32(input, at: 0))
        guard (0...Self.maxDimensions).contains(dimensions) else { throw Self.fail("invalid number of dimensions") }
        let flags = Self.int32(input, at: 4)
        guard flags == 0 || flags == 1 else { throw Self.fail("invalid flags") }
        elementOID = UInt32(bitPattern: Self.int32(input, at: 8))
        elementsOffset = 12 + 8 * dimensions
        guard input.count >= elementsOffset else { throw Self.fail("truncated dimensions") }
        var count = dimensions == 0 ? 0 : 1
        for d in 0..<dimensions {
            let size = Int(Self.int32(input, at: 12 + 8 * d))
            guard size >= 0 else { throw Self.fail("negative dimension size") }
            count *= size
            // Every element takes at least its 4-byte length word.
            guard count <= (input.count - elementsOffset) / 4 else { throw Self.fail("more elements than bytes") }
        }
        elementCount = count
    }

    /// Calls `element` with every non-NULL element's bytes, in order; a non-nil return replaces
    /// that element. Returns nil when nothing was replaced.
    func rewrite(_ element: (UnsafeRawBufferPointer) throws -> [UInt8]?) throws -> [UInt8]? {
        var output: [UInt8] = []
        var copied = 0
        var changed = false
        var i = elementsOffset
        for _ in 0..<elementCount {
            guard input.count - i >= 4 else { throw Self.fail("truncated element length") }
            let length = Int(Self.int32(input, at: i))
            let lengthOffset = i
            i += 4
            if length == -1 { continue }
            guard length >= 0, input.count - i >= length else { throw Self.fail("truncated element") }
            let value = UnsafeRawBufferPointer(rebasing: input[i..<(i + length)])
            i += length
            guard let replacement = try element(value) else { continue }
            if !changed { output.reserveCapacity(input.count + 16) }
            changed = true
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[copied..<lengthOffset]))
            Self.appendInt32(Int32(replacement.count), to: &output)
            output.append(contentsOf: replacement)
            copied = i
        }
        guard i == input.count else { throw Self.fail("unexpected bytes after the last element") }
        guard changed else { return nil }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[copied...]))
        return output
    }

    static func int32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Int32 {
        Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self))
    }

    static func appendInt32(_ value: Int32, to output: inout [UInt8]) {
        let v = UInt32(bitPattern: value)
        output.append(UInt8(truncatingIfNeeded: v >> 24))
        output.append(UInt8(truncatingIfNeeded: v >> 16))
        output.append(UInt8(truncatingIfNeeded: v >> 8))
        output.append(UInt8(truncatingIfNeeded: v))
    }

    private static func fail(_ reason: String) -> PostgresMaskingError {
        PostgresMaskingError(.binaryArray, reason)
    }
}
