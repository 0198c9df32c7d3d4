"""The clients people and agents use, through the gateway, compared with the same client run
against PostgreSQL directly as the same role: psql's backslash commands and \\copy, pg_dump,
psycopg2, SQLAlchemy 2 (on psycopg 3 and on pg8000) with reflection, the ORM and create_all,
an Alembic migration, pgjdbc (Debian's) and pgcli's catalog queries. (pg8000's own protocol
use, COPY in both directions, is test_pg8000.py.)

Everything runs on `shop_approval`, a connection with the demo's classification, approval mode
`personal-data` and no approver groups: a statement the gateway would hold is refused at once
(GH003), so "nothing ordinary is held" is an exact check, not a timeout. The last tests run the
same clients at the classified tables: those reads are still refused, and what an approved
statement returns is still masked."""

import difflib
import io
import os
import select
import subprocess
import textwrap
import threading
import time

import psycopg
import psycopg2
import psycopg2.extensions
import pytest
import sqlalchemy
from sqlalchemy import orm

from harness import clients, ledger, pgbin

HELD = "GH003"
CONNECTION = "shop_approval"
JDBC_JAR = "/usr/share/java/postgresql.jar"


@pytest.fixture(scope="module")
def gw(tmp_path_factory, upstream):
    gateway = ledger.LedgerGateway(str(tmp_path_factory.mktemp("compat")), upstream, name="compat-gw",
                                   approval={"mode": "personal-data", "hold_seconds": 5})
    gateway.start()
    yield gateway
    gateway.stop()


class Endpoint:
    """Where a client connects: the gateway (token as password) or PostgreSQL directly (the
    role the gateway logs in as, with its password)."""

    def __init__(self, host, port, user, password, database):
        self.host, self.port, self.user, self.password, self.database = host, port, user, password, database

    def dsn(self, **extra) -> str:
        parts = {"host": self.host, "port": self.port, "dbname": self.database, "user": self.user,
                 "password": self.password, "sslmode": "disable", **extra}
        return " ".join(f"{key}={value}" for key, value in parts.items())

    def url(self, driver: str) -> sqlalchemy.URL:
        return sqlalchemy.URL.create(f"postgresql+{driver}", username=self.user, password=self.password,
                                     host=self.host, port=self.port, database=self.database)


@pytest.fixture(scope="module")
def through(gw):
    token = gw.gateway.token("agent-compat", groups=("engineers",), username="compat", agent="compat-suite")
    return Endpoint("127.0.0.1", gw.port, "agent", token, CONNECTION)


@pytest.fixture(scope="module")
def direct(upstream):
    password = ledger.ensure_ledger_role(upstream)
    return Endpoint(upstream.server.host, upstream.server.port, ledger.LEDGER_ROLE, password, "shop")


def same(gateway_output: str, direct_output: str, what: str):
    assert gateway_output == direct_output, f"{what} differs from direct:\n" + "".join(
        difflib.unified_diff(direct_output.splitlines(True), gateway_output.splitlines(True), "direct", "gateway"))


# --- psql ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    r"\d products", r"\d+ products", r"\d customers", r"\d+ customers", r"\dt", r"\dt+", r"\df", r"\dn", r"\l",
    r"\di", r"\dv", r"\du", r"\dT", r"\dx", r"\d orders_id_seq",
])
def test_psql_describes_as_directly(through, direct, command):
    via = clients.psql(through.dsn(), command)
    assert via.returncode == 0, via.stderr
    same(via.stdout, clients.psql(direct.dsn(), command).stdout, command)


def test_psql_copy_both_ways(through, direct, admin):
    admin.execute("DROP TABLE IF EXISTS compat_psql_copy")
    try:
        script = textwrap.dedent("""\
            CREATE TABLE compat_psql_copy (id integer, label text);
            \\copy compat_psql_copy FROM stdin
            1\tone
            2\ttwo
            \\.
            \\copy (SELECT id, name FROM products ORDER BY id LIMIT 5) TO stdout
            \\copy compat_psql_copy TO stdout
            DROP TABLE compat_psql_copy;
            """)
        via = clients.psql(through.dsn(), script=script)
        assert via.returncode == 0, via.stderr
        same(via.stdout, clients.psql(direct.dsn(), script=script).stdout, "\\copy")
    finally:
        admin.execute("DROP TABLE IF EXISTS compat_psql_copy")


