import GRDB

/// Short, content-free descriptions of storage errors for callers and logs: SQLite's result
/// code and message, never the SQL arguments (which hold statement text and principals).
enum StoreFailure {
    static func describe(_ error: Error) -> String {
        if let databaseError = error as? DatabaseError {
            return "SQLite error \(databaseError.resultCode.rawValue): \(databaseError.message ?? "no message")"
        }
        return "\(error)"
    }
}
