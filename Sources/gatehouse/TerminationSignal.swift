import Dispatch
import Foundation

/// Waits for SIGINT or SIGTERM and returns its name, so the caller can stop cleanly.
func waitForTerminationSignal() async -> String {
    await withCheckedContinuation { continuation in
        let once = OnceFlag()
        var sources: [DispatchSourceSignal] = []
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler {
                if once.claim() {
                    sources.forEach { $0.cancel() }
                    continuation.resume(returning: name)
                }
            }
            source.resume()
            sources.append(source)
        }
        signalSourcesKeptAlive = sources
    }
}

/// Keeps the signal sources alive while waiting.
nonisolated(unsafe) private var signalSourcesKeptAlive: [DispatchSourceSignal] = []

private final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = false
    func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if claimed { return false }
        claimed = true
        return true
    }
}
