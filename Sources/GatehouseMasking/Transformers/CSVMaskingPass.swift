/// One pass of `CSVMasker`: walks records cell by cell, copying the input lazily and splicing in
/// replacements for masked cells only.
struct CSVMaskingPass {
    private static let quote: UInt8 = 0x22
    private static let cr: UInt8 = 0x0D
    private static let lf: UInt8 = 0x0A

    let input: UnsafeRawBufferPointer
    let masker: CSVMasker
    var hits: SubjectHitCollector
    private var i = 0
    private var output: [UInt8] = []
    private var copied = 0
    private var changed = false
    /// Category per column index, resolved once the header (if any) is read.
    private var categories: [Int: String]

    init(input: UnsafeRawBufferPointer, masker: CSVMasker) {
        self.input = input
        self.masker = masker
        self.categories = masker.options.indexCategories
        self.hits = SubjectHitCollector(limit: masker.subjectLimit)
    }

    mutating func run() throws {
        var isHeader = masker.options.hasHeader
        while i < input.count {
            var column = 0
            while true {
                let cell = try nextCell()
                if isHeader {
                    // A leading UTF-8 byte order mark is not part of the first column's name.
                    let name = column == 0 && cell.content.starts(with: [0xEF, 0xBB, 0xBF]) ? cell.content.dropFirst(3) : cell.content[...]
                    if let category = masker.options.columnCategories[String(decoding: name, as: UTF8.self)] {
                        categories[column] = category
                    }
                } else {
                    mask(cell, category: categories[column])
                }
                column += 1
                // After a cell: a delimiter (another cell follows), a line break or the end.
                guard i < input.count else { break }
                let c = input[i]
                i += 1
                if c == masker.options.delimiter { continue }
                if c == Self.cr && i < input.count && input[i] == Self.lf { i += 1 }
                break
            }
            isHeader = false
        }
    }

    mutating func finishedOutput() -> [UInt8]? {
        guard changed else { return nil }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[copied...]))
        return output
    }

    private struct Cell {
        var token: Range<Int>
        var quoted: Bool
        /// The value: quotes removed and doubled quotes undone.
        var content: [UInt8]
    }

    private mutating func nextCell() throws -> Cell {
        let start = i
        let delimiter = masker.options.delimiter
        guard i < input.count, input[i] == Self.quote else {
            while i < input.count {
                let c = input[i]
                if c == delimiter || c == Self.cr || c == Self.lf { break }
                if c == Self.quote { throw MalformedInputError(.csv, offset: i, reason: "quote inside an unquoted cell") }
                i += 1
            }
            return Cell(token: start..<i, quoted: false, content: Array(input[start..<i]))
        }
        i += 1
        var content: [UInt8] = []
        var runStart = i
        while true {
            guard i < input.count else { throw MalformedInputError(.csv, offset: start, reason: "unterminated quoted cell") }
            if input[i] == Self.quote {
                content.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[runStart..<i]))
                if i + 1 < input.count && input[i + 1] == Self.quote {
                    content.append(Self.quote)
                    i += 2
                    runStart = i
                    continue
                }
                i += 1
                break
            }
            i += 1
        }
        if i < input.count, input[i] != delimiter, input[i] != Self.cr, input[i] != Self.lf {
            throw MalformedInputError(.csv, offset: i, reason: "text after a closing quote")
        }
        return Cell(token: start..<i, quoted: true, content: content)
    }

    private mutating func mask(_ cell: Cell, category: String?) {
        guard !cell.content.isEmpty else { return }
        let masked = if let category {
            masker.engine.maskClassifiedValue(cell.content, category: category, collecting: &hits)
        } else {
            masker.engine.mask(cell.content, collecting: &hits)
        }
        guard let value = masked else { return }
        if !changed { output.reserveCapacity(input.count + 64) }   // as `JSONMaskingPass` does
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[copied..<cell.token.lowerBound]))
        let delimiter = masker.options.delimiter
        if cell.quoted || value.contains(where: { $0 == delimiter || $0 == Self.quote || $0 == Self.cr || $0 == Self.lf }) {
            output.append(Self.quote)
            for c in value {
                output.append(c)
                if c == Self.quote { output.append(Self.quote) }
            }
            output.append(Self.quote)
        } else {
            output += value
        }
        copied = cell.token.upperBound
        changed = true
    }
}
