import GatehouseCore
import GatehouseMasking
import GatehousePostgresWire
import NIOCore

/// Everything the server sends passes here on its way to the client: rows, COPY data, errors,
/// notices and notifications come out masked; the gateway's own Describe answers are dropped.
/// Pure: the relay hands it frames and an output buffer.
///
/// Anything that cannot be masked throws, and the relay ends the session: nothing unmasked
/// goes out, and a result stream cannot continue with a row missing.
public struct ResponseMasker: Sendable {
    public var router: ResultRouter {
        didSet { errors = Self.errorMasker(settings, router.planner) }
    }
    public let settings: MaskingSettings
    private var errors: ErrorFieldMasker
    private let notifications: NotificationPayloadMasker
    /// For a notifying backend's process ID: the category its payloads are masked whole with,
    /// when it ran a statement that read personal data and could notify (the session knows).
    public var notificationSenderCategory: @Sendable (Int32) -> String? = { _ in nil }
    private var summary = ResponseMaskingSummary()
    /// The masker of the rows now arriving, built once per result description (and again when
    /// the summary is full and subject digests are no longer worth computing).
    private var rows: DataRowMasker?
    private var rowsGeneration = -1
    private var rowsCollectSubjects = true
    private var copy: CopyRowMasker?
    private var copyCollectsSubjects = true
    /// COPY rows seen in the current stream (a CSV header is the first).
    private var copyRows = 0

    public init(settings: MaskingSettings, planner: ResultMaskPlanner) {
        self.settings = settings
        self.router = ResultRouter(planner: planner)
        self.errors = Self.errorMasker(settings, planner)
        self.notifications = NotificationPayloadMasker(engine: settings.engine)
    }

    /// Errors print values of classified columns (`Key (email)=(...)`): those are masked by
    /// category, unless the category only gets the detectors.
    private static func errorMasker(_ settings: MaskingSettings, _ planner: ResultMaskPlanner) -> ErrorFieldMasker {
        let classification = planner.classification
        let detectOnly = settings.detectOnlyCategories
        @Sendable func table(_ schema: String?, _ name: String) -> DataClassification.Table? {
            classification.table(RelationName(schema: schema, name: name))
        }
        let lookup = ClassifiedColumnLookup(
            category: { schema, name, column in
                guard let table = table(schema, name), let category = table.columns[column] ?? table.category,
                      !detectOnly.contains(category) else { return nil }
                return category
            },
            tableCategory: { schema, name in
                // A whole row mixes categories: it is labelled as personal data in general.
                guard let table = table(schema, name) else { return nil }
                if let category = table.category { return detectOnly.contains(category) ? nil : category }
                return table.columns.values.contains { !detectOnly.contains($0) } ? ResultMaskPlanner.unknownCategory : nil
            })
        return ErrorFieldMasker(engine: settings.engine, classification: lookup)
    }

    /// Writes what the client may see of `frame` into `out`: the frame, its masked form, or nothing.
    public mutating func relay(_ frame: PostgresFrame, into out: inout ByteBuffer) throws {
        switch frame.type {
        case BackendMessage.dataRowType:
            guard let masks = router.rowMasks() else {
                throw PostgresMaskingError(.dataRow, "rows arrived for a result whose columns are unknown")
            }
            try relayRow(frame, masks: masks, into: &out)
        case BackendMessage.rowDescriptionType:
            if router.rowDescription(try BackendMessage.readRowDescription(frame.body)) { frame.write(into: &out) }
        case BackendMessage.noDataType:
            if router.noData() { frame.write(into: &out) }
        case BackendMessage.copyOutResponseType:
            try startCopy(frame)
            frame.write(into: &out)
        case BackendMessage.copyDataType:
            try relayCopyData(frame, into: &out)
        case BackendMessage.commandCompleteType, BackendMessage.emptyQueryType, BackendMessage.portalSuspendedType:
            router.completed()
            frame.write(into: &out)
        case BackendMessage.errorType:
            try relayNotice(frame, into: &out)
            router.error()
        case BackendMessage.noticeType:
            try relayNotice(frame, into: &out)
        case BackendMessage.notificationType:
            try relayNotification(frame, into: &out)
        case BackendMessage.readyForQueryType:
            router.ready()
            frame.write(into: &out)
        case _ where BackendMessage.stepConfirmationTypes.contains(frame.type):
            router.stepConfirmed()
            frame.write(into: &out)
        default:
            frame.write(into: &out)
        }
    }

    /// What was masked since the last call, for the outcome of the statement just settled.
    public mutating func takeSummary() -> ResponseMaskingSummary {
        defer { summary = ResponseMaskingSummary() }
        return summary
    }

    /// The message of an ErrorResponse as the client saw it (masked), for the record.
    public func maskedErrorMessage(_ body: ByteBuffer) -> String {
        let fields = ErrorFields.decode(body)
        return errors.mask(fields)?.value.message ?? fields.message
    }

    // MARK: - Rows

