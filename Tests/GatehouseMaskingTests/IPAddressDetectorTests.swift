import Testing
@testable import GatehouseMasking

@Suite struct IPAddressDetectorTests {
    @Test(arguments: ["192.168.1.1", "10.0.0.255", "0.0.0.0", "255.255.255.255"])
    func detectsIPv4(address: String) {
        #expect(values("from \(address).", of: .ipv4) == [address])
    }

    @Test(arguments: ["256.1.1.1", "1.2.3.4.5", "v1.2.3.4", "1.2.3", "1.2.3.1000", "192.168.1"])
    func rejectsIPv4NearMisses(text: String) {
        #expect(values(text, of: .ipv4).isEmpty)
    }

    @Test(arguments: [
        "2001:db8::1", "::1", "fe80::1", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "::ffff:192.0.2.1",
        "2001:db8::", "FE80:0:0:0:202:B3FF:FE1E:8329",
    ])
    func detectsIPv6(address: String) {
        #expect(values("host \(address) up", of: .ipv6) == [address])
    }

    @Test func leavesTheZoneOutside() {
        #expect(values("fe80::1%eth0", of: .ipv6) == ["fe80::1"])
    }

    @Test(arguments: [
        "at 10:30:00", "std::vector", "00:1a:2b:3c:4d:5e", "1:2:3:4:5:6:7:8:9", "2001:db8::1::2",
        "Note: nothing", "http://example.com", "12345:1",
    ])
    func rejectsIPv6NearMisses(text: String) {
        #expect(values(text, of: .ipv6).isEmpty)
    }
}
