"""Approvals across gateway instances on one PostgreSQL store (docs/deployment.md, "Approvals
across instances"): a statement held on one instance is listed and decided through another's
API, and released at once by the decision's notification; a time-boxed grant made anywhere
covers statements anywhere; restarting the instance that holds a request cancels it (recorded),
restarting another changes nothing; two approvers deciding at once on two instances cannot
both win.

Real parts: the store and the upstream are PostgreSQL servers; identities come from one real
OIDC provider process that every instance trusts, as in production; the upstream's statement log
is the ground truth for what ran and when."""

import http.client
import os
import re
import threading
import time
import urllib.parse

import psycopg
import pytest

from harness import ledger, shared_store
from harness.approvals_api import Held, api, dsn, pending_request
from harness.gateway_config import GitConnection, Issuer
from harness.git_repos import clone, make_bare, rev_parse
from harness.git_server import serve_with_credential
from harness.oidc_mock import CLIENT_ID, OidcMock
from harness.shared_store import Instances

APPROVAL = {"approver_groups": ["approvers"], "hold_seconds": 30, "max_grant_minutes": 30}
USERS = [
    {"sub": "agent-ann", "groups": ["engineers"], "preferred_username": "ann"},
    {"sub": "dpo-bob", "groups": ["engineers", "approvers"], "preferred_username": "bob"},
    {"sub": "dpo-dan", "groups": ["engineers", "approvers"], "preferred_username": "dan"},
]


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    mock = OidcMock(str(tmp_path_factory.mktemp("shared-approvals-oidc")), users=USERS).start()
    yield mock
    mock.stop()


@pytest.fixture(scope="module")
def store():
    server = shared_store.start_store()
    yield server
    server.cleanup()


@pytest.fixture(scope="module")
def tokens(provider):
    return {user["preferred_username"]: provider.id_token(user["sub"]) for user in USERS}


@pytest.fixture
def instances(tmp_path, upstream, store, provider):
    started = Instances(tmp_path, upstream, shared_store.empty(store), ["a", "b", "c"], approval=APPROVAL,
                        issuers=[Issuer(provider.issuer, [CLIENT_ID], ["RS256"])]).start()
    yield started
    started.stop()


def ran(upstream, offset: int, marker: str) -> int:
    """How many statements with the marker the upstream executed since `offset` (its own log)."""
    return upstream.server.log_since(offset).count(marker)


def steps(instances, request_id: str) -> list:
    """The request's approval steps, read from the shared log in the store (with the master key),
    independently of the gateways. Every step is committed there before it takes effect."""
    return [e for e in instances.shared_log().events() if e.kind == "approval" and e.payload["requestID"] == request_id]


