extension ConfigurationDecoder {
    private static let notificationKeys = ["name", "kind", "url", "url_env", "url_file", "secret_env", "secret_file"]

    func decodeNotifications(_ value: ConfigValue?) throws -> [NotificationConfiguration] {
        guard let value else { return [] }
        var names = NameRegistry()
        return try value.list().map { item in
            let entry = try item.mapping(allowedKeys: Self.notificationKeys)
            let nameValue = try entry.required("name")
            let name = try names.register(nameValue)
            let kindValue = try entry.required("kind")
            let kind = try kindValue.string()
            guard NotificationConfiguration.kinds.contains(kind) else {
                throw kindValue.error("'\(kind)' is not one of \(NotificationConfiguration.kinds.joined(separator: ", "))")
            }
            let inline = try entry.optional("url")
            let secretURL = try decodeSecretSource(in: entry, environmentKey: "url_env", fileKey: "url_file", secret: "URL")
            let url: NotificationConfiguration.URLSource
            switch (inline, secretURL) {
            case (let inline?, nil): url = .inline(try inline.nonEmptyString())
            case (nil, let source?): url = .secret(source)
            case (_?, _?): throw item.error("url and url_env/url_file are mutually exclusive")
            case (nil, nil): throw item.error("needs url, url_env or url_file")
            }
            let secret = try decodeSecretSource(in: entry, environmentKey: "secret_env", fileKey: "secret_file", secret: "secret")
            if kind == "webhook", secret == nil {
                throw item.error("a webhook needs secret_env or secret_file: its receiver checks the signature")
            }
            if kind != "webhook", secret != nil {
                throw item.error("only a webhook is signed; a \(kind) URL is its own credential")
            }
            return NotificationConfiguration(name: name, kind: kind, url: url, secret: secret)
        }
    }
}
