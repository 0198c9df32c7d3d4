// Merkle ledger costs at a million leaves, single core: the root of a log re-hashed from its
// entries (what `audit verify` does; target under 10 s), and inclusion and consistency proofs
// (size, generation, verification). Figures only, no assertions. Run a release build:
//   swift build -c release --product ledger-benchmark --scratch-path .build-release
//   .build-release/release/ledger-benchmark [leaf count]
import GatehouseCore
import GatehouseLedger


let leafCount = CommandLine.arguments.count > 1 ? UInt64(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
let samples = 10_000

/// Entries of 250-350 bytes (about 300 on average, like a recorded event): the entry's number
/// followed by a window of a 1 MiB random pool, built in a reused buffer so that generating them
/// costs next to nothing beside the hashing being measured.
struct Entries {
    var pool: [UInt8]
    var scratch = [UInt8](repeating: 0, count: 350)
    var totalBytes = 0

    init() {
        var random = SplitMix64(seed: 7)
        pool = (0..<(1 << 20)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    mutating func forEach(count: UInt64, _ body: (UnsafeRawBufferPointer) -> Void) {
        totalBytes = 0
        var random = SplitMix64(seed: 11)
        for index in 0..<count {
            let length = 250 + Int(random.below(101))
            let offset = Int(random.below(UInt64(pool.count - length)))
            scratch.withUnsafeMutableBytes { out in
                out.storeBytes(of: index.bigEndian, as: UInt64.self)
                pool.withUnsafeBytes { source in
                    UnsafeMutableRawBufferPointer(rebasing: out[8..<length])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + length - 8)]))
                }
                body(UnsafeRawBufferPointer(rebasing: out[0..<length]))
            }
            totalBytes += length
        }
    }
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// `value` with `digits` decimals, without Foundation's formatter.
func fixed(_ value: Double, _ digits: Int = 2) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int((value * scale).rounded())
    let whole = String(scaled / Int(scale))
    guard digits > 0 else { return whole }
    let fraction = String(abs(scaled) % Int(scale))
    return whole + "." + String(repeating: "0", count: digits - fraction.count) + fraction
}

func microseconds(_ d: Duration, per count: Int) -> String { fixed(seconds(d) * 1e6 / Double(count)) + " µs" }

let clock = ContinuousClock()
var entries = Entries()
print("ledger-benchmark: \(leafCount) leaves, single core")

// 1. Streaming: the frontier only (at most 64 hashes held), as `audit verify` re-hashes a log.
var frontier = MerkleFrontier()
let streamTime = clock.measure {
    entries.forEach(count: leafCount) { frontier.append(leafHash: .leafHash($0)) }
}
let streamRoot = frontier.rootHash
let megabytes = Double(entries.totalBytes) / 1_048_576
print("root from entries, streaming frontier: \(fixed(seconds(streamTime))) s "
    + "(\(fixed(megabytes, 0)) MB of entries, \(fixed(megabytes / seconds(streamTime), 0)) MB/s, "
    + "\(fixed(Double(leafCount) / seconds(streamTime) / 1000, 0))k leaves/s), root \(streamRoot.hex)")

// 2. The full tree in memory (every perfect subtree kept, 2n hashes), for proofs.
var tree = MerkleTree()
let treeTime = clock.measure {
    entries.forEach(count: leafCount) { tree.append(leafHash: .leafHash($0)) }
}
print("root from entries, full in-memory tree: \(fixed(seconds(treeTime))) s "
    + "(\(fixed(Double(2 * leafCount * 32) / 1_048_576, 0)) MB of node hashes), roots equal: \(tree.rootHash == streamRoot)")

// 3. Roots of earlier sizes from stored nodes: O(log n) lookups, no leaf re-hashed.
var random = SplitMix64(seed: 3)
let sizes = (0..<samples).map { _ in 1 + random.below(leafCount) }
let rootTime = clock.measure {
    for size in sizes { _ = try! tree.rootHash(treeSize: size) }
}
print("root at an earlier size from stored nodes: \(microseconds(rootTime, per: samples))")

// 4. Inclusion proofs at the full size.
let indexes = (0..<samples).map { _ in random.below(leafCount) }
var inclusionProofs: [[MerkleHash]] = []
inclusionProofs.reserveCapacity(samples)
let inclusionTime = clock.measure {
    for index in indexes { inclusionProofs.append(try! tree.inclusionProof(leafIndex: index, treeSize: leafCount)) }
}
let leafHashes = indexes.map { try! tree.hash(of: MerkleNodeID(level: 0, index: $0)) }
var inclusionFailures = 0
let inclusionVerifyTime = clock.measure {
    for k in 0..<samples {
        do {
            try MerkleVerifier.verifyInclusion(leafIndex: indexes[k], treeSize: leafCount, leafHash: leafHashes[k],
                                               proof: inclusionProofs[k], rootHash: streamRoot)
        } catch { inclusionFailures += 1 }
    }
}
let inclusionLengths = inclusionProofs.map(\.count)
print("inclusion proof: \(inclusionLengths.min()!)-\(inclusionLengths.max()!) hashes "
    + "(\(inclusionLengths.max()! * 32) bytes at most) | generate \(microseconds(inclusionTime, per: samples)) "
    + "| verify \(microseconds(inclusionVerifyTime, per: samples)) | \(inclusionFailures) failures in \(samples)")

// 5. Consistency proofs from random earlier sizes to the full size.
var consistencyProofs: [[MerkleHash]] = []
consistencyProofs.reserveCapacity(samples)
let consistencyTime = clock.measure {
    for size in sizes { consistencyProofs.append(try! tree.consistencyProof(from: size, to: leafCount)) }
}
let oldRoots = sizes.map { try! tree.rootHash(treeSize: $0) }
var consistencyFailures = 0
let consistencyVerifyTime = clock.measure {
    for k in 0..<samples {
        do {
            try MerkleVerifier.verifyConsistency(oldSize: sizes[k], newSize: leafCount, oldRoot: oldRoots[k],
                                                 newRoot: streamRoot, proof: consistencyProofs[k])
        } catch { consistencyFailures += 1 }
    }
}
let consistencyLengths = consistencyProofs.map(\.count)
print("consistency proof: \(consistencyLengths.min()!)-\(consistencyLengths.max()!) hashes "
    + "(\(consistencyLengths.max()! * 32) bytes at most) | generate \(microseconds(consistencyTime, per: samples)) "
    + "| verify \(microseconds(consistencyVerifyTime, per: samples)) | \(consistencyFailures) failures in \(samples)")
