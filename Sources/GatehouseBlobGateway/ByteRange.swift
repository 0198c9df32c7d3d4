import Foundation

/// A client's `Range`/`x-ms-range` (`bytes=a-b`, `bytes=a-`, `bytes=-n`) resolved against a length.
struct ByteRange: Equatable {
    let first: Int
    let last: Int

    var count: Int { last - first + 1 }

    enum Resolution: Equatable {
        case whole
        case range(ByteRange)
        /// Starts at or past the end (the service answers 416).
        case unsatisfiable
        /// Not a single byte range the service accepts (400).
        case invalid
    }

    static func resolve(_ header: String?, length: Int) -> Resolution {
        guard let header else { return .whole }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("bytes="), !trimmed.contains(",") else { return .invalid }
        let spec = trimmed.dropFirst(6)
        guard let dash = spec.firstIndex(of: "-") else { return .invalid }
        let start = spec[..<dash], end = spec[spec.index(after: dash)...]
        if start.isEmpty {
            guard let suffix = Int(end), suffix > 0 else { return .invalid }
            return length == 0 ? .unsatisfiable : .range(ByteRange(first: max(0, length - suffix), last: length - 1))
        }
        guard let first = Int(start), first >= 0 else { return .invalid }
        let last: Int
        if end.isEmpty {
            last = length - 1
        } else {
            guard let value = Int(end), value >= first else { return .invalid }
            last = min(value, length - 1)
        }
        return first >= length ? .unsatisfiable : .range(ByteRange(first: first, last: last))
    }
}
