"""pg8000 (pure Python, extended protocol for everything) through the gateway, compared with a
direct connection. Its COPY FROM STDIN sends Sync right after the Execute, which the server
ignores once copy-in starts: the session must go on afterwards, and count what ran as it ran."""

import io
import ssl

import pg8000.dbapi
import pg8000.native
import pytest

TABLE = "pg8000_scratch"


def _ssl():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def native(gateway, database="shop"):
    return pg8000.native.Connection("agent", password=gateway.token(), host="127.0.0.1", port=gateway.port,
                                    database=database, ssl_context=_ssl(), timeout=30)


@pytest.fixture
def scratch(admin):
    admin.execute(f"DROP TABLE IF EXISTS {TABLE}")
    admin.execute(f"CREATE TABLE {TABLE} (id integer PRIMARY KEY, label text)")
    admin.execute(f"GRANT ALL ON {TABLE} TO gh_scram")
    yield
    admin.execute(f"DROP TABLE IF EXISTS {TABLE}")


def test_copy_in_then_the_session_goes_on(gateway, admin, scratch):
    conn = native(gateway)
    try:
        conn.run(f"COPY {TABLE} (id, label) FROM STDIN", stream=io.StringIO("1\tone\n2\ttwo\n3\tthree\n"))
        assert conn.row_count == 3
        # The next statements are answered as themselves (the bookkeeping is not one Sync off).
        assert conn.run(f"SELECT id, label FROM {TABLE} ORDER BY id") == [[1, "one"], [2, "two"], [3, "three"]]
        assert conn.run("SELECT :x::int + 1", x=41) == [[42]]
        conn.run(f"COPY {TABLE} (id, label) FROM STDIN WITH (FORMAT csv)", stream=io.StringIO("4,four\n"))
        assert conn.run(f"SELECT count(*) FROM {TABLE}") == [[4]]
    finally:
        conn.close()
    # Ground truth.
    assert admin.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0] == 4


def test_a_copy_in_that_fails_leaves_the_session_usable(gateway, admin, scratch):
    conn = native(gateway)
    try:
        with pytest.raises(pg8000.native.DatabaseError) as failed:
            conn.run(f"COPY {TABLE} (id, label) FROM STDIN", stream=io.StringIO("1\tone\nnot-a-number\ttwo\n"))
        assert failed.value.args[0]["C"] == "22P02"
        with pytest.raises(pg8000.native.DatabaseError) as missing:
            conn.run("COPY pg8000_no_such_table FROM STDIN", stream=io.StringIO("1\n"))
        assert missing.value.args[0]["C"] == "42P01"
        assert conn.run(f"SELECT count(*) FROM {TABLE}") == [[0]]
        assert conn.run("SELECT 'still here'") == [["still here"]]
    finally:
        conn.close()
    assert admin.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0] == 0


def test_copy_out_and_dbapi(gateway, admin, scratch):
    admin.execute(f"INSERT INTO {TABLE} VALUES (1, 'one'), (2, 'two')")
    conn = native(gateway)
    try:
        out = io.StringIO()
        conn.run(f"COPY (SELECT * FROM {TABLE} ORDER BY id) TO STDOUT", stream=out)
        assert out.getvalue() == "1\tone\n2\ttwo\n"
    finally:
        conn.close()
    db = pg8000.dbapi.connect("agent", password=gateway.token(), host="127.0.0.1", port=gateway.port,
                              database="shop", ssl_context=_ssl(), timeout=30)
    try:
        cursor = db.cursor()
        cursor.execute(f"COPY {TABLE} (id, label) FROM STDIN", stream=io.StringIO("3\tthree\n"))
        cursor.execute(f"SELECT label FROM {TABLE} WHERE id = %s", (3,))
        assert [list(row) for row in cursor.fetchall()] == [["three"]]
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        assert cursor.fetchone()[0] == 3
        db.commit()
    finally:
        db.close()
    assert admin.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0] == 3
