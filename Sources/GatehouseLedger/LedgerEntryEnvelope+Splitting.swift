import GatehouseCore

/// An event splits into its clear envelope and its sealed fields, and the two join back into the
/// same event. Which field goes where is the one decision of this file; docs/evidence.md gives why.
extension LedgerEntryEnvelope {
    /// The clear part of `event` (with no box yet) and the fields to seal.
    static func split(_ event: GatehouseEvent) -> (envelope: LedgerEntryEnvelope, sealed: SealedFields) {
        var sealed = SealedFields()
        let payload: Payload
        switch event.payload {
        case .authentication(let value):
            sealed.clientAddress = value.clientAddress
            payload = .authentication(Authentication(accepted: value.accepted, reason: value.reason,
                                                     clientApplication: value.clientApplication))
        case .sessionEnd(let value):
            payload = .sessionEnd(value)
        case .erasure(let value):
            payload = .erasure(value)
        case .configuration(let value):
            payload = .configuration(value)
        case .classification(let value):
            payload = .classification(value)
        case .approval(let value):
            sealed.purpose = value.purpose
            sealed.statement = value.statement
            sealed.comment = value.comment
            payload = .approval(Approval(value))
        case .git(let value):
            sealed.commits = value.commits.isEmpty ? nil : value.commits.map(SealedFields.CommitPeople.init)
            sealed.subjects = value.subjects
            payload = .git(Git(value))
        case .blob(let value):
            sealed.subjects = value.subjects
            payload = .blob(Blob(value))
        case .kubernetes(let value):
            sealed.subjects = value.subjects
            sealed.text = value.command
            sealed.data = value.data
            payload = .kubernetes(Kubernetes(value))
        case .mcp(let value):
            sealed.text = value.arguments
            sealed.errorMessage = value.error
            payload = .mcp(MCP(value))
        case .statement(let value):
            sealed.text = value.text
            sealed.parameters = value.parameters
            sealed.subjects = value.subjects
            // Usually the same string as `text` (one statement per Query): stored once then.
            // Compared as bytes: Swift `==` would equate differently normalised spellings.
            sealed.analysisText = value.analysis.text.utf8.elementsEqual(value.text.utf8) ? nil : value.analysis.text
            sealed.limitation = value.analysis.limitation
            let analysis = value.analysis
            payload = .statement(Statement(
                statementID: value.statementID, protocolMode: value.protocolMode,
                analysis: Analysis(kind: analysis.kind, reads: analysis.reads, writes: analysis.writes, columns: analysis.columns,
                                   outputs: analysis.outputs, analysable: analysis.analysable, copy: analysis.copy)))
        case .outcome(let value):
            sealed.errorMessage = value.errorMessage
            sealed.subjects = value.subjects
            payload = .outcome(Outcome(statementID: value.statementID, status: value.status, commandTag: value.commandTag,
                                       rows: value.rows, errorCode: value.errorCode,
                                       durationMicroseconds: value.durationMicroseconds, maskedValues: value.maskedValues,
                                       subjectsTruncated: value.subjectsTruncated))
        }
        let envelope = LedgerEntryEnvelope(time: event.time, sessionID: event.sessionID, connection: event.connection,
                                           principal: event.principal, payload: payload, sealed: nil)
        return (envelope, sealed)
    }

    /// The event this envelope and its opened sealed fields describe. The sealed fields have been
    /// checked against the kind when they were read (`SealedFields(canonicalBytes:kind:)`).
    func joined(with sealed: SealedFields) -> GatehouseEvent {
        let eventPayload: EventPayload
        switch payload {
        case .authentication(let value):
            eventPayload = .authentication(.init(accepted: value.accepted, reason: value.reason,
                                                 clientAddress: sealed.clientAddress, clientApplication: value.clientApplication))
        case .sessionEnd(let value):
            eventPayload = .sessionEnd(value)
        case .erasure(let value):
            eventPayload = .erasure(value)
        case .configuration(let value):
            eventPayload = .configuration(value)
        case .classification(let value):
            eventPayload = .classification(value)
        case .approval(let value):
            eventPayload = .approval(value.joined(purpose: sealed.purpose, statement: sealed.statement, comment: sealed.comment))
        case .git(let value):
            eventPayload = .git(value.joined(commits: sealed.commits ?? [], subjects: sealed.subjects))
        case .blob(let value):
            eventPayload = .blob(value.joined(subjects: sealed.subjects))
        case .kubernetes(let value):
            eventPayload = .kubernetes(value.joined(subjects: sealed.subjects, command: sealed.text, data: sealed.data))
        case .mcp(let value):
            eventPayload = .mcp(value.joined(arguments: sealed.text, error: sealed.errorMessage))
        case .statement(let value):
            let text = sealed.text ?? ""
            let clear = value.analysis
            let analysis = StatementAnalysis(text: sealed.analysisText ?? text, kind: clear.kind, reads: clear.reads,
                                             writes: clear.writes, columns: clear.columns, outputs: clear.outputs,
                                             analysable: clear.analysable, limitation: sealed.limitation, copy: clear.copy)
            eventPayload = .statement(.init(statementID: value.statementID, protocolMode: value.protocolMode, text: text,
                                            parameters: sealed.parameters ?? [], analysis: analysis, subjects: sealed.subjects))
        case .outcome(let value):
            var outcome = EventPayload.Outcome(statementID: value.statementID, status: value.status, commandTag: value.commandTag,
                                               rows: value.rows, errorCode: value.errorCode,
                                               durationMicroseconds: value.durationMicroseconds, errorMessage: sealed.errorMessage)
            outcome.maskedValues = value.maskedValues
            outcome.subjects = sealed.subjects
            outcome.subjectsTruncated = value.subjectsTruncated
            eventPayload = .outcome(outcome)
        }
        return GatehouseEvent(time: time, sessionID: sessionID, connection: connection, principal: principal, payload: eventPayload)
    }
}
