/// The Kubernetes API requests Gatehouse recognises, by the names the configuration uses
/// (`operations:` in docs/kubernetes.md). Everything else the API server offers (secrets'
/// contents aside, every write, every other resource) is not recognised and always refused.
public enum KubeOperation: String, Sendable, CaseIterable, Codable {
    /// `/version`, `/api`, `/apis` and the group/version resource lists kubectl reads first.
    case discovery
    case listPods = "list-pods"
    case getPod = "get-pod"
    /// `pods/exec`: a command in a container, over a WebSocket.
    case exec
    /// `pods/log`, also followed.
    case logs
    /// `pods/attach`: the container's main process's terminal. Off unless configured.
    case attach
    /// `pods/portforward`: raw TCP into the pod, which nothing can mask. Off unless configured.
    case portForward = "port-forward"
    /// Listing and reading secrets. Off unless configured; their values are never masked.
    case secrets

    /// What a connection allows unless its configuration says otherwise.
    public static let defaultAllowed: [KubeOperation] = [.discovery, .listPods, .getPod, .exec, .logs]

    /// Whether the operation reaches into one pod (and so into its namespace's classification).
    public var namesPod: Bool {
        switch self {
        case .getPod, .exec, .logs, .attach, .portForward: return true
        case .discovery, .listPods, .secrets: return false
        }
    }
}
