import Foundation

/// Why a decision on a request was refused. The description is for the approver.
public enum ApprovalRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// Four-eyes: the requester tried to decide their own request.
    case selfApproval
    /// The would-be approver is in none of the connection's approver groups.
    case notAnApprover(approverGroups: [String])
    /// The request was already approved, denied, expired or cancelled.
    case notPending(ApprovalState)
    /// The deadline passed before this decision; the request is now expired.
    case expired(deadline: Date)
    /// This approver already approved; a second approval by the same person does not count.
    case alreadyApproved
    /// A time-boxed grant beyond the connection's cap.
    case grantTooLong(minutes: Int, maximumMinutes: Int)
    /// A time-boxed grant of less than a minute.
    case grantTooShort(minutes: Int)
    /// No request with that ID (the broker only).
    case unknownRequest(String)
    /// The shared store (several instances) could not take the decision; nothing was decided.
    case storeUnavailable(String)

    public var description: String {
        switch self {
        case .selfApproval:
            "you cannot decide your own request: another approver must (four-eyes)"
        case .notAnApprover(let groups):
            groups.isEmpty
                ? "no approver groups are configured for this connection"
                : "you are not an approver for this connection (approver groups: \(groups.joined(separator: ", ")))"
        case .notPending(let state):
            "the request is already \(state.rawValue)"
        case .expired(let deadline):
            "the request expired at \(deadline.formatted(.iso8601)) before it was decided"
        case .alreadyApproved:
            "you have already approved this request; another approver must approve it too"
        case .grantTooLong(let minutes, let maximum):
            "a grant of \(minutes) minutes exceeds this connection's maximum of \(maximum) minutes"
        case .grantTooShort(let minutes):
            "a time-boxed grant must last at least 1 minute (got \(minutes))"
        case .unknownRequest(let id):
            "no approval request \(id)"
        case .storeUnavailable(let reason):
            "the decision could not be stored, so nothing was decided (\(reason)); try again"
        }
    }
}