# --- pg_dump ------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["--schema-only"],
    ["--data-only", "-t", "products", "-t", "orders", "-t", "order_items"],
], ids=["schema", "unclassified-data"])
def test_pg_dump_is_identical_to_direct(through, direct, args):
    def dump(endpoint):
        # A fixed restrict key: pg_dump otherwise writes a random one into every dump.
        return subprocess.run([pgbin.tool("pg_dump"), "--restrict-key=compat", *args, "-d", endpoint.dsn()],
                              capture_output=True, text=True, timeout=120)
    via = dump(through)
    assert via.returncode == 0, via.stderr
    same(via.stdout, dump(direct).stdout, f"pg_dump {' '.join(args)}")


# --- psycopg2 -----------------------------------------------------------------------------------


def test_psycopg2_named_cursor_copy_and_listen(through, direct):
    def run(endpoint):
        facts = []
        conn = psycopg2.connect(endpoint.dsn())
        try:
            with conn.cursor(name="compat_named") as cursor:  # DECLARE ... CURSOR, FETCH FORWARD n
                cursor.itersize = 7
                cursor.execute("SELECT id, name, price FROM products ORDER BY id")
                facts.append(("named", [tuple(map(str, row)) for row in cursor]))
            with conn.cursor() as cursor:
                out = io.StringIO()
                cursor.copy_expert("COPY (SELECT id, sku FROM products ORDER BY id LIMIT 10) TO STDOUT WITH (FORMAT csv)", out)
                facts.append(("copy", out.getvalue()))
                cursor.execute("CREATE TEMP TABLE compat_tmp (id integer, note text)")
                cursor.copy_expert("COPY compat_tmp FROM STDIN", io.StringIO("1\ta\n2\tb\n"))
                cursor.execute("SELECT count(*) FROM compat_tmp")
                facts.append(("copy in", cursor.fetchone()))
            conn.commit()
            conn.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
            with conn.cursor() as cursor:
                cursor.execute("LISTEN compat_channel")
                cursor.execute("NOTIFY compat_channel, 'hello'")
            deadline = time.monotonic() + 10
            while not conn.notifies and time.monotonic() < deadline:
                select.select([conn], [], [], 1)
                conn.poll()
            facts.append(("notify", [(n.channel, n.payload) for n in conn.notifies]))
        finally:
            conn.close()
        return facts
    assert run(through) == run(direct)


def test_psycopg2_cancel(through):
    conn = psycopg2.connect(through.dsn())
    try:
        threading.Timer(1.0, conn.cancel).start()
        started = time.monotonic()
        with pytest.raises(psycopg2.errors.QueryCanceled):
            with conn.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(30)")
        assert time.monotonic() - started < 10
        conn.rollback()
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
    finally:
        conn.close()


# --- SQLAlchemy 2 and Alembic -------------------------------------------------------------------


class Base(orm.DeclarativeBase):
    pass


# The demo's products table, as far as the ORM needs it (never created or dropped here).
sqlalchemy.Table("products", Base.metadata, sqlalchemy.Column("id", sqlalchemy.Integer, primary_key=True))


class Note(Base):
    __tablename__ = "compat_orm_notes"
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    title: orm.Mapped[str] = orm.mapped_column(sqlalchemy.String(80), index=True)
    product_id: orm.Mapped[int | None] = orm.mapped_column(sqlalchemy.ForeignKey("products.id"))


def reflect(engine) -> dict:
    inspector = sqlalchemy.inspect(engine)
    facts = {"tables": sorted(t for t in inspector.get_table_names() if not t.startswith(("gh_", "pgbench", "compat_")))}
    for table in ("products", "orders", "customers", "support_tickets"):
        facts[table] = {
            "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
            "pk": inspector.get_pk_constraint(table),
            "fks": inspector.get_foreign_keys(table),
            "indexes": sorted(inspector.get_indexes(table), key=lambda i: i["name"]),
            "unique": inspector.get_unique_constraints(table),
        }
    facts["views"] = sorted(inspector.get_view_names())
    return facts


