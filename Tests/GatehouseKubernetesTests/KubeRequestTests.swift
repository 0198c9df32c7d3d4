import Testing
@testable import GatehouseKubernetes

/// What kubectl asks of the API server, classified before anything is forwarded; everything
/// that is not an allowed read, exec or log is refused by name.
@Suite struct KubeRequestTests {
    func classify(_ method: String, _ path: String, _ query: String? = nil) throws -> KubeRequest {
        try KubeRequest(method: method, path: "/k8s/prod" + path, query: query)
    }

    func refusal(_ method: String, _ path: String, _ query: String? = nil) -> KubeRequest.Refusal? {
        do {
            _ = try classify(method, path, query)
            return nil
        } catch let refusal as KubeRequest.Refusal {
            return refusal
        } catch {
            return nil
        }
    }

    @Test func whatKubectlReadsIsRecognised() throws {
        for path in ["/version", "/api", "/api/v1", "/apis", "/apis/apps/v1", "/openapi/v3", "/openapi/v3/api/v1"] {
            #expect(try classify("GET", path).operation == .discovery, "\(path)")
        }
        let list = try classify("GET", "/api/v1/namespaces/shop/pods", "limit=500")
        #expect(list.operation == .listPods && list.namespace == "shop" && list.pod == nil && list.upstreamPath == "/api/v1/namespaces/shop/pods")
        #expect(try classify("GET", "/api/v1/pods").operation == .listPods)
        let pod = try classify("GET", "/api/v1/namespaces/shop/pods/web-7d9f")
        #expect(pod.operation == .getPod && pod.pod == "web-7d9f")
        let log = try classify("GET", "/api/v1/namespaces/shop/pods/web-7d9f/log", "container=app&follow=true")
        #expect(log.operation == .logs && log.log == LogOptions(container: "app", follow: true))
    }

    @Test func execNamesItsCommandContainerAndStreams() throws {
        let exec = try classify("GET", "/api/v1/namespaces/shop/pods/web-7d9f/exec",
                                "command=sh&command=-c&command=cat+%2Fdata%2Fa.csv%20%7C%20wc&container=app&stdin=true&stdout=true&stderr=true&tty=true")
        #expect(exec.operation == .exec && exec.namespace == "shop" && exec.pod == "web-7d9f")
        #expect(exec.exec == ExecOptions(command: ["sh", "-c", "cat /data/a.csv | wc"], container: "app", stdin: true, tty: true))
        #expect(exec.exec?.displayedCommand == "sh -c 'cat /data/a.csv | wc'")
        #expect(try classify("POST", "/api/v1/namespaces/shop/pods/web/exec", "command=ls").exec?.stdin == false)
        #expect(refusal("GET", "/api/v1/namespaces/shop/pods/web/exec", "stdin=true")?.message == "exec needs a command")
        // Repeated single values: the first counts, as the API server reads them, so what is
        // recorded and checked is what runs.
        let repeated = try classify("GET", "/api/v1/namespaces/shop/pods/web/exec", "command=ls&container=app&container=sidecar&tty=false&tty=true")
        #expect(repeated.exec?.container == "app" && repeated.exec?.tty == false)
        let odd = try classify("GET", "/api/v1/namespaces/shop/pods/web/exec", "command=ls&tty=yes&stdin=&stdout=FALSE&stderr=0")
        #expect(odd.exec == ExecOptions(command: ["ls"], stdin: true, stdout: false, stderr: false, tty: true))
    }

    @Test func everythingElseIsRefusedByName() {
        let cases: [(String, String, String?, String)] = [
            ("GET", "/api/v1/namespaces/shop/configmaps", nil, "reading configmaps"),
            ("DELETE", "/api/v1/namespaces/shop/pods/web", nil, "(a write)"),
            ("POST", "/api/v1/namespaces/shop/pods", nil, "(a write)"),
            ("PATCH", "/api/v1/namespaces/shop/pods/web", nil, "(a write)"),
            ("GET", "/api/v1/namespaces/shop/pods/web/ephemeralcontainers", nil, "pods/ephemeralcontainers"),
            ("GET", "/api/v1/namespaces/shop/pods", "watch=true", "watching pods"),
            ("GET", "/api/v1/namespaces/shop/pods/web", "watch=1", "watching pods"),
            ("GET", "/apis/apps/v1/namespaces/shop/deployments", nil, "GET /apis/apps/v1/namespaces/shop/deployments"),
            ("GET", "/api/v1/nodes/node-1/proxy/", nil, "reading nodes"),
            ("GET", "/api/v1/namespaces/shop/services/web/proxy/", nil, "reading services"),
        ]
        for (method, path, query, mention) in cases {
            let refused = refusal(method, path, query)
            #expect(refused?.kind == .forbidden, "\(method) \(path)")
            #expect(refused?.message.contains(mention) == true, "\(refused?.message ?? "not refused")")
        }
        // Recognised, but off unless a connection allows them (the gateway checks `operations`).
        #expect((try? classify("GET", "/api/v1/namespaces/shop/secrets/db"))?.operation == .secrets)
        #expect((try? classify("POST", "/api/v1/namespaces/shop/pods/web/portforward"))?.operation == .portForward)
        #expect((try? classify("POST", "/api/v1/namespaces/shop/pods/web/attach", "stdin=true"))?.operation == .attach)
    }

    @Test(arguments: ["/api/v1/namespaces/../pods", "/api/v1/namespaces/shop/pods/%2e%2e", "/api/v1//pods",
                      "/api/v1/namespaces/Shop/pods/web", "/api/v1/namespaces/shop/pods/web_1", "/api/v1/namespaces/shop/pods/./log",
                      "/api/v1/namespaces/shop/services/web:80/proxy/"])
    func namesThatCouldMisleadAreRefused(path: String) {
        #expect(refusal("GET", path) != nil, "\(path)")
    }

    @Test func aPathOutsideAConnectionIsNotFound() {
        #expect(throws: KubeRequest.Refusal.self) { try KubeRequest(method: "GET", path: "/k8s/", query: nil) }
        #expect(KubeRequest.connectionName(inPath: "/k8s/prod/api/v1") == "prod")
        #expect(KubeRequest.connectionName(inPath: "/blob/prod") == nil)
    }
}