def test_a_statement_held_on_one_instance_is_approved_through_another_and_released_at_once(instances, upstream, tokens):
    a, b, c = instances["a"], instances["b"], instances["c"]
    offset = upstream.server.log_size()
    marker = "sharedhold_one"
    held = Held(a, tokens["ann"], f"/* purpose: TICKET-9 */ SELECT email, '{marker}' FROM customers WHERE id = 4")
    # Every instance lists it: c's approvers see what a holds.
    request = pending_request(b, tokens["bob"], marker)
    assert pending_request(c, tokens["dan"], marker)["id"] == request["id"]
    status, shown = api(c, tokens["dan"], "GET", f"/api/v1/approvals/{request['id']}")
    assert status == 200 and shown["state"] == "pending" and shown["requester"]["subject"] == "agent-ann", shown
    time.sleep(0.5)
    assert held.done_at is None and ran(upstream, offset, marker) == 0, "the statement ran before anyone approved it"

    # Four-eyes holds across instances: the requester cannot approve it through another instance.
    status, body = api(b, tokens["ann"], "POST", f"/api/v1/approvals/{request['id']}/approve",
                       {"reason": "mine", "grant": {"kind": "one-time"}})
    assert status in (403, 404), body

    started = time.monotonic()
    status, body = api(b, tokens["bob"], "POST", f"/api/v1/approvals/{request['id']}/approve",
                       {"reason": "ticket checked", "grant": {"kind": "one-time"}})
    answered = time.monotonic()
    assert status == 200 and body["outcome"] == "approved", body
    held.join()
    assert held.error is None, held.error
    (row,) = held.result
    assert row[1] == marker and "@" not in row[0], row
    assert ran(upstream, offset, marker) == 1
    print(f"approved through b, released on a: {(held.done_at - answered) * 1000:.1f} ms after b answered, "
          f"{(held.done_at - started) * 1000:.1f} ms after the approval was sent (rows included)")

    recorded = steps(instances, request["id"])
    assert [e.payload["step"] for e in recorded] == ["requested", "approved", "grant_used"], recorded
    assert recorded[1].principal["subject"] == "dpo-bob" and recorded[1].payload["comment"] == "ticket checked"
    # The decision is visible everywhere afterwards, and cannot be taken again anywhere.
    assert ledger.wait_until(lambda: api(c, tokens["dan"], "GET", f"/api/v1/approvals/{request['id']}")[1].get("state") == "approved",
                             timeout=5)
    status, body = api(c, tokens["dan"], "POST", f"/api/v1/approvals/{request['id']}/deny", {"reason": "too late"})
    assert status == 409 and body["error"]["code"] == "not_pending", body

    # Denied through c: a's client gets the error naming the request; nothing ran.
    denied_marker = "sharedhold_two"
    second = Held(a, tokens["ann"], f"SELECT email, '{denied_marker}' FROM customers WHERE id = 5")
    other = pending_request(c, tokens["dan"], denied_marker)
    status, body = api(c, tokens["dan"], "POST", f"/api/v1/approvals/{other['id']}/deny", {"reason": "no ticket"})
    assert status == 200 and body["outcome"] == "denied", body
    second.join()
    assert isinstance(second.error, psycopg.Error) and other["id"] in str(second.error) and "dan" in str(second.error), second.error
    assert ran(upstream, offset, denied_marker) == 0
    assert [e.payload["step"] for e in steps(instances, other["id"])] == ["requested", "denied"]
    held.conn.close()
    second.conn.close()


def test_a_time_boxed_grant_made_through_one_instance_covers_statements_on_another(instances, upstream, tokens):
    a, b, c = instances["a"], instances["b"], instances["c"]
    held = Held(a, tokens["ann"], "SELECT email, 'sharedgrant_hold' FROM customers WHERE id = 6")
    request = pending_request(b, tokens["bob"], "sharedgrant_hold")
    status, body = api(b, tokens["bob"], "POST", f"/api/v1/approvals/{request['id']}/approve",
                       {"reason": "incident 12", "grant": {"kind": "time-boxed", "minutes": 5}})
    assert status == 200 and body["grant"]["kind"] == "time-boxed", body
    held.join()
    assert held.error is None, held.error

    # On c, the same person's read of the same table proceeds under the grant, at once (held, it
    # would wait for a decision nobody takes here and fail at the deadline).
    offset = upstream.server.log_size()
    with psycopg.connect(dsn(c, tokens["ann"]), autocommit=True) as conn:
        rows = conn.execute("SELECT email, 'sharedgrant_other' FROM customers WHERE id = 7").fetchall()
    assert rows and "@" not in rows[0][0], rows
    assert ran(upstream, offset, "sharedgrant_other") == 1
    used = [e for e in steps(instances, request["id"]) if e.payload["step"] == "grant_used"]
    assert len(used) == 2 and used[-1].principal["subject"] == "agent-ann", used

    # It covers that person only: another requester's read of the table through c is held.
    other = Held(c, tokens["dan"], "SELECT email, 'sharedgrant_dan' FROM customers WHERE id = 7")
    pending = pending_request(b, tokens["bob"], "sharedgrant_dan")
    status, _ = api(b, tokens["bob"], "POST", f"/api/v1/approvals/{pending['id']}/deny", {"reason": "not covered"})
    assert status == 200
    other.join()
    assert other.error is not None and ran(upstream, offset, "sharedgrant_dan") == 0
    held.conn.close()
    other.conn.close()


