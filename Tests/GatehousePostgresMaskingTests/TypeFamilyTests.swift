import Testing
@testable import GatehousePostgresMasking

@Suite struct TypeFamilyTests {
    @Test func textLikeTypes() {
        for oid: UInt32 in [0, 25, 1043, 1042, 19, 705] {
            #expect(PostgresTypeFamily(oid: oid) == .textLike)
        }
    }

    @Test func jsonAndXML() {
        #expect(PostgresTypeFamily(oid: 114) == .json)
        #expect(PostgresTypeFamily(oid: 3802) == .jsonb)
        #expect(PostgresTypeFamily(oid: 142) == .xml)
    }

    @Test func arraysKnowTheirElements() {
        #expect(PostgresTypeFamily(oid: 1009) == .array(elementOID: 25))
        #expect(PostgresTypeFamily(oid: 1015) == .array(elementOID: 1043))
        #expect(PostgresTypeFamily(oid: 1014) == .array(elementOID: 1042))
        #expect(PostgresTypeFamily(oid: 1003) == .array(elementOID: 19))
        #expect(PostgresTypeFamily(oid: 199) == .array(elementOID: 114))
        #expect(PostgresTypeFamily(oid: 3807) == .array(elementOID: 3802))
        #expect(PostgresTypeFamily(oid: 1182) == .array(elementOID: 1082))
        #expect(PostgresTypeFamily(oid: 1007) == .array(elementOID: 23))
    }

    @Test func otherBuiltinsAreOpaqueAndUserTypesUnknown() {
        for oid: UInt32 in [16, 17, 18, 20, 23, 700, 1082, 1114, 1184, 1700, 869, 2950] {
            #expect(PostgresTypeFamily(oid: oid) == .opaque)
        }
        for oid: UInt32 in [16384, 16500, 99999, 2249, 2287, 3614] {
            #expect(PostgresTypeFamily(oid: oid) == .unknown)
        }
    }
}
