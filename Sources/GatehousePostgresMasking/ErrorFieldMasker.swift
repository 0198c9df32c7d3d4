import GatehouseMasking
import GatehousePostgresWire
import NIOCore

/// Masks the fields of ErrorResponse and NoticeResponse messages that can carry data
/// (https://www.postgresql.org/docs/current/protocol-error-fields.html):
///
/// - `M` message (`invalid input syntax for type integer: "alice@example.com"`),
/// - `D` detail (`Key (email)=(alice@example.com) already exists.`, `Failing row contains (...)`),
/// - `H` hint, `W` where (context: PL/pgSQL lines, `COPY t, line 1, column email: "..."`),
/// - `q` internal query (SQL text with its literals).
///
/// The detectors run over all of them. With a `ClassifiedColumnLookup`, value lists printed
/// for the error's table (`s`, `t`) are also masked by their columns' categories (see
/// `ErrorDetailRewriter`). Identifiers (`s`, `t`, `c`, `d`, `n`), severity, code, positions and
/// the server's source location are never changed. Nothing changed → nil: forward the original.
public struct ErrorFieldMasker: Sendable {
    /// The field types masked, in the wire's type bytes.
    public static let maskedFieldTypes: [UInt8] = Array("MDHWq".utf8)

    public let engine: MaskingEngine
    public let classification: ClassifiedColumnLookup?

    public init(engine: MaskingEngine, classification: ClassifiedColumnLookup? = nil) {
        self.engine = engine
        self.classification = classification
    }

    /// Masks decoded fields; nil when nothing changed.
    public func mask(_ fields: ErrorFields) -> ErrorMaskResult<ErrorFields>? {
        var hits = SubjectHitCollector()
        var count = 0
        let context = self.context(schema: fields.other[UInt8(ascii: "s")], table: fields.other[UInt8(ascii: "t")],
                                   message: Array(fields.message.utf8), detail: fields.detail.map { Array($0.utf8) })
        func masked(_ type: Character, _ value: String?) -> String? {
            guard let value else { return nil }
            guard let output = maskField(type.asciiValue!, Array(value.utf8), context: context, hits: &hits) else { return value }
            count += 1
            return String(decoding: output, as: UTF8.self)
        }
        var result = fields
        result.message = masked("M", fields.message)!
        result.detail = masked("D", fields.detail)
        result.hint = masked("H", fields.hint)
        for type in [UInt8(ascii: "W"), UInt8(ascii: "q")] {
            result.other[type] = masked(Character(UnicodeScalar(type)), fields.other[type])
        }
        guard count > 0 else { return nil }
        return ErrorMaskResult(value: result, fieldsMasked: count, hits: hits.hits)
    }

    /// Masks an ErrorResponse or NoticeResponse body (type byte + NUL-terminated text per field,
    /// then a NUL), keeping every other field and the field order byte for byte; nil when
    /// nothing changed. Throws `PostgresMaskingError` on a body that is not a field list.
    ///
    /// `statementCategory` is set when the statement that raised it reads personal data by
    /// classification: a data exception (SQLSTATE class 22, `invalid input syntax for type
    /// integer: "Jonas Fernández"`) quotes the offending value, which is then masked whole, and
    /// so are the context (`W`) and internal query (`q`), which quote statements with their values,
    /// and a detail about a table nothing classifies (its values may come from classified columns).
    ///
    /// `wholeText` is set when the statement cannot be analysed: its messages may come from code
    /// the gateway cannot see (`RAISE ... USING DETAIL` in a DO block, a function's message with
    /// any SQLSTATE it likes), so no shape can say which parts are personal. Every text field is
    /// then masked whole by `statementCategory`; severity, code and positions stay.
    public func mask(body: ByteBuffer, statementCategory: String? = nil, wholeText: Bool = false) throws -> ErrorMaskResult<ByteBuffer>? {
        let fields = try body.withUnsafeReadableBytes { raw -> [(type: UInt8, value: [UInt8])] in
            var fields: [(type: UInt8, value: [UInt8])] = []
            var i = 0
            while true {
                guard i < raw.count else { throw PostgresMaskingError(.errorResponse, "missing terminator") }
                let type = raw[i]
                i += 1
                if type == 0 { break }
                guard let end = raw[i...].firstIndex(of: 0) else {
                    throw PostgresMaskingError(.errorResponse, "unterminated field")
                }
                fields.append((type, Array(raw[i..<end])))
                i = end + 1
            }
            guard i == raw.count else { throw PostgresMaskingError(.errorResponse, "unexpected bytes after the terminator") }
            return fields
        }
        func text(_ type: Character) -> [UInt8]? { fields.first { $0.type == type.asciiValue! }?.value }
        let context = self.context(schema: text("s").map { String(decoding: $0, as: UTF8.self) },
                                   table: text("t").map { String(decoding: $0, as: UTF8.self) },
                                   message: text("M") ?? [], detail: text("D"))
        var hits = SubjectHitCollector()
        var count = 0
        var output = ByteBuffer()
        output.reserveCapacity(body.readableBytes + 32)
        let quotedValues = text("C").map { $0.starts(with: Array("22".utf8)) } == true ? statementCategory : nil
        var wholeFields: Set<UInt8> = wholeText ? Set(Self.maskedFieldTypes) : [UInt8(ascii: "W"), UInt8(ascii: "q")]
        // A detail printing a row of a table nothing classifies (`Failing row contains (...)`,
        // `Key (x)=(...)`) can still hold values the statement read from classified columns.
        let schema = text("s").map { String(decoding: $0, as: UTF8.self) }
        let errorTableClassified = text("t").map { table in
            classification?.tableCategory(schema, String(decoding: table, as: UTF8.self)) != nil
        } ?? false
        if !errorTableClassified { wholeFields.insert(UInt8(ascii: "D")) }
        for field in fields {
            var value = field.value
            var changed = false
            if let category = statementCategory, wholeFields.contains(field.type), !value.isEmpty,
               let masked = maskWhole(value, category: category, hits: &hits) {
                value = masked
                changed = true
            } else {
                if let category = quotedValues, field.type == UInt8(ascii: "M") || field.type == UInt8(ascii: "D"),
                   let masked = maskQuotedValues(value, category: category, hits: &hits) {
                    value = masked
                    changed = true
                }
                if Self.maskedFieldTypes.contains(field.type), let masked = maskField(field.type, value, context: context, hits: &hits) {
                    value = masked
                    changed = true
                }
            }
            if changed { count += 1 }
            output.writeInteger(field.type)
            output.writeBytes(value)
            output.writeInteger(UInt8(0))
        }
        output.writeInteger(UInt8(0))
        guard count > 0 else { return nil }
        return ErrorMaskResult(value: output, fieldsMasked: count, hits: hits.hits)
    }

