"""The agent as adversary (docs/security.md): an agent holding a valid token tries to read
classified data on PostgreSQL without a hold. Organised by the classes of bypass in the threat
model; every technique is first shown to work against PostgreSQL directly (ground truth: the raw
personal values come back), then shown to be stopped at the gateway, with no raw value in
anything the client receives (rows, errors, notices).

The connection classifies the demo's tables and has no approver groups, so a statement the
gateway would hold is refused at once (GH003): a fast, exact signal that the gateway's analysis
caught it. Objects an attacker would need are created directly on the server (as if an earlier
approved statement or someone outside Gatehouse made them); they are dropped at the end.

Classes 7 and 8 are about what an approved statement returns: they run on the same gateway's
`shop_masked` connection, whose approval mode is `never` (every statement proceeds and is masked
exactly as an approved one is), in transactions that are rolled back. Class 4 has a test of its
own (test_extended_protocol_differential.py).

Every test that attacks through the agent runs with two transports: a PostgreSQL client
(psycopg), and the MCP endpoint's `query` tool (docs/mcp.md), which must give the same result
(its connections allow writes here, so every statement reaches the gateway's analysis as a psql
client's does; a text of several statements is refused by the tool itself, before anything runs).

Every test runs twice: on the gateway's analysis alone (the upstream role owns what it needs,
risk accepted), and with the database backstop (`gatehouse db-setup`: the gateway logs in as
`gh_agent`, which cannot read classified columns, and runs what it lets through as reaching
personal data as `gh_approved`). With the backstop, every technique the gateway stops is also run
straight against PostgreSQL as `gh_agent`, to show that the database alone stops it too."""

import psycopg
import pytest

from harness import ground_truth, ledger, mcp_client
from harness.ground_truth import leaked

HELD = "GH003"  # needs approval, and the connection has no approvers: refused at once
FORBIDDEN = "42501"
ATTACK_OBJECTS = """
    CREATE FUNCTION public.upper(integer) RETURNS text LANGUAGE sql
        AS $$ SELECT email FROM public.customers WHERE id = $1 $$;
    CREATE FUNCTION public.gh_leak(products) RETURNS text LANGUAGE sql
        AS $$ SELECT email FROM public.customers WHERE id = $1.id $$;
    CREATE FUNCTION public.gh_plus(products, integer) RETURNS text LANGUAGE sql
        AS $$ SELECT email FROM public.customers WHERE id = $1.id + $2 $$;
    CREATE OPERATOR public.+ (LEFTARG = products, RIGHTARG = integer, FUNCTION = public.gh_plus);
    CREATE FUNCTION public.gh_check(text) RETURNS boolean LANGUAGE plpgsql
        AS $$ BEGIN RAISE EXCEPTION 'gh: %', (SELECT string_agg(email, ',') FROM public.customers); END $$;
    CREATE DOMAIN public.gh_checked AS text CHECK (public.gh_check(VALUE));
    CREATE TYPE public.gh_box AS (id integer);
    CREATE FUNCTION public.gh_unbox(public.gh_box) RETURNS text LANGUAGE sql
        AS $$ SELECT email FROM public.customers WHERE id = $1.id $$;
    CREATE CAST (public.gh_box AS text) WITH FUNCTION public.gh_unbox(public.gh_box);
    CREATE TABLE public.gh_boxes AS SELECT ROW(id)::public.gh_box AS box FROM public.customers;
    GRANT SELECT ON public.gh_boxes TO gh_ledger;
    CREATE TABLE public.gh_inbox (id integer);
    INSERT INTO public.gh_inbox VALUES (1);
    CREATE FUNCTION public.gh_on_insert() RETURNS trigger LANGUAGE plpgsql
        AS $$ BEGIN RAISE EXCEPTION 'gh: %', (SELECT string_agg(email, ',') FROM public.customers); END $$;
    CREATE TRIGGER gh_on_insert BEFORE INSERT ON public.gh_inbox FOR EACH ROW EXECUTE FUNCTION public.gh_on_insert();
    CREATE RULE gh_on_update AS ON UPDATE TO public.gh_inbox DO ALSO SELECT email FROM public.customers;
    CREATE RULE gh_on_delete AS ON DELETE TO public.gh_inbox DO ALSO SELECT full_name FROM public.customers;
    GRANT SELECT, INSERT, UPDATE, DELETE ON public.gh_inbox TO gh_ledger;
    CREATE VIEW public.gh_catalogue AS SELECT p.name, public.gh_leak(p) AS note FROM public.products p;
    CREATE VIEW public.gh_shared AS SELECT name FROM public.products;
    CREATE SCHEMA gh_other;
    CREATE TABLE gh_other.payroll AS SELECT id, full_name, iban FROM public.customers;
    CREATE TABLE public.payroll AS SELECT id, name AS full_name, sku AS iban FROM public.products;
    GRANT SELECT ON public.gh_catalogue, public.gh_shared, public.payroll, gh_other.payroll TO gh_ledger;
    GRANT USAGE, CREATE ON SCHEMA gh_other TO gh_ledger;
    ALTER VIEW public.gh_shared OWNER TO gh_ledger;
    ALTER OPERATOR public.+ (products, integer) OWNER TO gh_ledger;
    ANALYZE public.customers;
"""
DROP_ATTACK_OBJECTS = """
    DROP VIEW IF EXISTS public.gh_catalogue, public.gh_shared;
    DROP OPERATOR IF EXISTS public.+ (products, integer);
    DROP FUNCTION IF EXISTS public.upper(integer), public.gh_leak(products), public.gh_plus(products, integer);
    DROP TABLE IF EXISTS public.gh_boxes, public.gh_inbox;
    DROP FUNCTION IF EXISTS public.gh_on_insert();
    DROP TYPE IF EXISTS public.gh_box CASCADE;  -- its cast and the cast's function
    DROP DOMAIN IF EXISTS public.gh_checked;
    DROP FUNCTION IF EXISTS public.gh_check(text);
    DROP SCHEMA IF EXISTS gh_other CASCADE;
    DROP TABLE IF EXISTS public.payroll, public.gh_stash, public.gh_notes2, public.gh_memo;
"""
DROP_PG_PREFIXED = """
    DROP VIEW IF EXISTS public.pg_gh_view, public.pg_gh_stats;
    DROP MATERIALIZED VIEW IF EXISTS public.pg_gh_mv;
    DROP TABLE IF EXISTS public.pg_gh_copy;
"""


