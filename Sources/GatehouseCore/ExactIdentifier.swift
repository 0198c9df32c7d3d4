/// Identifiers that come from tokens and configuration (groups, subjects, issuers, audiences)
/// compare byte for byte, as UTF-8. Swift's `==` on `String` is canonical equivalence:
/// `"Kelvin-ops" == "\u{212A}elvin-ops"` (KELVIN SIGN) and a precomposed `é` equals `e` followed
/// by U+0301, so a token naming a lookalike group would be taken for a member. No normalisation
/// is applied on either side (docs/identity.md).
public enum ExactIdentifier {
    public static func same(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }

    public static func contains(_ list: some Sequence<String>, _ value: String) -> Bool {
        list.contains { same($0, value) }
    }

    /// The first of `candidates` that `list` holds.
    public static func first(of candidates: some Sequence<String>, in list: some Sequence<String>) -> String? {
        let list = Array(list)
        return candidates.first { candidate in contains(list, candidate) }
    }

    public static func sharesAny(_ a: some Sequence<String>, _ b: some Sequence<String>) -> Bool {
        first(of: a, in: b) != nil
    }
}
