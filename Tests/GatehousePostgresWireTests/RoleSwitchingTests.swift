import NIOCore
import Testing

@testable import GatehousePostgresWire

/// Which role the upstream session is in, as far as the gateway can be sure (the database backstop).
@Suite struct RoleSwitchingTests {
    @Test func onlyStatementsThatNeedTheApprovedRoleSwitchToIt() {
        var roles = RoleSwitching()
        #expect(roles.switchBefore(needsApprovedRole: false) == nil)
        #expect(roles.switchBefore(needsApprovedRole: true) == .toApproved)
        roles.switched(.toApproved, succeeded: true, idle: true)
        #expect(roles.switchBefore(needsApprovedRole: true) == nil)
        #expect(roles.switchBefore(needsApprovedRole: false) == .toLogin)
        roles.switched(.toLogin, succeeded: true, idle: true)
        #expect(roles.current == .login)
    }

    @Test func aFailedSwitchLeavesTheRoleUnknownAndTheNextStatementResetsIt() {
        var roles = RoleSwitching()
        roles.switched(.toApproved, succeeded: false, idle: false)
        #expect(roles.current == .unknown)
        #expect(roles.switchBefore(needsApprovedRole: false) == .toLogin)
        #expect(roles.switchBefore(needsApprovedRole: true) == .toApproved)
    }

    @Test func transactionControlAfterAnApprovedStatementMakesTheRoleUnknown() {
        // BEGIN; <approved>; RESET ROLE; ROLLBACK TO a savepoint taken while approved.
        var roles = RoleSwitching()
        roles.switched(.toApproved, succeeded: true, idle: false)
        roles.forwarded(transactionControl: false)
        roles.switched(.toLogin, succeeded: true, idle: false)
        roles.ready(idle: false)
        #expect(roles.current == .login)
        roles.forwarded(transactionControl: true)
        #expect(roles.current == .unknown)
        #expect(roles.switchBefore(needsApprovedRole: false) == .toLogin)
    }

    @Test func onceIdleWithTheLoginRoleNoRollbackCanBringTheApprovedRoleBack() {
        var roles = RoleSwitching()
        roles.switched(.toApproved, succeeded: true, idle: true)
        roles.switched(.toLogin, succeeded: true, idle: true)
        roles.forwarded(transactionControl: true)  // BEGIN, later: nothing to undo
        #expect(roles.current == .login)
        // Inside a transaction the mark stays until the session is idle with the login role.
        roles.switched(.toApproved, succeeded: true, idle: false)
        roles.switched(.toLogin, succeeded: true, idle: nil)
        roles.ready(idle: false)
        roles.forwarded(transactionControl: true)
        #expect(roles.current == .unknown)
        roles.switched(.toLogin, succeeded: true, idle: true)
        roles.forwarded(transactionControl: true)
        #expect(roles.current == .login)
    }

    @Test func aStatementThatMayResetTheRoleMakesTheNextApprovedOneSetItAgain() {
        var roles = RoleSwitching()
        roles.switched(.toApproved, succeeded: true, idle: true)
        roles.forwarded(transactionControl: false, mayResetRole: true)  // DISCARD ALL
        #expect(roles.switchBefore(needsApprovedRole: true) == .toApproved)
        var login = RoleSwitching()
        login.forwarded(transactionControl: false, mayResetRole: true)
        #expect(login.current == .login)
    }

    @Test func theSwitchQuotesTheRoleName() {
        #expect(RoleSwitching.Switch.toApproved.sql(approvedRole: "we\"ird") == "SET ROLE \"we\"\"ird\"")
        #expect(RoleSwitching.Switch.toLogin.sql(approvedRole: "x") == "RESET ROLE")
    }

    @Test func theGatewaysOwnStatementLeavesTheUnnamedOnesAlone() throws {
        let frames = FrontendMessage.namedStatement("RESET ROLE", name: "gatehouse.role")
        #expect(frames.map(\.typeCharacter) == ["P", "B", "E", "C", "C", "H"])
        let parse = try FrontendMessage.readParse(frames[0].body)
        #expect(parse.statementName == "gatehouse.role" && parse.query == "RESET ROLE")
        let bind = try FrontendMessage.readBind(frames[1].body)
        #expect(bind.portalName == "gatehouse.role" && bind.statementName == "gatehouse.role")
        #expect(try FrontendMessage.readClose(frames[3].body) == FrontendMessage.Close(isPortal: true, name: "gatehouse.role"))
        #expect(try FrontendMessage.readClose(frames[4].body) == FrontendMessage.Close(isPortal: false, name: "gatehouse.role"))
    }
}

/// What the server still owes for what was forwarded, so the gateway knows when it has answered everything.
@Suite struct PendingAnswersTests {
    func forwarded(_ types: String) -> PendingAnswers {
        var pending = PendingAnswers()
        for type in types.utf8 { pending.forwarded(type) }
        return pending
    }

    func received(_ types: String, _ pending: inout PendingAnswers) {
        for type in types.utf8 { pending.received(type) }
    }

    @Test func anExtendedBatchIsAnsweredMessageByMessage() {
        var pending = forwarded("PBDEHS")
        received("12", &pending)
        #expect(!pending.isEmpty)
        received("TDDDC", &pending)  // RowDescription ends Describe; rows, then CommandComplete end Execute
        #expect(!pending.isEmpty)
        received("Z", &pending)
        #expect(pending.isEmpty)
    }

    @Test func aDescribedStatementEndsWithItsRowDescriptionOrNoData() {
        var pending = forwarded("PD")
        received("1t", &pending)
        #expect(!pending.isEmpty)
        received("n", &pending)
        #expect(pending.isEmpty)
    }

    @Test func aSimpleQueryEndsOnlyWithReadyForQuery() {
        var pending = forwarded("Q")
        received("TDCTDCE", &pending)
        #expect(!pending.isEmpty)
        received("Z", &pending)
        #expect(pending.isEmpty && !pending.skippingUntilSync)
    }

    @Test func anErrorBeforeSyncMeansTheServerSkipsUntilSync() {
        var pending = forwarded("PBE")
        received("1E", &pending)
        #expect(pending.isEmpty && pending.skippingUntilSync)
        pending.forwarded(UInt8(ascii: "S"))
        #expect(!pending.skippingUntilSync && !pending.isEmpty)
        received("Z", &pending)
        #expect(pending.isEmpty)
    }

    @Test func anErrorWithASyncAlreadySentLeavesOnlyTheSync() {
        var pending = forwarded("PBESPBES")
        received("E", &pending)  // the first Parse failed: the rest of its batch is skipped
        #expect(!pending.isEmpty && !pending.skippingUntilSync)
        received("Z12CZ", &pending)
        #expect(pending.isEmpty)
    }

    @Test func portalSuspendedAndEmptyQueryEndAnExecute() {
        var pending = forwarded("EE")
        received("sI", &pending)
        #expect(pending.isEmpty)
    }
}
