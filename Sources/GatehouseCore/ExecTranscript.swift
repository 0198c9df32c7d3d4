import Foundation

/// An exec session as recorded: its `stream` events in order, read back into what the client
/// saw and typed, with timing. `gatehouse audit replay` writes it as an asciicast v2 file
/// (docs/kubernetes.md, "Recording and replay"); the web UI shows its text.
public struct ExecTranscript: Sendable, Equatable {
    public struct Event: Sendable, Equatable {
        /// Seconds since the session started.
        public var time: Double
        /// asciicast's codes: `o` output (stdout and stderr), `i` input, `r` resize (`WxH`).
        public var code: String
        public var data: String
    }

    public var command: String?
    public var tty: Bool
    /// The first terminal size the client sent; 80×24 when it sent none (no TTY).
    public var width: Int
    public var height: Int
    public var started: Date
    public var events: [Event]
    /// Chunks that were not text (kubectl cp's tar streams, either way): counted, not replayed.
    public var binaryChunks: Int
    public var exitCode: Int?

    /// The transcript of a session's events, nil when it holds no exec stream. Each event's
    /// sealed fields must be opened (`data` present for stdin and output chunks): a chunk
    /// without them (an erased session) makes the transcript unreadable, and this throws.
    public init?(events recorded: [GatehouseEvent]) throws {
        let activities = recorded.compactMap { event -> (Date, KubeActivity)? in
            if case .kubernetes(let activity) = event.payload { return (event.time, activity) }
            return nil
        }
        let chunks = activities.filter { $0.1.phase == KubeActivity.Phase.stream }
        guard let first = chunks.first else { return nil }
        let request = activities.first { $0.1.phase == KubeActivity.Phase.request && $0.1.decision == KubeActivity.Decision.allowed }
        command = request?.1.command
        tty = first.1.tty ?? false
        started = first.0
        exitCode = activities.last { $0.1.phase == KubeActivity.Phase.response }?.1.exitCode
        binaryChunks = 0
        events = []
        var size: (Int, Int)?
        for (_, chunk) in chunks {
            let time = Double(chunk.elapsedMicroseconds ?? 0) / 1_000_000
            if chunk.channel == KubeActivity.Channel.resize {
                guard let width = chunk.width, let height = chunk.height else { continue }
                if size == nil { size = (width, height) }
                events.append(Event(time: time, code: "r", data: "\(width)x\(height)"))
                continue
            }
            guard let data = chunk.data else { throw Unreadable() }
            if chunk.encoding == KubeActivity.base64Encoding {
                binaryChunks += 1
                continue
            }
            let input = chunk.channel == KubeActivity.Channel.stdin
            // Without a terminal nobody turned "\n" into "\r\n": a player needs it.
            let shown = tty || input ? data : data.replacingOccurrences(of: "\n", with: "\r\n")
            events.append(Event(time: time, code: input ? "i" : "o", data: shown))
        }
        (width, height) = size ?? (80, 24)
        // The two directions are recorded concurrently: the ledger may hold a keystroke before
        // output read a moment earlier. A player wants time order (stable within a direction).
        events = events.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }

    /// The session's sealed fields could not be read (its data key is erased).
    public struct Unreadable: Error, CustomStringConvertible {
        public init() {}
        public var description: String { "the session's recorded streams can no longer be read (its data key is erased)" }
    }

    /// What the client saw: every output chunk, in order (as recorded: masked).
    public var output: String { events.filter { $0.code == "o" }.map(\.data).joined() }

    /// The output as plain text for reading on a page: terminal escape sequences (colours,
    /// cursor moves, titles) and other control characters removed, line ends made "\n".
    public var readableOutput: String {
        var text = "", scalars = output.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            switch scalar {
            case "\u{1B}":
                // CSI (`ESC [ … final`), OSC (`ESC ] … BEL or ESC \`), or a two-character escape.
                switch scalars.next() {
                case "["?:
                    while let next = scalars.next(), !(0x40...0x7E).contains(next.value) {}
                case "]"?:
                    while let next = scalars.next(), next != "\u{07}", next != "\u{1B}" {}
                default:
                    break
                }
            case "\n", "\t":
                text.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                continue
            default:
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }

    /// The asciicast v2 file: a header line, then one `[time, code, data]` line per event.
    public func asciicast(title: String? = nil) -> String {
        var header: [String: Any] = ["version": 2, "width": width, "height": height, "timestamp": Int(started.timeIntervalSince1970)]
        if let command { header["command"] = command }
        if let title { header["title"] = title }
        var lines = [Self.json(header)]
        for event in events {
            lines.append(Self.json([(event.time * 1_000_000).rounded() / 1_000_000, event.code, event.data]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func json(_ value: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