    private mutating func relayRow(_ frame: PostgresFrame, masks: [ResultColumnMask], into out: inout ByteBuffer) throws {
        if rowsGeneration != router.generation || rows == nil || rowsCollectSubjects == summary.isFull {
            rows = DataRowMasker(engine: engine(), columns: masks)
            rowsGeneration = router.generation
            rowsCollectSubjects = !summary.isFull
        }
        guard let rows, rows.needsWork, let stats = try rows.maskMessage(body: frame.body, into: &out) else {
            frame.write(into: &out)
            return
        }
        if stats.valuesMasked == 0 { frame.write(into: &out) }  // only subject keys seen
        summary.add(values: stats.valuesMasked, hits: stats.hits)
    }

    private mutating func startCopy(_ frame: PostgresFrame) throws {
        let response = try BackendMessage.readCopyResponse(frame.body)
        copyRows = 0
        copy = nil
        guard case .copy(let options, let masks) = router.copyOut(columnCount: response.columnFormats.count),
              masks.contains(where: \.needsWork)
        else { return }
        if response.format != 0 || options.format == .binary {
            // Subject keys alone are not indexed in binary COPY (docs/evidence.md); values that
            // need masking make it refused.
            guard masks.contains(where: { $0.mask != .none }) else { return }
            throw PostgresMaskingError(.copyRow, "binary COPY of columns that need masking is not supported; use text or csv format")
        }
        copy = try CopyRowMasker(engine: engine(), options: options, columns: masks)
        copyCollectsSubjects = !summary.isFull
    }

    /// The connection's engine; it stops computing subject digests once the statement's
    /// summary holds as many as an event keeps.
    private func engine() -> MaskingEngine {
        var engine = settings.engine
        engine.collectsSubjects = !summary.isFull
        return engine
    }

    private mutating func relayCopyData(_ frame: PostgresFrame, into out: inout ByteBuffer) throws {
        guard case .copy = router.current else {
            throw PostgresMaskingError(.copyRow, "COPY data arrived outside a COPY")
        }
        copyRows += 1
        if let current = copy, summary.isFull, copyCollectsSubjects {
            copy = try CopyRowMasker(engine: engine(), options: current.options, columns: current.columns)
            copyCollectsSubjects = false
        }
        guard let copy else {
            frame.write(into: &out)
            return
        }
        // PostgreSQL sends one CopyData message per row in text and csv format.
        let start = out.writerIndex
        out.writeInteger(BackendMessage.copyDataType)
        let lengthIndex = out.writerIndex
        out.writeInteger(Int32(0))
        // HEADER (csv, and text since PostgreSQL 15): the first line names the columns.
        let isHeader = copyRows == 1 && copy.options.header
        let stats = try copy.mask(row: frame.body, isHeader: isHeader, into: &out)
        guard let stats, stats.valuesMasked > 0 else {
            out.moveWriterIndex(to: start)
            frame.write(into: &out)
            if let stats { summary.add(values: 0, hits: stats.hits) }  // only subject keys seen
            return
        }
        out.setInteger(Int32(out.writerIndex - lengthIndex), at: lengthIndex)
        summary.add(values: stats.valuesMasked, hits: stats.hits)
    }

    // MARK: - Errors, notices, notifications

    private mutating func relayNotice(_ frame: PostgresFrame, into out: inout ByteBuffer) throws {
        let statement = router.currentStatement()
        let category = router.planner.personalDataCategory(of: statement)
        let unanalysable = category != nil && !(statement?.analysable ?? false)
        guard let masked = try errors.mask(body: frame.body, statementCategory: category, wholeText: unanalysable) else {
            frame.write(into: &out)
            return
        }
        summary.add(values: masked.fieldsMasked, hits: masked.hits)
        PostgresFrame(type: frame.type, body: masked.value).write(into: &out)
    }

    private mutating func relayNotification(_ frame: PostgresFrame, into out: inout ByteBuffer) throws {
        guard let masked = try notifications.mask(body: frame.body, senderCategory: notificationSenderCategory) else {
            frame.write(into: &out)
            return
        }
        summary.add(values: 1, hits: masked.hits)
        PostgresFrame(type: frame.type, body: masked.body).write(into: &out)
    }
}

/// What was masked in one statement's response, for its outcome event.
public struct ResponseMaskingSummary: Sendable {
    public private(set) var maskedValues = 0
    private var hits = SubjectHitCollector()

    public init() {}

    mutating func add(values: Int, hits more: [SubjectHit]) {
        maskedValues += values
        if !isFull { hits.add(more) }
    }

    /// More subjects than an event keeps: the rest need not be computed.
    var isFull: Bool { hits.hits.count > SubjectReference.limitPerEvent }

    /// Sets the masking fields of an outcome (left nil when nothing was masked and no subject
    /// key was seen).
    public func apply(to outcome: inout EventPayload.Outcome) {
        guard maskedValues > 0 || !hits.hits.isEmpty else { return }
        if maskedValues > 0 { outcome.maskedValues = maskedValues }
        outcome.subjects = hits.hits.isEmpty ? nil : hits.references
        if hits.hits.count > SubjectReference.limitPerEvent { outcome.subjectsTruncated = true }
    }
}