def test_restarting_the_holder_cancels_its_request_and_restarting_another_changes_nothing(instances, upstream, tokens):
    a, b, c = instances["a"], instances["b"], instances["c"]
    offset = upstream.server.log_size()
    held = Held(a, tokens["ann"], "SELECT email, 'sharedrestart_a' FROM customers WHERE id = 8")
    request = pending_request(b, tokens["bob"], "sharedrestart_a")

    # c restarts: the request is still pending everywhere and c lists it again.
    c.stop()
    c.start()
    assert pending_request(c, tokens["dan"], "sharedrestart_a")["id"] == request["id"]
    assert held.done_at is None

    # a, the holder, dies and comes back: its client is gone, the request is cancelled and recorded.
    a.kill()
    held.join()
    assert held.error is not None
    a.start()
    def state():
        return api(b, tokens["bob"], "GET", f"/api/v1/approvals/{request['id']}")[1].get("state")
    assert ledger.wait_until(lambda: state() == "cancelled", timeout=10), state()
    status, listed = api(c, tokens["dan"], "GET", "/api/v1/approvals")
    assert status == 200 and request["id"] not in [r["id"] for r in listed], listed
    status, body = api(b, tokens["bob"], "POST", f"/api/v1/approvals/{request['id']}/approve",
                       {"reason": "late", "grant": {"kind": "one-time"}})
    assert status == 409 and body["error"]["code"] == "not_pending", body
    cancelled = [e for e in steps(instances, request["id"]) if e.payload["step"] == "cancelled"]
    assert cancelled and "restarted" in cancelled[0].payload["comment"] and cancelled[0].principal["subject"] == "agent-ann", cancelled
    assert ran(upstream, offset, "sharedrestart_a") == 0


def test_two_approvers_deciding_at_once_on_two_instances_cannot_both_win(instances, upstream, tokens):
    a, b, c = instances["a"], instances["b"], instances["c"]
    for round_number in range(5):
        marker = f"sharedrace_{round_number}x"
        offset = upstream.server.log_size()
        held = Held(a, tokens["ann"], f"SELECT email, '{marker}' FROM customers WHERE id = 9")
        request = pending_request(b, tokens["bob"], marker)
        assert pending_request(c, tokens["dan"], marker)
        answers = {}
        barrier = threading.Barrier(2)
        def decide(who, gw, action):
            body = {"reason": f"{who} decides"} | ({"grant": {"kind": "one-time"}} if action == "approve" else {})
            barrier.wait()
            answers[who] = api(gw, tokens[who], "POST", f"/api/v1/approvals/{request['id']}/{action}", body)
        deciders = [threading.Thread(target=decide, args=("bob", b, "approve")),
                    threading.Thread(target=decide, args=("dan", c, "deny"))]
        for thread in deciders:
            thread.start()
        for thread in deciders:
            thread.join(30)
        statuses = sorted(status for status, _ in answers.values())
        assert statuses == [200, 409], answers
        winner = next(who for who, (status, _) in answers.items() if status == 200)
        held.join()
        if winner == "bob":
            assert held.error is None and ran(upstream, offset, marker) == 1, held.error
        else:
            assert held.error is not None and ran(upstream, offset, marker) == 0
        recorded = [e.payload["step"] for e in steps(instances, request["id"])]
        assert recorded == (["requested", "approved", "grant_used"] if winner == "bob" else ["requested", "denied"]), recorded
        held.conn.close()


