import Foundation
import GatehouseCore
import GatehousePolicy

/// Several instances, one set of approvals (docs/deployment.md, "Approvals across instances").
///
/// The instance a request arrived on holds it: its client waits there, and only it records the
/// request's steps in that session and releases or refuses it. A decision, taken on any
/// instance, is stored under a lock on the request; the store tells every instance, and the
/// holder adopts the stored outcome (`adopt`). Time-boxed grants are stored too and used by
/// every instance; a one-time grant is for the held request alone and stays with its holder.
extension ApprovalBroker {
    /// Starts listening to the shared store and takes in what it holds. Returns the requests
    /// this instance held before it restarted: nobody waits for them any more, so they are
    /// cancelled in the store here, and the caller records that.
    public func startSharing() throws -> [ApprovalRequest] {
        guard let shared else { return [] }
        let snapshot = try shared.start(SharedApprovalChanges(
            request: { [weak self] in self?.adopt($0) },
            grant: { [weak self] grant in self?.locked { self?.grants.add(grant) } },
            waitingIDs: { [weak self] in self?.waitingIDs() ?? [] }))
        var orphans: [ApprovalRequest] = []
        for stored in snapshot.pending {
            guard stored.holder == shared.instance else {
                adopt(stored)
                continue
            }
            var request = stored.request
            request.cancel()
            shared.settle(request)
            orphans.append(request)
        }
        locked { for grant in snapshot.grants { grants.add(grant) } }
        return orphans
    }

    /// An approver's decision, wherever the request is held: through the shared store when
    /// there is one (the holder hears of it from there), else in this instance's memory.
    @discardableResult
    public func decision(
        on requestID: String, by approver: Principal, approve: Bool, reason: String?, grant: GrantChoice, now: Date, rules: ApprovalRules
    ) async throws(ApprovalRefusal) -> ApprovalDecisionOutcome {
        guard let shared else {
            return try decide(requestID: requestID, by: approver, approve: approve, reason: reason, grant: grant, now: now, rules: rules)
        }
        let (stored, outcome) = try await shared.decide(requestID: requestID) { request throws(ApprovalRefusal) in
            try request.decide(by: approver, approve: approve, reason: reason, grant: grant, now: now, rules: rules)
        }
        // The store tells every instance, this one too; adopting now spares the holder a round trip.
        adopt(stored)
        if case .awaitingMoreApprovals(let remaining) = outcome {
            onTransition(.approvalCounted(stored.request, approver: approver, reason: reason, remaining: remaining))
        }
        return outcome
    }

    /// Takes in a request as the store holds it. Another instance's request is listed while it
    /// is pending; one this instance waits on takes the stored decisions and, once they end it,
    /// is resolved exactly as a decision taken here would be. Idempotent: every change is heard
    /// at least once, some twice.
    func adopt(_ stored: SharedApprovalRequest) {
        guard let shared else { return }
        let request = stored.request
        guard stored.holder == shared.instance else {
            locked {
                if request.state == .pending && waiting[request.id] == nil {
                    elsewhere[request.id] = request
                } else if elsewhere[request.id] != nil {
                    finish(request)
                }
            }
            return
        }
        let ended: Waiting? = locked {
            guard var entry = waiting[request.id],
                  request.state != .pending || request.decisions.count > entry.request.decisions.count else { return nil }
            entry.request.decisions = request.decisions
            entry.request.state = request.state
            guard request.state != .pending else {
                waiting[request.id] = entry
                return nil
            }
            finish(entry.request)
            return entry
        }
        guard let ended else { return }
        resolve(ended, grant: stored.grant)
    }

    /// Tells the observer and the waiter how a request held here ended, as `decide` does.
    private func resolve(_ entry: Waiting, grant stored: ApprovalGrant?) {
        let request = entry.request
        switch (request.state, request.decisions.last, stored) {
        case (.approved, let last?, let stored?):
            let grant = stored.bound(toStatement: request.statementText)
            onTransition(.approved(request, approver: last.approver, reason: last.reason, grant: grant))
            // Only now can the grant be used, so `grantUsed` never precedes `approved`.
            locked { grants.add(grant) }
            entry.onResolution(.approved(grant))
        case (.denied, let last?, _):
            onTransition(.denied(request, approver: last.approver, reason: last.reason))
            entry.onResolution(.denied(last))
        case (.expired, _, _):
            onTransition(.expired(request))
            entry.onResolution(.expired)
        default:
            // Cancelled, or an approval stored without its grant, which cannot be honoured.
            onTransition(.cancelled(request))
            entry.onResolution(.cancelled)
        }
    }

    private func waitingIDs() -> [String] {
        locked { Array(waiting.keys) }
    }
}
