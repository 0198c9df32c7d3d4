import Foundation
import GatehouseCore
import NIOCore

/// Renders a bind parameter for the record the way psql would show it: text-format values as
/// they are, binary-format values decoded by their type (integers, floats, booleans, text, json,
/// uuid, dates, timestamps), anything else as `\x` hex. Values over `limit` bytes are cut, with
/// their full length noted.
public enum ParameterRenderer {
    public static let limit = 4096

    /// PostgreSQL type OIDs the renderer decodes in binary format.
    enum TypeOID: UInt32 {
        case bool = 16, bytea = 17, name = 19, int8 = 20, int2 = 21, int4 = 23, text = 25, oid = 26
        case json = 114, float4 = 700, float8 = 701, bpchar = 1042, varchar = 1043, date = 1082
        case timestamp = 1114, timestamptz = 1184, uuid = 2950, jsonb = 3802
    }

    public static func render(_ value: ByteBuffer?, binary: Bool, typeOID: UInt32) -> String? {
        guard var value else { return nil }
        let total = value.readableBytes
        let decoded = binary ? decodeBinary(value, typeOID: typeOID) : nil
        var rendered: String
        if let decoded {
            rendered = decoded
        } else if binary {
            rendered = "\\x" + hexString(value.readSlice(length: min(total, limit))!.readableBytesView)
        } else {
            rendered = String(decoding: value.readSlice(length: min(total, limit))!.readableBytesView, as: UTF8.self)
        }
        if total > limit {
            rendered = String(rendered.prefix(limit)) + "…(\(total) bytes)"
        }
        return rendered
    }

    private static func decodeBinary(_ value: ByteBuffer, typeOID: UInt32) -> String? {
        guard let type = TypeOID(rawValue: typeOID) else { return nil }
        var value = value
        let count = value.readableBytes
        switch type {
        case .bool: return count == 1 ? (value.readInteger(as: UInt8.self) == 0 ? "f" : "t") : nil
        case .int2: return count == 2 ? value.readInteger(as: Int16.self).map { String($0) } : nil
        case .int4: return count == 4 ? value.readInteger(as: Int32.self).map { String($0) } : nil
        case .int8: return count == 8 ? value.readInteger(as: Int64.self).map { String($0) } : nil
        case .oid: return count == 4 ? value.readInteger(as: UInt32.self).map { String($0) } : nil
        case .float4: return count == 4 ? value.readInteger(as: UInt32.self).map { "\(Float(bitPattern: $0))" } : nil
        case .float8: return count == 8 ? value.readInteger(as: UInt64.self).map { "\(Double(bitPattern: $0))" } : nil
        case .text, .varchar, .bpchar, .name, .json:
            return nil // UTF-8 like the text format: rendered (and cut) by the caller's text path
        case .jsonb:
            guard value.readInteger(as: UInt8.self) == 1 else { return nil }
            return String(decoding: value.readSlice(length: min(value.readableBytes, limit))!.readableBytesView, as: UTF8.self)
        case .uuid:
            guard count == 16, let bytes = value.readBytes(length: 16) else { return nil }
            let digits = hexString(bytes)
            let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
                String(digits[digits.index(digits.startIndex, offsetBy: range.lowerBound)..<digits.index(digits.startIndex, offsetBy: range.upperBound)])
            }
            return parts.joined(separator: "-")
        case .date:
            guard count == 4, let days = value.readInteger(as: Int32.self) else { return nil }
            return format(Date(timeIntervalSince1970: postgresEpoch + Double(days) * 86_400), withTime: false)
        case .timestamp, .timestamptz:
            guard count == 8, let micros = value.readInteger(as: Int64.self) else { return nil }
            let date = Date(timeIntervalSince1970: postgresEpoch + Double(micros) / 1_000_000)
            return format(date, withTime: true) + (type == .timestamptz ? "+00" : "")
        case .bytea:
            return nil
        }
    }

    /// Text-like types travel as UTF-8 in binary format too.
    public static func isTextual(_ typeOID: UInt32) -> Bool {
        [TypeOID.text, .varchar, .bpchar, .name, .json].map(\.rawValue).contains(typeOID)
    }

    private static let postgresEpoch: TimeInterval = 946_684_800 // 2000-01-01T00:00:00Z

    private static func format(_ date: Date, withTime: Bool) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = withTime ? "yyyy-MM-dd HH:mm:ss.SSSSSS" : "yyyy-MM-dd"
        return formatter.string(from: date)
    }
}
