"""Just-in-time approval on PostgreSQL: a statement that reads classified data is held until an
approver decides through the REST API; approved, it runs and its rows come back masked; denied or
not decided in time, the client gets a stable SQLSTATE naming the request and the session stays
usable. Grants: one-time covers exactly one run, time-boxed covers the approved tables until it
expires. Every step is in the ledger, linked to the statements by statement ID."""

import datetime
import json
import os
import subprocess
import time

import psycopg
import pytest

from harness import ledger
from harness.approvals_api import Held, api, dsn, pending_request
from harness.events import EventStore, parse_time
from harness.gateway import binary

APPROVAL = {"approver_groups": ["approvers"], "hold_seconds": 8, "max_grant_minutes": 30}


@pytest.fixture(scope="module")
def gw(tmp_path_factory, upstream):
    gateway = ledger.LedgerGateway(str(tmp_path_factory.mktemp("approval")), upstream, name="approval-gw", approval=APPROVAL)
    gateway.start()
    yield gateway
    gateway.stop()


@pytest.fixture(scope="module")
def tokens(gw):
    run = gw.gateway
    return {
        "agent": run.token("agent-ann", groups=("engineers",), username="ann", agent="claude-code"),
        "approver": run.token("dpo-bob", groups=("engineers", "approvers"), username="bob"),
        "outsider": run.token("eve", groups=("engineers",), username="eve"),
        # Its own requester: the time-boxed grant it gets would cover the other tests' statements.
        "boxed": run.token("agent-carl", groups=("engineers",), username="carl"),
    }


def approval_events(gw, request_id: str) -> list:
    return [e for e in EventStore(gw.data_dir).since(0) if e.kind == "approval" and e.payload["requestID"] == request_id]


def test_approved_statement_runs_masked_and_is_evidence(gw, tokens):
    marker = "apprmark_one"
    held = Held(gw, tokens["agent"], f"/* purpose: TICKET-7 check contact data */ SELECT email, '{marker}' FROM customers WHERE id = 3",
                application_name="approval-test")
    request = pending_request(gw, tokens["approver"], marker)
    assert held.done_at is None, "the statement ran before anyone approved it"
    assert request["requester"]["subject"] == "agent-ann" and request["purpose"]["text"] == "TICKET-7 check contact data"
    # The waiting client is told, while it waits, which request holds it and where it is decided.
    notices = ledger.wait_until(lambda: list(held.notices), timeout=10)
    assert len(notices) == 1, f"expected the hold's notice, got {notices}"
    sqlstate, severity, message, hint = notices[0]
    assert (sqlstate, severity) == ("GH004", "NOTICE"), notices
    assert request["id"] in message and "at most" in message, message
    assert hint.endswith(f"/ui/approvals/{request['id']}"), hint
    assert "public.customers" in request["tables"] and "contact" in request["categories"]

    # Four-eyes: the requester cannot approve; neither can someone outside the approver groups.
    status, body = api(gw, tokens["agent"], "POST", f"/api/v1/approvals/{request['id']}/approve",
                       {"reason": "mine", "grant": {"kind": "one-time"}})
    assert status in (403, 404), body
    status, body = api(gw, tokens["outsider"], "POST", f"/api/v1/approvals/{request['id']}/approve",
                       {"reason": "why not", "grant": {"kind": "one-time"}})
    assert status in (403, 404), body
    assert held.done_at is None

    decided_at = time.monotonic()
    status, body = api(gw, tokens["approver"], "POST", f"/api/v1/approvals/{request['id']}/approve",
                       {"reason": "ticket checked", "grant": {"kind": "one-time"}})
    assert status == 200, body
    held.join()
    assert held.error is None, held.error
    (row,) = held.result
    assert row[1] == marker and "@" not in row[0], row  # masked: the address never reaches the agent
    print(f"decision to rows: {(held.done_at - decided_at) * 1000:.1f} ms")

    steps = [e.payload["step"] for e in approval_events(gw, request["id"])]
    assert steps == ["requested", "approved", "grant_used"], steps
    requested, approved, used = approval_events(gw, request["id"])
    assert requested.principal["subject"] == "agent-ann" and approved.principal["subject"] == "dpo-bob"
    assert requested.payload["purpose"] == "TICKET-7 check contact data" and approved.payload["comment"] == "ticket checked"
    assert marker in requested.payload["statement"]
    statements = [e for e in EventStore(gw.data_dir).since(0)
                  if e.kind == "statement" and e.session_id == requested.session_id and marker in e.payload["text"]]
    assert [s.payload["statementID"] for s in statements] == requested.payload["statementIDs"] == used.payload["statementIDs"]
    assert statements[0].seq > approved.seq  # recorded after the decision, before it ran

    # The one-time grant was spent: the same statement is held again.
    again = Held(gw, tokens["agent"], f"/* purpose: TICKET-7 check contact data */ SELECT email, '{marker}' FROM customers WHERE id = 3")
    second = pending_request(gw, tokens["approver"], marker)
    assert second["id"] != request["id"]
    status, _ = api(gw, tokens["approver"], "POST", f"/api/v1/approvals/{second['id']}/deny", {"reason": "once was enough"})
    assert status == 200
    again.join()
    held.conn.close()
    again.conn.close()


