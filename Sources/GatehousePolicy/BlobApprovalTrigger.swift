import GatehouseCore

/// Decides whether an Azure Blob request must wait for a human's approval. Pure, like
/// `GitApprovalTrigger`, answering in the same terms so the same broker, UI and grants serve it.
///
/// In `personal-data` mode a read or write of one blob on a classified path is held; in `always`
/// mode every blob-level request is; in `never` mode none. Listings and container requests are
/// not held (their names are masked). Members of a break-glass group proceed, and the outcome
/// names the group so the skip can be recorded.
public struct BlobApprovalTrigger: Sendable {
    public var rules: ApprovalRules
    /// `(container pattern, blob pattern, category)` of each classified path.
    public var classifiedPaths: [(container: PathPattern, blobs: PathPattern, category: String)]

    public init(rules: ApprovalRules, classifiedPaths: [(container: PathPattern, blobs: PathPattern, category: String)]) {
        self.rules = rules
        self.classifiedPaths = classifiedPaths
    }

    /// `personal-data` when some path is classified, `never` otherwise.
    public static func defaultMode(classifiedPaths: Int) -> ApprovalMode {
        classifiedPaths == 0 ? .never : .personalData
    }

    /// `displayedPath` is `container/blob` as approvers and the ledger see it (the name masked).
    /// `extraReasons` (an upload scan's findings under `upload_scan: hold`) hold the request in every mode.
    public func evaluate(container: String, blob: String, displayedPath: String, operation: String, writes: Bool,
                         extraReasons: [String] = [], by principal: Principal) -> ApprovalTriggerOutcome {
        guard let need = need(container: container, blob: blob, displayedPath: displayedPath, operation: operation, writes: writes,
                              extraReasons: extraReasons)
        else { return .proceed }
        if let group = rules.breakGlassGroup(of: principal) { return .proceedByBreakGlass(group: group, need: need) }
        return .needsApproval(need)
    }

    public func need(container: String, blob: String, displayedPath: String, operation: String, writes: Bool,
                     extraReasons: [String] = []) -> ApprovalNeed? {
        let covering = classifiedPaths.filter { $0.container.matches(container) && $0.blobs.matches(blob) }
        let categories = Array(Set(covering.map(\.category))).sorted()
        var reasons: [String] = []
        switch rules.mode {
        case .never:
            break
        case .always:
            reasons.append("approval is required for every blob read and write on this connection")
        case .personalData:
            if let first = covering.first {
                let verb = writes ? "writes" : "reads"
                reasons.append("\(operation) \(verb) \(displayedPath), classified as holding personal data by "
                               + "\(first.container)/\(first.blobs) (\(categories.joined(separator: ", ")))")
            }
        }
        reasons += extraReasons
        guard !reasons.isEmpty else { return nil }
        return ApprovalNeed(reasons: reasons, scope: ApprovalScope(categories: categories, blobs: [displayedPath], blobOperations: [operation]))
    }
}
