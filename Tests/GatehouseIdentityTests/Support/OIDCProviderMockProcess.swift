import Foundation

/// PyPI's `oidc-provider-mock` running as a real process on a free loopback port.
/// Missing Python or a missing package is a test failure with instructions, never a skip.
final class OIDCProviderMockProcess {
    let baseURL: String
    private let process: Process
    private let output: OutputBuffer

    struct SetupFailure: Error, CustomStringConvertible {
        let description: String
    }

    static func start() async throws -> OIDCProviderMockProcess {
        let python = try resolvePython()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        // Port 0: the OS picks a free port and uvicorn reports it.
        process.arguments = ["-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", "0"]
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["PYTHONUNBUFFERED"] = "1"
        environment["PYTHONWARNINGS"] = "ignore"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = OutputBuffer()
        pipe.fileHandleForReading.readabilityHandler = { handle in output.append(handle.availableData) }
        try process.run()

        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if let url = output.firstMatch(of: #/Uvicorn running on (http://127\.0\.0\.1:\d+)/#) {
                return OIDCProviderMockProcess(baseURL: url, process: process, output: output)
            }
            guard process.isRunning else {
                throw SetupFailure(description: "oidc-provider-mock exited with status \(process.terminationStatus):\n\(output.text)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw SetupFailure(description: "oidc-provider-mock did not report its port within 90 s:\n\(output.text)")
    }

    private init(baseURL: String, process: Process, output: OutputBuffer) {
        self.baseURL = baseURL
        self.process = process
        self.output = output
    }

    /// SIGTERM, then SIGKILL after two seconds: uvicorn's graceful shutdown waits for idle
    /// keep-alive connections, which a pooled HTTP client may hold open indefinitely.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date() + 2
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }

    /// The interpreter that has the package: $GATEHOUSE_TEST_PYTHON, else python3 on PATH,
    /// resolved to its real executable (not a pyenv shim) so terminating it stops the server.
    private static func resolvePython() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let candidate: String
        if let configured = environment["GATEHOUSE_TEST_PYTHON"] {
            candidate = configured
        } else {
            let directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
            guard let found = directories.map({ $0 + "/python3" }).first(where: FileManager.default.isExecutableFile(atPath:)) else {
                throw SetupFailure(
                    description: "python3 was not found on PATH (\(environment["PATH"] ?? "")). The real-provider test needs "
                        + "Python 3 with `pip install oidc-provider-mock==0.3.4`, or GATEHOUSE_TEST_PYTHON set to such an interpreter.")
            }
            candidate = found
        }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: candidate)
        probe.arguments = [
            "-c", "import sys, importlib.metadata as m, oidc_provider_mock; print(sys.executable); print(m.version('oidc-provider-mock'))",
        ]
        var probeEnvironment = environment
        probeEnvironment["PYTHONWARNINGS"] = "ignore"
        probe.environment = probeEnvironment
        let pipe = Pipe()
        probe.standardOutput = pipe
        probe.standardError = pipe
        try probe.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else {
            throw SetupFailure(
                description: "\(candidate) cannot import oidc_provider_mock; install it with "
                    + "`\(candidate) -m pip install oidc-provider-mock==0.3.4`. Python said:\n\(text)")
        }
        let lines = text.split(separator: "\n").map(String.init)
        return lines.count >= 2 ? lines[lines.count - 2] : candidate
    }
}

/// The process's combined output, filled from the pipe's reader thread.
private final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }

    func firstMatch(of regex: Regex<(Substring, Substring)>) -> String? {
        text.firstMatch(of: regex).map { String($0.1) }
    }
}
