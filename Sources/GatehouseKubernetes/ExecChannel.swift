import Foundation

/// The remote-command stream protocol exec and attach speak over a WebSocket
/// (`v5.channel.k8s.io`, and `v4.channel.k8s.io` without the close signal): every binary
/// message starts with a channel byte. Pure framing; the WebSocket itself is NIO's.
public enum ExecChannel: UInt8, Sendable, CaseIterable {
    case stdin = 0
    case stdout = 1
    case stderr = 2
    /// The API server's last word: a `Status` (Success, or the exit code in its details).
    case error = 3
    /// Terminal size changes from the client: `{"Width": 80, "Height": 24}`.
    case resize = 4
    /// v5 only: the client closes one of its streams (`[255, 0]` is stdin's end of file).
    case close = 255

    public static let v5 = "v5.channel.k8s.io"
    public static let v4 = "v4.channel.k8s.io"
    /// The subprotocols Gatehouse relays, preferred first.
    public static let supportedProtocols = [v5, v4]

    /// The subprotocol to answer with: the first of the client's offer Gatehouse supports.
    public static func negotiate(offered header: String?) -> String? {
        let offered = (header ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return supportedProtocols.first { offered.contains($0) }
    }
}

/// One message of the stream protocol: a channel and its bytes.
public struct ExecMessage: Sendable, Equatable {
    public var channel: ExecChannel
    public var payload: [UInt8]

    public init(channel: ExecChannel, payload: [UInt8]) {
        self.channel = channel
        self.payload = payload
    }

    /// Nil for an empty message or an unknown channel byte.
    public init?(_ bytes: some Collection<UInt8>) {
        guard let first = bytes.first, let channel = ExecChannel(rawValue: first) else { return nil }
        self.channel = channel
        payload = Array(bytes.dropFirst())
    }

    public var bytes: [UInt8] { [channel.rawValue] + payload }

    /// A `{"Width":W,"Height":H}` resize message's size, nil when it is not one.
    public var terminalSize: (width: Int, height: Int)? {
        guard channel == .resize, let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
              let width = object["Width"] as? Int, let height = object["Height"] as? Int, width >= 0, height >= 0
        else { return nil }
        return (width, height)
    }

    /// The exit status an error-channel `Status` reports: 0 for Success, the `ExitCode` cause
    /// for NonZeroExitCode, nil when it is neither (the command could not run).
    public var exitCode: Int? {
        guard channel == .error, let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any] else {
            return nil
        }
        if object["status"] as? String == "Success" { return 0 }
        guard object["reason"] as? String == "NonZeroExitCode",
              let causes = (object["details"] as? [String: Any])?["causes"] as? [[String: Any]],
              let cause = causes.first(where: { $0["reason"] as? String == "ExitCode" }),
              let message = cause["message"] as? String
        else { return nil }
        return Int(message)
    }

    /// A Status on the error channel ending the session with Gatehouse's reason (denied,
    /// refused command...): kubectl prints the message and exits non-zero.
    public static func failure(_ status: KubeStatus) -> ExecMessage {
        ExecMessage(channel: .error, payload: status.json)
    }
}
