import Foundation

/// Runs work on a fresh thread with a stack of a chosen size and waits for its result.
///
/// libpg_query writes its tree out recursively, one C stack frame chain per nesting level,
/// and a left-deep expression such as `1+1+1+...` nests once per two bytes of text: a long
/// enough statement would overflow the caller's stack (measured: a segfault at about 60,000
/// levels with 8 MiB), so long statements are parsed on a thread whose stack fits them.
enum LargeStackThread {
    static func run<Result>(stackSize: Int, _ work: @escaping () -> Result) -> Result {
        let box = ResultBox<Result>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = work()
            done.signal()
        }
        thread.stackSize = stackSize
        thread.start()
        done.wait()
        return box.value!
    }
}

/// Hands the result from the worker thread to the waiting one; the semaphore orders the
/// write before the read.
private final class ResultBox<Value>: @unchecked Sendable {
    var value: Value?
}
