/// `JSONMasker`'s fields compiled for its passes: every member name a path mentions gets a number,
/// so a pass's location is a list of small integers (it copies no member name it reads) and a
/// path is matched by comparing them.
struct JSONFieldTable: Sendable {
    enum Step: Sendable, Equatable {
        case key(Int)
        case index(Int)
        case wildcard
    }

    /// The number of a member name that no path mentions.
    static let otherKey = -1

    private let names: [[UInt8]]
    private let paths: [(steps: [Step], category: String)]
    /// The longest path: a deeper location matches none.
    let deepest: Int

    init(_ fields: [JSONField]) {
        var names: [[UInt8]] = []
        paths = fields.map { field in
            let steps = field.path.segments.map { segment -> Step in
                switch segment {
                case .key(let name):
                    if let known = names.firstIndex(of: name) { return .key(known) }
                    names.append(name)
                    return .key(names.count - 1)
                case .index(let n): return .index(n)
                case .wildcard: return .wildcard
                }
            }
            return (steps, field.category)
        }
        self.names = names
        deepest = paths.map(\.steps.count).max() ?? 0
    }

    var isEmpty: Bool { paths.isEmpty }

    /// The number of a decoded member name, or `otherKey`.
    func keyNumber(_ name: UnsafeRawBufferPointer) -> Int {
        names.firstIndex { $0.elementsEqual(name) } ?? Self.otherKey
    }

    /// The category of the first field naming exactly `location`.
    func category(at location: [JSONLocation]) -> String? {
        guard location.count <= deepest else { return nil }
        return paths.first { Self.matches($0.steps, location) }?.category
    }

    private static func matches(_ steps: [Step], _ location: [JSONLocation]) -> Bool {
        guard steps.count == location.count else { return false }
        for (step, at) in zip(steps, location) {
            switch (step, at) {
            case (.wildcard, _): continue
            case (.key(let name), .key(let key)) where name == key: continue
            case (.index(let n), .index(let i)) where n == i: continue
            default: return false
            }
        }
        return true
    }
}

/// One step from the document root to a value: a member name (its `JSONFieldTable` number) or an
/// array index.
enum JSONLocation: Equatable {
    case key(Int)
    case index(Int)
}
