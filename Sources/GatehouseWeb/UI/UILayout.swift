import HTTPTypes
import Hummingbird
import NIOCore

/// The page frame every UI page shares (header, navigation for the human's roles, sign-out
/// form), the stylesheet, and the security headers of every HTML response.
enum UILayout {
    static func page(
        status: HTTPResponse.Status = .ok, title: String, session: UISessionStore.Session?, body: HTML, refreshSeconds: Int? = nil
    ) -> Response {
        let refresh: HTML = refreshSeconds.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">" } ?? ""
        let document: HTML = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            \(refresh)
            <title>\(title) · Gatehouse</title>
            <link rel="stylesheet" href="\(WebUI.basePath)/static/gatehouse.css">
            </head>
            <body>
            <a class="skip" href="#main">Skip to content</a>
            <header>
            <span class="brand">Gatehouse</span>
            \(navigation(session))
            </header>
            <main id="main">
            <h1>\(title)</h1>
            \(body)
            </main>
            </body>
            </html>
            """
        return Response(status: status, headers: htmlHeaders, body: ResponseBody(byteBuffer: ByteBuffer(string: document.text)))
    }

    /// A page that only says something, with an optional link onwards.
    static func message(
        status: HTTPResponse.Status, title: String, session: UISessionStore.Session?, text: String, link: (href: String, label: String)? = nil
    ) -> Response {
        let onwards: HTML = link.map { "<p><a href=\"\($0.href)\">\($0.label)</a></p>" } ?? ""
        let role: HTML = status.code >= 400 ? " role=\"alert\"" : ""
        return page(status: status, title: title, session: session, body: "<p class=\"notice\"\(role)>\(text)</p>\(onwards)")
    }

    /// No scripts, no framing, no third-party anything; pages may hold masked evidence, so no caching.
    static let htmlHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .cacheControl: "no-store",
        .contentSecurityPolicy: "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
    ]

    private static func navigation(_ session: UISessionStore.Session?) -> HTML {
        guard let session else { return "" }
        var links: [HTML] = []
        let roles = session.roles
        if roles.contains(.approver) || roles.contains(.admin) { links.append(navLink("/approvals", "Approvals")) }
        if roles.contains(.auditor) || roles.contains(.admin) {
            links.append(navLink("/sessions", "Sessions"))
            links.append(navLink("/ledger", "Ledger"))
        }
        links.append(navLink("/connections", "Connections"))
        let roleNames = roles.sorted().map(\.rawValue).joined(separator: ", ")
        return """
            <nav aria-label="Main"><ul>\(links)</ul></nav>
            <form class="signout" method="post" action="\(WebUI.basePath)/logout">
            <span class="who">\(session.principal.displayName) <span class="muted">(\(roleNames))</span></span>
            \(csrfField(session))
            <button type="submit">Sign out</button>
            </form>
            """
    }

    private static func navLink(_ path: String, _ label: String) -> HTML {
        "<li><a href=\"\(WebUI.basePath)\(path)\">\(label)</a></li>"
    }

    static func csrfField(_ session: UISessionStore.Session) -> HTML {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(session.csrfToken)\">"
    }

    static func stylesheetResponse() -> Response {
        Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: stylesheet)))
    }

    /// System fonts, high contrast, visible focus; readable at 200% zoom.
    static let stylesheet = """
        :root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --accent: #0b5cad; --bad: #a40e26; --good: #116329; --bg: #ffffff; --panel: #f6f8fa; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
        .skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: .5rem; }
        header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: .75rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--panel); }
        .brand { font-weight: 700; font-size: 1.1rem; }
        nav ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
        .signout { margin-left: auto; display: flex; gap: .5rem; align-items: center; }
        main { max-width: 72rem; padding: 1rem 1.5rem 3rem; }
        a { color: var(--accent); } a:focus, button:focus, input:focus, textarea:focus { outline: 3px solid #f2a900; outline-offset: 2px; }
        table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
        th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid var(--line); }
        th { background: var(--panel); }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
        dt { font-weight: 600; } dd { margin: 0; }
        pre { background: var(--panel); border: 1px solid var(--line); padding: .75rem; white-space: pre-wrap; word-break: break-word; }
        .muted { color: var(--muted); }
        .notice { padding: .75rem 1rem; border-left: 4px solid var(--accent); background: var(--panel); }
        .error { padding: .75rem 1rem; border-left: 4px solid var(--bad); background: #fff5f5; }
        .ok { color: var(--good); font-weight: 600; } .bad { color: var(--bad); font-weight: 600; }
        fieldset { border: 1px solid var(--line); margin: 1rem 0; padding: .75rem 1rem; }
        label { display: block; margin: .5rem 0 .2rem; font-weight: 600; }
        label.inline { display: inline; font-weight: 400; margin-right: 1rem; }
        textarea, input[type=number] { font: inherit; padding: .4rem; border: 1px solid var(--muted); border-radius: 4px; }
        textarea { width: 100%; min-height: 5rem; }
        button { font: inherit; padding: .45rem 1rem; border-radius: 4px; border: 1px solid var(--muted); background: var(--bg); cursor: pointer; }
        button.approve { background: var(--good); border-color: var(--good); color: #fff; }
        button.deny { background: var(--bad); border-color: var(--bad); color: #fff; }
        .actions { display: flex; gap: 1rem; margin-top: 1rem; }
        """
}
