import Foundation

/// Writes a line to standard error (operator messages that are not the command's output).
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Writes a line to standard output immediately, even when stdout is a pipe (tests wait on it).
func announce(_ message: String) {
    print(message)
    fflush(stdout)
}
