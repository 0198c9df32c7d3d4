/// Parses a complete pack (as pushed to receive-pack) into a `ParsedPack`: structure, limits,
/// trailer checksum, object IDs, in-pack delta resolution and commits. Pure apart from zlib.
/// The same work as feeding `PackStreamParser` the whole buffer at once.
public enum PackParser {
    public static func parse(_ bytes: [UInt8], limits: PackLimits = .default) throws(PackError) -> ParsedPack {
        try parse(bytes[...], limits: limits)
    }

    public static func parse(_ bytes: ArraySlice<UInt8>, limits: PackLimits = .default) throws(PackError) -> ParsedPack {
        let parser = PackStreamParser(limits: limits)
        try parser.feed(bytes)
        return try parser.finish()
    }
}
