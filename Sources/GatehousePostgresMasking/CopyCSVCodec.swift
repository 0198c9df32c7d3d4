/// COPY's CSV format, field by field: quoted sections decoded before masking and a masked
/// value quoted again the way COPY TO writes it.
enum CopyCSVCodec {
    /// Removes quotes; inside quotes, the escape character before a quote or itself stands for
    /// that character. Quoted sections may appear anywhere in the field (COPY FROM accepts
    /// `a"b,c"d`), though COPY TO always quotes whole fields.
    static func decode(_ field: UnsafeRawBufferPointer, quote: UInt8, escape: UInt8, into output: inout [UInt8]) {
        var inQuotes = false
        var i = 0
        while i < field.count {
            let c = field[i]
            if inQuotes {
                if c == escape, i + 1 < field.count, field[i + 1] == quote || field[i + 1] == escape {
                    output.append(field[i + 1])
                    i += 2
                    continue
                }
                if c == quote { inQuotes = false; i += 1; continue }
                output.append(c)
            } else if c == quote {
                inQuotes = true
            } else {
                output.append(c)
            }
            i += 1
        }
    }

    /// Quoted when `forceQuotes` (the original field was quoted), or when the value equals the
    /// NULL marker or holds the delimiter, the quote, CR or LF; inside quotes the quote and the
    /// escape character are preceded by the escape character.
    static func appendEncoded(
        _ value: [UInt8], forceQuotes: Bool, delimiter: UInt8, quote: UInt8, escape: UInt8, null: [UInt8],
        to output: inout [UInt8]
    ) {
        let needsQuotes = forceQuotes || value == null || value.contains {
            $0 == delimiter || $0 == quote || $0 == 0x0A || $0 == 0x0D
        }
        guard needsQuotes else { output += value; return }
        output.append(quote)
        for c in value {
            if c == quote || c == escape { output.append(escape) }
            output.append(c)
        }
        output.append(quote)
    }
}