    // MARK: - Internals

    /// A whole field masked by `category`; nil when the engine leaves it.
    private func maskWhole(_ value: [UInt8], category: String, hits: inout SubjectHitCollector) -> [UInt8]? {
        let result = engine.maskClassifiedValue(value, category: category)
        hits.add(result.hits)
        return result.output
    }

    /// Every `"…"` span masked whole by `category`; nil when there is none.
    private func maskQuotedValues(_ value: [UInt8], category: String, hits: inout SubjectHitCollector) -> [UInt8]? {
        let quote = UInt8(ascii: "\"")
        var output: [UInt8] = []
        var cursor = 0
        var changed = false
        while let open = value[cursor...].firstIndex(of: quote), let close = value[(open + 1)...].firstIndex(of: quote) {
            output += value[cursor...open]
            if let masked = maskWhole(Array(value[(open + 1)..<close]), category: category, hits: &hits) {
                output += masked
                changed = true
            } else {
                output += value[(open + 1)..<close]
            }
            output.append(quote)
            cursor = close + 1
        }
        guard changed else { return nil }
        return output + value[cursor...]
    }

    private func context(schema: String?, table: String?, message: [UInt8], detail: [UInt8]?) -> ErrorDetailRewriter? {
        guard let classification else { return nil }
        var tables: [String] = table.map { [$0] } ?? []
        for name in ErrorDetailRewriter.namedTables(in: message) + ErrorDetailRewriter.namedTables(in: detail ?? [])
        where !tables.contains(name) {
            tables.append(name)
        }
        guard !tables.isEmpty else { return nil }
        return ErrorDetailRewriter(engine: engine, lookup: classification, schema: schema, tables: tables)
    }

    /// Value lists first (message and detail), then the detectors over what they left.
    private func maskField(_ type: UInt8, _ value: [UInt8], context: ErrorDetailRewriter?, hits: inout SubjectHitCollector) -> [UInt8]? {
        guard !value.isEmpty else { return nil }
        if let context, type == UInt8(ascii: "D") || type == UInt8(ascii: "M"),
           let pieces = context.rewrite(value, hits: &hits) {
            var output: [UInt8] = []
            for piece in pieces {
                if piece.masked {
                    output += piece.bytes
                } else {
                    let result = engine.mask(piece.bytes)
                    hits.add(result.hits)
                    output += result.output ?? piece.bytes
                }
            }
            return output
        }
        let result = engine.mask(value)
        hits.add(result.hits)
        return result.output
    }
}

/// What the error masker changed.
public struct ErrorMaskResult<Value> {
    /// The masked fields (or body).
    public var value: Value
    /// Fields that changed.
    public var fieldsMasked: Int
    /// Distinct subjects masked, in order of first appearance.
    public var hits: [SubjectHit]
}

extension ErrorMaskResult: Sendable where Value: Sendable {}
