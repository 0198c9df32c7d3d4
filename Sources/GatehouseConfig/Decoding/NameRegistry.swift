/// Names within one namespace: custom patterns and dictionaries share one, since both name
/// what they masked (`[ORDER-REF]`, `order-ref_<hex>`); notification targets have their own.
struct NameRegistry {
    private var lines: [String: Int] = [:]

    mutating func register(_ value: ConfigValue) throws -> String {
        let name = try Self.plainName(value)
        // Case-insensitively: redaction shows a masking name upper-cased, pseudonyms lower-cased,
        // and two notification targets differing in case would read the same in a log.
        if let firstLine = lines[name.lowercased()] {
            throw value.error("name '\(name)' is already used on line \(firstLine)")
        }
        lines[name.lowercased()] = value.mark?.line ?? 0
        return name
    }

    /// A non-empty `[A-Za-z0-9_.-]+` name: what connections, masking names and notification
    /// targets are called (it passes through clients, labels and logs unchanged).
    static func plainName(_ value: ConfigValue) throws -> String {
        let name = try value.string()
        guard !name.isEmpty else { throw value.error("must not be empty") }
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_.-".unicodeScalars.contains(scalar))
        }
        guard allowed else { throw value.error("'\(name)' must match [A-Za-z0-9_.-]+") }
        return name
    }
}
