"""psycopg 3 through the gateway: server-side parameter binding, COPY in both directions,
LISTEN/NOTIFY, a large result and query cancellation."""

import hashlib
import threading
import time
import uuid

import psycopg
import pytest
from psycopg import errors

from harness.events import statements


@pytest.fixture
def conn(gateway):
    with psycopg.connect(gateway.dsn("shop"), autocommit=True, connect_timeout=10) as connection:
        yield connection


def test_server_side_binding(gateway, conn, admin):
    before = gateway.events.last_seq()
    expected = admin.execute("SELECT full_name, city FROM customers WHERE id = 42").fetchone()
    # %t: the parameter travels in text format, as the contract's example records it.
    row = conn.execute("SELECT full_name, city FROM customers WHERE id = %t", [42]).fetchone()
    assert row == expected
    cities = conn.execute("SELECT count(*) FROM customers WHERE city = %s AND birth_date < %s",
                          ["Berlin", "1980-01-01"]).fetchone()[0]
    assert cities == admin.execute("SELECT count(*) FROM customers WHERE city = 'Berlin' AND birth_date < '1980-01-01'").fetchone()[0]
    recorded = statements(gateway.events.since(before))
    bound = [e for e in recorded if "WHERE id = $1" in e.payload.get("text", "")]
    assert bound, [e.payload for e in recorded]
    assert bound[0].payload["protocolMode"] == "extended"
    assert bound[0].payload["parameters"] == ["42"]


def test_binary_parameters_recorded_readably(gateway, conn):
    # psycopg sends ints in binary; the record should still say 42, not the raw bytes.
    before = gateway.events.last_seq()
    assert conn.execute("SELECT count(*) FROM orders WHERE customer_id = %b", [42]).fetchone()[0] == 5
    bound = [e for e in statements(gateway.events.since(before)) if "customer_id = $1" in e.payload.get("text", "")]
    assert bound and bound[0].payload["parameters"] == ["42"], bound and bound[0].payload["parameters"]


def test_prepared_statement_reused(conn, admin):
    names = [conn.execute("SELECT full_name FROM customers WHERE id = %s", [i], prepare=True).fetchone()[0]
             for i in range(1, 21)]
    assert names == [r[0] for r in admin.execute("SELECT full_name FROM customers WHERE id <= 20 ORDER BY id")]


def test_null_and_binary_parameters(conn):
    cur = conn.cursor(binary=True)
    row = cur.execute("SELECT %s::int IS NULL, %b::bytea, %s::numeric * 2", [None, b"\x00\xffgate", "21.5"]).fetchone()
    assert row == (True, b"\x00\xffgate", 43)


def test_copy_from_stdin(conn, admin):
    table = f"copy_in_{uuid.uuid4().hex[:8]}"
    conn.execute(f"CREATE TABLE {table} (id int PRIMARY KEY, name text, amount numeric)")
    with conn.cursor() as cur:
        with cur.copy(f"COPY {table} (id, name, amount) FROM STDIN") as copy:
            for i in range(1, 2001):
                copy.write_row((i, f"name-{i}", i / 4))
    assert admin.execute(f"SELECT count(*), sum(id), sum(amount) FROM {table}").fetchone() == (2000, 2001000, 500250)
    conn.execute(f"DROP TABLE {table}")


def test_copy_to_stdout(conn, admin):
    with conn.cursor() as cur:
        with cur.copy("COPY (SELECT id, city FROM customers ORDER BY id) TO STDOUT") as copy:
            rows = [tuple(r) for r in copy.rows()]
    direct = [(str(i), e) for i, e in admin.execute("SELECT id, city FROM customers ORDER BY id")]
    assert rows == direct


def test_listen_notify(gateway, conn):
    conn.execute("LISTEN gatehouse_test")
    with psycopg.connect(gateway.dsn("shop"), autocommit=True) as other:
        other.execute("NOTIFY gatehouse_test, 'hello through the gateway'")
    received = list(conn.notifies(timeout=5, stop_after=1))
    assert [(n.channel, n.payload) for n in received] == [("gatehouse_test", "hello through the gateway")]


def test_large_result(conn):
    cur = conn.execute("SELECT g, md5(g::text) FROM generate_series(1, 100000) AS g")
    rows = cur.fetchall()
    assert len(rows) == 100000
    assert sum(r[0] for r in rows) == 100000 * 100001 // 2
    assert rows[-1][1] == hashlib.md5(b"100000").hexdigest()


def test_large_result_server_side_cursor(gateway):
    with psycopg.connect(gateway.dsn("shop")) as connection:
        with connection.cursor(name="big") as cur:
            cur.itersize = 5000
            cur.execute("SELECT g FROM generate_series(1, 100000) AS g")
            total = sum(r[0] for r in cur)
    assert total == 100000 * 100001 // 2


@pytest.mark.parametrize("method", ["cancel", "cancel_safe"])
def test_cancel_long_query(conn, method):
    timer = threading.Timer(1.0, getattr(conn, method))
    timer.start()
    started = time.monotonic()
    try:
        with pytest.raises(errors.QueryCanceled):
            conn.execute("SELECT pg_sleep(30)")
    finally:
        timer.cancel()
    assert time.monotonic() - started < 8
    # The session survives a cancelled statement.
    assert conn.execute("SELECT 'after cancel'").fetchone()[0] == "after cancel"


def test_error_then_continue(conn):
    with pytest.raises(errors.DivisionByZero):
        conn.execute("SELECT 1/(id-500) FROM customers ORDER BY id").fetchall()
    assert conn.execute("SELECT count(*) FROM customers").fetchone()[0] == 1000