@pytest.mark.parametrize("driver", ["psycopg", "pg8000"])
def test_sqlalchemy_reflection_orm_and_create_all(through, direct, driver, admin):
    engines = {name: sqlalchemy.create_engine(endpoint.url(driver)) for name, endpoint in
               (("through", through), ("direct", direct))}
    admin.execute("DROP TABLE IF EXISTS compat_orm_notes")
    try:
        assert reflect(engines["through"]) == reflect(engines["direct"])
        engine = engines["through"]
        Base.metadata.create_all(engine, tables=[Note.__table__])
        with orm.Session(engine) as session:
            session.add_all([Note(id=1, title="first", product_id=1), Note(id=2, title="second")])
            session.commit()
            notes = session.scalars(sqlalchemy.select(Note).where(Note.title.like("f%")).order_by(Note.id)).all()
            assert [(n.id, n.title, n.product_id) for n in notes] == [(1, "first", 1)]
            joined = session.execute(sqlalchemy.text(
                "SELECT n.title, p.name FROM compat_orm_notes n JOIN products p ON p.id = n.product_id")).all()
            with engines["direct"].connect() as conn:
                assert joined == conn.execute(sqlalchemy.text(
                    "SELECT n.title, p.name FROM compat_orm_notes n JOIN products p ON p.id = n.product_id")).all()
        Base.metadata.drop_all(engine, tables=[Note.__table__])
        assert admin.execute("SELECT to_regclass('public.compat_orm_notes')").fetchone()[0] is None
    finally:
        for engine in engines.values():
            engine.dispose()
        admin.execute("DROP TABLE IF EXISTS compat_orm_notes")


ALEMBIC_ENV = '''
from alembic import context
from sqlalchemy import create_engine

with create_engine(context.config.get_main_option("sqlalchemy.url")).connect() as connection:
    context.configure(connection=connection, version_table="compat_alembic_version")
    with context.begin_transaction():
        context.run_migrations()
'''

ALEMBIC_REVISIONS = {
    "0001_create.py": '''
revision = "0001"
down_revision = None
from alembic import op
import sqlalchemy as sa

def upgrade():
    op.create_table("compat_migrated", sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(20)))

def downgrade():
    op.drop_table("compat_migrated")
''',
    "0002_change.py": '''
revision = "0002"
down_revision = "0001"
from alembic import op
import sqlalchemy as sa

def upgrade():
    op.add_column("compat_migrated", sa.Column("note", sa.Text))
    op.alter_column("compat_migrated", "name", type_=sa.String(80), nullable=False, server_default="x")
    op.create_index("compat_migrated_name", "compat_migrated", ["name"])
    op.drop_column("compat_migrated", "note")

def downgrade():
    op.drop_index("compat_migrated_name", "compat_migrated")
''',
}


