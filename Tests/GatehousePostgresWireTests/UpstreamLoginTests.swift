import GatehousePostgresWire
import NIOCore
import Testing

@Suite struct UpstreamLoginTests {
    func auth(_ code: Int32, _ extra: [UInt8] = []) -> PostgresFrame {
        var body = ByteBuffer()
        body.writeInteger(code)
        body.writeBytes(extra)
        return PostgresFrame(type: UInt8(ascii: "R"), body: body)
    }

    func ready() -> PostgresFrame { BackendMessage.readyForQuery(.idle) }

    @Test func trustLoginCollectsParametersAndKey() throws {
        var machine = UpstreamLoginStateMachine(user: "u", database: "d", password: nil, applicationName: "gh")
        #expect(try machine.receive(auth(0)) == .wait)
        #expect(try machine.receive(BackendMessage.parameterStatus(name: "server_version", value: "15.18")) == .wait)
        #expect(try machine.receive(BackendMessage.backendKeyData(BackendKey(processID: 9, secretKey: 8))) == .wait)
        guard case .loggedIn(let session) = try machine.receive(ready()) else { Issue.record("not logged in"); return }
        #expect(session.backendKey == BackendKey(processID: 9, secretKey: 8))
        #expect(session.parameters.first?.name == "server_version")
    }

    @Test func md5LoginSendsTheHash() throws {
        var machine = UpstreamLoginStateMachine(user: "alice", database: "d", password: "secret", applicationName: "gh")
        let action = try machine.receive(auth(5, [1, 2, 3, 4]))
        #expect(action == .send(FrontendMessage.password("md598a0412b9c31436fc53776e863350083")))
    }

    @Test func scramLoginStartsWithTheRightMechanism() throws {
        var machine = UpstreamLoginStateMachine(user: "u", database: "d", password: "pw", applicationName: "gh")
        guard case .send(let frame) = try machine.receive(auth(10, Array("SCRAM-SHA-256\0\0".utf8))) else { Issue.record("no reply"); return }
        var body = frame.body
        #expect(body.readNullTerminatedString() == "SCRAM-SHA-256")
    }

    @Test func refusesUnsupportedMechanismsAndMissingPasswords() {
        var plus = UpstreamLoginStateMachine(user: "u", database: "d", password: "pw", applicationName: "gh")
        #expect(throws: UpstreamLoginError.self) { try plus.receive(auth(10, Array("SCRAM-SHA-256-PLUS\0\0".utf8))) }
        var noPassword = UpstreamLoginStateMachine(user: "u", database: "d", password: nil, applicationName: "gh")
        #expect(throws: UpstreamLoginError.self) { try noPassword.receive(auth(3)) }
    }

    @Test func serverErrorsAreReportedWithTheirCode() {
        var machine = UpstreamLoginStateMachine(user: "u", database: "d", password: "pw", applicationName: "gh")
        do {
            _ = try machine.receive(BackendMessage.error(.fatal(code: "28P01", message: "password authentication failed for user \"u\"")))
            Issue.record("expected an error")
        } catch let error as UpstreamLoginError {
            #expect(error.serverError?.code == "28P01")
            #expect(error.description.contains("password authentication failed"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func readyBeforeAuthenticationIsRefused() {
        var machine = UpstreamLoginStateMachine(user: "u", database: "d", password: nil, applicationName: "gh")
        #expect(throws: UpstreamLoginError.self) { try machine.receive(ready()) }
    }
}
