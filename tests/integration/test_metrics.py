"""Prometheus metrics at /metrics (docs/deployment.md, "Metrics"): what a real client did through
the gateway is counted (sessions, statements, refusals, holds and decisions, masked values, ledger
appends), and nothing an agent sends or an upstream holds ever becomes a label: no identifier from
the demo data (read from the upstream itself), no token, no database name an agent made up."""

import re
import urllib.request

import psycopg
import pytest

from harness import clients, ledger
from harness.approvals_api import Held, api, pending_request

APPROVAL = {"approver_groups": ["approvers"], "hold_seconds": 30, "max_grant_minutes": 30}


@pytest.fixture(scope="module")
def gw(tmp_path_factory, upstream):
    gateway = ledger.LedgerGateway(str(tmp_path_factory.mktemp("metrics")), upstream, name="metrics-gw", approval=APPROVAL)
    gateway.start()
    yield gateway
    gateway.stop()


def scrape(gw) -> str:
    """GET /metrics as Prometheus does: no credential."""
    host, port = gw.gateway.http_address
    with urllib.request.urlopen(f"http://{host}:{port}/metrics", timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return response.read().decode()


def value(text: str, name: str, **labels) -> float:
    """The sample's value (0 when absent); labels must match exactly those given."""
    for line in text.splitlines():
        match = re.match(r"^([a-z_]+)(?:\{(.*)\})? (\S+)$", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
        if found == labels:
            return float(match.group(3))
    return 0.0


def test_what_clients_do_is_counted_and_nothing_they_send_becomes_a_label(gw, upstream):
    agent = gw.gateway.token("agent-mia", username="mia")
    approver = gw.gateway.token("dpo-ola", groups=("engineers", "approvers"), username="ola")
    before = scrape(gw)

    # Ordinary statements; a masked read; a refused login with a made-up database name.
    with psycopg.connect(clients.gateway_dsn(gw.port, "shop", agent, sslmode="disable"), autocommit=True) as conn:
        conn.execute("SELECT 1").fetchall()
        with pytest.raises(psycopg.Error):
            conn.execute("SELECT * FROM no_such_table_here")
    with psycopg.connect(clients.gateway_dsn(gw.port, "shop_masked", agent, sslmode="disable"), autocommit=True) as conn:
        rows = conn.execute("SELECT email, phone FROM customers ORDER BY id LIMIT 5").fetchall()
    assert rows and all("@" not in email for email, _ in rows)
    made_up = "exfil_mia_at_example_dot_com"
    with pytest.raises(psycopg.Error):
        psycopg.connect(clients.gateway_dsn(gw.port, made_up, "not-a-token", sslmode="disable"), connect_timeout=10).close()
    # A held statement, approved.
    held = Held(gw, agent, "SELECT email, 'metricshold' FROM customers WHERE id = 2")
    request = pending_request(gw, approver, "metricshold")
    status, _ = api(gw, approver, "POST", f"/api/v1/approvals/{request['id']}/approve", {"reason": "ok", "grant": {"kind": "one-time"}})
    assert status == 200
    held.join()
    assert held.error is None, held.error
    held.conn.close()

    # Sessions close asynchronously after the client goes.
    def settled():
        text = scrape(gw)
        return text if value(text, "gatehouse_postgres_sessions_active", connection="shop") == \
            value(before, "gatehouse_postgres_sessions_active", connection="shop") else None
    after = ledger.wait_until(settled, timeout=10) or scrape(gw)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)
    assert grew("gatehouse_authentications_total", protocol="postgres", connection="shop", result="accepted") >= 1
    assert grew("gatehouse_authentications_total", protocol="unknown", connection="unknown", result="refused") >= 1
    assert grew("gatehouse_refusals_total", protocol="unknown", reason="authentication") >= 1
    assert grew("gatehouse_statements_total", connection="shop", result="completed") >= 1
    assert grew("gatehouse_statements_total", connection="shop", result="failed") >= 1
    assert grew("gatehouse_upstream_errors_total", protocol="postgres", connection="shop") >= 1
    assert grew("gatehouse_masked_values_total", protocol="postgres") >= 10  # five emails, five phones
    for step in ("requested", "approved", "grant_used"):
        assert grew("gatehouse_approval_steps_total", protocol="postgres", connection="shop_approval", step=step) >= 1, step
    assert grew("gatehouse_approval_decision_seconds_count") >= 1
    assert grew("gatehouse_ledger_events_total") >= 8
    assert grew("gatehouse_ledger_append_seconds_count") >= 3
    assert -1 < value(after, "gatehouse_ledger_checkpoint_age_seconds") < 60

    # Nothing personal or secret: ground truth read from the upstream directly, and what we sent.
    with psycopg.connect(upstream.admin_dsn("shop")) as conn:
        identifiers = [v for row in conn.execute("SELECT email, phone, full_name FROM customers") for v in row if v]
    assert identifiers
    leaked = [v for v in identifiers if v in after]
    assert not leaked, leaked[:5]
    for secret in (agent, approver, "not-a-token", made_up, "mia", "ola", "agent-mia"):
        assert secret not in after, secret

