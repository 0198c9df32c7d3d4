/// Text as it may appear in a log line: control and format characters (line breaks, escape
/// sequences, bidirectional overrides, zero-width characters) written as `\u{XXXX}`, and the
/// backslash as `\\`, so nothing a client sent (a startup packet's database name or parameter
/// names, a path) can end a line, forge the next one or reorder what a reader sees.
public enum LogSafeText {
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if scalar == "\\" {
                out += "\\\\"
            } else if needsEscape(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return scalar == "\\"
        }
    }
}