def test_denied_statement_gets_a_stable_error_and_the_session_stays_usable(gw, tokens):
    marker = "apprmark_deny"
    held = Held(gw, tokens["agent"], f"SELECT iban, '{marker}' FROM customers WHERE id = 4")
    request = pending_request(gw, tokens["approver"], marker)
    status, body = api(gw, tokens["approver"], "POST", f"/api/v1/approvals/{request['id']}/deny", {"reason": "no ticket"})
    assert status == 200, body
    held.join()
    assert isinstance(held.error, psycopg.Error), held.error
    assert held.error.sqlstate == "GH001"
    assert request["id"] in str(held.error) and "no ticket" in str(held.error)
    assert request["id"] in (held.error.diag.message_hint or "")
    # The session is still usable: a statement that touches no personal data runs at once.
    assert held.conn.execute("SELECT 1").fetchone() == (1,)
    held.conn.close()
    assert [e.payload["step"] for e in approval_events(gw, request["id"])] == ["requested", "denied"]


def test_undecided_statement_times_out(gw, tokens):
    marker = "apprmark_timeout"
    started = time.monotonic()
    held = Held(gw, tokens["agent"], f"SELECT phone, '{marker}' FROM customers WHERE id = 5").join(timeout=40)
    assert isinstance(held.error, psycopg.Error) and held.error.sqlstate == "GH002", held.error
    assert held.done_at - started >= APPROVAL["hold_seconds"] - 1
    request_id = str(held.error).split("approval request ")[1].split()[0]
    assert [e.payload["step"] for e in approval_events(gw, request_id)] == ["requested", "expired"]
    assert held.conn.execute("SELECT 2").fetchone() == (2,)
    held.conn.close()


def test_time_boxed_grant_covers_other_statements_on_the_approved_tables(gw, tokens):
    marker = "apprmark_boxed"
    held = Held(gw, tokens["boxed"], f"SELECT email, '{marker}' FROM customers WHERE id = 6")
    request = pending_request(gw, tokens["approver"], marker)
    status, body = api(gw, tokens["approver"], "POST", f"/api/v1/approvals/{request['id']}/approve",
                       {"reason": "incident 42", "grant": {"kind": "time-boxed", "minutes": 10}})
    assert status == 200, body
    held.join()
    assert held.error is None, held.error
    # Another statement on the same table, same principal: covered, no hold.
    with psycopg.connect(dsn(gw, tokens["boxed"]), autocommit=True) as conn:
        rows = conn.execute("SELECT full_name, 'apprmark_covered' FROM customers WHERE id = 7").fetchall()
        assert rows and rows[0][1] == "apprmark_covered"
    # A longer grant than the policy allows is refused.
    longer = Held(gw, tokens["boxed"], "SELECT email, 'apprmark_long' FROM support_tickets, customers LIMIT 1")
    second = pending_request(gw, tokens["approver"], "apprmark_long")
    status, body = api(gw, tokens["approver"], "POST", f"/api/v1/approvals/{second['id']}/approve",
                       {"reason": "too long", "grant": {"kind": "time-boxed", "minutes": 600}})
    assert status == 422, body
    api(gw, tokens["approver"], "POST", f"/api/v1/approvals/{second['id']}/deny", {"reason": "done"})
    longer.join()
    held.conn.close()
    longer.conn.close()
    used = [e for e in EventStore(gw.data_dir).since(0) if e.kind == "approval" and e.payload["step"] == "grant_used"
            and e.payload["requestID"] == request["id"]]
    assert len(used) == 2 and used[0].payload["grant"]["kind"] == "time-boxed"