@pytest.fixture(scope="module")
def attack_objects(upstream):
    ledger.ensure_ledger_role(upstream)
    with psycopg.connect(upstream.admin_dsn("shop"), autocommit=True) as conn:
        conn.execute(DROP_ATTACK_OBJECTS + DROP_PG_PREFIXED)
        conn.execute(ATTACK_OBJECTS)
    yield
    with psycopg.connect(upstream.admin_dsn("shop"), autocommit=True) as conn:
        conn.execute(DROP_ATTACK_OBJECTS)


@pytest.fixture(scope="module", params=["analysis", "backstop", "analysis-mcp", "backstop-mcp"])
def gw(request, tmp_path_factory, upstream, attack_objects):
    # Started after the attack objects exist: its catalog knows them. The MCP transport has
    # gateways of its own: what a test leaves behind in a gateway (classification derived from an
    # approved write, a catalog snapshot) must not decide the other transport's run.
    from harness.stack import DEMO_PERSONAL_DATA
    backstop = request.param.startswith("backstop")
    # The demo's classification (customers.notes too: free text that holds e-mail addresses and
    # phone numbers, which the backstop covers only once classified), and a classified table
    # outside public whose name public also has.
    demo = [dict(table, columns={**table["columns"], "notes": "free-text"}) if table["table"] == "public.customers" else table
            for table in DEMO_PERSONAL_DATA]
    classification = demo + [{"table": "gh_other.payroll", "columns": {"full_name": "name", "iban": "financial"}}]
    gateway = ledger.LedgerGateway(str(tmp_path_factory.mktemp("bypass")), upstream, name=f"bypass-{request.param}",
                                   personal_data=classification, backstop=backstop,
                                   approval={"mode": "personal-data", "hold_seconds": 5, "break_glass_groups": ["incident"]},
                                   mcp={"enabled": True}, mcp_writes=("shop_approval", "shop_masked"))
    gateway.transport = "mcp" if request.param.endswith("-mcp") else "psycopg"
    if backstop:
        # Approved work may create tables (stashing is tested through it) and replace the shared view.
        upstream.server.psql(f"GRANT CREATE ON SCHEMA public TO {ledger.BACKSTOP_APPROVED_ROLE}; "
                             f"ALTER VIEW public.gh_shared OWNER TO {ledger.BACKSTOP_APPROVED_ROLE}; "
                             f"GRANT SELECT ON public.gh_shared TO {ledger.LEDGER_ROLE}", "shop")
    gateway.start()
    yield gateway
    gateway.stop()
    if backstop:
        upstream.server.psql(f"ALTER VIEW public.gh_shared OWNER TO {ledger.LEDGER_ROLE}", "shop")


def login_role(gw) -> str:
    """The role the gateway logs in as upstream."""
    return ledger.BACKSTOP_LOGIN_ROLE if gw.backstop else ledger.LEDGER_ROLE


@pytest.fixture(scope="module")
def raw(upstream):
    """Every personal value of the classified customers table, read directly: the ground truth."""
    return ground_truth.personal_values(upstream)


