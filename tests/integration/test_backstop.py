"""The database backstop (docs/security.md, "The upstream roles"): Gatehouse logs in as a role
that cannot read classified columns (`gh_agent`, set up by the real `gatehouse db-setup
--apply`), and runs what it lets through as reaching personal data as the approved role
(`gh_approved`), switching with SET ROLE / RESET ROLE of its own that the client never sees.

Ground truth is PostgreSQL's: `current_user` inside each statement says which role ran it. The
attacks here are on the switching itself: rolling back past a switch, pipelining around it,
failing inside it, and asking for the role directly. test_bypass.py runs every bypass technique
with the backstop as well. `gatehouse demo` runs hardened too (last test)."""

import os
import re
import subprocess

import psycopg
import pytest

from harness import clients, ledger
from harness.demo import running_demo
from harness.gateway import binary

LOGIN, APPROVED = ledger.BACKSTOP_LOGIN_ROLE, ledger.BACKSTOP_APPROVED_ROLE
FORBIDDEN = "42501"


@pytest.fixture(scope="module")
def gw(tmp_path_factory, upstream):
    gateway = ledger.LedgerGateway(str(tmp_path_factory.mktemp("backstop")), upstream, name="backstop-gw", backstop=True,
                                   approval={"mode": "personal-data", "hold_seconds": 5, "break_glass_groups": ["incident"]})
    gateway.start()
    yield gateway
    gateway.stop()


def session(gw, *, incident: bool, autocommit: bool = True):
    """Someone on break-glass (every statement proceeds, recorded, as an approved one does), or an agent."""
    groups = ("engineers", "incident") if incident else ("engineers",)
    token = gw.gateway.token("oncall-olga" if incident else "agent-mallory", groups=groups)
    dsn = clients.gateway_dsn(gw.port, "shop_approval", token, sslmode="disable")
    return psycopg.connect(dsn, autocommit=autocommit)


def simple(conn, sql: str) -> list:
    """Runs `sql` with the simple protocol (one Query message, possibly several statements);
    returns the first column of every row of the last result."""
    result = conn.pgconn.exec_(sql.encode())
    if result.error_message:
        raise RuntimeError(result.error_message.decode())
    return [result.get_value(row, 0).decode() for row in range(result.ntuples)]


def test_approved_statements_run_as_the_approved_role_and_nothing_else_does(gw):
    with session(gw, incident=True) as conn:
        assert conn.execute("SELECT current_user").fetchone()[0] == LOGIN
        # Extended protocol (parameters), then simple.
        row = conn.execute("SELECT current_user, email FROM customers WHERE id = %s", (3,)).fetchone()
        assert row[0] == APPROVED and "@" not in row[1], row  # ran as the approved role, masked
        assert conn.execute("SELECT current_user").fetchone()[0] == LOGIN
        assert simple(conn, "SELECT current_user FROM customers LIMIT 1") == [APPROVED]
        assert simple(conn, "SELECT current_user") == [LOGIN]


def test_pipelined_statements_each_run_as_their_role(gw):
    with session(gw, incident=True) as conn, conn.pipeline():
        cursors = [conn.execute(sql) for sql in (
            "SELECT current_user", "SELECT current_user FROM customers LIMIT 1", "SELECT current_user",
            "SELECT current_user FROM customers LIMIT 1", "SELECT current_user FROM customers LIMIT 1", "SELECT current_user")]
    assert [cursor.fetchone()[0] for cursor in cursors] == [LOGIN, APPROVED, LOGIN, APPROVED, APPROVED, LOGIN]


def test_asyncpg_prepared_statements_and_cursors_run_as_their_role(gw):
    """asyncpg prepares named statements, describes them, and binds and executes later."""
    import asyncio

    import asyncpg

    async def scenario():
        token = gw.gateway.token("oncall-olga", groups=("engineers", "incident"))
        conn = await asyncpg.connect(host="127.0.0.1", port=gw.port, user="olga", password=token, database="shop_approval", ssl=False)
        try:
            personal = await conn.prepare("SELECT current_user, email FROM customers WHERE id = $1")
            plain = await conn.prepare("SELECT current_user")
            seen = [(await personal.fetchrow(2))[0], await plain.fetchval(), (await personal.fetchrow(3))[0]]
            async with conn.transaction():
                seen += [row[0] async for row in conn.cursor("SELECT current_user FROM customers", prefetch=5)][:1]
                seen.append(await conn.fetchval("SELECT current_user"))
            return seen
        finally:
            await conn.close()
    assert asyncio.run(asyncio.wait_for(scenario(), 60)) == [APPROVED, LOGIN, APPROVED, APPROVED, LOGIN]


