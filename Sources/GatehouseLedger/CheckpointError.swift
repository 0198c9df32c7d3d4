/// Why a checkpoint (C2SP tlog-checkpoint) was refused. Line numbers count from 1 over the note text.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    case textMissingFinalNewline
    /// Fewer than the three mandatory lines (origin, tree size, root hash).
    case tooFewLines(Int)
    case emptyOrigin
    /// A field contains a newline or another ASCII control character, so it cannot be a note line.
    case controlCharacter(line: Int)
    /// Not the ASCII decimal of a number of leaves that fits in 64 bits.
    case invalidTreeSize
    case treeSizeLeadingZero
    case rootHashNotBase64
    case rootHashWrongLength(Int)
    case emptyExtensionLine(line: Int)
    /// The checkpoint is for another log than the one it was checked against.
    case originMismatch(expected: String, found: String)

    public var description: String {
        switch self {
        case .textMissingFinalNewline:
            return "The checkpoint text does not end with a newline."
        case .tooFewLines(let count):
            return "The checkpoint has \(count) line(s); it needs an origin, a tree size and a root hash."
        case .emptyOrigin:
            return "The checkpoint's origin (line 1) is empty."
        case .controlCharacter(let line):
            return "Line \(line) of the checkpoint contains a control character."
        case .invalidTreeSize:
            return "The checkpoint's tree size (line 2) is not a decimal number of leaves below 2^64."
        case .treeSizeLeadingZero:
            return "The checkpoint's tree size (line 2) has a leading zero."
        case .rootHashNotBase64:
            return "The checkpoint's root hash (line 3) is not canonical standard base64."
        case .rootHashWrongLength(let count):
            return "The checkpoint's root hash (line 3) is \(count) bytes; a SHA-256 root hash is 32."
        case .emptyExtensionLine(let line):
            return "The checkpoint's extension line \(line) is empty."
        case .originMismatch(let expected, let found):
            return "The checkpoint is for the log '\(found)', not '\(expected)'."
        }
    }
}