@pytest.fixture
def agent(gw, upstream):
    token = gw.gateway.token("agent-mallory", groups=("engineers",), username="mallory", agent="injected-agent")
    with psycopg.connect(ledger_dsn(gw, token), autocommit=True) as conn:
        client = Client(conn) if gw.transport == "psycopg" else MCPClient(mcp_client.endpoint(gw.gateway), token, "shop_approval")
        if not gw.backstop:
            yield client
            return
        # The backstop on its own: the same role the gateway logs in as, straight to PostgreSQL.
        dsn = (f"host={upstream.server.host} port={upstream.server.port} dbname=shop user={ledger.BACKSTOP_LOGIN_ROLE} "
               f"password={gw.env[ledger.BACKSTOP_PASSWORD_ENV]}")
        with psycopg.connect(dsn, autocommit=True) as database:
            client.database = database
            yield client


@pytest.fixture
def approved(gw):
    """A session whose statements all proceed (as approved ones do), in a transaction rolled back."""
    token = gw.gateway.token("agent-mallory", groups=("engineers",), username="mallory", agent="injected-agent")
    with psycopg.connect(ledger_dsn(gw, token, "shop_masked")) as conn:
        yield Client(conn)
        conn.rollback()


@pytest.fixture
def direct(upstream):
    """The same role the gateway logs in as, straight to PostgreSQL: what the attack gets unguarded."""
    password = ledger.ensure_ledger_role(upstream)
    dsn = f"host={upstream.server.host} port={upstream.server.port} dbname=shop user={ledger.LEDGER_ROLE} password={password}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        yield conn


def ledger_dsn(gw, token: str, connection: str = "shop_approval") -> str:
    from harness import clients
    return clients.gateway_dsn(gw.port, connection, token, sslmode="disable", application_name="bypass-test")


def incident_session(gw):
    """Someone who may (break-glass, recorded) run what the agent may not: an approved write."""
    token = gw.gateway.token("oncall-olga", groups=("engineers", "incident"))
    return psycopg.connect(ledger_dsn(gw, token), autocommit=True)


class Client:
    """A session through the gateway that keeps everything the client received."""

    def __init__(self, conn):
        self.conn = conn
        # With the backstop: a direct session as the gateway's login role (`agent` fixture).
        self.database = None
        self.notices: list[str] = []
        conn.add_notice_handler(lambda n: self.notices.append(f"{n.message_primary} {n.message_detail} {n.message_hint}"))

    def attempt(self, sql: str):
        """(rows of every result, None) or (None, error)."""
        try:
            if sql.startswith("COPY"):
                with self.conn.cursor().copy(sql) as copy:
                    return [b"".join(bytes(block) for block in copy).decode()], None
            cursor = self.conn.execute(sql)
            rows = []
            while True:
                rows += cursor.fetchall() if cursor.description else []
                if not cursor.nextset():
                    return rows, None
        except psycopg.Error as error:
            if not self.conn.autocommit:
                self.conn.rollback()
            return None, error


class MCPClient:
    """The same agent through the MCP endpoint's `query` tool: each attempt is one call in an MCP
    session of its own, and the answer is read the way `Client` reads psycopg's."""

    def __init__(self, url: str, token: str, connection: str):
        self.url, self.token, self.connection = url, token, connection
        self.database = None
        self.notices: list[str] = []

    def attempt(self, sql: str):
        result = mcp_client.call(self.url, self.token, "query", {"connection": self.connection, "sql": sql})
        if result.is_error:
            return None, ToolError(result.content[0].text)
        assert result.structured_content.get("status") != "pending", "held: this connection has no approvers, so it refuses at once"
        # Values come as PostgreSQL's text; whole numbers are read back as psycopg reads them.
        return [tuple(int(v) if isinstance(v, str) and v.lstrip("-").isdigit() else v for v in row)
                for row in result.structured_content["rows"]], None


class ToolError(Exception):
    """A tool error, `ERROR <SQLSTATE>: message` with DETAIL and HINT lines, as a psycopg error."""

    def __init__(self, text: str):
        super().__init__(text)
        lines = text.splitlines()
        head = lines[0].split(" ", 2) if lines else []
        self.sqlstate = head[1].rstrip(":") if len(head) == 3 and head[0] == "ERROR" else None
        fields = {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in lines[1:] if ":" in line}

        class Diagnostic:
            message_primary = head[2] if len(head) == 3 else text
            message_detail = fields.get("DETAIL")
            message_hint = fields.get("HINT")
            context = None
        self.diag = Diagnostic()


def received_text(rows, error, client: Client) -> str:
    parts = [repr(rows)] + client.notices
    if error is not None:
        diag = error.diag
        parts += [str(error), str(diag.message_detail), str(diag.message_hint), str(diag.context)]
    return "\n".join(parts)


