import CPhoneNumbers

/// The numbering-plan data the phone detector checks candidates against, from Google's
/// libphonenumber (the `CPhoneNumbers` shim). Country codes and lengths are read once into
/// tables, so the common checks cost a lookup; only candidates whose shape alone is weak ask
/// libphonenumber whether the number lies in an allocated range.
///
/// `regions` are where national-format numbers (no `+CC`) are read: a national number is a
/// phone number when one of these regions' plans has numbers like it.
public struct PhoneNumberingPlan: Sendable {
    /// Read national numbers as numbers of these countries unless `masking.phone_regions` says otherwise.
    public static let defaultRegionCodes = ["DE", "AT", "CH", "NL", "BE", "LU", "FR", "ES", "PT", "IT",
                                        "PL", "SE", "DK", "FI", "IE", "GB", "US"]

    /// The plan for `defaultRegions`. Every one of them has a plan in libphonenumber (a unit test
    /// holds it), so this cannot fail.
    public static let defaultRegions = try! PhoneNumberingPlan(regions: defaultRegionCodes)

    struct Region: Sendable {
        let code: String
        let nationalPrefix: [UInt8]
        /// A `0` trunk prefix is always written in national format (`030 …`), so digits without
        /// it are no national number of the region; others (the US `1`) are optional.
        let nationalPrefixRequired: Bool
        let possibleLengths: UInt32
    }

    public let regions: [String]
    let nationalRegions: [Region]

    /// Fails with the codes libphonenumber has no plan for.
    public init(regions: [String]) throws {
        let unknown = regions.filter { !Self.isSupportedRegion($0) }
        guard unknown.isEmpty else { throw UnknownPhoneRegions(codes: unknown) }
        self.regions = regions
        nationalRegions = regions.map { code in
            var prefix = [CChar](repeating: 0, count: 8)
            let length = gatehouse_phone_national_prefix(code, &prefix, prefix.count)
            let nationalPrefix = prefix.prefix(length).map { UInt8(bitPattern: $0) }
            return Region(code: code, nationalPrefix: nationalPrefix, nationalPrefixRequired: nationalPrefix.first == ASCII.zero,
                          possibleLengths: Self.countryCodeLengths[Int(gatehouse_phone_country_code(code))])
        }
    }

    public static func isSupportedRegion(_ code: String) -> Bool {
        code.utf8.count == 2 && code.utf8.allSatisfy(ASCII.isUpper) && gatehouse_phone_country_code(code) != 0
    }

    /// Possible national-significant-number lengths per country calling code (bit n: length n).
    static let countryCodeLengths: [UInt32] = (0..<1000).map { gatehouse_phone_possible_lengths(Int32($0)) }

    /// Whether `digits` (country code first) are a possible international number: an assigned
    /// country code followed by a number of a length its plan has. Codes are prefix-free.
    func isPossibleInternational(_ digits: UnsafeBufferPointer<UInt8>) -> Bool {
        var code = 0
        for index in 0..<min(3, digits.count) {
            code = code * 10 + ASCII.digitValue(digits[index])
            let lengths = Self.countryCodeLengths[code]
            if lengths != 0 {
                let rest = digits.count - index - 1
                return rest < 32 && lengths & (1 << UInt32(rest)) != 0
            }
        }
        return false
    }

    /// What the shape of a national-format candidate already says.
    enum NationalEvidence {
        /// A shape only phone numbers have (a parenthesised area code, `555-123-4567`).
        case shape
        /// A leading `0` opening a group, as a region with a `0` trunk prefix writes it.
        case trunkPrefix
        /// Nothing: a bare run of digits, or groups without a trunk prefix.
        case weak
    }

    /// Whether `digits`, written nationally, are a phone number of one of the regions: a length
    /// the region's plan has, and when the shape says little (or its leading `0` is no trunk
    /// prefix there, as in Italy or Poland), a range the plan allocates.
    func acceptsNational(_ digits: UnsafeBufferPointer<UInt8>, evidence: NationalEvidence) -> Bool {
        nationalRegions.contains { region in
            let hasPrefix = !region.nationalPrefix.isEmpty && digits.starts(with: region.nationalPrefix)
            if region.nationalPrefixRequired && !hasPrefix { return false }
            let length = hasPrefix ? digits.count - region.nationalPrefix.count : digits.count
            guard length < 32, region.possibleLengths & (1 << UInt32(length)) != 0 else { return false }
            if evidence == .shape || (evidence == .trunkPrefix && hasPrefix) { return true }
            return digits.withMemoryRebound(to: CChar.self) { gatehouse_phone_is_valid($0.baseAddress, $0.count, region.code) == 1 }
        }
    }
}

/// `masking.phone_regions` named codes without a numbering plan.
public struct UnknownPhoneRegions: Error, CustomStringConvertible {
    public let codes: [String]
    public var description: String {
        "no numbering plan for \(codes.map { "'\($0)'" }.joined(separator: ", ")) (two upper-case ISO 3166 letters, e.g. DE)"
    }
}
