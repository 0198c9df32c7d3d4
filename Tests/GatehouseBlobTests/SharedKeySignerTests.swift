import Testing
@testable import GatehouseBlob

/// Expected signatures come from the official Azure SDK for Python (azure-storage-blob 12.31.1),
/// signing the same requests with `SharedKeyCredentialPolicy` (the service accepts what it signs).
@Suite struct SharedKeySignerTests {
    let signer = SharedKeySigner(accountName: "acme", base64Key: "Z2F0ZWhvdXNlLXRlc3QtYWNjb3VudC1rZXktMDEyMzQ1Njc4OQ==")!
    let date = "Sun, 06 Dec 2026 12:00:00 GMT"

    @Test func signsABlockUploadWithMetadataAsTheSDKDoes() {
        let headers: [(name: String, value: String)] = [
            ("x-ms-date", date), ("x-ms-version", "2025-01-05"), ("x-ms-meta-a_b", "1"), ("x-ms-meta-ab", "2"),
            ("x-ms-meta-a-b", "two words"), ("Content-Length", "11"), ("Content-Type", "application/json"),
            ("x-ms-client-request-id", "r1"),
        ]
        let authorization = signer.authorization(method: "PUT", path: "/exports/customers/a%20b.json",
                                                 query: "comp=block&blockid=QUJD&timeout=30", headers: headers, contentLength: 11)
        #expect(authorization == "SharedKey acme:AT1ZCC/Tqa53ioTLndCiECIp5zpnPjCzcBXuDCh4VFQ=")
    }

    @Test func spacesInsideAValueAreSignedAsTheyAre() {
        // What arrives as ` two  words ` is sent (HTTP strips the ends) and signed as `two  words`, inner
        // spaces kept: the SDK's signature of `two  words`.
        let headers: [(name: String, value: String)] = [
            ("x-ms-date", date), ("x-ms-version", "2025-01-05"), ("x-ms-meta-a_b", "1"), ("x-ms-meta-ab", "2"),
            ("x-ms-meta-a-b", " two  words "), ("Content-Length", "11"), ("Content-Type", "application/json"),
            ("x-ms-client-request-id", "r1"),
        ]
        let authorization = signer.authorization(method: "PUT", path: "/exports/customers/a%20b.json",
                                                 query: "comp=block&blockid=QUJD&timeout=30", headers: headers, contentLength: 11)
        #expect(authorization == "SharedKey acme:RkNBUlrL74TA8OQQ/CryCD3B5b4rcUvbfjYqoAkD06w=")
    }

    @Test func signsAListingAsTheSDKDoes() {
        let authorization = signer.authorization(
            method: "GET", path: "/exports", query: "restype=container&comp=list&prefix=customers%2F&include=metadata",
            headers: [("x-ms-date", date), ("x-ms-version", "2025-01-05")], contentLength: nil)
        #expect(authorization == "SharedKey acme:3+ivnZ/EbQV8ntPB/4BwuChL8WTuaNR55e0X+6GvfAc=")
    }

    @Test func theSignatureCoversWhatMatters() {
        let base = signer.authorization(method: "GET", path: "/c/b", query: nil, headers: [("x-ms-date", date)], contentLength: nil)
        #expect(signer.authorization(method: "GET", path: "/c/b2", query: nil, headers: [("x-ms-date", date)], contentLength: nil) != base)
        #expect(signer.authorization(method: "GET", path: "/c/b", query: "comp=list", headers: [("x-ms-date", date)], contentLength: nil) != base)
        #expect(signer.authorization(method: "GET", path: "/c/b", query: nil, headers: [("x-ms-date", date), ("x-ms-meta-k", "v")], contentLength: nil) != base)
        #expect(signer.authorization(method: "GET", path: "/c/b", query: nil, headers: [("x-ms-date", date), ("Range", "bytes=0-1")], contentLength: nil) != base)
        // Headers the service does not sign do not change it.
        #expect(signer.authorization(method: "GET", path: "/c/b", query: nil, headers: [("x-ms-date", date), ("User-Agent", "x")], contentLength: nil) == base)
        // A zero length is signed as an empty field, like no length at all.
        #expect(signer.authorization(method: "GET", path: "/c/b", query: nil, headers: [("x-ms-date", date)], contentLength: 0) == base)
    }

    @Test func aKeyThatIsNotBase64IsRefused() {
        #expect(SharedKeySigner(accountName: "acme", base64Key: "not base64!") == nil)
        #expect(SharedKeySigner(accountName: "acme", base64Key: "") == nil)
    }

    /// The service's order, as the Azure SDK team recorded it from the service (azure-sdk-for-python #33951).
    @Test func headersAreOrderedAsTheServiceOrdersThem() {
        let expected = [
            "x-ms-blob-type", "x-ms-client-request-id", "x-ms-date", "x-ms-meta-test", "x-ms-meta-test-", "x-ms-meta-test--",
            "x-ms-meta-test_-", "x-ms-meta-test-_", "x-ms-meta-test__", "x-ms-meta-test_a", "x-ms-meta-test_a-",
            "x-ms-meta-test-_a", "x-ms-meta-test_a_", "x-ms-meta-test_a-_", "x-ms-meta-test_z", "x-ms-meta-test-a", "x-ms-version",
        ]
        #expect(expected.reversed().sorted(by: StorageHeaderOrder.precedes) == expected)
        #expect(expected.shuffled().sorted(by: StorageHeaderOrder.precedes) == expected)
    }
}
