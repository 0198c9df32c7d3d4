/// The basics of git check-ref-format, applied to ref names clients send: names that git
/// itself would refuse must not reach policy decisions or the record looking legitimate.
public enum RefName {
    /// Throws `invalidRefName` naming the broken rule. `requireRefsPrefix` is for push
    /// commands, which may only update names under `refs/`.
    public static func validate(_ name: String, requireRefsPrefix: Bool, limits: GitProtocolLimits = .standard) throws {
        func refuse(_ reason: String) -> GitProtocolError { .invalidRefName(name, reason: reason) }
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty else { throw refuse("empty") }
        guard bytes.count <= limits.maxRefNameLength else { throw refuse("longer than \(limits.maxRefNameLength) bytes") }
        if let control = bytes.first(where: { $0 < 0x20 || $0 == 0x7F }) {
            throw refuse("contains control character 0x\(String(control, radix: 16))")
        }
        if let bad = name.first(where: { " ~^:?*[\\".contains($0) }) { throw refuse("contains \"\(bad)\"") }
        guard !name.hasPrefix("/") else { throw refuse("starts with \"/\"") }
        guard !name.hasSuffix("/") else { throw refuse("ends with \"/\"") }
        guard !name.hasSuffix(".") else { throw refuse("ends with \".\"") }
        guard !name.contains("..") else { throw refuse("contains \"..\"") }
        guard !name.contains("@{") else { throw refuse("contains \"@{\"") }
        guard !name.contains("//") else { throw refuse("contains \"//\"") }
        guard name != "@" else { throw refuse("is \"@\"") }
        for component in name.split(separator: "/") {
            if component.hasPrefix(".") { throw refuse("a component starts with \".\"") }
            if component.hasSuffix(".lock") { throw refuse("a component ends with \".lock\"") }
        }
        if requireRefsPrefix && !name.hasPrefix("refs/") { throw refuse("does not start with \"refs/\"") }
    }
}