def test_rolling_back_to_a_savepoint_taken_as_the_approved_role_does_not_keep_it(gw):
    with session(gw, incident=True) as conn:
        simple(conn, "BEGIN")
        # The savepoint is taken while the approved role is in force; rolling back to it would
        # bring that role back for the statements after it.
        simple(conn, "SELECT email FROM customers LIMIT 1; SAVEPOINT gh_s1")
        assert simple(conn, "SELECT current_user") == [LOGIN]
        simple(conn, "ROLLBACK TO SAVEPOINT gh_s1")
        assert simple(conn, "SELECT current_user") == [LOGIN]
        simple(conn, "COMMIT")
        assert simple(conn, "SELECT current_user") == [LOGIN]


def test_discard_all_between_approved_statements_does_not_leave_them_without_their_role(gw):
    with session(gw, incident=True) as conn:
        assert simple(conn, "SELECT current_user FROM customers LIMIT 1") == [APPROVED]
        simple(conn, "DISCARD ALL")  # what connection poolers send between clients: resets the role
        assert simple(conn, "SELECT current_user FROM customers LIMIT 1") == [APPROVED]
        assert simple(conn, "SELECT current_user") == [LOGIN]


def test_a_transaction_begun_as_the_approved_role_does_not_hand_it_back(gw):
    with session(gw, incident=True) as conn:
        simple(conn, "SELECT email FROM customers LIMIT 1; BEGIN")
        assert simple(conn, "SELECT current_user") == [LOGIN]
        simple(conn, "ROLLBACK")
        assert simple(conn, "SELECT current_user") == [LOGIN]


def test_a_failed_approved_statement_leaves_the_transaction_recoverable(gw):
    with session(gw, incident=True, autocommit=False) as conn:
        with pytest.raises(psycopg.errors.DivisionByZero):
            conn.execute("SELECT email, 1 / 0 FROM customers")
        conn.rollback()  # not refused for want of the login role
        assert conn.execute("SELECT current_user").fetchone()[0] == LOGIN
        with pytest.raises(psycopg.errors.DivisionByZero):
            conn.execute("SELECT email, 1 / 0 FROM customers")
        with pytest.raises(psycopg.errors.InFailedSqlTransaction):
            conn.execute("SELECT 1")
        conn.rollback()
        assert conn.execute("SELECT current_user").fetchone()[0] == LOGIN


@pytest.mark.parametrize("sql", [
    f"SET ROLE {APPROVED}", f"SET LOCAL ROLE {APPROVED}", "RESET ROLE", "SET SESSION AUTHORIZATION postgres",
    f"SELECT set_config('role', '{APPROVED}', false)", f"SELECT set_config('ROLE', '{APPROVED}', true)",
])
def test_clients_cannot_choose_the_role(gw, sql):
    with session(gw, incident=True) as conn:
        for run in (lambda: simple(conn, sql), lambda: conn.execute(sql, prepare=True)):
            with pytest.raises((psycopg.errors.InsufficientPrivilege, RuntimeError)) as refused:
                run()
            assert "the gateway chooses the role" in str(refused.value)
        assert conn.execute("SELECT current_user").fetchone()[0] == LOGIN