BYPASSES = {
    "view": "SELECT email, 'bypass_view' FROM approval_contacts",
    "cte": "WITH c AS (SELECT email FROM customers) SELECT email, 'bypass_cte' FROM c",
    "quoted_qualified": "SELECT \"email\", 'bypass_quoted' FROM \"public\".\"customers\"",
    "comment_split": "SELECT email, 'bypass_comment' FROM/**/customers",
    "copy": "COPY (SELECT email, 'bypass_copy' FROM customers) TO STDOUT",
    "function": "SELECT approval_emails(), 'bypass_function'",
    "do_block": "DO $$ BEGIN PERFORM email FROM customers; RAISE NOTICE 'bypass_do'; END $$",
    "prepared": "EXECUTE approval_prepared('bypass_prepared')",
}


@pytest.mark.parametrize("name", sorted(BYPASSES))
def test_bypass_attempts_are_held(gw, tokens, admin, name):
    admin.execute("CREATE OR REPLACE VIEW approval_contacts AS SELECT id, email FROM customers")
    admin.execute("CREATE OR REPLACE FUNCTION approval_emails() RETURNS SETOF text LANGUAGE sql AS 'SELECT email FROM customers'")
    admin.execute("GRANT SELECT ON approval_contacts TO PUBLIC")
    sql = BYPASSES[name]
    marker = sql.split("bypass_")[1].split("'")[0].split(")")[0]
    conn = psycopg.connect(dsn(gw, tokens["agent"]), autocommit=True)
    if name == "prepared":
        # Preparing reads the table too (held); approved once, the later EXECUTE must be held again.
        preparing = Held(gw, tokens["agent"], "PREPARE approval_prepared(text) AS SELECT email, $1 FROM customers WHERE id = 1",
                         conn=conn)
        request = pending_request(gw, tokens["approver"], "approval_prepared")
        api(gw, tokens["approver"], "POST", f"/api/v1/approvals/{request['id']}/approve", {"reason": "prepare", "grant": {"kind": "one-time"}})
        preparing.join()
    held = Held(gw, tokens["agent"], sql, conn=conn)
    request = pending_request(gw, tokens["approver"], f"bypass_{marker}" if name != "prepared" else "approval_prepared")
    assert held.done_at is None, f"{name}: ran without approval"
    status, body = api(gw, tokens["approver"], "POST", f"/api/v1/approvals/{request['id']}/deny", {"reason": f"bypass test {name}"})
    assert status == 200, body
    held.join()
    assert isinstance(held.error, psycopg.Error) and held.error.sqlstate == "GH001", (name, held.error)
    conn.close()
    # A view over classified data readable by everyone would fail later gateways' backstop check.
    admin.execute("DROP VIEW approval_contacts; DROP FUNCTION approval_emails()")


