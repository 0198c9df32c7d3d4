import Foundation
import GatehousePolicy

extension ConfigurationDecoder {
    static let gitConnectionKeys = ["name", "type", "upstream", "allowed_groups", "push", "personal_data_repositories", "approval",
                                    "retention_days"]
    private static let personalDataRepositoryKeys = ["path", "categories", "approve"]
    private static let gitUpstreamKeys = ["url", "authentication", "username", "token_env", "token_file"]
    private static let gitPushKeys = ["branches", "tags", "allow_force", "scan"]

    func decodeGitConnection(_ entry: ConfigMapping, name: String) throws -> GitConnectionConfiguration {
        var connection = GitConnectionConfiguration(
            name: name, upstream: try decodeGitUpstream(entry.required("upstream")),
            allowedGroups: try entry.required("allowed_groups").nonEmptyStringList(of: "group"))
        let pushValue = try entry.optional("push")
        if let pushValue { connection.push = try decodeGitPush(pushValue) }
        if let repositories = try entry.optional("personal_data_repositories") {
            connection.personalDataRepositories = try repositories.nonEmptyList(of: "repository").map(decodePersonalDataRepository)
        }
        let approvalValue = try entry.optional("approval")
        connection.approval = try decodeGitApproval(approvalValue, repositories: connection.personalDataRepositories)
        if let pushValue, connection.push.scan == .hold, connection.approval.approverGroups.isEmpty {
            // A push held with nobody to approve it could only time out.
            throw pushValue.error("scan: hold needs approval.approver_groups on this connection")
        }
        connection.retentionDays = try entry.optional("retention_days")?.integer(in: Self.retentionDayRange)
        return connection
    }

    private func decodeGitUpstream(_ value: ConfigValue) throws -> GitUpstream {
        let section = try value.mapping(allowedKeys: Self.gitUpstreamKeys)
        let urlValue = try section.required("url")
        let url = try webURL(urlValue)
        guard let components = URLComponents(string: url), components.user == nil, components.password == nil,
              components.query == nil, components.fragment == nil
        else { throw urlValue.error("must be a base URL without credentials, query or fragment (use token_env or token_file)") }
        var upstream = GitUpstream(url: url.hasSuffix("/") ? String(url.dropLast()) : url)
        if let authentication = try section.optional("authentication") {
            upstream.authentication = try authentication.oneOf(GitUpstream.Authentication.self)
        }
        if let username = try section.optional("username") { upstream.username = try username.nonEmptyString() }
        upstream.token = try decodeSecretSource(in: section, environmentKey: "token_env", fileKey: "token_file", secret: "token")
        if upstream.authentication != .none, upstream.token == nil {
            throw value.error("needs token_env or token_file (or authentication: none for a server without credentials)")
        }
        if upstream.authentication == .none, upstream.token != nil {
            throw value.error("a token is configured but authentication is none")
        }
        return upstream
    }

    private func decodeGitPush(_ value: ConfigValue) throws -> GitPushRules {
        let section = try value.mapping(allowedKeys: Self.gitPushKeys)
        var rules = GitPushRules()
        if let branches = try section.optional("branches") { rules.branches = try branches.list().map(gitPattern) }
        if let tags = try section.optional("tags") { rules.tags = try tags.bool() }
        if let force = try section.optional("allow_force") { rules.allowForce = try force.bool() }
        if let scan = try section.optional("scan") { rules.scan = try scan.oneOf(GitPushRules.Scan.self) }
        return rules
    }

    /// One `personal_data_repositories` entry: a path pattern, optional categories, and the
    /// operations held (`approve`, default both).
    private func decodePersonalDataRepository(_ value: ConfigValue) throws -> PersonalDataRepository {
        let section = try value.mapping(allowedKeys: Self.personalDataRepositoryKeys)
        var repository = PersonalDataRepository(pattern: try gitPattern(section.required("path")))
        if let categories = try section.optional("categories") {
            repository.categories = try categories.nonEmptyStringList(of: "category")
        }
        if let operations = try section.optional("approve") {
            repository.operations = Set(try operations.nonEmptyList(of: "operation").map { try $0.oneOf(GitOperation.self) })
        }
        return repository
    }

    /// A path pattern: `*` within one segment, `**` across segments; no leading `/`, no `..`.
    private func gitPattern(_ value: ConfigValue) throws -> String {
        let pattern = try value.nonEmptyString()
        guard !pattern.hasPrefix("/"), !pattern.split(separator: "/").contains(".."), !pattern.contains("\\") else {
            throw value.error("'\(pattern)' must be a relative path pattern without '..' or backslashes")
        }
        return pattern
    }
}
