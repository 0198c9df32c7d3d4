import Foundation
import GatehouseCore

/// The JSON the `audit` commands print for machines: stable (sorted keys), principals alike.
enum AuditJSON {
    static func principal(_ principal: Principal) -> [String: Any] {
        var who: [String: Any] = ["subject": principal.subject, "issuer": principal.issuer, "groups": principal.groups]
        if let username = principal.username { who["username"] = username }
        if let agent = principal.agentApplication { who["agentApplication"] = agent }
        return who
    }

    static func render(_ value: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