def attempt_directly(conn, sql: str) -> str:
    """Everything a direct session receives for `sql` (in a transaction rolled back)."""
    client = Client(conn)
    rows, error = client.attempt(f"BEGIN; {sql}" if not sql.startswith("COPY") else sql)
    conn.execute("ROLLBACK")
    return received_text(rows, error, client)


def assert_works_directly(direct, sql: str, raw: set):
    """Ground truth: unguarded, the technique really returns personal data (rolled back)."""
    text = attempt_directly(direct, sql)
    assert leaked(text, raw), f"the technique reads no personal data directly, so it proves nothing: {sql}\n{text[:300]}"


def assert_refused(client: Client, sql: str, sqlstate: str):
    rows, error = client.attempt(sql)
    assert error is not None and error.sqlstate == sqlstate, f"{sql}\n-> rows {rows!r}, error {error!r}"
    return error


def assert_database_refuses(client: Client, sql: str):
    """With the backstop: the login role, straight to PostgreSQL, may not do it either (it owns
    nothing and creates nothing outside its temporary schema)."""
    if client.database is None:
        return
    rows, error = Client(client.database).attempt(f"BEGIN; {sql}")
    client.database.execute("ROLLBACK")
    assert error is not None and error.sqlstate == FORBIDDEN, f"the login role may do it directly: {sql} -> {rows!r} {error!r}"


def assert_stopped(client: Client, sql: str, raw: set, sqlstate: str = HELD):
    """Refused, with no raw personal value in anything the client received; with the backstop,
    the database alone (the login role, straight to PostgreSQL) returns none either."""
    error = assert_refused(client, sql, sqlstate)
    text = received_text(None, error, client)
    assert not leaked(text, raw), f"raw personal data reached the client: {leaked(text, raw)[:3]}"
    if client.database is not None:
        text = attempt_directly(client.database, sql)
        assert not leaked(text, raw), f"the login role reads personal data straight from PostgreSQL: {sql}: {leaked(text, raw)[:3]}"
    return error


# --- 1. User-defined executable objects ---------------------------------------------------------


def test_a_function_shadowing_a_builtin_name_is_held(agent, direct, raw):
    sql = "SELECT upper(id) FROM products"
    assert_works_directly(direct, sql, raw)
    error = assert_stopped(agent, sql, raw)
    assert "also defines in public" in error.diag.message_primary


def test_a_function_called_in_attribute_notation_is_held(agent, direct, raw):
    for sql in ("SELECT p.gh_leak FROM products p", "SELECT (p).gh_leak FROM products p"):
        assert_works_directly(direct, sql, raw)
        assert_stopped(agent, sql, raw)


def test_a_user_defined_operator_is_held(agent, direct, raw):
    sql = "SELECT p + 0 FROM products p"
    assert_works_directly(direct, sql, raw)
    assert_stopped(agent, sql, raw)


def test_a_view_over_user_code_is_held(agent, direct, raw):
    sql = "SELECT * FROM gh_catalogue"
    assert_works_directly(direct, sql, raw)
    error = assert_stopped(agent, sql, raw)
    assert "gh_catalogue" in error.diag.message_primary


@pytest.mark.parametrize("sql", [
    "SELECT 'x'::gh_checked",                      # a domain's check constraint calls a function
    "SELECT CAST(name AS public.gh_checked) FROM products",
    "SELECT ROW(1)::gh_box::text",                 # a user-defined cast's function
    "SELECT box::text FROM gh_boxes",              # the same cast, from a column of the type
])
def test_code_that_a_type_runs_is_held(agent, direct, raw, sql):
    assert_works_directly(direct, sql, raw)
    error = assert_stopped(agent, sql, raw)
    assert "user-defined code" in error.diag.message_primary


@pytest.mark.parametrize("sql", [
    "INSERT INTO gh_inbox VALUES (2)",             # a trigger's function
    "UPDATE gh_inbox SET id = id",                 # a rule's extra query
    "DELETE FROM public.gh_inbox",
])
def test_code_that_a_write_sets_off_is_held(agent, direct, raw, sql):
    assert_works_directly(direct, sql, raw)
    error = assert_stopped(agent, sql, raw)
    assert "runs its triggers or rules" in error.diag.message_primary


