"""The MCP endpoint (docs/mcp.md), with the official MCP Python SDK (PyPI `mcp`) as the client over
Streamable HTTP and a dev-issuer OIDC token as its bearer token. Ground truth is read from the
upstream PostgreSQL directly: the rows a direct read returns, the personal values a masked result
must not contain, and the upstream's own statement log, which shows what never reached it."""

import json
import os
import urllib.error
import urllib.request
import uuid

import psycopg
import pytest

from harness import clients, ground_truth, jwt_forge, ledger, mcp_client
from harness.ground_truth import leaked
from harness.approvals_api import api
from harness.stack import DEMO_PERSONAL_DATA

APPROVAL = {"approver_groups": ["approvers"], "hold_seconds": 60, "max_grant_minutes": 30}
MAX_ROWS = 50


@pytest.fixture(scope="module")
def gw(tmp_path_factory, upstream):
    ledger.ensure_ledger_role(upstream)
    with psycopg.connect(upstream.admin_dsn("shop"), autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS public.mcp_notes; CREATE TABLE public.mcp_notes (id serial PRIMARY KEY, note text); "
                     f"GRANT ALL ON public.mcp_notes, public.mcp_notes_id_seq TO {ledger.LEDGER_ROLE}")
    gateway = ledger.LedgerGateway(str(tmp_path_factory.mktemp("mcp")), upstream, name="mcp-gw", approval=APPROVAL,
                                   mcp={"enabled": True, "max_rows": MAX_ROWS}, mcp_writes=("shop_masked",))
    gateway.start()
    yield gateway
    gateway.stop()
    with psycopg.connect(upstream.admin_dsn("shop"), autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS public.mcp_notes")


@pytest.fixture(scope="module")
def url(gw):
    return mcp_client.endpoint(gw.gateway)


@pytest.fixture(scope="module")
def agent(gw):
    return gw.gateway.token("agent-mia", username="mia", agent="claude-code")


@pytest.fixture(scope="module")
def approver(gw):
    return gw.gateway.token("dpo-ola", groups=("engineers", "approvers"), username="ola")


@pytest.fixture(scope="module")
def raw_personal(upstream):
    return ground_truth.personal_values(upstream)


def direct_text_rows(upstream, sql: str) -> list[list]:
    """Rows as PostgreSQL's text format has them (what a simple-protocol client receives)."""
    with psycopg.connect(upstream.admin_dsn("shop")) as conn:
        cursor = conn.execute(sql)
        result = cursor.pgresult
        return [[None if result.get_value(r, c) is None else result.get_value(r, c).decode() for c in range(result.nfields)]
                for r in range(result.ntuples)]


def text_of(result) -> str:
    return "\n".join(getattr(c, "text", "") for c in result.content) + json.dumps(result.structured_content)


def http(url: str, method: str = "POST", headers: dict | None = None, body: dict | None = None):
    """A raw HTTP request to the endpoint: (status, headers, body text)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", "Accept": "application/json, text/event-stream", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}}


# --- The tools ------------------------------------------------------------------------------------


def test_an_unclassified_table_reads_exactly_as_directly(url, agent, upstream):
    sql = "SELECT * FROM products ORDER BY id LIMIT 20"

    async def scenario():
        async with mcp_client.session(url, agent) as mcp:
            tools = {tool.name for tool in (await mcp.list_tools()).tools}
            return mcp.protocol_version, tools, await mcp.call_tool("query", {"connection": "shop", "sql": sql, "purpose": "TICKET-1 price check"})
    version, tools, result = mcp_client.run(scenario())
    assert version == "2025-11-25"  # the newest revision the MCP Swift SDK speaks (the client asks for a later one)
    assert tools == {"list_connections", "describe", "query", "approval_status"}
    assert not result.is_error, text_of(result)
    direct = direct_text_rows(upstream, sql)
    assert len(direct) == 20
    assert result.structured_content["rows"] == direct
    assert result.structured_content["columns"] == ["id", "sku", "name", "category", "price", "in_stock"]
    assert result.structured_content["truncated"] is False


def test_list_connections_shows_only_what_the_groups_allow(url, agent, gw):
    listed = mcp_client.call(url, agent, "list_connections", {}).structured_content["connections"]
    assert {c["name"] for c in listed} == {"shop", "shop_masked", "shop_approval"}
    assert next(c for c in listed if c["name"] == "shop_masked")["writes"] is True
    outsider = gw.gateway.token("ext-max", groups=("marketing",), username="max")
    assert mcp_client.call(url, outsider, "list_connections", {}).structured_content["connections"] == []


def test_describe_shows_the_classification_and_no_values(url, agent, raw_personal):
    result = mcp_client.call(url, agent, "describe", {"connection": "shop_approval"})
    assert not result.is_error, text_of(result)
    tables = {f"{t['schema']}.{t['name']}": t for t in result.structured_content["tables"]}
    customers = {c["name"]: c["personal_data"] for c in tables["public.customers"]["columns"]}
    configured = next(t for t in DEMO_PERSONAL_DATA if t["table"] == "public.customers")["columns"]
    assert {name: category for name, category in customers.items() if category} == configured
    assert customers["id"] is None
    assert all(c["personal_data"] is None for c in tables["public.products"]["columns"])
    assert not leaked(text_of(result), raw_personal)
    one = mcp_client.call(url, agent, "describe", {"connection": "shop_approval", "table": "public.products"})
    assert [t["name"] for t in one.structured_content["tables"]] == ["products"]
    bad = mcp_client.call(url, agent, "describe", {"connection": "shop_approval", "table": "products'; DROP TABLE x; --"})
    assert bad.is_error and "table must be a name" in text_of(bad)


def test_a_result_over_the_row_limit_says_it_was_cut(url, agent):
    result = mcp_client.call(url, agent, "query", {"connection": "shop", "sql": "SELECT g FROM generate_series(1, 300) g", "max_rows": 10})
    content = result.structured_content
    assert (len(content["rows"]), content["row_count"], content["truncated"]) == (10, 300, True)
    assert "Truncated: 10 of 300 rows" in result.content[0].text
    capped = mcp_client.call(url, agent, "query", {"connection": "shop", "sql": "SELECT g FROM generate_series(1, 300) g", "max_rows": 100000})
    assert len(capped.structured_content["rows"]) == MAX_ROWS


def test_classified_rows_are_masked_like_psql_gets_them(url, agent, raw_personal, upstream):
    sql = "SELECT id, full_name, email, iban FROM customers ORDER BY id LIMIT 30"
    result = mcp_client.call(url, agent, "query", {"connection": "shop_masked", "sql": sql})
    assert not result.is_error, text_of(result)
    rows = result.structured_content["rows"]
    assert [row[0] for row in rows] == [row[0] for row in direct_text_rows(upstream, sql)]
    assert not leaked(text_of(result), raw_personal)


# --- Approval -------------------------------------------------------------------------------------


def held_call(url, token, sql, decide):
    """query on the approval connection: held; `decide(request_id)` runs; then approval_status."""
    async def scenario():
        async with mcp_client.session(url, token) as mcp:
            first = await mcp.call_tool("query", {"connection": "shop_approval", "sql": sql, "purpose": "TICKET-7 refund"})
            assert not first.is_error, text_of(first)
            assert first.structured_content["status"] == "pending", text_of(first)
            request_id = first.structured_content["request_id"]
            assert request_id in first.content[0].text and "/ui/approvals/" + request_id in first.structured_content["approval_url"]
            still = await mcp.call_tool("approval_status", {"request_id": request_id})
            assert still.structured_content["status"] == "pending"
            decide(request_id)
            final = await mcp.call_tool("approval_status", {"request_id": request_id, "wait_seconds": 20})
            again = await mcp.call_tool("approval_status", {"request_id": request_id})
            return request_id, first, final, again
    return mcp_client.run(scenario())


def test_a_held_read_is_released_by_approval_with_masked_rows(gw, url, agent, approver, raw_personal, upstream):
    sql = "SELECT id, email, national_id FROM customers WHERE id <= 5 ORDER BY id"
    before = gw.events.last_seq()

    def approve(request_id):
        status, body = api(gw, approver, "GET", f"/api/v1/approvals/{request_id}")
        assert status == 200 and body["purpose"]["text"] == "TICKET-7 refund" and body["state"] == "pending", json.dumps(body)
        status, body = api(gw, approver, "POST", f"/api/v1/approvals/{request_id}/approve", {"reason": "refund", "grant": {"kind": "one-time"}})
        assert status == 200, body
    request_id, _, final, again = held_call(url, agent, sql, approve)
    assert not final.is_error, text_of(final)
    rows = final.structured_content["rows"]
    assert [row[0] for row in rows] == ["1", "2", "3", "4", "5"]
    assert not leaked(text_of(final), raw_personal)
    assert again.is_error and "handed out once" in text_of(again)
    events = gw.events.wait_for(lambda es: any(e.kind == "outcome" for e in es), seq=before, timeout=10)
    steps = [e.payload.get("step") for e in events if e.kind == "approval" and e.payload.get("requestID") == request_id]
    assert steps[:3] == ["requested", "approved", "grant_used"], steps


def test_a_time_boxed_grant_lets_later_calls_run_without_a_hold(gw, url, approver, raw_personal):
    agent = gw.gateway.token("agent-noor", username="noor")

    def grant(request_id):
        status, body = api(gw, approver, "POST", f"/api/v1/approvals/{request_id}/approve",
                           {"reason": "incident 42", "grant": {"kind": "time-boxed", "minutes": 10}})
        assert status == 200, body
    _, _, final, _ = held_call(url, agent, "SELECT id, email FROM customers WHERE id = 1", grant)
    assert not final.is_error, text_of(final)
    later = mcp_client.call(url, agent, "query", {"connection": "shop_approval", "sql": "SELECT id, email FROM customers WHERE id = 2"})
    assert not later.is_error and later.structured_content["rows"][0][0] == "2", text_of(later)
    assert not leaked(text_of(later), raw_personal)


def test_a_denied_read_is_a_clear_error_and_never_reaches_the_database(gw, url, agent, approver, upstream):
    marker = f"mcpdeny{uuid.uuid4().hex[:8]}"
    sql = f"SELECT email, '{marker}' FROM customers WHERE id = 3"

    def deny(request_id):
        status, body = api(gw, approver, "POST", f"/api/v1/approvals/{request_id}/deny", {"reason": "no ticket"})
        assert status == 200, body
    request_id, _, final, _ = held_call(url, agent, sql, deny)
    assert final.is_error
    assert "GH001" in final.content[0].text and request_id in final.content[0].text, final.content[0].text
    assert marker not in upstream.server.read_log()


def test_a_statement_the_analysis_cannot_handle_is_held_not_run(gw, url, agent, approver, upstream):
    marker = f"mcpstats{uuid.uuid4().hex[:8]}"
    sql = f"SELECT most_common_vals::text, '{marker}' FROM pg_stats WHERE tablename = 'customers'"

    def deny(request_id):
        assert marker not in upstream.server.read_log()  # held: nothing reached the server
        status, body = api(gw, approver, "GET", f"/api/v1/approvals/{request_id}")
        assert status == 200 and "cannot" in json.dumps(body).lower() or "values of other tables" in json.dumps(body), body
        assert api(gw, approver, "POST", f"/api/v1/approvals/{request_id}/deny", {"reason": "no"})[0] == 200
    _, _, final, _ = held_call(url, agent, sql, deny)
    assert final.is_error and "GH001" in final.content[0].text
    assert marker not in upstream.server.read_log()


# --- Refusals -------------------------------------------------------------------------------------


def test_no_token_is_a_401_that_points_to_the_resource_metadata(gw, url):
    status, headers, body = http(url, body=INITIALIZE)
    assert status == 401, body
    challenge = headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer resource_metadata=")
    metadata_url = challenge.split('resource_metadata="')[1].split('"')[0]
    host, port = gw.gateway.http_address
    assert metadata_url == f"http://{host}:{port}/.well-known/oauth-protected-resource/mcp"
    with urllib.request.urlopen(metadata_url, timeout=10) as response:
        metadata = json.loads(response.read())
    assert metadata["resource"] == url
    assert metadata["authorization_servers"] == [f"http://{host}:{port}/dev-issuer"]
    assert metadata["bearer_methods_supported"] == ["header"]


def test_a_token_for_another_audience_is_refused_and_recorded(gw, url, agent):
    header, claims = jwt_forge.decode(agent)
    claims["aud"] = "someone-else"
    forged = jwt_forge.sign_es256(header, claims, jwt_forge.load_private_key(os.path.join(gw.data_dir, "dev-issuer-key.pem")))
    before = gw.events.last_seq()
    status, headers, body = http(url, headers={"Authorization": f"Bearer {forged}"}, body=INITIALIZE)
    assert status == 401, body
    assert 'error="invalid_token"' in headers["WWW-Authenticate"] and "resource_metadata=" in headers["WWW-Authenticate"]
    refused = [e for e in gw.events.wait_for(lambda es: es, seq=before) if e.kind == "authentication"]
    assert refused and refused[0].payload["accepted"] is False and refused[0].payload["clientApplication"] == "mcp"
    assert forged not in json.dumps([e.body for e in refused])


def test_a_group_not_allowed_gets_an_error_and_nothing_runs(gw, url, upstream):
    outsider = gw.gateway.token("ext-max", groups=("marketing",), username="max")
    marker = f"mcpgroup{uuid.uuid4().hex[:8]}"
    before = gw.events.last_seq()
    result = mcp_client.call(url, outsider, "query", {"connection": "shop", "sql": f"SELECT '{marker}'"})
    assert result.is_error and "may not use a connection named shop" in result.content[0].text
    events = gw.events.since(before)
    assert not [e for e in events if e.kind == "statement"]
    refusals = [e.payload for e in events if e.kind == "mcp" and e.payload.get("decision") == "refused"]
    assert refusals and refusals[0]["tool"] == "query"
    assert marker not in upstream.server.read_log()


@pytest.mark.parametrize("sql", [
    "DELETE FROM mcp_notes",
    "INSERT INTO mcp_notes (note) VALUES ('{marker}')",
    "WITH gone AS (DELETE FROM mcp_notes RETURNING id) SELECT count(*), '{marker}' FROM gone",
    "CREATE TABLE mcp_{marker} (id int)",
    "SET default_transaction_read_only = off",
    "SELECT 1; DELETE FROM mcp_notes",
    "COMMIT",
])
def test_a_write_on_a_read_only_connection_is_refused_before_anything_runs(url, agent, upstream, sql):
    marker = f"mcpro{uuid.uuid4().hex[:8]}"
    count = direct_text_rows(upstream, "SELECT count(*) FROM mcp_notes")
    result = mcp_client.call(url, agent, "query", {"connection": "shop", "sql": sql.format(marker=marker)})
    assert result.is_error, text_of(result)
    assert direct_text_rows(upstream, "SELECT count(*) FROM mcp_notes") == count
    assert marker not in upstream.server.read_log()


def test_a_write_hidden_in_a_function_is_refused_by_the_read_only_transaction(url, agent, upstream):
    before = direct_text_rows(upstream, "SELECT last_value FROM mcp_notes_id_seq")
    result = mcp_client.call(url, agent, "query", {"connection": "shop", "sql": "SELECT nextval('mcp_notes_id_seq')"})
    assert result.is_error and "25006" in result.content[0].text, text_of(result)
    assert direct_text_rows(upstream, "SELECT last_value FROM mcp_notes_id_seq") == before


def test_a_connection_that_allows_writes_runs_them(url, agent, upstream):
    marker = f"mcpwrite{uuid.uuid4().hex[:8]}"
    result = mcp_client.call(url, agent, "query", {"connection": "shop_masked", "sql": f"INSERT INTO mcp_notes (note) VALUES ('{marker}')"})
    assert not result.is_error, text_of(result)
    assert result.structured_content["command"] == "INSERT 0 1"
    assert direct_text_rows(upstream, f"SELECT note FROM mcp_notes WHERE note = '{marker}'") == [[marker]]


def test_statements_of_mcp_calls_count_against_the_listeners_connection_limit(tmp_path_factory, upstream):
    small = ledger.LedgerGateway(str(tmp_path_factory.mktemp("mcp-limit")), upstream, name="mcp-limit-gw", mcp={"enabled": True},
                                 postgres_listener={"max_connections": 2})
    small.start()
    try:
        token = small.gateway.token("agent-mia", username="mia")
        url = mcp_client.endpoint(small.gateway)
        first = psycopg.connect(clients.gateway_dsn(small.port, "shop", token, sslmode="disable"))
        with psycopg.connect(clients.gateway_dsn(small.port, "shop", token, sslmode="disable")):
            refused = mcp_client.call(url, token, "query", {"connection": "shop", "sql": "SELECT 1"})
            assert refused.is_error and "53300" in refused.content[0].text and "too many clients" in refused.content[0].text
        first.close()
        ran = mcp_client.call(url, token, "query", {"connection": "shop", "sql": "SELECT 1"})
        assert not ran.is_error and ran.structured_content["rows"] == [["1"]], text_of(ran)
    finally:
        small.stop()


# --- Sessions and transport -----------------------------------------------------------------------


def test_a_session_answers_only_the_person_who_opened_it(gw, url, agent):
    status, headers, body = http(url, headers={"Authorization": f"Bearer {agent}"}, body=INITIALIZE)
    assert status == 200, body
    session_id = headers["Mcp-Session-Id"]
    other = gw.gateway.token("agent-eve", username="eve")
    listing = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}
    status, _, body = http(url, headers={"Authorization": f"Bearer {other}", "Mcp-Session-Id": session_id}, body=listing)
    assert status == 404 and "no MCP session" in body
    status, _, _ = http(url, "DELETE", headers={"Authorization": f"Bearer {agent}", "Mcp-Session-Id": session_id})
    assert status == 200
    status, _, _ = http(url, headers={"Authorization": f"Bearer {agent}", "Mcp-Session-Id": session_id}, body=listing)
    assert status == 404


def test_dns_rebinding_is_refused_by_host_and_origin(url, agent):
    auth = {"Authorization": f"Bearer {agent}"}
    status, _, body = http(url, headers={**auth, "Host": "attacker.example"}, body=INITIALIZE)
    assert status == 421, body
    status, _, body = http(url, headers={**auth, "Origin": "http://attacker.example"}, body=INITIALIZE)
    assert status == 403, body
    status, _, body = http(url, headers={"Origin": "http://attacker.example"}, body=INITIALIZE)
    assert status == 403, "the origin is checked before the token"


# --- The record -----------------------------------------------------------------------------------


def test_every_call_is_recorded_with_its_outcome(gw, url, agent):
    before = gw.events.last_seq()

    async def scenario():
        async with mcp_client.session(url, agent, client_name="claude-code") as mcp:
            await mcp.call_tool("list_connections", {})
            await mcp.call_tool("query", {"connection": "shop", "sql": "SELECT name FROM products WHERE id = 1", "purpose": "TICKET-9"})
            await mcp.call_tool("query", {"connection": "shop", "sql": "DELETE FROM products"})
            await mcp.call_tool("query", {"connection": "shop", "sql": "SELECT * FROM no_such_table"})
    mcp_client.run(scenario())
    events = gw.events.wait_for(lambda es: len([e for e in es if e.kind == "mcp"]) >= 7, seq=before, timeout=10)
    calls = [e for e in events if e.kind == "mcp"]
    summary = [(e.payload["phase"], e.payload["tool"], e.payload.get("decision"), e.payload.get("outcome")) for e in calls]
    assert summary == [
        ("request", "list_connections", "allowed", None), ("response", "list_connections", None, "ok"),
        ("request", "query", "allowed", None), ("response", "query", None, "ok"),
        ("request", "query", "refused", None),
        ("request", "query", "allowed", None), ("response", "query", None, "error"),
    ], summary
    assert {e.principal.get("subject") for e in calls} == {"agent-mia"}
    assert {e.payload["clientName"] for e in calls} == {"claude-code"}
    session = calls[0].session_id
    assert {e.session_id for e in calls} == {session}
    assert json.loads(calls[2].payload["arguments"])["purpose"] == "TICKET-9"
    assert "42P01" in calls[-1].payload["error"]
    # The statements ran in the gateway's own sessions, recorded as psql's are, naming the MCP session.
    logins = [e for e in events if e.kind == "authentication" and e.payload.get("accepted")]
    assert logins and all(session in e.payload["clientApplication"] and e.payload["clientAddress"] == "mcp" for e in logins)
    statement_sessions = {e.session_id for e in events if e.kind == "statement"}
    answered = [e.payload for e in calls if e.payload["phase"] == "response" and e.payload["tool"] == "query"]
    assert len(answered) == 2 and all(a["postgresSession"] in statement_sessions for a in answered), answered
    texts = [e.payload.get("text", "") for e in events if e.kind == "statement"]
    assert any("SELECT name FROM products WHERE id = 1" in t and "purpose: TICKET-9" in t for t in texts), texts
    assert not any("DELETE FROM products" in t for t in texts)
