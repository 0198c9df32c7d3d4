/// Merges detections from several sources into a sorted, non-overlapping list: where two overlap,
/// the longer one wins; on equal length the built-in (validated) one wins.
enum OverlapResolver {
    static func resolve(_ detections: [Detection]) -> [Detection] {
        let sorted = detections.sorted {
            $0.range.lowerBound != $1.range.lowerBound
                ? $0.range.lowerBound < $1.range.lowerBound
                : $0.range.count > $1.range.count
        }
        var kept: [Detection] = []
        for detection in sorted {
            guard let last = kept.last, last.range.overlaps(detection.range) else {
                kept.append(detection)
                continue
            }
            let betterKind = last.kind == .custom && detection.kind != .custom
            if detection.range.count > last.range.count
                || (detection.range.count == last.range.count && betterKind) {
                kept[kept.count - 1] = detection
                // The replacement may now overlap earlier kept detections: drop those.
                while kept.count >= 2, kept[kept.count - 2].range.overlaps(detection.range) {
                    kept.remove(at: kept.count - 2)
                }
            }
        }
        return kept
    }
}