@pytest.mark.parametrize("sql", [
    "CREATE FUNCTION public.gh_peek() RETURNS SETOF text LANGUAGE sql AS $$ SELECT email FROM customers $$",
    "CREATE AGGREGATE public.gh_grab(text) (SFUNC = textcat, STYPE = text)",
    "CREATE RULE gh_rule AS ON INSERT TO products DO ALSO SELECT email FROM customers",
    "CREATE TRIGGER gh_trigger AFTER INSERT ON products FOR EACH ROW EXECUTE FUNCTION public.gh_nothing()",
    "ALTER FUNCTION public.gh_leak(products) RENAME TO lower",
])
def test_creating_or_changing_code_is_held(agent, direct, sql):
    assert_refused(agent, sql, HELD)
    # Ground truth: nothing was created or changed upstream.
    assert direct.execute("SELECT count(*) FROM pg_proc WHERE proname IN ('gh_peek', 'gh_grab', 'lower') "
                          "AND pronamespace = 'public'::regnamespace").fetchone()[0] == 0
    assert direct.execute("SELECT count(*) FROM pg_rewrite WHERE rulename = 'gh_rule'").fetchone()[0] == 0
    assert_database_refuses(agent, sql)


# --- 2. Names starting with pg_ -----------------------------------------------------------------


@pytest.mark.parametrize("create, sql", [
    ("CREATE VIEW public.pg_gh_view AS SELECT email FROM public.customers", "SELECT * FROM pg_gh_view"),
    ("CREATE VIEW public.pg_gh_stats AS SELECT histogram_bounds::text AS bounds FROM pg_catalog.pg_stats "
     "WHERE tablename = 'customers' AND attname = 'email'", "SELECT * FROM pg_gh_stats"),
    ("CREATE MATERIALIZED VIEW public.pg_gh_mv AS SELECT full_name FROM public.customers", "SELECT * FROM pg_gh_mv"),
])
def test_a_pg_prefixed_user_relation_is_not_a_system_relation(agent, direct, admin, raw, create, sql):
    # Created after the agent's session read its catalog (out of band, or by another gateway's
    # session): the gateway reads the catalog again, and must not take it for a system relation:
    # it is decided by what it is defined over.
    agent.attempt("SELECT 1")
    admin.execute(create)
    admin.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO gh_ledger")
    try:
        assert_works_directly(direct, sql, raw)
        error = assert_stopped(agent, sql, raw)
        assert "customers" in error.diag.message_primary or "pg_stats" in error.diag.message_primary
    finally:
        admin.execute(DROP_PG_PREFIXED)
    # Real system relations still pass.
    rows, error = agent.attempt("SELECT count(*) FROM pg_class")
    assert error is None and rows[0][0] > 0


# --- 3. Statistics ------------------------------------------------------------------------------


@pytest.mark.parametrize("sql", [
    "SELECT attname, histogram_bounds::text, most_common_vals::text FROM pg_stats WHERE tablename = 'customers'",
    "WITH s AS (SELECT * FROM pg_catalog.pg_stats WHERE tablename = 'customers') SELECT histogram_bounds::text FROM s",
    "SELECT 'x' UNION ALL SELECT histogram_bounds::text FROM pg_catalog.pg_stats WHERE attname = 'email'",
    "SELECT x::text FROM (SELECT histogram_bounds AS x FROM pg_stats WHERE tablename = 'customers') AS sub",
])
def test_statistics_views_count_as_the_data_they_describe(agent, direct, raw, sql):
    assert_works_directly(direct, sql, raw)
    error = assert_stopped(agent, sql, raw)
    assert "holds values of other tables' columns" in error.diag.message_primary


# --- 5. Lexer disagreements ---------------------------------------------------------------------


@pytest.mark.parametrize("sql", [
    "SET standard_conforming_strings = off",
    "SELECT set_config('standard_conforming_strings', 'off', false)",
    "SET standard_conforming_strings = off; SELECT 'x'",
    "RESET standard_conforming_strings",
])
def test_string_literals_cannot_be_made_to_read_differently(agent, sql):
    if isinstance(agent, MCPClient) and ";" in sql:
        # Two statements: the tool refuses the text before the gateway sees any of it.
        assert "one statement per call" in str(assert_refused(agent, sql, "0A000"))
    else:
        assert "standard_conforming_strings" in str(assert_refused(agent, sql, FORBIDDEN))
    rows, error = agent.attempt("SHOW standard_conforming_strings")
    assert error is None and rows == [("on",)]


def test_a_comment_ended_by_a_carriage_return_is_read_as_the_server_reads_it(agent, direct, raw):
    # The first statement puts a shape in the analysis cache; the second has the same text up
    # to a carriage return, after which PostgreSQL reads code, not comment.
    rows, error = agent.attempt("SELECT 1 -- gh shape")
    assert error is None
    sql = "SELECT 1 -- gh shape\r, email FROM customers"
    assert_works_directly(direct, sql, raw)
    assert_stopped(agent, sql, raw)


