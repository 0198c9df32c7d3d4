/// Why a signed note was refused as malformed (C2SP signed-note). Line numbers count from 1 over
/// the whole note. Descriptions quote key names but never signature bytes.
public enum SignedNoteError: Error, Equatable, Sendable, CustomStringConvertible {
    case notUTF8
    /// An ASCII control character other than newline.
    case controlCharacter(line: Int)
    case textMissingFinalNewline
    /// No blank line separates the text from the signature lines.
    case missingSignatureBlock
    case noSignatures
    case signatureBlockMissingFinalNewline
    case notASignatureLine(line: Int)
    case invalidKeyName(String)
    case signatureNotBase64(line: Int)
    /// The base64 holds the 4-byte key ID but no signature after it.
    case signatureTooShort(line: Int)
    case emptySignature(keyName: String)
    case tooManySignatures(maximum: Int)

    public var description: String {
        switch self {
        case .notUTF8:
            return "The signed note is not valid UTF-8."
        case .controlCharacter(let line):
            return "The signed note contains a control character other than newline on line \(line)."
        case .textMissingFinalNewline:
            return "The note text does not end with a newline."
        case .missingSignatureBlock:
            return "The signed note has no blank line separating its text from its signature lines."
        case .noSignatures:
            return "The signed note has no signature lines after its blank line."
        case .signatureBlockMissingFinalNewline:
            return "The signed note's last signature line does not end with a newline."
        case .notASignatureLine(let line):
            return "Line \(line) of the signed note is not a signature line ('— <key name> <base64>')."
        case .invalidKeyName(let name):
            return "The key name '\(name)' is empty or contains a space, a control character or '+'."
        case .signatureNotBase64(let line):
            return "The signature on line \(line) of the signed note is not canonical standard base64."
        case .signatureTooShort(let line):
            return "The signature on line \(line) of the signed note is shorter than a key ID and one byte."
        case .emptySignature(let keyName):
            return "The signature by '\(keyName)' is empty."
        case .tooManySignatures(let maximum):
            return "The signed note has more than \(maximum) signatures."
        }
    }
}
