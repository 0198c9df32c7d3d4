import GatehouseCore
import GatehouseMasking

/// A subject key's value as PostgreSQL prints it in text format, whichever format the client
/// asked for, so that `audit subject --key public.customers=42` finds it either way.
enum SubjectKeyValue {
    /// Nil for a binary value of a type other than integers, uuid and text-like ones: it is not
    /// indexed (docs/evidence.md says so).
    static func text(_ value: UnsafeRawBufferPointer, typeOID: UInt32, binary: Bool) -> String? {
        guard binary else { return String(decoding: value, as: UTF8.self) }
        switch (typeOID, value.count) {
        case (21, 2): return String(Int16(bigEndian: value.loadUnaligned(as: Int16.self)))
        case (23, 4): return String(Int32(bigEndian: value.loadUnaligned(as: Int32.self)))
        case (20, 8): return String(Int64(bigEndian: value.loadUnaligned(as: Int64.self)))
        case (2950, 16):
            let hex = hexString(Array(value))
            let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
                String(hex.dropFirst(range.lowerBound).prefix(range.count))
            }
            return groups.joined(separator: "-")
        default:
            return PostgresTypeFamily(oid: typeOID) == .textLike ? String(decoding: value, as: UTF8.self) : nil
        }
    }

    /// The hit of one non-NULL value of a subject-key column, added to `hits`.
    static func index(_ value: UnsafeRawBufferPointer, column: ResultColumnMask, binary: Bool, engine: MaskingEngine,
                      hits: inout SubjectHitCollector) {
        guard let relation = column.subjectKeyOf, let key = text(value, typeOID: column.typeOID, binary: binary),
              let hit = engine.subjectKeyHit(relation: relation, key: key) else { return }
        hits.add(hit)
    }
}
