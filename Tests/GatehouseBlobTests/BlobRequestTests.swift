import Testing
@testable import GatehouseBlob

@Suite struct BlobRequestTests {
    func classify(_ method: String, _ path: String, _ query: String? = nil, headers: [String: String] = [:]) throws -> BlobRequest {
        try BlobRequest(method: method, path: path, query: query) { headers[$0] }
    }

    func refusal(_ method: String, _ path: String, _ query: String? = nil, headers: [String: String] = [:]) -> BlobRequest.Refusal? {
        do {
            _ = try classify(method, path, query, headers: headers)
            return nil
        } catch let refusal as BlobRequest.Refusal {
            return refusal
        } catch {
            return nil
        }
    }

    @Test func theOperationsTheSDKUsesAreRecognised() throws {
        let blockBlob = ["x-ms-blob-type": "BlockBlob"]
        let cases: [(String, String, String?, [String: String], BlobOperation)] = [
            ("GET", "/blob/exports/", "comp=list", [:], .listContainers),
            ("GET", "/blob/exports/data", "restype=container", [:], .containerProperties),
            ("HEAD", "/blob/exports/data", "restype=container", [:], .containerProperties),
            ("PUT", "/blob/exports/data", "restype=container", [:], .createContainer),
            ("DELETE", "/blob/exports/data", "restype=container", [:], .deleteContainer),
            ("GET", "/blob/exports/data", "restype=container&comp=list&prefix=a%2F", [:], .listBlobs),
            ("GET", "/blob/exports/data/customers/a.json", nil, [:], .getBlob),
            ("HEAD", "/blob/exports/data/customers/a.json", nil, [:], .blobProperties),
            ("PUT", "/blob/exports/data/a.json", nil, blockBlob, .putBlob),
            ("PUT", "/blob/exports/data/a.json", "comp=block&blockid=QUJD", [:], .putBlock),
            ("PUT", "/blob/exports/data/a.json", "comp=blocklist", [:], .putBlockList),
            ("DELETE", "/blob/exports/data/a.json", nil, [:], .deleteBlob),
        ]
        for (method, path, query, headers, operation) in cases {
            let request = try classify(method, path, query, headers: headers)
            #expect(request.operation == operation, "\(method) \(path)?\(query ?? "")")
            #expect(request.connection == "exports")
        }
        let blob = try classify("GET", "/blob/exports/data/customers/alice%20smith.json")
        #expect(blob.container == "data")
        #expect(blob.blob == "customers/alice smith.json")
    }

    @Test func everythingElseIsRefusedByName() {
        let cases: [(String, String, String?, [String: String], String)] = [
            ("PUT", "/blob/x/data/a", nil, ["x-ms-blob-type": "BlockBlob", "x-ms-copy-source": "https://evil/x"], "x-ms-copy-source"),
            ("PUT", "/blob/x/data/a", "comp=block&blockid=QQ", ["x-ms-copy-source": "https://evil/x"], "x-ms-copy-source"),
            ("POST", "/blob/x/", "comp=batch", [:], "comp=batch"),
            ("PUT", "/blob/x/data", "restype=container&comp=acl", [:], "comp=acl"),
            ("GET", "/blob/x/data", "restype=container&comp=acl", [:], "comp=acl"),
            ("PUT", "/blob/x/data/a", "comp=tags", [:], "comp=tags"),
            ("PUT", "/blob/x/data/a", "comp=lease", [:], "comp=lease"),
            ("POST", "/blob/x/", "restype=service&comp=userdelegationkey", [:], "comp=userdelegationkey"),
            ("PUT", "/blob/x/data/a", "comp=immutabilityPolicies", [:], "comp=immutabilityPolicies"),
            ("GET", "/blob/x/data/a", "snapshot=2024-01-01T00:00:00Z", [:], "snapshot"),
            ("PUT", "/blob/x/data/a", nil, ["x-ms-blob-type": "PageBlob"], "page or append"),
            ("GET", "/blob/x/data", nil, [:], "restype=container"),
            ("GET", "/blob/x/data/a", "sv=2024-11-04&ss=b&srt=sco&sp=rwdl&se=2030-01-01T00:00:00Z&sig=abc%3D", [:], "shared access signature"),
        ]
        for (method, path, query, headers, mention) in cases {
            let refused = refusal(method, path, query, headers: headers)
            #expect(refused?.kind == .operationNotAllowed, "\(method) \(path)?\(query ?? "")")
            #expect(refused?.message.contains(mention) == true, "\(refused?.message ?? "not refused")")
        }
    }

    @Test(arguments: [
        "/blob/x/data/../other/a", "/blob/x/data/a/%2e%2e/b", "/blob/x/data/a/%2E%2E", "/blob/x/data/.", "/blob/x/data/a%5C..%5Cb",
        "/blob/x/data/a%00b", "/blob/x/data/a%0Ab", "/blob/x/data/a%zz", "/blob/x/data/%C3%28", "/blob/x/Data/a",
        "/blob/x/a--b/c", "/blob/x/ab/c", "/blob/x/-abc/c", "/blob/",
    ])
    func namesTheServiceWouldNotAcceptAreRefused(path: String) {
        #expect(refusal("GET", path)?.kind == .invalidPath, "\(path)")
    }

    @Test func aBlobNameHasAtMost1024Characters() {
        #expect(refusal("GET", "/blob/x/data/" + String(repeating: "a", count: 1025))?.kind == .invalidPath)
        #expect(refusal("GET", "/blob/x/data/" + String(repeating: "a", count: 1024)) == nil)
    }

    @Test func aSharedAccessSignatureIsAQueryStringWithASignature() throws {
        let sas = try #require(SharedAccessSignature(" ?sv=2024-11-04&ss=b&srt=sco&sp=rl&se=2030-01-01T00%3A00%3A00Z&sig=a%2Bb%3D\n"))
        #expect(sas.query == "sv=2024-11-04&ss=b&srt=sco&sp=rl&se=2030-01-01T00%3A00%3A00Z&sig=a%2Bb%3D")
        #expect(sas.appended(to: nil) == sas.query)
        #expect(sas.appended(to: "comp=list&restype=container") == "comp=list&restype=container&" + sas.query)
        #expect(SharedAccessSignature("sv=2024-11-04&sp=r") == nil)
        #expect(SharedAccessSignature("sig=abc") == nil)
        #expect(SharedAccessSignature("sv=1&sig=a b") == nil)
        #expect(SharedAccessSignature("") == nil)
    }
}
