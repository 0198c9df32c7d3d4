import Foundation

/// A checkpoint note kept outside the database (a sink's copy), and where it came from.
public struct LedgerExternalCheckpointNote: Sendable, Equatable {
    /// For messages: the file, and the note's place in it.
    public let source: String
    public let note: String
    /// The tree size in the file's name (`<size>.checkpoint`), checked against the note.
    public let namedTreeSize: UInt64?

    public init(source: String, note: String, namedTreeSize: UInt64? = nil) {
        self.source = source
        self.note = note
        self.namedTreeSize = namedTreeSize
    }

    /// The notes at `path`: a sink directory (every `<size>.checkpoint` file, one note each) or a
    /// sink file (notes each followed by an empty line, as `CheckpointSink.file` appends them).
    public static func load(path: String) throws -> [LedgerExternalCheckpointNote] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LedgerLogVerificationFailure.unreadableCheckpoint(source: path, reason: "no such file or directory")
        }
        return isDirectory.boolValue ? try loadDirectory(path) : try loadFile(path)
    }

    private static func loadDirectory(_ path: String) throws -> [LedgerExternalCheckpointNote] {
        let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".checkpoint") }
        return try names.sorted().map { name in
            let file = (path as NSString).appendingPathComponent(name)
            return LedgerExternalCheckpointNote(source: file, note: try read(file),
                                                namedTreeSize: UInt64(name.dropLast(".checkpoint".count)))
        }
    }

    /// Splits at empty lines: a note is its text lines, one empty line, its signature lines
    /// (`— ` …), then the empty line that ends it.
    static func loadFile(_ path: String) throws -> [LedgerExternalCheckpointNote] {
        let text = try read(path)
        var notes: [LedgerExternalCheckpointNote] = []
        var textLines: [Substring] = []
        var signatureLines: [Substring] = []
        var inSignatures = false
        var firstLine = 1
        func emit() {
            let note = textLines.map { $0 + "\n" }.joined() + "\n" + signatureLines.map { $0 + "\n" }.joined()
            notes.append(LedgerExternalCheckpointNote(source: "\(path), note \(notes.count + 1) (line \(firstLine))", note: note))
            textLines = []
            signatureLines = []
            inSignatures = false
        }
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty {
                if !signatureLines.isEmpty { emit() } else if !textLines.isEmpty { inSignatures = true }
            } else if inSignatures {
                signatureLines.append(line)
            } else {
                if textLines.isEmpty { firstLine = offset + 1 }
                textLines.append(line)
            }
        }
        if !signatureLines.isEmpty { emit() }
        guard textLines.isEmpty else {
            throw LedgerLogVerificationFailure.unreadableCheckpoint(source: "\(path), line \(firstLine)",
                                                                    reason: "a note without signature lines")
        }
        return notes
    }

    private static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LedgerLogVerificationFailure.unreadableCheckpoint(source: path, reason: "cannot read the file")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
