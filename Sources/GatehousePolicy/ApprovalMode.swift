import GatehouseCore

/// When a connection holds statements for a human's approval.
public enum ApprovalMode: String, Sendable, Codable, CaseIterable {
    /// Nothing is held for touching data (statement-kind rules still apply).
    case never
    /// Every statement is held (empty statements aside).
    case always
    /// Statements that read or write classified tables or columns, or that cannot be analysed
    /// (fail safe), are held.
    case personalData = "personal-data"

    /// `personal-data` for a connection with classified data, `never` otherwise: a connection
    /// without a classification has nothing for the data trigger to find.
    public static func defaultMode(for classification: DataClassification) -> ApprovalMode {
        classification.isEmpty ? .never : .personalData
    }
}
