"""Recording: every statement is a durable event (with the principal) committed before the
server sees it; outcomes carry command tags; logins accepted and refused are recorded."""

import asyncio
import datetime
import re
import uuid

import asyncpg
import psycopg

from harness import clients, pg_log
from harness.events import journal_entries, outcomes, statements, stored_entries

UPSTREAM_USERS = {"gh_scram", "gh_md5", "gh_tls"}
GATEWAY_CATALOG_APPLICATION = "gatehouse catalog"
# Both sides print milliseconds; one side may round where the other truncates.
CLOCK_GRAIN = datetime.timedelta(milliseconds=1)


def _normalise(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip().rstrip(";").strip()


def test_statements_recorded_with_principal(gateway):
    marker = uuid.uuid4().hex[:10]
    token = gateway.token("dora", groups=("engineers", "dpo"), username="dora.d", agent="claude-code")
    before = gateway.events.last_seq()
    sent = [f"SELECT '{marker}-1'", f"SELECT count(*) FROM customers WHERE city = 'Paris' AND '{marker}' <> ''",
            f"SELECT '{marker}-3' FROM products LIMIT 5"]
    with psycopg.connect(gateway.dsn("shop", token=token), autocommit=True) as conn:
        for sql in sent:
            conn.execute(sql).fetchall()
    events = gateway.events.wait_for(lambda ev: len([e for e in outcomes(ev) if marker in str(ev)]) >= 3, before)
    recorded = [e for e in statements(events) if marker in e.payload.get("text", "")]
    assert [_normalise(e.payload["text"]) for e in recorded] == sent
    for event in recorded:
        assert event.subject == "dora"
        assert event.connection == "shop"
        principal = event.principal
        assert principal["subject"] == "dora"
        assert set(principal["groups"]) == {"engineers", "dpo"}
        assert principal.get("username") == "dora.d"
        assert principal.get("agentApplication") == "claude-code"
        assert principal["issuer"].endswith("/dev-issuer")
        assert event.payload["analysis"]["kind"] == "select"
    assert len({e.session_id for e in recorded}) == 1


def test_outcomes_carry_command_tags(gateway):
    before = gateway.events.last_seq()
    with psycopg.connect(gateway.dsn("shop"), autocommit=True) as conn:
        conn.execute("SELECT id FROM customers WHERE id <= 5").fetchall()
        conn.execute("CREATE TEMP TABLE outcome_probe (id int)")
        conn.execute("INSERT INTO outcome_probe SELECT generate_series(1, 3)")
        try:
            conn.execute("SELECT 1/0")
        except psycopg.errors.DivisionByZero:
            pass
    events = gateway.events.wait_for(lambda ev: len(outcomes(ev)) >= 4, before)
    by_statement = {(e.session_id, e.payload["statementID"]): e for e in statements(events)}
    results = []
    for outcome in outcomes(events):
        statement = by_statement.get((outcome.session_id, outcome.payload["statementID"]))
        assert statement is not None, f"outcome without statement: {outcome.body}"
        results.append((_normalise(statement.payload["text"]), outcome.payload))
    tags = {text: payload for text, payload in results}
    assert tags["SELECT id FROM customers WHERE id <= 5"]["commandTag"] == "SELECT 5"
    assert tags["SELECT id FROM customers WHERE id <= 5"]["rows"] == 5
    assert tags["SELECT id FROM customers WHERE id <= 5"]["status"] == "completed"
    assert tags["CREATE TEMP TABLE outcome_probe (id int)"]["commandTag"] == "CREATE TABLE"
    assert tags["INSERT INTO outcome_probe SELECT generate_series(1, 3)"]["commandTag"] == "INSERT 0 3"
    assert tags["SELECT 1/0"]["status"] == "failed"
    assert tags["SELECT 1/0"]["errorCode"] == "22012"


def test_authentication_events(gateway):
    before = gateway.events.last_seq()
    with psycopg.connect(gateway.dsn("shop", token=gateway.token("erin")), autocommit=True) as conn:
        conn.execute("SELECT 1")
    try:
        psycopg.connect(gateway.dsn("shop", token="not-a-jwt"), connect_timeout=10).close()
    except psycopg.OperationalError:
        pass
    events = gateway.events.wait_for(lambda ev: len([e for e in ev if e.kind == "session_end"]) >= 1, before)
    auth = [e for e in events if e.kind == "authentication"]
    accepted = [e for e in auth if e.payload["accepted"]]
    refused = [e for e in auth if not e.payload["accepted"]]
    assert accepted and accepted[0].subject == "erin" and accepted[0].connection == "shop"
    assert refused and refused[0].payload.get("reason")
    assert "not-a-jwt" not in str(refused[0].body)


def test_extended_protocol_records_each_execute_with_parameters(gateway):
    # asyncpg binds in binary format: the recorded parameters must still be readable text.
    marker = uuid.uuid4().hex[:10]
    before = gateway.events.last_seq()

    async def scenario():
        conn = await asyncpg.connect(host="127.0.0.1", port=gateway.port, user="agent", password=gateway.token(),
                                     database="shop", ssl="require")
        try:
            statement = await conn.prepare(f"SELECT $1::int + 1 AS n, '{marker}' AS m")
            return [await statement.fetchval(i) for i in (10, 20, 30)]
        finally:
            await conn.close()

    assert asyncio.run(scenario()) == [11, 21, 31]
    recorded = [e for e in statements(gateway.events.since(before)) if marker in e.payload.get("text", "")]
    # Executes of the prepared statement (asyncpg may also describe it once without executing).
    executed = [e for e in recorded if e.payload.get("parameters")]
    assert [e.payload["parameters"] for e in executed] == [["10"], ["20"], ["30"]]
    assert all(e.payload["protocolMode"] == "extended" for e in executed)


def test_no_statement_reaches_the_server_unrecorded(gateway, upstream):
    """Compares the server's own log_statement='all' output with the event store: every
    statement an upstream session of the gateway executed has a statement event, recorded no
    later than the server logged it."""
    server = upstream.server
    offset = server.log_size()
    before = gateway.events.last_seq()
    marker = uuid.uuid4().hex[:10]

    # A mixed workload: simple protocol (single and multi-statement), extended with
    # parameters, prepared statements, a failing statement, a transaction, COPY.
    result = clients.psql(gateway.dsn("shop"), f"SELECT '{marker}' AS a; SELECT count(*) FROM orders; SELECT now()")
    assert result.returncode == 0, result.stderr
    with psycopg.connect(gateway.dsn("shop_md5"), autocommit=True) as conn:
        conn.execute("SELECT full_name FROM customers WHERE id = %s AND %s <> ''", [7, marker]).fetchall()
        for i in range(3):
            conn.execute("SELECT %s::int * 2", [i], prepare=True).fetchall()
        try:
            conn.execute("SELECT 1/(id-500) FROM customers ORDER BY id").fetchall()
        except psycopg.errors.DivisionByZero:
            pass
        with conn.transaction():
            conn.execute("SELECT count(*) FROM orders WHERE status = %s", ["paid"]).fetchall()
        with conn.cursor().copy("COPY (SELECT id FROM products ORDER BY id LIMIT 3) TO STDOUT") as copy:
            assert len(list(copy.rows())) == 3

    async def extended():
        conn = await asyncpg.connect(host="127.0.0.1", port=gateway.port, user="agent", password=gateway.token(),
                                     database="shop_tls", ssl="require")
        try:
            await conn.fetch("SELECT email FROM customers WHERE id = ANY($1::int[])", [1, 2, 3])
        finally:
            await conn.close()

    asyncio.run(extended())

    entries = pg_log.parse(server.log_since(offset))
    app_names = pg_log.application_names(entries)
    pids = pg_log.pids_of_users(entries, UPSTREAM_USERS)
    # The gateway's own catalog reader (view definitions and columns) is not a client session;
    # it may only read the catalog, after bounding how long it waits for a lock.
    catalog_pids = {pid for pid in pids if app_names.get(pid) == GATEWAY_CATALOG_APPLICATION}
    for entry in pg_log.executed_statements(entries, catalog_pids):
        text = pg_log.statement_text(entry)
        parts = [part.strip().upper() for part in text.split(";") if part.strip()]
        assert "pg_" in text and parts[0].startswith("SET LOCK_TIMEOUT"), f"catalog connection ran: {text}"
        # Reads only: SELECTs, one of them a recursive CTE over the catalog (`RoutineCatalog`).
        assert all(part.startswith(("SELECT", "WITH RECURSIVE")) for part in parts[1:]), f"catalog connection ran: {text}"
    executed = pg_log.executed_statements(entries, pids - catalog_pids)
    assert len(executed) >= 10, "the workload should have reached the server"
    events = statements(gateway.events.since(before))
    unmatched = []
    for entry in executed:
        server_text = _normalise(pg_log.statement_text(entry))
        # Client sessions say which gateway session they serve; hold the match to that session.
        session = re.fullmatch(r"gatehouse session (\S+)", app_names.get(entry.pid, ""))
        session_events = [e for e in events if e.session_id == session.group(1)] if session else events
        # Statement events whose text is part of what the server ran (a multi-statement
        # string is one log line but one event per statement), recorded before it ran.
        candidates = [e for e in session_events if _normalise(e.payload.get("text", "")) and
                      _normalise(e.payload["text"]) in server_text and e.timestamp <= entry.time + CLOCK_GRAIN]
        covered = server_text
        if any(_normalise(e.payload["text"]) == server_text for e in candidates):
            covered = ""
        else:
            # Longest first, so `SELECT count(*) FROM orders` cannot eat part of a longer statement.
            for text in sorted({_normalise(e.payload["text"]) for e in candidates}, key=len, reverse=True):
                covered = covered.replace(text, "")
        if not candidates or re.sub(r"[\s;]", "", covered):
            same_text = [e.time for e in events if _normalise(e.payload.get("text", "")) == server_text]
            unmatched.append((f"server ran it at {entry.time.isoformat()}", f"pid {entry.pid}", server_text,
                              f"events with this text at {same_text}"))
    assert not unmatched, "statements executed upstream without an earlier statement event:\n" + \
        "\n".join(map(str, unmatched))


def test_the_journal_read_independently_holds_what_sqlite_holds(gateway):
    """The running gateway's journal, parsed by the harness's own reader (docs/evidence.md,
    "Storage"), holds each entry byte for byte as SQLite has it once indexed, with a checksum
    that checks out, and the data key of each new session."""
    marker = uuid.uuid4().hex[:10]
    before = gateway.events.last_seq()
    with psycopg.connect(gateway.dsn("shop"), autocommit=True) as conn:
        for i in range(5):
            conn.execute(f"SELECT '{marker}', {i}").fetchall()
    gateway.events.wait_for(lambda ev: len([e for e in outcomes(ev) if marker in str(ev)]) >= 5, before)
    journal = {e.index: e for e in journal_entries(gateway.data_dir)}
    fresh = [index for index in journal if index >= before]
    assert fresh, "the statements just run are not in the journal's segments"
    stored, _ = stored_entries(gateway.data_dir)
    in_sqlite = dict(stored)
    assert all(journal[index].raw == in_sqlite[index] for index in fresh if index in in_sqlite)
    assert any(e.key is not None for e in journal.values()), "no session's data key travelled in the journal"
