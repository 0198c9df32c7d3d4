import Foundation
import Testing
@testable import GatehouseMCP

@Suite struct BlobToolRequestsTests {
    @Test func pathsAreEncodedAndContainerNamesChecked() {
        #expect(BlobToolRequests.listPath(connection: "files", container: nil, prefix: nil, maxResults: 100) == "/blob/files/?comp=list&maxresults=100")
        #expect(BlobToolRequests.listPath(connection: "files", container: "exports", prefix: "a b/", maxResults: 5)
            == "/blob/files/exports?restype=container&comp=list&delimiter=%2F&maxresults=5&prefix=a%20b%2F")
        #expect(BlobToolRequests.blobPath(connection: "files", container: "exports", blob: "dir/x?y#z%.json")
            == "/blob/files/exports/dir/x%3Fy%23z%25.json")
        #expect(BlobToolRequests.isContainerName("hr-files"))
        for bad in ["ab", "Exports", "a_b", String(repeating: "a", count: 64), "a/b"] {
            #expect(!BlobToolRequests.isContainerName(bad), "\(bad)")
        }
    }

    @Test func aListingIsReadWithItsEscapes() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?><EnumerationResults ContainerName="exports"><Prefix>n/</Prefix><Blobs>\
            <Blob><Name>n/a&amp;b.txt</Name><Properties><Content-Length>12</Content-Length><Content-Type>text/plain</Content-Type></Properties></Blob>\
            <BlobPrefix><Name>n/sub/</Name></BlobPrefix></Blobs><NextMarker>m1</NextMarker></EnumerationResults>
            """
        let listing = try #require(BlobToolRequests.listing(Data(xml.utf8)))
        #expect(listing.blobs.map(\.name) == ["n/a&b.txt"])
        #expect(listing.blobs.first?.size == 12)
        #expect(listing.blobs.first?.contentType == "text/plain")
        #expect(listing.prefixes == ["n/sub/"])
        #expect(listing.nextMarker == "m1")
        let containers = try #require(BlobToolRequests.listing(Data(
            "<EnumerationResults><Containers><Container><Name>exports</Name></Container></Containers><NextMarker/></EnumerationResults>".utf8)))
        #expect(containers.containers == ["exports"])
        #expect(containers.nextMarker == nil)
    }

    @Test func anErrorBodyGivesItsCodeAndMessage() {
        let error = BlobToolRequests.error(Data("<?xml version=\"1.0\"?><Error><Code>AuthorizationPermissionMismatch</Code><Message>approval request apr_1 was denied by ola</Message></Error>".utf8))
        #expect(error.code == "AuthorizationPermissionMismatch")
        #expect(error.message == "approval request apr_1 was denied by ola")
    }
}
