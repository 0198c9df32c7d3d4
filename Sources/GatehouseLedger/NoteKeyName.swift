/// The rule for key names in signed notes and key strings (C2SP signed-note): non-empty, and no
/// Unicode space or `+`, because the name is delimited by a space in signature lines and by `+`
/// in key strings.
public enum NoteKeyName {
    public static func isValid(_ name: String) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains { $0 == "+" || $0.properties.isWhitespace || $0.value < 0x20 }
    }
}
