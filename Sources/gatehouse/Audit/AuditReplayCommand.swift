import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseStore
import Logging

/// `gatehouse audit replay`: an exec session as an asciicast v2 recording (asciinema's format).
struct AuditReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Write a recorded Kubernetes exec session as an asciicast v2 file (play it with asciinema play).",
        discussion: """
            The session ID is in the web UI's session list and in every ledger entry of the \
            session. The file holds what the agent saw, masked as it was, with its timing: \
            output ("o"), what it typed ("i") and terminal resizes ("r"). Chunks that were not \
            text (the tar streams of kubectl cp) are counted, not replayed. The recording is personal \
            data for as long as the session's data key exists; after erasure it cannot be made.
            """)

    @OptionGroup var options: AuditConfigOption
    @Option(help: "The session's ID.")
    var session: String
    @Option(name: .shortAndLong, help: "Write the recording to this file instead of standard output.")
    var output: String?

    func run() throws {
        let configuration = try loadConfiguration(options.config)
        let store = try LedgerSetup.openStore(configuration, logger: Logger(label: "gatehouse.audit"))
        defer { store.close() }
        let browser = LedgerBrowser(store: store, masterKey: try LedgerSetup.masterKey(configuration), verifier: nil)
        let transcript: ExecTranscript
        do {
            guard let recorded = try browser.transcript(sessionID: session) else {
                throw ValidationFailure("session \(session) has no exec session recorded (is it the ID of a kubectl exec?)")
            }
            transcript = recorded
        } catch let unreadable as ExecTranscript.Unreadable {
            throw ValidationFailure("session \(session): \(unreadable)")
        }
        let cast = transcript.asciicast(title: "Gatehouse session \(session)")
        if let output {
            try Data(cast.utf8).write(to: URL(fileURLWithPath: output))
            var summary = "wrote \(transcript.events.count) events (\(transcript.output.utf8.count) bytes of output) to \(output)"
            if transcript.binaryChunks > 0 { summary += "; \(transcript.binaryChunks) binary chunks (kubectl cp) not replayed" }
            printError(summary)
        } else {
            print(cast, terminator: "")
        }
    }
}
