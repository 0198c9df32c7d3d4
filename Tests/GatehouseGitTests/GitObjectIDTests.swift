import Testing

@testable import GatehouseGit

@Suite struct GitObjectIDTests {
    @Test func hexRoundTripsAndRejectsWrongInput() throws {
        let id = try #require(GitObjectID(hex: "E69DE29BB2D1D6434B8B29AE775AD8C2E48C5391"))
        #expect(id.hex == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")
        #expect(id.bytes.first == 0xE6 && id.bytes.count == 20)
        #expect(GitObjectID(hex: "e69de29b") == nil)
        #expect(GitObjectID(hex: "g69de29bb2d1d6434b8b29ae775ad8c2e48c5391") == nil)
        #expect(GitObjectID(bytes: [UInt8](repeating: 1, count: 19)) == nil)
        #expect(GitObjectID.zero.isZero && !id.isZero)
        #expect(GitObjectID(hex: String(repeating: "0", count: 40)) == .zero)
    }
}
