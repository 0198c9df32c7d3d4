"""The approvals REST API (docs/approvals-api.md), called as an approver or requester would."""

import json
import threading
import time
import urllib.error
import urllib.request

import psycopg

from . import clients, ledger


def api(gw, token: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict | list]:
    """`method path` on the gateway's HTTP listener with the token as Bearer; (status, JSON body)."""
    host, port = gw.gateway.http_address
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://{host}:{port}{path}", data=data, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def dsn(gw, token: str, **extra) -> str:
    return clients.gateway_dsn(gw.port, "shop_approval", token, sslmode="disable", **extra)


class Held:
    """Runs statements in a psycopg session on a thread, so the test can decide meanwhile."""

    def __init__(self, gw, token: str, sql: str, application_name: str = "approval-test", conn=None):
        self.conn = conn or psycopg.connect(dsn(gw, token, application_name=application_name), autocommit=True)
        # The gateway's notices (SQLSTATE, severity, message, hint) as they arrive. Read them in
        # the handler: psycopg's Diagnostic is only valid during the callback.
        self.notices: list[tuple[str, str, str, str]] = []
        self.conn.add_notice_handler(lambda n: self.notices.append(
            (n.sqlstate, n.severity_nonlocalized, n.message_primary, n.message_hint)))
        self.result: list | None = None
        self.error: Exception | None = None
        self.done_at: float | None = None
        self.thread = threading.Thread(target=self._run, args=(sql,), daemon=True)
        self.thread.start()

    def _run(self, sql: str) -> None:
        try:
            self.result = self.conn.execute(sql).fetchall()
        except Exception as error:  # the test inspects it
            self.error = error
        self.done_at = time.monotonic()

    def join(self, timeout: float = 30) -> "Held":
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the held statement never finished"
        return self


def pending_request(gw, token: str, marker: str, timeout: float = 15) -> dict:
    def find():
        status, body = api(gw, token, "GET", "/api/v1/approvals")
        assert status == 200, body
        return next((r for r in body if marker in r.get("maskedStatement", "")), None)
    request = ledger.wait_until(find, timeout=timeout)
    assert request, f"no pending request for {marker}"
    return request
