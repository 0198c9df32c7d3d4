import GatehouseCore
import GatehousePostgresWire
import GatehouseSQL
import NIOCore

/// Long statements are analysed off the event loop (`LargeStatementAnalysis`): the session
/// holds the frame, and every frame after it, until the analysis is back, then handles it as
/// if it had just arrived, with the analysis at hand.
extension PostgresSession {
    /// True when the frame's analysis was handed off; the frame is held and handled again later.
    func analysingElsewhere(_ frame: PostgresFrame) -> Bool {
        guard frame.body.readableBytes > LargeStatementAnalysis.thresholdBytes else { return false }
        let text: String
        switch frame.type {
        case FrontendMessage.queryType: guard let query = try? FrontendMessage.readQuery(frame.body) else { return false }; text = query
        case FrontendMessage.parseType: guard let parse = try? FrontendMessage.readParse(frame.body) else { return false }; text = parse.query
        default: return false
        }
        if let done = largeAnalysis, done.text.utf8.elementsEqual(text.utf8) { return false }
        analysingLargeStatement = true
        heldFrames.prepend(frame)
        updateClientReads()
        gateway.largeStatements.analyze(text, on: client.eventLoop).whenSuccess { [self] analyses in
            largeAnalysis = (text, analyses)
            analysingLargeStatement = false
            guard !ended else { return }
            drainHeldFrames()
        }
        return true
    }

    /// The statement's analysis: the one made off the loop when it is for this text.
    func analyze(_ text: String) -> [StatementAnalysis] {
        if let done = largeAnalysis, done.text.utf8.elementsEqual(text.utf8) { return done.analyses }
        return gateway.analyzer.analyze(text)
    }
}