def test_a_session_whose_server_reads_backslashes_differently_is_refused(gw, admin):
    admin.execute(f"ALTER ROLE {login_role(gw)} IN DATABASE shop SET standard_conforming_strings = off")
    try:
        token = gw.gateway.token("agent-mallory", groups=("engineers",))
        with pytest.raises(psycopg.OperationalError) as refused:
            psycopg.connect(ledger_dsn(gw, token), autocommit=True).close()
        assert "standard_conforming_strings" in str(refused.value)
    finally:
        admin.execute(f"ALTER ROLE {login_role(gw)} IN DATABASE shop RESET standard_conforming_strings")


# --- 6. Renames and other sessions' changes -----------------------------------------------------


@pytest.mark.parametrize("sql", [
    "ALTER SCHEMA public RENAME TO gh_p2",
    "ALTER TABLE customers RENAME TO gh_c2",
    "ALTER TABLE customers SET SCHEMA gh_other",
    "ALTER TABLE customers RENAME COLUMN email TO gh_e",
])
def test_renaming_classified_data_away_from_its_name_is_held(agent, direct, sql):
    assert_refused(agent, sql, HELD)
    # Ground truth: the classified table is where its classification says.
    assert direct.execute("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' "
                          "AND table_name = 'customers' AND column_name = 'email'").fetchone()[0] == 1
    assert_database_refuses(agent, sql)


def test_a_view_replaced_in_another_session_is_decided_by_its_new_definition(gw, agent, direct, admin, raw):
    rows, error = agent.attempt("SELECT name FROM gh_shared LIMIT 1")
    if gw.backstop:
        # db-setup grants no view to the login role: a view runs with its owner's privileges.
        assert error is not None and error.sqlstate == FORBIDDEN, error
    else:
        assert error is None and not leaked(repr(rows), raw)
    # Someone allowed to (break-glass, recorded) points the view at classified data.
    try:
        with incident_session(gw) as other:
            other.execute("CREATE OR REPLACE VIEW gh_shared AS SELECT email AS name FROM customers")
        sql = "SELECT name FROM gh_shared"
        assert_works_directly(direct, sql, raw)
        error = assert_stopped(agent, sql, raw)
        assert "public.customers" in error.diag.message_primary
    finally:
        admin.execute("CREATE OR REPLACE VIEW public.gh_shared AS SELECT name FROM public.products")


@pytest.mark.parametrize("send", [
    "SELECT pg_notify('gh_channel', full_name) FROM customers WHERE id = 9",
    "SELECT pg_catalog.pg_notify('gh_channel', (SELECT string_agg(full_name, ',') FROM customers WHERE id < 4))",
    "DO $$ BEGIN PERFORM pg_notify('gh_channel', (SELECT full_name FROM customers WHERE id = 10)); END $$",
])
def test_notifications_sent_from_personal_data_are_masked_for_every_listener(gw, approved, direct, admin, raw, send):
    # Another session listens: the payload reaches it however it was made.
    token = gw.gateway.token("agent-listener", groups=("engineers",))
    with psycopg.connect(ledger_dsn(gw, token, "shop_masked"), autocommit=True) as listener:
        listener.execute("LISTEN gh_channel")
        approved.conn.autocommit = True
        rows, error = approved.attempt(send)
        assert error is None, error
        received = [n.payload for n in listener.notifies(timeout=5, stop_after=1)]
    assert received, "no notification arrived"
    assert not leaked(repr(received), raw), received
    # Ground truth: the same notification, listened to directly, carries the names.
    admin.execute("LISTEN gh_channel")
    direct.execute(send)
    assert leaked(repr([n.payload for n in admin.notifies(timeout=5, stop_after=1)]), raw)


@pytest.mark.parametrize("set_path", [
    "SET search_path = gh_other, public",
    "SELECT set_config('search_path', 'gh_other, public', false)",
    "SET SESSION search_path TO gh_other",
])
def test_an_unqualified_name_is_decided_whatever_the_search_path(agent, direct, raw, set_path):
    # gh_other.payroll is classified; public.payroll is not. After the session's search path
    # changes, `payroll` is the classified one.
    rows, error = agent.attempt(set_path)
    assert error is None, error
    if agent.database is not None:
        agent.database.execute(set_path)
    sql = "SELECT upper(full_name), iban FROM payroll"
    direct.execute("SET search_path = gh_other, public")
    assert_works_directly(direct, sql, raw)
    error = assert_stopped(agent, sql, raw)
    assert "gh_other.payroll" in error.diag.message_primary
    # Written out, public's table is exactly that one, and unclassified.
    rows, error = agent.attempt("SELECT full_name FROM public.payroll LIMIT 1")
    assert error is None, error


