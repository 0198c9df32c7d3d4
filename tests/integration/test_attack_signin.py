"""Attack: the web UI's sign-in and the dev issuer (issue 16). Pending sign-ins used to live in a
table shared by everyone, capped at 10,000 with the oldest evicted, so a loop on `/ui/login`
broke real users' sign-ins; now each sign-in is sealed into its own browser's cookie. The dev
issuer signs anyone in as anyone, so it serves only the gateway's own UI, only on loopback."""

import http.client
import threading
import urllib.parse

import pytest

from harness import ledger

FLOOD = 12_000  # beyond the old table's 10,000


@pytest.fixture(scope="module")
def gw(tmp_path_factory, upstream):
    gateway = ledger.LedgerGateway(str(tmp_path_factory.mktemp("signin")), upstream, name="signin-gw",
                                   web={"auditor_groups": ["auditors"]})
    gateway.start()
    yield gateway
    gateway.stop()


class Browser:
    """Just enough of a browser: one connection, its own cookie jar, no redirects followed."""

    def __init__(self, gw):
        self.host, self.port = gw.gateway.http_address
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, dict, str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        result = response.status, dict(response.headers), text
        connection.close()
        return result


def start_sign_in(browser: Browser) -> str:
    """GET /ui/login; returns the dev issuer's authorize URL (path and query) it redirects to."""
    status, headers, _ = browser.request("GET", "/ui/login?return=/ui/sessions")
    assert status == 303, (status, headers)
    location = urllib.parse.urlparse(headers["Location"])
    return f"{location.path}?{location.query}"


def finish_sign_in(browser: Browser, authorize: str, subject: str, groups: str) -> tuple[int, dict, str]:
    """Fills in the dev issuer's form, then follows its redirect to the UI's callback."""
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(authorize).query))
    status, headers, _ = browser.request("POST", "/dev-issuer/authorize",
                                         urllib.parse.urlencode({**query, "subject": subject, "groups": groups}))
    assert status == 303, (status, headers)
    callback = urllib.parse.urlparse(headers["Location"])
    return browser.request("GET", f"{callback.path}?{callback.query}")


def flood_logins(gw, count: int, threads: int = 4) -> None:
    host, port = gw.gateway.http_address

    def worker(n: int):
        connection = http.client.HTTPConnection(host, port, timeout=30)
        for _ in range(n):
            connection.request("GET", "/ui/login")
            response = connection.getresponse()
            response.read()
            assert response.status == 303
        connection.close()
    workers = [threading.Thread(target=worker, args=(count // threads,)) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()


def test_a_sign_in_flood_does_not_break_a_real_users_sign_in(gw):
    user = Browser(gw)
    authorize = start_sign_in(user)
    flood_logins(gw, FLOOD)
    status, headers, body = finish_sign_in(user, authorize, "ann-auditor", "auditors")
    assert status == 303 and headers["Location"] == "/ui/sessions", (status, body[-800:])
    assert "gatehouse_session" in user.cookies
    status, _, body = user.request("GET", "/ui/sessions")
    assert status == 200 and "sessions recorded" in body


def test_a_callback_from_another_browser_is_refused(gw):
    victim, attacker = Browser(gw), Browser(gw)
    start_sign_in(attacker)  # the attacker has a sign-in cookie of its own
    authorize = start_sign_in(victim)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(authorize).query))
    status, headers, _ = victim.request("POST", "/dev-issuer/authorize",
                                        urllib.parse.urlencode({**query, "subject": "ann-auditor", "groups": "auditors"}))
    callback = urllib.parse.urlparse(headers["Location"])
    status, _, body = attacker.request("GET", f"{callback.path}?{callback.query}")
    assert status == 400 and "not started in this browser" in body
    assert "gatehouse_session" not in attacker.cookies


def test_the_dev_issuer_signs_in_only_for_the_gateways_own_ui(gw):
    browser = Browser(gw)
    authorize = start_sign_in(browser)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(authorize).query))
    forged = urllib.parse.urlencode({**query, "client_id": "agent-cli"})
    status, _, body = browser.request("GET", f"/dev-issuer/authorize?{forged}")
    assert status == 400 and "signs in only for this gateway&#39;s web UI" in body, body[-500:]
    status, _, body = browser.request("POST", "/dev-issuer/authorize", forged + "&subject=dpo&groups=approvers")
    assert status == 400 and "not for client &#39;agent-cli&#39;" in body, body[-500:]
