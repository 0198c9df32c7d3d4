import Hummingbird

/// The connections page: who may reach each upstream, its rules (approval for PostgreSQL, push
/// rules for Git), what personal data the configuration classifies there, and what approved
/// writes classified since (derived classification).
extension WebUI {
    func connectionsPage(session: UISessionStore.Session) -> Response {
        let sections: [HTML] = connections.map(section)
        return UILayout.page(title: "Connections", session: session, body: "\(sections)")
    }

    private func section(_ connection: UIConnection) -> HTML {
        let configured = Self.classificationTable(connection.classified)
            ?? "<p class=\"muted\">No personal data is classified on this connection.</p>"
        let derived: HTML = Self.classificationTable(derivedClassification(connection.name)).map { table -> HTML in
            """
            <h3>Derived from approved writes</h3>
            <p class="muted">Copies of classified data made by statements Gatehouse let through: personal data too.</p>
            \(table)
            """
        } ?? ""
        return """
            <section aria-labelledby="c-\(connection.name)">
            <h2 id="c-\(connection.name)">\(connection.name)</h2>
            <dl>
            <dt>Kind</dt><dd>\(connection.kind)</dd>
            <dt>Upstream</dt><dd><code>\(connection.upstream)</code></dd>
            <dt>Allowed groups</dt><dd>\(HTML.list(connection.allowedGroups))</dd>
            \(connection.details.map { detail -> HTML in "<dt>\(detail.label)</dt><dd>\(detail.value)</dd>" })
            </dl>
            <h3>Classified personal data</h3>
            \(configured)
            \(derived)
            </section>
            """
    }

    /// Classified tables with their columns; nil when there are none.
    private static func classificationTable(_ classified: [UIConnection.ClassifiedTable]) -> HTML? {
        guard !classified.isEmpty else { return nil }
        let rows: [HTML] = classified.map { table in
            let columns: [HTML] = table.columns.map { "<li><code>\($0.name)</code>: \($0.category)</li>" }
            let columnList: HTML = columns.isEmpty ? "<span class=\"muted\">whole table</span>" : "<ul>\(columns)</ul>"
            return """
                <tr><td><code>\(table.relation)</code></td><td>\(table.category ?? "")</td>
                <td>\(columnList)</td></tr>
                """
        }
        return """
            <table><thead><tr><th scope="col">Table</th><th scope="col">Category</th><th scope="col">Columns</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
    }
}
