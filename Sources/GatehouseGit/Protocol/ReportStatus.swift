/// The report-status a receive-pack server sends after a push (gitprotocol-pack): whether the
/// pack unpacked, then `ok <ref>` or `ng <ref> <reason>` per command, then a flush. The same
/// lines are valid for clients that asked for report-status-v2.
public struct ReportStatus: Equatable, Sendable {
    public enum RefResult: Equatable, Sendable {
        case ok(ref: String)
        case rejected(ref: String, reason: String)
    }

    /// nil for `unpack ok`, else the reason git prints as "remote unpack failed".
    public var unpackError: String?
    public var results: [RefResult]

    public init(unpackError: String? = nil, results: [RefResult]) {
        self.unpackError = unpackError
        self.results = results
    }

    /// The pkt-lines, flush included; throws when a reason or ref could break the line format.
    public func encoded() throws -> [UInt8] {
        var out = PktLine.encode(line: "unpack " + (try unpackError.map(Self.checkedLine) ?? "ok"))
        for result in results {
            switch result {
            case .ok(let ref):
                out += PktLine.encode(line: "ok " + (try Self.checkedLine(ref)))
            case .rejected(let ref, let reason):
                out += PktLine.encode(line: "ng \(try Self.checkedLine(ref)) \(try Self.checkedLine(reason))")
            }
        }
        return out + PktLine.flushBytes
    }

    /// Git reads each status as one LF-terminated line; a reason with LF or other control
    /// characters would forge further status lines.
    static func checkedLine(_ text: String) throws -> String {
        guard !text.isEmpty, text.utf8.count < 1000, !text.unicodeScalars.contains(where: ProtocolText.isControl) else {
            throw GitProtocolError.invalidReportText(text)
        }
        return text
    }
}

/// The whole HTTP response body Gatehouse sends for a push it refuses itself, without
/// contacting the upstream: every command rejected with `reason`, so `git push` prints
/// `! [remote rejected] <ref> (<reason>)` and exits non-zero.
public enum ReceivePackRejection {
    /// - Parameters:
    ///   - sideband: true when the client asked for side-band(-64k) (`ReceivePackRequest.usesSideband`);
    ///     the report then travels on band 1 and a final flush ends the stream.
    ///   - message: shown by git as `remote: …` lines (band 2); only sent with side-band, since
    ///     without it there is no channel for free text. May span lines.
    ///   - maxChunk: the band payload limit of the client's side-band variant (`ReceivePackRequest.sidebandMaxChunk`).
    public static func body(commands: [RefUpdate], reason: String, sideband: Bool, message: String? = nil,
                            maxChunk: Int = Sideband.maxChunk64k) throws -> [UInt8] {
        let report = try ReportStatus(results: commands.map { .rejected(ref: $0.ref, reason: reason) }).encoded()
        guard sideband else { return report }
        var out: [UInt8] = []
        if let message {
            // Tabs and LF are fine in remote: output; other control characters could drive the terminal.
            guard !message.unicodeScalars.contains(where: { ProtocolText.isControl($0) && $0 != "\n" && $0 != "\t" }) else {
                throw GitProtocolError.invalidReportText(message)
            }
            out += Sideband.progress.encode(message: message, maxChunk: maxChunk)
        }
        return out + Sideband.data.encode(report, maxChunk: maxChunk) + PktLine.flushBytes
    }
}
