import Foundation

/// Standard base64 (RFC 4648 §4) as signed notes and checkpoints use it. Decoding accepts only the
/// canonical encoding (padding present, unused bits zero, no whitespace), so that every accepted
/// string re-serialises byte for byte and one value has one spelling.
enum NoteBase64 {
    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Data(bytes).base64EncodedString()
    }

    static func decodeCanonical<Text: StringProtocol>(_ text: Text) -> [UInt8]? {
        let string = String(text)
        guard !string.isEmpty, let data = Data(base64Encoded: string), data.base64EncodedString() == string else {
            return nil
        }
        return [UInt8](data)
    }
}