def test_scratch_and_temporary_tables_flow_without_holds(gw, agent):
    if isinstance(agent, MCPClient):
        pytest.skip("temporary tables live in a session; each MCP query call is a database session of its own (docs/mcp.md)")
    # Creating a table is not reading one; a table that holds nothing classified is read freely.
    scratch = ["CREATE TEMP TABLE gh_scratch (id int, note text)",
               "INSERT INTO gh_scratch SELECT id, name FROM products",
               "SELECT count(*) FROM gh_scratch JOIN products p USING (id)",
               "CREATE TEMP TABLE gh_temp_copy AS SELECT id, name FROM products",
               "SELECT name FROM gh_temp_copy LIMIT 1",
               "DROP TABLE IF EXISTS gh_never_existed",
               "SELECT * FROM pg_temp.gh_scratch LIMIT 1"]
    permanent = ["CREATE TABLE IF NOT EXISTS gh_notes (id int)",
                 "CREATE TABLE IF NOT EXISTS gh_notes (id int)",
                 "INSERT INTO gh_notes VALUES (1)",
                 "SELECT * FROM gh_notes",
                 "CREATE TABLE gh_copy AS SELECT id, name FROM products",
                 "SELECT name FROM gh_copy LIMIT 1",
                 "DROP TABLE gh_copy, gh_notes"]
    for sql in scratch + ([] if gw.backstop else permanent):
        rows, error = agent.attempt(sql)
        assert error is None, f"{sql}: {error!r}"
    if gw.backstop:
        # The login role creates nothing outside its temporary schema: the database says no (no hold).
        assert_refused(agent, permanent[0], FORBIDDEN)
    # Filling one from classified data is reading that data: held.
    assert_refused(agent, "INSERT INTO gh_scratch SELECT id, full_name FROM customers", HELD)
    assert_refused(agent, "CREATE TEMP TABLE gh_stash AS SELECT email FROM customers", HELD)


def test_ordinary_reads_still_flow(agent, raw):
    for sql in ("SELECT name, price FROM products ORDER BY id LIMIT 3", "SELECT lower(name) FROM products",
                "SELECT p.name FROM products p JOIN order_items i ON i.product_id = p.id LIMIT 3",
                "SELECT count(*) FROM pg_class", "SELECT 1 -- a comment\r"):
        rows, error = agent.attempt(sql)
        assert error is None, f"{sql}: {error!r}"


# --- 7. Unmasked values after approval: lineage -------------------------------------------------


@pytest.mark.parametrize("sql", [
    "SELECT mode() WITHIN GROUP (ORDER BY full_name) FROM customers",
    "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY full_name) FROM customers",
    "UPDATE customers SET notes = full_name WHERE id = 2 RETURNING notes",
    "INSERT INTO orders (customer_id, total, status, placed_at) SELECT id, 1, full_name, now() FROM customers WHERE id < 4 RETURNING status",
    "DECLARE gh_c CURSOR FOR SELECT upper(full_name) FROM customers; FETCH ALL FROM gh_c",
    "DECLARE gh_d CURSOR FOR SELECT full_name || '' FROM customers; MOVE 1 IN gh_d; FETCH 3 FROM gh_d",
    "COPY (SELECT upper(full_name) FROM customers, products LIMIT 3) TO STDOUT",
    "SELECT jsonb_object_agg(k, 1)::text FROM (SELECT full_name AS k FROM customers) s",
])
def test_approved_results_are_masked_whatever_route_the_values_take(approved, direct, raw, sql):
    assert_works_directly(direct, sql, raw)
    rows, error = approved.attempt(sql)
    assert error is None, f"{sql}: {error!r}"
    assert rows, sql
    text = received_text(rows, error, approved)
    assert not leaked(text, raw), f"{sql}: raw personal data reached the client: {leaked(text, raw)[:3]}"


# --- 8. Unmasked values after approval: messages ------------------------------------------------


@pytest.mark.parametrize("sql", [
    # A DO block's messages can carry anything, in any shape (a name matches no pattern).
    "DO $$ DECLARE n text; BEGIN SELECT full_name INTO n FROM customers WHERE id = 5; RAISE NOTICE 'ok' USING DETAIL = n; END $$",
    "DO $$ DECLARE n text; BEGIN SELECT full_name INTO n FROM customers WHERE id = 6; RAISE EXCEPTION USING ERRCODE = '22000', MESSAGE = n; END $$",
    "DO $$ DECLARE n text; BEGIN SELECT full_name INTO n FROM customers WHERE id = 7; RAISE EXCEPTION 'x' USING HINT = 'try ' || n; END $$",
    # A row of an unclassified table printed in a detail, filled from classified columns.
    "INSERT INTO orders (customer_id, total, status, placed_at) SELECT id, 1, full_name, NULL FROM customers WHERE id = 8",
])
def test_approved_statements_messages_are_masked(approved, direct, raw, sql):
    assert_works_directly(direct, sql, raw)
    rows, error = approved.attempt(sql)
    text = received_text(rows, error, approved)
    assert not leaked(text, raw), f"{sql}: raw personal data reached the client: {leaked(text, raw)[:3]}"


