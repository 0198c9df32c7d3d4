/// Field-splitting helpers shared by the message parsers, namespaced to keep the module's
/// internal namespace free for the pack code.
enum ProtocolText {
    /// A 40-hex object name from client text, or a positioned error.
    static func objectID(_ text: some StringProtocol, offset: Int) throws -> GitObjectID {
        guard let id = GitObjectID(hex: text) else { throw GitProtocolError.invalidObjectID(String(text), offset: offset) }
        return id
    }

    /// Splits `"<value> <rest>"` at its first space; rest is nil when there is none.
    static func splitFirstSpace(_ text: Substring) -> (head: Substring, rest: Substring?) {
        guard let space = text.firstIndex(of: " ") else { return (text, nil) }
        return (text[..<space], text[text.index(after: space)...])
    }

    /// Splits a first ref line `"… \0capabilities"` into the line and its space-separated capabilities.
    static func splitCapabilities(_ line: String) -> (line: Substring, capabilities: [String]) {
        guard let nul = line.firstIndex(of: "\0") else { return (line[...], []) }
        let capabilities = line[line.index(after: nul)...].split(separator: " ").map(String.init)
        return (line[..<nul], capabilities)
    }

    /// C0, DEL and C1 controls: anything that could end a line or drive a terminal.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