def test_alembic_migration(through, admin, tmp_path):
    from alembic import command
    from alembic.config import Config

    admin.execute("DROP TABLE IF EXISTS compat_migrated, compat_alembic_version")
    scripts = tmp_path / "migrations"
    (scripts / "versions").mkdir(parents=True)
    (scripts / "env.py").write_text(ALEMBIC_ENV)
    (scripts / "script.py.mako").write_text("")
    for name, body in ALEMBIC_REVISIONS.items():
        (scripts / "versions" / name).write_text(body)
    config = Config()
    config.set_main_option("script_location", str(scripts))
    config.set_main_option("sqlalchemy.url", through.url("psycopg").render_as_string(hide_password=False).replace("%", "%%"))
    try:
        command.upgrade(config, "head")
        # Ground truth, read directly.
        assert admin.execute("SELECT version_num FROM compat_alembic_version").fetchall() == [("0002",)]
        columns = admin.execute("SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                                "WHERE table_name = 'compat_migrated' ORDER BY ordinal_position").fetchall()
        assert columns == [("id", "integer", "NO"), ("name", "character varying", "NO")]
        assert admin.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'compat_migrated_name'").fetchone()[0] == 1
        command.downgrade(config, "base")
        assert admin.execute("SELECT to_regclass('public.compat_migrated')").fetchone()[0] is None
    finally:
        admin.execute("DROP TABLE IF EXISTS compat_migrated, compat_alembic_version")


# --- pgjdbc -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def jdbc_program(tmp_path_factory):
    if not os.path.exists(JDBC_JAR):
        pytest.fail(f"{JDBC_JAR} is missing: scripts/install-deps.sh installs libpostgresql-jdbc-java")
    out = tmp_path_factory.mktemp("jdbc")
    source = os.path.join(os.path.dirname(__file__), "clients", "JdbcCompat.java")
    subprocess.run(["javac", "-cp", JDBC_JAR, "-d", str(out), source], check=True, capture_output=True, timeout=180)
    return str(out)


def test_pgjdbc_prepared_batches_metadata_and_copy(jdbc_program, through, direct):
    def run(endpoint, table):
        url = f"jdbc:postgresql://{endpoint.host}:{endpoint.port}/{endpoint.database}?sslmode=disable&prepareThreshold=5"
        result = subprocess.run(["java", "-cp", f"{jdbc_program}:{JDBC_JAR}", "JdbcCompat", url, endpoint.user,
                                 endpoint.password, table], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout.replace(table, "scratch")
    via = run(through, "compat_jdbc_via")
    assert "product 8" in via and "batch 20" in via and "copy in 2" in via and "pk orders id" in via
    same(via, run(direct, "compat_jdbc_direct"), "pgjdbc")


# --- pgcli --------------------------------------------------------------------------------------


def test_pgcli_catalog_queries(through, direct):
    from pgcli.pgexecute import PGExecute

    def facts(endpoint):
        executor = PGExecute(database=endpoint.database, user=endpoint.user, password=endpoint.password,
                             host=endpoint.host, port=endpoint.port, dsn="", sslmode="disable")
        try:
            return {
                "schemata": sorted(executor.schemata()),
                "tables": sorted(t for t in executor.tables() if not t[1].startswith(("gh_", "pgbench", "compat_"))),
                "views": sorted(executor.views()),
                "columns": sorted(c[:4] for c in executor.table_columns() if c[1] in ("customers", "products", "orders")),
                "functions": len(list(executor.functions())),
                "datatypes": sorted(executor.datatypes()),
                "foreignkeys": sorted(executor.foreignkeys()),
                "databases": executor.databases(),
                "search_path": executor.search_path(),
            }
        finally:
            executor.conn.close()
    assert facts(through) == facts(direct)


# --- errors ------------------------------------------------------------------------------------


ERRONEOUS = [("SELECT name FROM products WHERE id = %s", ["x"]), ("SELECT name FROM products WHERE id = 'x'", None),
             ("SELECT 1/0", None), ("SELECT 1 FROM", None), ("SELECT nosuchcolumn FROM products", None)]


def test_errors_read_as_directly_over_both_protocols(through, direct):
    """psycopg 3 (extended protocol) and psycopg2 (simple protocol): the same SQLSTATE, message
    and position as PostgreSQL gives directly. A statement that does not parse is answered at
    once, not held."""
    def extended(endpoint):
        found = []
        with psycopg.connect(endpoint.dsn(), autocommit=True) as conn:
            for sql, params in ERRONEOUS:
                with pytest.raises(psycopg.Error) as error:
                    conn.execute(sql, params)
                found.append((error.value.sqlstate, error.value.diag.message_primary, error.value.diag.statement_position))
        return found

    def simple(endpoint):
        found = []
        conn = psycopg2.connect(endpoint.dsn())
        conn.autocommit = True
        try:
            for sql, params in ERRONEOUS:
                with pytest.raises(psycopg2.Error) as error:
                    with conn.cursor() as cursor:
                        cursor.execute(sql, params)
                found.append((error.value.pgcode, error.value.diag.message_primary, error.value.diag.statement_position))
        finally:
            conn.close()
        return found
    assert extended(through) == extended(direct)
    assert simple(through) == simple(direct)


# --- relations the gateway has not seen yet ------------------------------------------------------


def test_relations_created_elsewhere_are_looked_up_not_held(through, admin):
    """Created out of band after the session read its catalog: the gateway reads the catalog
    again before deciding, instead of asking a human. A new view over personal data is still
    held once it is known for what it is."""
    with psycopg.connect(through.dsn(), autocommit=True) as conn:
        conn.execute("SELECT 1")  # the session has its catalog
        admin.execute("DROP TABLE IF EXISTS compat_out_of_band; DROP VIEW IF EXISTS compat_oob_contacts")
        admin.execute("CREATE TABLE compat_out_of_band AS SELECT id, name FROM products WHERE id <= 3; "
                      f"GRANT SELECT ON compat_out_of_band TO {ledger.LEDGER_ROLE}; "
                      "CREATE VIEW compat_oob_contacts AS SELECT id, email FROM customers; "
                      f"GRANT SELECT ON compat_oob_contacts TO {ledger.LEDGER_ROLE}")
        try:
            assert conn.execute("SELECT id FROM compat_out_of_band ORDER BY id").fetchall() == [(1,), (2,), (3,)]
            with pytest.raises(psycopg.Error) as held:
                conn.execute("SELECT email FROM compat_oob_contacts")
            assert held.value.sqlstate == HELD and "public.customers" in str(held.value)
            # Temporary tables and tables made inside the session's own transaction are its own.
            with conn.transaction(force_rollback=True):
                conn.execute("CREATE TABLE compat_in_tx (x integer)")
                conn.execute("INSERT INTO compat_in_tx VALUES (1)")
                assert conn.execute("SELECT x FROM compat_in_tx").fetchall() == [(1,)]
        finally:
            admin.execute("DROP TABLE IF EXISTS compat_out_of_band; DROP VIEW IF EXISTS compat_oob_contacts")


# --- the same clients at personal data ----------------------------------------------------------


def test_reads_of_personal_data_are_still_held(through, admin):
    raw = admin.execute("SELECT email FROM customers WHERE id = 1").fetchone()[0]
    with psycopg.connect(through.dsn(), autocommit=True) as conn:
        with pytest.raises(psycopg.Error) as held:
            conn.execute("SELECT email FROM customers WHERE id = 1")
        assert held.value.sqlstate == HELD
    psql = clients.psql(through.dsn(), "SELECT email FROM customers WHERE id = 1")
    assert psql.returncode != 0 and "needs approval" in psql.stderr and raw not in psql.stdout + psql.stderr
    dump = subprocess.run([pgbin.tool("pg_dump"), "--data-only", "-t", "customers", "-d", through.dsn()],
                          capture_output=True, text=True, timeout=60)
    assert dump.returncode != 0 and "needs approval" in dump.stderr and raw not in dump.stdout
    engine = sqlalchemy.create_engine(through.url("pg8000"))
    try:
        with pytest.raises(sqlalchemy.exc.DatabaseError) as refused:
            with engine.connect() as conn:
                conn.execute(sqlalchemy.text("SELECT full_name FROM customers")).all()
        assert "needs approval" in str(refused.value)
    finally:
        engine.dispose()


def test_approved_reads_are_masked_for_these_clients_too(gw, admin):
    """`shop_masked` lets every statement through as an approved one is: the values are masked."""
    token = gw.gateway.token("agent-compat", groups=("engineers",))
    endpoint = Endpoint("127.0.0.1", gw.port, "agent", token, "shop_masked")
    raw = admin.execute("SELECT email, full_name FROM customers WHERE id = 3").fetchone()
    psql = clients.psql(endpoint.dsn(), "SELECT email, full_name FROM customers WHERE id = 3")
    assert psql.returncode == 0 and raw[0] not in psql.stdout and raw[1] not in psql.stdout
    engine = sqlalchemy.create_engine(endpoint.url("psycopg"))
    try:
        with engine.connect() as conn:
            row = conn.execute(sqlalchemy.text("SELECT email, full_name FROM customers WHERE id = 3")).one()
        assert row[0] != raw[0] and row[1] != raw[1]
    finally:
        engine.dispose()
    conn = psycopg2.connect(endpoint.dsn())
    try:
        with conn.cursor() as cursor:
            out = io.StringIO()
            cursor.copy_expert("COPY (SELECT email FROM customers WHERE id = 3) TO STDOUT", out)
        assert raw[0] not in out.getvalue()
    finally:
        conn.close()