def test_with_the_store_down_no_decision_is_taken_and_approvals_resume_by_themselves(instances, upstream, tokens):
    a, b = instances["a"], instances["b"]
    offset = upstream.server.log_size()
    held = Held(a, tokens["ann"], "SELECT email, 'sharedoutage_x' FROM customers WHERE id = 10")
    request = pending_request(b, tokens["bob"], "sharedoutage_x")
    instances.store.stop()
    try:
        status, body = api(b, tokens["bob"], "POST", f"/api/v1/approvals/{request['id']}/approve",
                           {"reason": "during the outage", "grant": {"kind": "one-time"}})
        # Fail closed: the approver is told nothing was decided, and nothing ran.
        assert status == 503 and body["error"]["code"] == "store_unavailable", body
        assert "nothing was decided" in body["error"]["message"], body
        time.sleep(1)
        assert held.done_at is None and ran(upstream, offset, "sharedoutage_x") == 0
    finally:
        instances.store.restart()
    # Back: the same approval goes through and a, which lost its listening connection, hears it.
    def approve():
        status, body = api(b, tokens["bob"], "POST", f"/api/v1/approvals/{request['id']}/approve",
                           {"reason": "after the outage", "grant": {"kind": "one-time"}})
        return body if status == 200 else None
    decided = ledger.wait_until(approve, timeout=30)
    assert decided and decided["outcome"] == "approved", decided
    held.join()
    assert held.error is None, held.error
    assert ran(upstream, offset, "sharedoutage_x") == 1
    assert [e.payload["step"] for e in steps(instances, request["id"])] == ["requested", "approved", "grant_used"]
    held.conn.close()


