"""Approval notifications against a local receiver: a held statement is announced to a signed
generic webhook, a Slack incoming webhook and a Teams workflow webhook; the receiver checks the
HMAC-SHA256 signature (docs/notifications.md), the payloads carry the request, the masked
statement and the approval link and never the identifier; the decision is announced too; and the
ledger records that the targets were notified."""

import hashlib
import hmac
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg
import pytest

from harness import clients, ledger
from harness.events import EventStore
from harness.ports import free_port

SECRET = "receiver-shared-secret-0123456789"


class Receiver:
    """A loopback HTTP server that keeps every POST: path, headers, body."""

    def __init__(self):
        self.posts: list[tuple[str, dict, bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.posts.append((self.path, dict(self.headers), body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def bodies(self, path: str) -> list[tuple[dict, bytes]]:
        return [(headers, body) for p, headers, body in self.posts if p == path]


def verify_signature(header: str, body: bytes, secret: str, tolerance: int = 300) -> None:
    fields = dict(part.split("=", 1) for part in header.split(","))
    timestamp = int(fields["t"])
    assert abs(time.time() - timestamp) <= tolerance, "stale signature"
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, fields["v1"]), "signature mismatch"


@pytest.fixture(scope="module")
def receiver():
    server = Receiver()
    yield server
    server.server.shutdown()


@pytest.fixture(scope="module")
def gw(tmp_path_factory, upstream, receiver):
    os.environ["APPROVAL_TEST_WEBHOOK_SECRET"] = SECRET
    gateway = ledger.LedgerGateway(
        str(tmp_path_factory.mktemp("notify")), upstream, name="notify-gw",
        approval={"approver_groups": ["approvers"], "hold_seconds": 20},
        notifications=[
            {"name": "ops-webhook", "kind": "webhook", "url": receiver.url("/hook"), "secret_env": "APPROVAL_TEST_WEBHOOK_SECRET"},
            {"name": "dpo-slack", "kind": "slack", "url": receiver.url("/slack")},
            {"name": "dpo-teams", "kind": "teams", "url": receiver.url("/teams")},
        ])
    gateway.env["APPROVAL_TEST_WEBHOOK_SECRET"] = SECRET
    gateway.start()
    yield gateway
    gateway.stop()


def test_requests_and_decisions_are_announced(gw, receiver, admin):
    run = gw.gateway
    agent = run.token("agent-nia", groups=("engineers",), username="nia", agent="claude-code")
    approver = run.token("dpo-oli", groups=("engineers", "approvers"), username="oli")
    email = admin.execute("SELECT email FROM customers WHERE id = 9").fetchone()[0]
    conn = psycopg.connect(clients.gateway_dsn(gw.port, "shop_approval", agent, sslmode="disable"), autocommit=True)
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.setdefault("rows", conn.execute(
        f"/* purpose: NOTIFY-1 */ SELECT id, 'notifymark' FROM customers WHERE email = '{email}'").fetchall()), daemon=True)
    thread.start()

    assert ledger.wait_until(lambda: len(receiver.bodies("/hook")) >= 1 and receiver.bodies("/slack") and receiver.bodies("/teams"),
                             timeout=20), receiver.posts
    headers, body = receiver.bodies("/hook")[0]
    verify_signature(headers["X-Gatehouse-Signature"], body, SECRET)
    with pytest.raises(AssertionError):
        verify_signature(headers["X-Gatehouse-Signature"], body + b" ", SECRET)
    notice = json.loads(body)
    assert notice["type"] == "approval.requested" and notice["approval"]["request_id"].startswith("apr_"), notice
    request_id = notice["approval"]["request_id"]
    text = json.dumps(notice)
    assert "notifymark" in text and "NOTIFY-1" in text and request_id in text
    assert email not in text, "the identifier reached a notification"
    for path in ("/slack", "/teams"):
        payload = receiver.bodies(path)[0][1].decode()
        assert request_id in payload and email not in payload and f"/ui/approvals/{request_id}" in payload, path
        assert "X-Gatehouse-Signature" not in receiver.bodies(path)[0][0]
    teams = json.loads(receiver.bodies("/teams")[0][1])
    card = teams["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert any(action["type"] == "Action.OpenUrl" for action in card["content"]["actions"])

    host, port = run.http_address
    import urllib.request
    request = urllib.request.Request(f"http://{host}:{port}/api/v1/approvals/{request_id}/approve", method="POST",
                                     data=json.dumps({"reason": "ok", "grant": {"kind": "one-time"}}).encode(),
                                     headers={"Authorization": f"Bearer {approver}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
    thread.join(30)
    assert outcome.get("rows") and outcome["rows"][0][1] == "notifymark"
    conn.close()

    def decided():
        return [json.loads(b) for _, b in receiver.bodies("/hook") if json.loads(b)["type"] == "approval.approved"]
    approved = ledger.wait_until(decided, timeout=20)
    assert approved and approved[0]["approval"]["request_id"] == request_id

    steps = [e.payload for e in EventStore(gw.data_dir).since(0) if e.kind == "approval" and e.payload["requestID"] == request_id]
    notified = [s for s in steps if s["step"] == "notified"]
    assert notified and notified[0]["notified"] == ["webhook", "slack", "teams"], steps
