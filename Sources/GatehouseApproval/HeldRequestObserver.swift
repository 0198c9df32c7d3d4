/// Who else hears that a request is held, besides its own client: an in-process caller (the MCP
/// endpoint running a Blob request) that answers its agent at once instead of waiting out the
/// hold. Set for a task and the tasks it starts; nil everywhere else.
public enum HeldRequestObserver {
    @TaskLocal public static var observe: (@Sendable (_ requestID: String, _ approvalURL: String) -> Void)?
}
