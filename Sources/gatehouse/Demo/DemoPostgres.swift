import Foundation

/// A private PostgreSQL server for `gatehouse demo`: initdb in `directory`, started on a free
/// loopback port, with database `shop` owned by login role `gatehouse_demo` and the demo seed
/// loaded as that role. Everything stays inside `directory`.
///
/// initdb and postgres refuse to run as root, so when we are root the server processes run
/// as the unprivileged `postgres` user (created by Debian's postgresql package) through
/// `runuser`, and the directory is handed to that user. Client tools (psql) run as us.
///
/// Gatehouse itself logs in as `gatehouse_agent` under the database backstop (`hardenForGatehouse`).
///
/// `stop()` is idempotent and safe from any thread; the caller invokes it on exit and on
/// SIGINT/SIGTERM.
final class DemoPostgres: @unchecked Sendable {
    let host = "127.0.0.1"
    let port: Int
    let database = "shop"
    /// Owns the database and its tables; Gatehouse never uses it.
    let owner = "gatehouse_demo"
    /// The role Gatehouse logs in as, and the role approved statements run as.
    let user = "gatehouse_agent"
    let approvedRole = "gatehouse_approved"
    let password: String
    private let superuserPassword: String
    private let root: String
    /// The server log, worth showing when something goes wrong.
    let logFile: String

    private let tools: Tools
    private let dataDirectory: String
    private let lock = NSLock()
    private var running = true

    /// Why the demo server could not be started: the step, and what the tool said.
    struct StartError: Error, CustomStringConvertible {
        let step: String
        let detail: String
        var description: String { "demo PostgreSQL: \(step) failed: \(detail)" }
    }

    private init(port: Int, password: String, superuserPassword: String, root: String, logFile: String, tools: Tools, dataDirectory: String) {
        self.port = port
        self.password = password
        self.superuserPassword = superuserPassword
        self.root = root
        self.logFile = logFile
        self.tools = tools
        self.dataDirectory = dataDirectory
    }