# --- 9. Stashing: copies of personal data stay personal data ----------------------------------


@pytest.mark.parametrize("prepare, copy, read", [
    (None, "CREATE TABLE gh_stash AS SELECT id, email AS contact FROM customers", "SELECT contact FROM gh_stash"),
    ("CREATE TABLE gh_notes2 (id int, note text)", "INSERT INTO gh_notes2 SELECT id, full_name FROM customers",
     "SELECT upper(note) FROM gh_notes2"),
    ("CREATE TABLE gh_memo AS SELECT id, name AS memo FROM products",
     "UPDATE gh_memo SET memo = (SELECT full_name FROM customers c WHERE c.id = gh_memo.id)", "SELECT memo FROM gh_memo"),
])
def test_a_copy_made_by_an_approved_write_is_personal_data(gw, agent, admin, direct, raw, prepare, copy, read):
    if prepare and gw.backstop:
        # The login role creates no permanent tables: this one is the approved role's, made
        # outside the gateway; DDL through the gateway then makes it read its catalog again.
        admin.execute(prepare)
        admin.execute(f"ALTER TABLE {prepare.split()[2]} OWNER TO {ledger.BACKSTOP_APPROVED_ROLE}")
        rows, error = agent.attempt("CREATE TEMP TABLE gh_reload ()")
        assert error is None, error
    elif prepare:
        rows, error = agent.attempt(prepare)  # unclassified: not held
        assert error is None, error
    try:
        with incident_session(gw) as incident:
            incident.execute(copy)
        assert_works_directly(admin, read, raw)  # the copy's owner may be the approved role
        error = assert_stopped(agent, read, raw)
        assert "classified table public.gh_" in error.diag.message_primary
    finally:
        admin.execute("DROP TABLE IF EXISTS public.gh_stash, public.gh_notes2, public.gh_memo")


def test_a_temporary_copy_is_masked_in_its_own_session(approved, direct, raw):
    sql = "CREATE TEMP TABLE gh_t AS SELECT full_name AS n FROM customers; SELECT upper(n) || '' FROM gh_t"
    assert_works_directly(direct, sql, raw)
    rows, error = approved.attempt(sql)
    assert error is None and rows, error
    assert not leaked(received_text(rows, error, approved), raw)


def test_a_setting_filled_from_personal_data_is_read_back_masked(approved, direct, raw):
    sql = "SELECT set_config('gh.stash', (SELECT full_name FROM customers WHERE id = 11), false); SELECT current_setting('gh.stash') || ''"
    assert_works_directly(direct, sql, raw)
    approved.conn.autocommit = True
    rows, error = approved.attempt(sql)
    assert error is None and rows, error
    assert not leaked(received_text(rows, error, approved), raw)
    rows, error = approved.attempt("SHOW gh.stash")
    assert error is None and rows, error
    assert not leaked(received_text(rows, error, approved), raw)


def test_pgbench_runs_without_holds(gw, admin, agent):
    if gw.backstop:
        pytest.skip("pgbench -i creates permanent tables, which the backstop's login role may not (no hold either way)")
    # Its initialisation creates, fills and vacuums tables; its transactions read and write
    # only them. On a connection with personal data and nobody to approve, any hold fails it.
    # This module's own `+` on products would make its `abalance + :delta` unanalysable (a
    # user-defined operator of that name): dropped first, through the gateway, which reloads.
    from harness import clients
    rows, error = agent.attempt("DROP OPERATOR public.+ (products, integer)")
    assert error is None, error
    token = gw.gateway.token("agent-mallory", groups=("engineers",))

    def pgbench(args):
        return clients.pgbench(args, host="127.0.0.1", port=gw.port, user="agent", dbname="shop_approval", password=token)
    try:
        init = pgbench(["-i", "-s", "1", "-q"])
        assert init.returncode == 0, init.stderr
        for mode in ("simple", "extended", "prepared"):
            run = pgbench(["-n", "-c", "2", "-t", "20", "-M", mode])
            assert run.returncode == 0, run.stdout + run.stderr
            assert clients.transactions_processed(run.stdout) == (40, 40)
    finally:
        admin.execute("DROP TABLE IF EXISTS pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers")
        # The module's other gateway (the backstop run) attacks with it too.
        admin.execute("CREATE OPERATOR public.+ (LEFTARG = products, RIGHTARG = integer, FUNCTION = public.gh_plus); "
                      "ALTER OPERATOR public.+ (products, integer) OWNER TO gh_ledger")
