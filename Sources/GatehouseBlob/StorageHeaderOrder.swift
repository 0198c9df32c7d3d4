/// The order the storage service sorts `x-ms-*` header names in when it checks a Shared Key
/// signature. It is not byte order: the service compares names the way Windows' en-US string
/// sort does, in two passes. The first ignores `-` and `'` and compares the other characters by
/// weight (punctuation, then digits, then letters without case); only when that ties does the
/// second compare where the ignored `'` and `-` stood. So `x-ms-meta-a_b` sorts before
/// `x-ms-meta-ab` and `x-ms-meta-a-b` right after `x-ms-meta-ab`... as the service expects, or a
/// request whose metadata names hold `-` or `_` fails authentication (Azure SDK issues record
/// such failures).
enum StorageHeaderOrder {
    /// Primary weights (a higher rank sorts later; 0: ignored in the first pass), for ASCII.
    private static let primary: [UInt16] = {
        var weights = [UInt16](repeating: 0, count: 128)
        var rank: UInt16 = 2
        for character in "!#$%&*.^_`|~+".utf8 {
            weights[Int(character)] = rank
            rank += 1
        }
        for character in "0123456789abcdefghijklmnopqrstuvwxyz".utf8 {
            weights[Int(character)] = rank
            if (0x61...0x7A).contains(character) { weights[Int(character) - 0x20] = rank }   // upper case ties
            rank += 1
        }
        return weights
    }()

    /// Second-pass weights: only `'` and `-` count.
    private static let secondary: [UInt16] = {
        var weights = [UInt16](repeating: 0, count: 128)
        weights[0x27] = 2
        weights[0x2D] = 3
        return weights
    }()

    /// Whether `lhs` sorts before `rhs`. Names are ASCII (the service refuses others).
    static func precedes(_ lhs: String, _ rhs: String) -> Bool { compare(Array(lhs.utf8), Array(rhs.utf8)) < 0 }

    static func compare(_ lhs: [UInt8], _ rhs: [UInt8]) -> Int {
        let end: UInt16 = 1
        for (pass, weights) in [primary, secondary].enumerated() {
            let last = pass == 1
            var i = 0, j = 0
            while true {
                // In the last pass the first position where the names part ways decides: the
                // name whose ignorable character comes later sorts first.
                if last && i != j { return i > j ? -1 : 1 }
                let w1 = i < lhs.count ? weights[Int(lhs[i] & 0x7F)] : end
                let w2 = j < rhs.count ? weights[Int(rhs[j] & 0x7F)] : end
                if w1 == end && w2 == end { break }
                if w1 == w2 {
                    i += 1
                    j += 1
                } else if w1 == 0 {
                    i += 1
                } else if w2 == 0 {
                    j += 1
                } else {
                    return w1 < w2 ? -1 : 1
                }
            }
        }
        return 0
    }
}