class CookieJarClient:
    """Just enough of a browser across several gateways on one host: one cookie jar (cookies are
    scoped to the host, not the port, as a browser scopes them), no redirects followed."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, url: str, method: str = "GET", form: dict | None = None) -> tuple[int, dict, str]:
        parsed = urllib.parse.urlparse(url)
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, f"{parsed.path}?{parsed.query}" if parsed.query else parsed.path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            cookie = rest.split(";", 1)[0]
            if "Max-Age=0" in value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = cookie
        connection.close()
        return response.status, dict(response.headers), text


def ui_url(gw, path: str) -> str:
    host, port = gw.gateway.http_address
    return f"http://{host}:{port}{path}"


@pytest.fixture
def ui_instances(tmp_path, upstream, store, provider):
    """Three instances behind one public URL (a's), as behind a load balancer: the provider sends
    every sign-in back to that URL, and the test delivers it to whichever instance it chooses."""
    started = Instances(tmp_path, upstream, shared_store.empty(store), ["a", "b", "c"], approval=APPROVAL,
                        issuers=[Issuer(provider.issuer, [CLIENT_ID], ["RS256"])],
                        web={"login": {"issuer": provider.issuer, "client_id": CLIENT_ID, "client_secret_env": "GH_UI_CLIENT_SECRET"}})
    public = None
    for name in "abc":
        gateway = started[name]
        gateway.env["GH_UI_CLIENT_SECRET"] = "ui-test-secret"
        if public is None:
            public = f"http://127.0.0.1:{gateway_http_port(gateway)}"
        gateway.yaml = gateway.yaml.replace("web: {", f"web: {{public_url: '{public}', ", 1)
    started.start()
    yield started
    started.stop()


def gateway_http_port(gateway) -> int:
    return int(re.search(r"\n  http:\n(?:    .*\n)*?    port: (\d+)", gateway.yaml).group(1))


def test_a_sign_in_started_on_one_instance_completes_on_another_and_holds_on_all(ui_instances, provider):
    a, b, c = ui_instances["a"], ui_instances["b"], ui_instances["c"]
    browser = CookieJarClient()
    status, headers, _ = browser.request(ui_url(a, "/ui/login?return=/ui/approvals"))
    assert status == 303 and headers["Location"].startswith(provider.issuer), (status, headers)
    authorize = urllib.parse.urlparse(headers["Location"])
    status, headers, _ = browser.request(f"{provider.issuer}{authorize.path}?{authorize.query}", "POST", {"sub": "dpo-bob"})
    assert status == 302, (status, headers)
    callback = urllib.parse.urlparse(headers["Location"])
    assert callback.path == "/ui/callback", callback
    # The load balancer sends the provider's answer to b, which never saw the sign-in start.
    status, headers, body = browser.request(ui_url(b, f"/ui/callback?{callback.query}"))
    assert status == 303 and headers["Location"] == "/ui/approvals", (status, headers, body[-800:])
    assert "gatehouse_session" in browser.cookies

    # Signed in on every instance, including one restarted since.
    c.stop()
    c.start()
    for gateway in (a, b, c):
        status, _, page = browser.request(ui_url(gateway, "/ui/approvals"))
        assert status == 200 and "Pending approvals" in page, (gateway.name, status, page[-500:])

    # The provider's answer replayed, on another instance: nobody is signed in by it.
    replayer = CookieJarClient()
    status, _, _ = replayer.request(ui_url(c, f"/ui/callback?{callback.query}"))
    assert status != 303 and "gatehouse_session" not in replayer.cookies

    # Signing out on c ends the session on a and b too.
    _, _, page = browser.request(ui_url(c, "/ui/approvals"))
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    kept = browser.cookies["gatehouse_session"]
    status, _, _ = browser.request(ui_url(c, "/ui/logout"), "POST", {"csrf": csrf})
    assert status == 200, status
    browser.cookies["gatehouse_session"] = kept  # a stolen copy of the cookie
    # c ended it at once; a and b as soon as the store's announcement reaches them (milliseconds,
    # longer on a loaded machine).
    def signed_out(gateway):
        status, headers, _ = browser.request(ui_url(gateway, "/ui/approvals"))
        return status == 303 and "/ui/login" in headers["Location"]
    assert signed_out(c)
    for gateway in (a, b):
        assert ledger.wait_until(lambda: signed_out(gateway), timeout=10), gateway.name


GIT_TOKEN_ENV = "GH_SHARED_GIT_TOKEN"


@pytest.fixture(scope="module")
def upstream_git(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("shared-git-upstream"))
    make_bare(root, "hr/people", files={"README.md": "# people tooling\n"}, commits=2)
    yield from serve_with_credential(root)


def test_a_git_clone_held_on_one_instance_is_approved_through_another(tmp_path, upstream, store, provider, tokens, upstream_git):
    connection = GitConnection("code", upstream_git.base_url, token_env=GIT_TOKEN_ENV, username="svc",
                               personal_data_repositories=[{"path": "hr/**", "categories": ["employee"]}],
                               approval={"approver_groups": ["approvers"], "hold_seconds": 30, "max_grant_minutes": 30})
    started = Instances(tmp_path, upstream, shared_store.empty(store), ["a", "b"], git_connections=[connection],
                        issuers=[Issuer(provider.issuer, [CLIENT_ID], ["RS256"])])
    for name in "ab":
        started[name].env[GIT_TOKEN_ENV] = upstream_git.password
    started.start()
    try:
        a, b = started["a"], started["b"]
        host, port = a.gateway.http_address
        result = {}
        clone_args = ["-c", f"http.extraHeader=Authorization: Bearer {tokens['ann']}"]
        worker = threading.Thread(target=lambda: result.setdefault("clone", clone(
            f"http://{host}:{port}/git/code/hr/people.git", str(tmp_path / "people"), extra_args=clone_args)), daemon=True)
        worker.start()

        def held():
            status, body = api(b, tokens["bob"], "GET", "/api/v1/approvals")
            return next((r for r in body if r.get("repositories") == ["hr/people.git"]), None) if status == 200 else None
        request = ledger.wait_until(held, timeout=30)
        assert request, "the clone held on a is not listed on b"
        packs = [r for r in upstream_git.requests if r.method == "POST" and r.path.endswith("hr/people.git/git-upload-pack")]
        status, body = api(b, tokens["bob"], "POST", f"/api/v1/approvals/{request['id']}/approve",
                           {"reason": "HR-7", "grant": {"kind": "one-time"}})
        assert status == 200 and body["outcome"] == "approved", body
        worker.join(60)
        assert result["clone"].returncode == 0, result["clone"].stderr
        after = [r for r in upstream_git.requests if r.method == "POST" and r.path.endswith("hr/people.git/git-upload-pack")]
        assert len(after) > len(packs), "the pack was not fetched upstream after the approval"
        assert rev_parse(str(tmp_path / "people")) == rev_parse(os.path.join(upstream_git.root, "hr/people.git"))
        recorded = [e.payload["step"] for e in steps(started, request["id"])]
        assert recorded[:3] == ["requested", "approved", "grant_used"], recorded
    finally:
        started.stop()