def test_cli_approval_and_the_access_request_names_it(gw, tokens, admin):
    """An approver in a terminal: `gatehouse approvals list/approve`; afterwards the data
    subject's access request shows the access ran under that approval."""


    email = admin.execute("SELECT email FROM customers WHERE id = 8").fetchone()[0]
    held = Held(gw, tokens["agent"], "SELECT email, 'apprmark_cli' FROM customers WHERE id = 8")
    request = pending_request(gw, tokens["approver"], "apprmark_cli")
    host, port = gw.gateway.http_address
    env = dict(gw.env, GATEHOUSE_TOKEN=tokens["approver"])

    def cli(*args):
        return subprocess.run([binary(), "approvals", *args, "--url", f"http://{host}:{port}"], capture_output=True, text=True,
                              env={**os.environ, **env}, timeout=60)
    listed = cli("list")
    assert listed.returncode == 0 and request["id"] in listed.stdout, listed.stdout + listed.stderr
    approved = cli("approve", request["id"], "--reason", "cli check", "--minutes", "5")
    assert approved.returncode == 0, approved.stdout + approved.stderr
    held.join()
    assert held.error is None and held.result[0][1] == "apprmark_cli"
    held.conn.close()
    refused = cli("approve", request["id"], "--reason", "again")
    assert refused.returncode == 1 and "409" in refused.stderr, refused.stdout + refused.stderr

    def answered():
        result = gw.audit("subject", "--email", email, "--json")
        assert result.returncode == 0, result.stderr
        accesses = [a for s in json.loads(result.stdout)["sessions"] for a in s["accesses"]]
        return [a for a in accesses if (a.get("approval") or "").startswith(request["id"])]
    assert ledger.wait_until(answered, timeout=15), "the access request does not name the approval"


