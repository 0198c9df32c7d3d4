/// Applies deltas whose bases are in the same pack, in dependency order: each object, once
/// known, releases the deltas waiting on its position or its ID. Bases never seen (thin packs)
/// leave their deltas unresolved, which is not an error. Cycles also stay unresolved.
struct DeltaResolver {
    private(set) var objects: [PackObject]
    private(set) var contents: [[UInt8]?]
    private let deltas: [Int: GitDelta]
    private var waitingOnIndex: [Int: [Int]] = [:]
    private var waitingOnID: [GitObjectID: [Int]] = [:]

    init(entries: [PackEntry]) throws(PackError) {
        var objects: [PackObject] = []
        var contents: [[UInt8]?] = []
        var deltas: [Int: GitDelta] = [:]
        for entry in entries {
            var object = PackObject(index: entry.index, offset: entry.offset, kind: entry.kind, entrySize: entry.data.count)
            if case .object(let type) = entry.kind {
                object.type = type
                object.id = type.objectID(of: entry.data)
                object.size = entry.data.count
                object.deltaDepth = 0
                contents.append(entry.data)
            } else {
                do { deltas[entry.index] = try GitDelta(entry.data) } catch {
                    throw PackError(.badDelta(error.message), objectIndex: entry.index, offset: entry.offset)
                }
                contents.append(nil)
            }
            objects.append(object)
        }
        self.objects = objects
        self.contents = contents
        self.deltas = deltas
        try indexWaiters(entries)
    }

    var inserts: [DeltaInserts] {
        deltas.keys.sorted().map { index in
            var inserts = DeltaInserts(objectIndex: index, chunks: deltas[index]!.insertedChunks)
            if case .referenceDelta(let base) = objects[index].kind { inserts.baseID = base }
            inserts.resultID = objects[index].id
            return inserts
        }
    }

    /// `reserve` charges each result against the total-bytes limit before it is built.
    mutating func resolve(limits: PackLimits, reserve: (Int) -> Bool) throws(PackError) {
        var ready = objects.indices.filter { objects[$0].isResolved }
        while let baseIndex = ready.popLast() {
            let waiting = (waitingOnIndex.removeValue(forKey: baseIndex) ?? [])
                + (waitingOnID.removeValue(forKey: objects[baseIndex].id!) ?? [])
            for index in waiting where !objects[index].isResolved {
                try apply(deltaAt: index, baseIndex: baseIndex, limits: limits, reserve: reserve)
                ready.append(index)
            }
        }
    }

    /// The base ID of each resolved OFS_DELTA, for reporting alongside its inserts.
    func baseID(ofDeltaAt index: Int) -> GitObjectID? {
        switch objects[index].kind {
        case .object: nil
        case .referenceDelta(let base): base
        case .offsetDelta(let offset): objectIndex(atOffset: offset).flatMap { objects[$0].id }
        }
    }

    private mutating func apply(deltaAt index: Int, baseIndex: Int, limits: PackLimits, reserve: (Int) -> Bool) throws(PackError) {
        let delta = deltas[index]!
        let base = objects[baseIndex]
        func fail(_ reason: PackError.Reason) -> PackError { PackError(reason, objectIndex: index, offset: objects[index].offset) }
        let depth = base.deltaDepth! + 1
        guard depth <= limits.maxDeltaDepth else { throw fail(.limitExceeded("delta chain deeper than \(limits.maxDeltaDepth)")) }
        guard delta.resultSize <= limits.maxObjectBytes else {
            throw fail(.limitExceeded("delta result of \(delta.resultSize) bytes, at most \(limits.maxObjectBytes)"))
        }
        guard reserve(delta.resultSize) else { throw fail(.limitExceeded("more than \(limits.maxTotalBytes) bytes in total")) }
        let result: [UInt8]
        do { result = try delta.apply(to: contents[baseIndex]!) } catch { throw fail(.badDelta(error.message)) }
        objects[index].type = base.type
        objects[index].id = base.type!.objectID(of: result)
        objects[index].size = result.count
        objects[index].deltaDepth = depth
        contents[index] = result
    }

    private mutating func indexWaiters(_ entries: [PackEntry]) throws(PackError) {
        for entry in entries {
            switch entry.kind {
            case .object: continue
            case .referenceDelta(let base): waitingOnID[base, default: []].append(entry.index)
            case .offsetDelta(let offset):
                guard let baseIndex = objectIndex(atOffset: offset) else {
                    throw PackError(.badBaseOffset(entry.offset - offset), objectIndex: entry.index, offset: entry.offset)
                }
                waitingOnIndex[baseIndex, default: []].append(entry.index)
            }
        }
    }

    /// Entries are in offset order, so a binary search finds the one starting at `offset`.
    private func objectIndex(atOffset offset: Int) -> Int? {
        var low = 0
        var high = objects.count
        while low < high {
            let middle = (low + high) / 2
            if objects[middle].offset < offset { low = middle + 1 } else { high = middle }
        }
        return low < objects.count && objects[low].offset == offset ? low : nil
    }
}
