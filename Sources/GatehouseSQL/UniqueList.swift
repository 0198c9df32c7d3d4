/// Values in order of first appearance, each kept once.
struct UniqueList<Element: Hashable>: Sendable where Element: Sendable {
    private(set) var elements: [Element] = []
    private var seen: Set<Element> = []

    init() {}

    init<S: Sequence>(_ values: S) where S.Element == Element {
        append(contentsOf: values)
    }

    mutating func append(_ value: Element) {
        if seen.insert(value).inserted { elements.append(value) }
    }

    mutating func append<S: Sequence>(contentsOf values: S) where S.Element == Element {
        for value in values { append(value) }
    }

    func contains(_ value: Element) -> Bool { seen.contains(value) }

    var isEmpty: Bool { elements.isEmpty }
}

extension Array where Element: Hashable & Sendable {
    /// The array without repeats, first occurrences kept in order.
    var uniqued: [Element] { UniqueList(self).elements }
}
