import GatehousePostgresWire
import Testing

/// During copy-in the server ignores Sync; libpq and pg8000 send one right after the Execute of
/// `COPY ... FROM STDIN`, before they know whether the COPY started.
@Suite struct CopyInTrackingTests {
    @Test func aSyncAfterTheCopysExecuteWaitsThenIsDroppedOnceCopyInStarts() {
        var copy = CopyInTracking()
        #expect(copy.syncHandling == .forward)
        copy.executeForwarded(copiesFromClient: true)
        #expect(copy.syncHandling == .hold)
        // Answers to earlier messages of the batch decide nothing.
        for type in [BackendMessage.parseCompleteType, BackendMessage.bindCompleteType, BackendMessage.commandCompleteType] {
            let decided = copy.received(type)
            #expect(!decided)
        }
        let decided = copy.received(BackendMessage.copyInResponseType)
        #expect(decided)
        #expect(copy.syncHandling == .drop)
        copy.clientForwarded(FrontendMessage.copyDataType)
        #expect(copy.syncHandling == .drop)
        copy.clientForwarded(FrontendMessage.copyDoneType)
        #expect(copy.syncHandling == .forward)  // the Sync after CopyDone gets ReadyForQuery
    }

    @Test func aCopyThatFailsToStartLetsTheSyncThrough() {
        var copy = CopyInTracking()
        copy.executeForwarded(copiesFromClient: true)
        let decided = copy.received(BackendMessage.errorType)
        #expect(decided)
        #expect(copy.syncHandling == .forward)
    }

    @Test func aCopyThatFailsMidStreamReadsSyncsAgain() {
        var copy = CopyInTracking()
        copy.executeForwarded(copiesFromClient: true)
        _ = copy.received(BackendMessage.copyInResponseType)
        let decided = copy.received(BackendMessage.errorType)
        #expect(!decided)  // nothing was held for it
        #expect(copy.syncHandling == .forward)
    }

    @Test func otherStatementsChangeNothing() {
        var copy = CopyInTracking()
        copy.executeForwarded(copiesFromClient: false)
        #expect(copy.syncHandling == .forward)
    }

    @Test func aSimpleQuerysCopyIgnoresSyncsToo() {
        var copy = CopyInTracking()
        let decided = copy.received(BackendMessage.copyInResponseType)
        #expect(!decided)  // nothing was held for it
        #expect(copy.syncHandling == .drop)
        copy.clientForwarded(FrontendMessage.copyDoneType)
        #expect(copy.syncHandling == .forward)
    }
}
