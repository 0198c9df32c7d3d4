/// The phases of an HTTP adapter's request events (`blob`, `kubernetes`, `mcp`): recorded once when
/// decided, before anything is forwarded, and once when the client has had its answer.
public enum RequestEventPhase {
    public static let request = "request"
    public static let response = "response"
    public static let all: Set<String> = [request, response]
}

/// The `decision` values of such a request: `allowed` (forwarded), `refused` (nothing
/// forwarded), `held` (waiting for an approval).
public enum RequestEventDecision {
    public static let allowed = "allowed"
    public static let refused = "refused"
    public static let held = "held"
    public static let all: Set<String> = [allowed, refused, held]
}
