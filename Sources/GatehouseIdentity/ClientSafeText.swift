/// Makes a value copied from an untrusted token fit for an error message or a log line:
/// bounded in length, printable ASCII only (so it can neither forge log lines nor smuggle
/// terminal escapes).
public enum ClientSafeText {
    static let maximumLength = 80

    public static func echo(_ value: String) -> String {
        var result = ""
        for scalar in value.unicodeScalars.prefix(maximumLength) {
            result.unicodeScalars.append((0x20...0x7E).contains(scalar.value) ? scalar : "?")
        }
        if value.unicodeScalars.count > maximumLength { result += "..." }
        return result
    }
}
