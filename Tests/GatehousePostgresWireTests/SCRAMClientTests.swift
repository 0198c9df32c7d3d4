import GatehousePostgresWire
import Testing

@Suite struct SCRAMClientTests {
    // RFC 7677 section 3: user "user", password "pencil".
    @Test func matchesTheRFC7677TestVector() throws {
        var client = SCRAMClient(password: "pencil", username: "user", clientNonce: "rOprNGfwEbeRWgbNEkqO")
        #expect(String(decoding: client.clientFirstMessage(), as: UTF8.self) == "n,,n=user,r=rOprNGfwEbeRWgbNEkqO")
        let serverFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
        let final = try client.clientFinalMessage(serverFirst: Array(serverFirst.utf8))
        #expect(String(decoding: final, as: UTF8.self)
            == "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
        try client.verifyServerFinal(Array("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".utf8))
    }

    @Test func refusesAForgedServerSignature() throws {
        var client = SCRAMClient(password: "pencil", username: "user", clientNonce: "rOprNGfwEbeRWgbNEkqO")
        _ = client.clientFirstMessage()
        _ = try client.clientFinalMessage(serverFirst: Array("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096".utf8))
        #expect(throws: ProtocolViolation.self) {
            try client.verifyServerFinal(Array("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".utf8))
        }
    }

    @Test func refusesANonceTheClientDidNotStart() {
        var client = SCRAMClient(password: "pencil", clientNonce: "abc")
        _ = client.clientFirstMessage()
        #expect(throws: ProtocolViolation.self) {
            _ = try client.clientFinalMessage(serverFirst: Array("r=zzz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096".utf8))
        }
    }

    // PostgreSQL's md5 scheme, checked against a value computed independently with Python's hashlib:
    // "md5" + md5(md5("secret" + "alice").hexdigest() + b"\x01\x02\x03\x04").hexdigest()
    @Test func md5MatchesPostgreSQL() {
        #expect(MD5Password.response(user: "alice", password: "secret", salt: [1, 2, 3, 4]) == "md598a0412b9c31436fc53776e863350083")
    }
}