def test_time_boxed_grant_stops_covering_after_it_expires(gw):
    """The shortest grant the API allows (1 minute): covers at once, not after it expired."""
    agent = gw.gateway.token("agent-dana", groups=("engineers",), username="dana")
    approver = gw.gateway.token("dpo-bob", groups=("engineers", "approvers"), username="bob")
    held = Held(gw, agent, "SELECT email, 'apprmark_expiry' FROM customers WHERE id = 10")
    request = pending_request(gw, approver, "apprmark_expiry")
    status, body = api(gw, approver, "POST", f"/api/v1/approvals/{request['id']}/approve",
                       {"reason": "one minute", "grant": {"kind": "time-boxed", "minutes": 1}})
    assert status == 200, body
    held.join()
    assert held.error is None, held.error
    used = ledger.wait_until(lambda: [e for e in approval_events(gw, request["id"]) if e.payload["step"] == "grant_used"], timeout=10)
    assert used, "no grant_used entry"
    with psycopg.connect(dsn(gw, agent), autocommit=True) as conn:
        assert conn.execute("SELECT city, 'apprmark_inside' FROM customers WHERE id = 11").fetchone()[1] == "apprmark_inside"
    # Wait out the grant (its expiry is in the ledger), then the same kind of statement is held again.
    deadline = parse_time(used[0].payload["grant"]["expires"])
    remaining = (deadline - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    assert 0 < remaining <= 61, remaining
    time.sleep(remaining + 1)
    after = Held(gw, agent, "SELECT city, 'apprmark_after' FROM customers WHERE id = 12", conn=held.conn)
    late = pending_request(gw, approver, "apprmark_after")
    assert after.done_at is None, "the expired grant still covered a statement"
    api(gw, approver, "POST", f"/api/v1/approvals/{late['id']}/deny", {"reason": "expired test"})
    after.join()
    assert isinstance(after.error, psycopg.Error) and after.error.sqlstate == "GH001"
    held.conn.close()


def test_cancel_withdraws_a_held_statement(gw, tokens):
    """Ctrl-C while a statement waits for approval: the client gets PostgreSQL's 57014 at once,
    and the ledger shows the request cancelled; the session goes on."""
    marker = "apprmark_cancel"
    # A requester of its own: grants other tests obtained must not cover the statement.
    requester = gw.gateway.token("agent-dora", groups=("engineers",), username="dora")
    held = Held(gw, requester, f"SELECT email, '{marker}' FROM customers WHERE id = 5")
    request = pending_request(gw, tokens["approver"], marker)
    cancelled_at = time.monotonic()
    held.conn.cancel()
    held.join(timeout=10)
    assert isinstance(held.error, psycopg.errors.QueryCanceled), held.error
    assert held.error.sqlstate == "57014" and "canceling statement due to user request" in str(held.error)
    assert held.done_at - cancelled_at < 1.0, f"the cancel took {held.done_at - cancelled_at:.2f} s"
    steps = ledger.wait_until(lambda: [e.payload["step"] for e in approval_events(gw, request["id"])
                                       if e.payload["step"] == "cancelled"], timeout=10)
    assert steps == ["cancelled"]
    # No longer pending, and the session still serves.
    status, body = api(gw, tokens["approver"], "GET", "/api/v1/approvals")
    assert status == 200 and request["id"] not in [r["id"] for r in body]
    assert held.conn.execute("SELECT 'after cancel'").fetchone() == ("after cancel",)
    held.conn.close()


def test_an_agent_cannot_flood_the_approvers(gw, tokens):
    """Each held statement is an approval request; one person may have at most 10 waiting (over
    all sessions). The 11th is refused at once with 53400 and is not put to the approvers."""
    requester = gw.gateway.token("agent-flo", groups=("engineers",), username="flo")
    marker = "apprmark_flood"
    held = [Held(gw, requester, f"SELECT email, '{marker}{index}' FROM customers WHERE id = {index + 1}") for index in range(10)]
    for index in range(10):
        pending_request(gw, tokens["approver"], f"{marker}{index}")
    with psycopg.connect(dsn(gw, requester), autocommit=True) as conn:
        started = time.monotonic()
        with pytest.raises(psycopg.errors.ConfigurationLimitExceeded) as refused:
            conn.execute(f"SELECT email, '{marker}10' FROM customers WHERE id = 11")
        assert time.monotonic() - started < 5
        assert "already have 10 approval requests waiting" in str(refused.value)
        assert conn.execute("SELECT 'still usable'").fetchone() == ("still usable",)
    status, body = api(gw, tokens["approver"], "GET", "/api/v1/approvals")
    assert status == 200 and not [r for r in body if f"{marker}10" in r.get("maskedStatement", "")]
    # Someone else is not affected by flo's requests.
    other = Held(gw, gw.gateway.token("agent-gus", groups=("engineers",), username="gus"),
                 f"SELECT email, '{marker}gus' FROM customers WHERE id = 12")
    pending_request(gw, tokens["approver"], f"{marker}gus")
    for session in held + [other]:
        session.conn.cancel()
        session.join(timeout=10)
        session.conn.close()


def test_a_time_range_export_that_holds_a_held_statement_holds_its_approval(gw, tokens, tmp_path):
    """A held statement's time is when it arrived; its approval's, when an approver decided,
    later. A range ending in between still carries the approval steps that let it run."""
    marker = "apprmark_range"
    # A requester of its own: another test's time-boxed grant must not let this statement through.
    requester = gw.gateway.token("agent-rita", groups=("engineers",), username="rita", agent="claude-code")
    held = Held(gw, requester, f"/* purpose: TICKET-9 check */ SELECT email, '{marker}' FROM customers WHERE id = 5")
    request = pending_request(gw, tokens["approver"], marker)
    time.sleep(1.5)  # the decision comes well after the arrival
    status, body = api(gw, tokens["approver"], "POST", f"/api/v1/approvals/{request['id']}/approve",
                       {"reason": "range check", "grant": {"kind": "one-time"}})
    assert status == 200, body
    held.join()
    assert held.error is None, held.error
    events = EventStore(gw.data_dir).since(0)
    statement = next(e for e in events if e.kind == "statement" and marker in e.payload.get("text", ""))
    steps = {e.payload["step"]: e for e in approval_events(gw, request["id"])}
    assert set(steps) == {"requested", "approved", "grant_used"}
    start = statement.timestamp - datetime.timedelta(milliseconds=1)
    end = statement.timestamp + datetime.timedelta(milliseconds=500)
    assert steps["approved"].timestamp >= end, "the range must end before the decision for this test to mean anything"
    bundle = tmp_path / "range.gatehouse-evidence"
    exported = gw.audit("export", "--from", start.isoformat().replace("+00:00", "Z"), "--to", end.isoformat().replace("+00:00", "Z"),
                        "--output", str(bundle))
    assert exported.returncode == 0, exported.stdout + exported.stderr
    content = json.loads(bundle.read_bytes())
    indexes = {item["index"] for item in content["entries"]}
    assert statement.seq - 1 in indexes
    for step in ("requested", "approved", "grant_used"):
        assert steps[step].seq - 1 in indexes, f"the bundle lacks the {step} step of the statement it holds"