    static func start(directory: String, seedSQL: String) throws -> DemoPostgres {
        let tools = try Tools.locate()
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path
        let dataDirectory = root + "/data"
        let socketDirectory = root + "/run"
        let logFile = root + "/postgres.log"
        guard !FileManager.default.fileExists(atPath: dataDirectory) else {
            throw StartError(step: "preparing \(root)", detail: "it already holds a data directory; pass an empty or new directory")
        }
        do {
            try FileManager.default.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        } catch {
            throw StartError(step: "creating \(root)", detail: "\(error)")
        }

        let superuserPassword = randomSecret()
        let demoPassword = randomSecret()

        // initdb reads the superuser password from a file, so it never appears in argv.
        let passwordFile = root + "/superuser-password"
        try writePrivate(superuserPassword + "\n", to: passwordFile, step: "writing the password file")
        try tools.handOver(root)
        let initdb = try tools.runServerTool(
            "initdb",
            ["-D", dataDirectory, "-U", "postgres", "--pwfile=\(passwordFile)", "--auth=scram-sha-256",
             "-E", "UTF8", "--locale=C"],
            in: root)
        try? FileManager.default.removeItem(atPath: passwordFile)
        guard initdb.status == 0 else {
            throw StartError(step: "initdb", detail: initdb.stderr + tools.rootHint(root))
        }

        // A Unix socket path is limited to 107 bytes; without room for one, TCP alone will do.
        let socketSetting = socketDirectory.utf8.count + 20 < 107 ? socketDirectory : ""
        var port = 0
        var started = false
        var lastFailure = ""
        for _ in 0..<3 where !started {
            // The port may be taken between probing and binding; retry with another one.
            port = try freeLoopbackPort()
            try appendSettings(
                ["listen_addresses": "'127.0.0.1'", "port": "\(port)", "unix_socket_directories": "'\(socketSetting)'"],
                to: dataDirectory + "/postgresql.conf")
            try tools.handOver(root)
            let result = try tools.runServerTool(
                "pg_ctl", ["-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "start"], in: root)
            if result.status == 0 {
                started = true
            } else {
                lastFailure = result.stderr + "\n" + tail(of: logFile)
                guard lastFailure.contains("already in use") else { break }
            }
        }
        guard started else { throw StartError(step: "pg_ctl start", detail: lastFailure) }

        let server = DemoPostgres(port: port, password: randomSecret(), superuserPassword: superuserPassword, root: root,
                                  logFile: logFile, tools: tools, dataDirectory: dataDirectory)
        do {
            try server.psqlFile(
                "CREATE ROLE gatehouse_demo LOGIN PASSWORD '\(demoPassword)';\nCREATE DATABASE shop OWNER gatehouse_demo;\n",
                named: "setup.sql", in: root, user: "postgres", password: superuserPassword, database: "postgres",
                step: "creating role gatehouse_demo and database shop")
            try server.psqlFile(seedSQL, named: "demo-seed.sql", in: root, user: "gatehouse_demo", password: demoPassword,
                                database: "shop", step: "loading the demo seed")
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    /// Sets up the database backstop (`setupSQL`, from `gatehouse db-setup`'s generator) and
    /// gives the login role its password, as the superuser. The password goes through psql's
    /// variable quoting, and the server's log stays inside the demo directory.
    func hardenForGatehouse(setupSQL: String) throws {
        try psqlFile(setupSQL + "ALTER ROLE \(user) PASSWORD :'agent_password';\n", named: "backstop.sql", in: root, user: "postgres",
                     password: superuserPassword, database: database, step: "setting up the database backstop",
                     variables: ["agent_password": password])
    }

    /// Stops the server (fast shutdown: open sessions are cut). Safe to call more than once.
    func stop() {
        lock.lock()
        let wasRunning = running
        running = false
        lock.unlock()
        guard wasRunning else { return }
        // The server may already be gone (a terminal's SIGINT reaches its process group too).
        _ = try? tools.runServerTool("pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "-t", "30", "stop"],
                                     in: (dataDirectory as NSString).deletingLastPathComponent)
    }

    /// Runs SQL from a private file with psql over TCP, stopping at the first error.
    private func psqlFile(_ sql: String, named name: String, in root: String, user: String, password: String,
                          database: String, step: String, variables: [String: String] = [:]) throws {
        let path = root + "/" + name
        // Variables go in the file too, never in argv (where other users could read them).
        let settings = variables.sorted { $0.key < $1.key }.map { "\\set \($0.key) '\($0.value)'\n" }.joined()
        try Self.writePrivate(settings + sql, to: path, step: step)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try tools.run(
            tools.path("psql"),
            ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", "\(port)", "-U", user, "-d", database, "-f", path],
            environment: ["PGPASSWORD": password, "PGSSLMODE": "disable", "PGCONNECT_TIMEOUT": "10"],
            in: root)
        guard result.status == 0 else { throw StartError(step: step, detail: result.stderr) }
    }
}

// MARK: - Small helpers

extension DemoPostgres {
    /// 32 hex characters from the system's secure generator.
    fileprivate static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    fileprivate static func writePrivate(_ text: String, to path: String, step: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw StartError(step: step, detail: "cannot write \(path)")
        }
    }

    fileprivate static func appendSettings(_ settings: [String: String], to path: String) throws {
        let lines = settings.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }
        let text = "\n# gatehouse demo\n" + lines.joined(separator: "\n") + "\n"
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw StartError(step: "configuring postgresql.conf", detail: "cannot open \(path)")
        }
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
    }

    fileprivate static func tail(of path: String, bytes: Int = 2000) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data.suffix(bytes), as: UTF8.self)
    }

    /// Asks the kernel for an unused loopback port by binding port 0.
    fileprivate static func freeLoopbackPort() throws -> Int {
        #if os(Linux)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw StartError(step: "choosing a port", detail: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, length) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        guard bound else { throw StartError(step: "choosing a port", detail: "bind() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

// MARK: - Finding and running the PostgreSQL tools

extension DemoPostgres {
    fileprivate struct ToolResult {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    fileprivate struct Tools {
        /// Where initdb, pg_ctl and psql live.
        let binDirectory: String
        /// When we are root: the unprivileged account that runs the server, and runuser.
        let serverAccount: (name: String, uid: uid_t, gid: gid_t, runuser: String)?

        static func locate() throws -> Tools {
            guard let binDirectory = findBinDirectory() else {
                throw StartError(step: "finding PostgreSQL",
                                 detail: "initdb is neither on PATH nor in /usr/lib/postgresql/*/bin; install the postgresql package")
            }
            guard geteuid() == 0 else { return Tools(binDirectory: binDirectory, serverAccount: nil) }
            guard let entry = getpwnam("postgres") else {
                throw StartError(step: "finding the server account",
                                 detail: "PostgreSQL refuses to run as root and there is no 'postgres' user to run it as")
            }
            let runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]
                .first { FileManager.default.isExecutableFile(atPath: $0) }
            guard let runuser else {
                throw StartError(step: "finding runuser", detail: "needed to run PostgreSQL as 'postgres' when root")
            }
            return Tools(binDirectory: binDirectory,
                         serverAccount: ("postgres", entry.pointee.pw_uid, entry.pointee.pw_gid, runuser))
        }

        /// PATH first, then Debian's versioned directories, highest version first.
        private static func findBinDirectory() -> String? {
            let fileManager = FileManager.default
            let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
            for directory in path.split(separator: ":").map(String.init)
            where fileManager.isExecutableFile(atPath: directory + "/initdb") {
                // Often a symlink into Debian's directory, which also holds pg_ctl and psql.
                let initdb = URL(fileURLWithPath: directory + "/initdb").resolvingSymlinksInPath()
                return initdb.deletingLastPathComponent().path
            }
            let versions = (try? fileManager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
            let ordered = versions.sorted { lhs, rhs in
                lhs.split(separator: ".").compactMap { Int($0) }.lexicographicallyPrecedes(
                    rhs.split(separator: ".").compactMap { Int($0) })
            }
            for version in ordered.reversed() {
                let directory = "/usr/lib/postgresql/\(version)/bin"
                if fileManager.isExecutableFile(atPath: directory + "/initdb") { return directory }
            }
            return nil
        }

        /// A tool from the server's directory, else from PATH (psql is on PATH on Debian).
        func path(_ tool: String) -> String {
            let fileManager = FileManager.default
            let candidates = [binDirectory] + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            return candidates.map { $0 + "/" + tool }.first { fileManager.isExecutableFile(atPath: $0) }
                ?? binDirectory + "/" + tool
        }

        /// Gives the directory tree to the server account (nothing to do when not root).
        func handOver(_ root: String) throws {
            guard let account = serverAccount else { return }
            var paths = [root]
            if let enumerator = FileManager.default.enumerator(atPath: root) {
                while let relative = enumerator.nextObject() as? String { paths.append(root + "/" + relative) }
            }
            for path in paths where chown(path, account.uid, account.gid) != 0 {
                throw StartError(step: "handing \(root) to user \(account.name)", detail: "chown \(path): errno \(errno)")
            }
        }

        func rootHint(_ root: String) -> String {
            guard let account = serverAccount else { return "" }
            return "\n(running as root: PostgreSQL runs as '\(account.name)', which must be able to enter \(root) and every parent directory)"
        }

        /// initdb and pg_ctl: as the server account when we are root.
        func runServerTool(_ tool: String, _ arguments: [String], in directory: String) throws -> ToolResult {
            if let account = serverAccount {
                return try run(account.runuser, ["-u", account.name, "--", path(tool)] + arguments,
                               environment: [:], in: directory)
            }
            return try run(path(tool), arguments, environment: [:], in: directory)
        }

        /// Runs a tool to completion with its output in files: a pipe would stay open for as
        /// long as any daemon the tool leaves behind (pg_ctl's postmaster), and so would the
        /// exit-detection socket that Foundation's Process hands its children.
        func run(_ executable: String, _ arguments: [String], environment: [String: String],
                 in directory: String) throws -> ToolResult {
            let outputPath = directory + "/.tool-stdout"
            let errorPath = directory + "/.tool-stderr"
            defer {
                try? FileManager.default.removeItem(atPath: outputPath)
                try? FileManager.default.removeItem(atPath: errorPath)
            }
            let pid = try Self.spawn(
                executable, arguments,
                environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
                directory: directory, stdout: outputPath, stderr: errorPath)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 {
                guard errno == EINTR else { throw StartError(step: "waiting for \(executable)", detail: "errno \(errno)") }
            }
            let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            func read(_ path: String) -> String {
                FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
            }
            return ToolResult(status: exitStatus, stdout: read(outputPath), stderr: read(errorPath))
        }

        private static func spawn(_ executable: String, _ arguments: [String], environment: [String: String],
                                  directory: String, stdout: String, stderr: String) throws -> pid_t {
            #if os(Linux)
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
            #else
            var actions: posix_spawn_file_actions_t?
            var attributes: posix_spawnattr_t?
            #endif
            posix_spawn_file_actions_init(&actions)
            posix_spawnattr_init(&attributes)
            defer {
                posix_spawn_file_actions_destroy(&actions)
                posix_spawnattr_destroy(&attributes)
            }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            // The server account may not be allowed into our working directory, and nothing of
            // ours (listening sockets, the ledger database) may leak into a long-lived server.
            #if os(Linux)
            guard let addChdir = GlibcSpawnExtras.addChdir, let addCloseFrom = GlibcSpawnExtras.addCloseFrom else {
                throw StartError(step: "running \(executable)", detail: "glibc 2.34 or newer is needed (posix_spawn_file_actions_addclosefrom_np)")
            }
            _ = addChdir(&actions, directory)
            _ = addCloseFrom(&actions, 3)
            #else
            posix_spawn_file_actions_addchdir_np(&actions, directory)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_CLOEXEC_DEFAULT))
            #endif

            let argv = ([executable] + arguments).map { strdup($0) } + [nil]
            let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer {
                argv.forEach { free($0) }
                envp.forEach { free($0) }
            }
            var pid = pid_t()
            let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
            guard result == 0 else {
                throw StartError(step: "running \(executable)", detail: String(cString: strerror(result)))
            }
            return pid
        }
    }
}

#if os(Linux)
/// glibc's non-portable posix_spawn file actions, which Swift's Glibc module does not import:
/// looked up by name in the running process.
private enum GlibcSpawnExtras {
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")
    static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let pointer = dlsym(handle, name) else { return nil }
        return unsafeBitCast(pointer, to: T.self)
    }
}
#endif