def test_the_login_role_alone_cannot_read_classified_columns(gw, upstream):
    dsn = (f"host={upstream.server.host} port={upstream.server.port} dbname=shop user={LOGIN} "
           f"password={gw.env[ledger.BACKSTOP_PASSWORD_ENV]}")
    with psycopg.connect(dsn, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM customers WHERE city IS NOT NULL").fetchone()[0] > 0  # unclassified: readable
        # (It may SET ROLE to the approved role: that is why the gateway refuses it from clients.)
        for sql in ("SELECT email FROM customers", "SELECT * FROM customers", "SELECT body FROM support_tickets",
                    "CREATE FUNCTION public.gh_f() RETURNS int LANGUAGE sql AS 'SELECT 1'"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
        assert conn.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'customers' AND attname = 'email'").fetchone()[0] == 0


def test_a_grant_made_later_stops_new_sessions(gw, admin):
    with session(gw, incident=False) as agent:
        admin.execute(f"GRANT SELECT (email) ON customers TO {LOGIN}")
        try:
            simple(agent, "CREATE TEMP TABLE gh_reload ()")  # DDL through the gateway: the catalog is read again
            with pytest.raises(psycopg.OperationalError) as refused:
                session(gw, incident=False).close()
            assert "can reach personal data without approval" in str(refused.value)
            assert re.search(r"can read 1 classified column\(s\) without approval \(public\.customers\.email\)", gw.output())
        finally:
            admin.execute(f"REVOKE SELECT (email) ON customers FROM {LOGIN}")
        simple(agent, "CREATE TEMP TABLE gh_reload2 ()")
        session(gw, incident=False).close()


def test_a_security_definer_function_the_login_role_may_call_fails_the_check(gw, upstream, tmp_path):
    # It reads classified data with its owner's privileges, whoever calls it.
    upstream.server.psql("CREATE FUNCTION public.gh_definer() RETURNS SETOF text LANGUAGE sql SECURITY DEFINER "
                         "AS 'SELECT email FROM customers'", "shop")
    env = dict(os.environ, **gw.env)
    try:
        checked = subprocess.run([binary(), "check-config", gw.config_path], capture_output=True, text=True, timeout=60, env=env)
        assert checked.returncode == 1 and "public.gh_definer owned by postgres" in checked.stderr, checked.stdout + checked.stderr
        upstream.server.psql("REVOKE EXECUTE ON FUNCTION public.gh_definer() FROM PUBLIC", "shop")
        checked = subprocess.run([binary(), "check-config", gw.config_path], capture_output=True, text=True, timeout=60, env=env)
        assert checked.returncode == 0 and "holds the database backstop" in checked.stdout, checked.stdout + checked.stderr
    finally:
        upstream.server.psql("DROP FUNCTION public.gh_definer()", "shop")


def test_a_derived_classification_is_a_ledger_entry_that_outlives_a_restart(gw, admin):
    # An approved copy into a new table (the approved role may create it here).
    admin.execute(f"GRANT CREATE ON SCHEMA public TO {APPROVED}")
    before = gw.events.last_seq()
    try:
        with session(gw, incident=True) as incident:
            simple(incident, "CREATE TABLE gh_kept AS SELECT id, email AS contact FROM customers")
        events = gw.events.wait_for(lambda ev: any(e.kind == "classification" for e in ev), before)
        derived = [e.payload for e in events if e.kind == "classification"]
        assert [t["relation"] for t in derived[0]["tables"]] == [{"name": "gh_kept", "schema": "public"}], derived
        assert derived[0]["tables"][0]["columns"] == [{"category": "contact", "name": "contact"}]
        gw.stop()
        gw.start()  # the same ledger: the copy is still personal data
        with session(gw, incident=False) as agent:
            with pytest.raises(RuntimeError) as held:
                simple(agent, "SELECT contact FROM gh_kept")
            assert "classified table public.gh_kept" in str(held.value)
        env = dict(os.environ, **gw.env)
        checked = subprocess.run([binary(), "check-config", gw.config_path], capture_output=True, text=True, timeout=60, env=env)
        assert "shop_approval: public.gh_kept (contact: contact)" in checked.stdout, checked.stdout + checked.stderr
    finally:
        admin.execute(f"DROP TABLE IF EXISTS gh_kept; REVOKE CREATE ON SCHEMA public FROM {APPROVED}")


def test_serve_and_check_config_refuse_a_role_that_reads_classified_data(gw, upstream, tmp_path):
    # The same configuration, but logging in as a role that owns what it needs (no risk accepted).
    text = open(gw.config_path).read().replace(f'"{LOGIN}"', f'"{ledger.LEDGER_ROLE}"').replace(
        ledger.BACKSTOP_PASSWORD_ENV, ledger.LEDGER_PASSWORD_ENV)
    path = tmp_path / "unsafe.yaml"
    path.write_text(text)
    env = dict(os.environ, **gw.env)
    checked = subprocess.run([binary(), "check-config", str(path)], capture_output=True, text=True, timeout=60, env=env)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "does not hold the database backstop" in checked.stderr
    assert f"role {ledger.LEDGER_ROLE} can read" in checked.stderr and "can create functions" in checked.stderr
    offline = subprocess.run([binary(), "check-config", "--offline", str(path)], capture_output=True, text=True, timeout=60, env=env)
    assert offline.returncode == 0, offline.stderr
    served = subprocess.run([binary(), "serve", "--config", str(path)], capture_output=True, text=True, timeout=60, env=env)
    assert served.returncode != 0 and "does not hold the database backstop" in served.stdout + served.stderr
    # Accepting the risk, with a reason, lets it run; check-config says so.
    path.write_text(text.replace(f'approved_role: "{APPROVED}"', f'approved_role: "{APPROVED}"\n      accept_risk: "staging copy, no real data"'))
    accepted = subprocess.run([binary(), "check-config", str(path)], capture_output=True, text=True, timeout=60, env=env)
    assert accepted.returncode == 0 and "risk accepted: staging copy, no real data" in accepted.stdout, accepted.stdout + accepted.stderr


def test_the_demo_runs_with_the_backstop():
    with running_demo() as demo:
        token = re.search(r"password=(\S+)\"", demo["output"])
        assert token, demo["output"]
        dsn = f"host=127.0.0.1 port={demo['port']} dbname=shop user=alice sslmode=require password={token.group(1)}"
        with psycopg.connect(dsn, autocommit=True) as conn:
            assert conn.execute("SELECT current_user").fetchone()[0] == "gatehouse_agent"
            assert conn.execute("SELECT has_column_privilege('customers', 'email', 'SELECT'), "
                                "has_column_privilege('customers', 'city', 'SELECT')").fetchone() == (False, True)
