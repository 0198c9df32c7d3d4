import Testing
@testable import GatehouseKubernetes

@Suite struct ExecChannelTests {
    @Test func theSubprotocolIsNegotiatedFromTheClientsOffer() {
        #expect(ExecChannel.negotiate(offered: "v5.channel.k8s.io, v4.channel.k8s.io, channel.k8s.io") == "v5.channel.k8s.io")
        #expect(ExecChannel.negotiate(offered: "v4.channel.k8s.io,channel.k8s.io") == "v4.channel.k8s.io")
        #expect(ExecChannel.negotiate(offered: "channel.k8s.io, base64.channel.k8s.io") == nil)
        #expect(ExecChannel.negotiate(offered: nil) == nil)
    }

    @Test func messagesCarryTheirChannelInTheFirstByte() {
        let message = ExecMessage(Array("\u{1}hello".utf8))
        #expect(message == ExecMessage(channel: .stdout, payload: Array("hello".utf8)))
        #expect(message?.bytes == Array("\u{1}hello".utf8))
        #expect(ExecMessage([255, 0]) == ExecMessage(channel: .close, payload: [0]))
        #expect(ExecMessage([9, 1]) == nil)
        #expect(ExecMessage([UInt8]()) == nil)
    }

    @Test func resizeAndExitStatusAreRead() {
        #expect(ExecMessage(channel: .resize, payload: Array(#"{"Width":120,"Height":40}"#.utf8)).terminalSize! == (120, 40))
        #expect(ExecMessage(channel: .resize, payload: Array("nonsense".utf8)).terminalSize == nil)
        let success = #"{"metadata":{},"status":"Success"}"#
        #expect(ExecMessage(channel: .error, payload: Array(success.utf8)).exitCode == 0)
        let exit3 = #"{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}"#
        #expect(ExecMessage(channel: .error, payload: Array(exit3.utf8)).exitCode == 3)
        let notFound = #"{"status":"Failure","reason":"InternalError","message":"executable file not found"}"#
        #expect(ExecMessage(channel: .error, payload: Array(notFound.utf8)).exitCode == nil)
    }

    @Test func gatehousesOwnEndOfSessionIsAStatusKubectlPrints() throws {
        let message = ExecMessage.failure(.forbidden("approval request apr_1 was denied by dana: no ticket"))
        #expect(message.channel == .error)
        let text = String(decoding: message.payload, as: UTF8.self)
        #expect(text.contains(#""kind":"Status""#) && text.contains(#""reason":"Forbidden""#) && text.contains("denied by dana"))
        #expect(message.exitCode == nil)
    }
}
