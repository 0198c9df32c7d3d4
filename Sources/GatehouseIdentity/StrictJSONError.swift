/// Why ``StrictJSONParser`` refused its input.
enum StrictJSONError: Error, Equatable {
    /// Not RFC 8259 JSON, or beyond what the parser takes (nesting depth, a number outside
    /// Double's range).
    case invalid
    /// An object names the member twice; the name is as decoded.
    case duplicateMember(String)
}
