"""psql through the gateway over TLS: queries on the demo data, multi-statement strings,
transactions, and an error in the middle of a result set."""

from harness import clients
from harness.events import statement_texts


def test_query_demo_data(gateway, admin):
    result = clients.psql(gateway.dsn("shop"), "SELECT count(*), min(id), max(id) FROM customers")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1000|1|1000"

    expected = admin.execute("SELECT full_name, city FROM customers WHERE id = 42").fetchone()
    result = clients.psql(gateway.dsn("shop"), "SELECT full_name, city FROM customers WHERE id = 42")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{expected[0]}|{expected[1]}"


def test_join_and_aggregate_match_direct(gateway, admin):
    sql = ("SELECT c.country, count(o.id), sum(o.total) FROM customers c JOIN orders o ON o.customer_id = c.id "
           "GROUP BY c.country ORDER BY c.country")
    direct = "\n".join("|".join(str(v) for v in row) for row in admin.execute(sql).fetchall())
    result = clients.psql(gateway.dsn("shop"), sql)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == direct


def test_view_and_jsonb(gateway):
    result = clients.psql(gateway.dsn("shop"),
                          "SELECT count(*) FROM customer_contacts WHERE country = 'US'; "
                          "SELECT count(*) FROM support_tickets WHERE metadata->>'channel' = 'email'")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["334", "100"]


def test_multi_statement_string(gateway):
    before = gateway.events.last_seq()
    sql = "SELECT count(*) FROM customers; SELECT count(*) FROM orders; SELECT 'multi-' || 'done'"
    result = clients.psql(gateway.dsn("shop"), sql)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1000", "5000", "multi-done"]
    texts = statement_texts(gateway.events.since(before))
    # One statement event per statement of the string, in order.
    assert [t.strip().rstrip(";") for t in texts] == [
        "SELECT count(*) FROM customers", "SELECT count(*) FROM orders", "SELECT 'multi-' || 'done'"]


def test_transactions_commit_and_rollback(gateway, admin):
    admin.execute("DROP TABLE IF EXISTS psql_tx_probe; CREATE TABLE psql_tx_probe (id int, note text)")
    admin.execute("GRANT ALL ON psql_tx_probe TO gh_scram")
    script = """
BEGIN;
INSERT INTO psql_tx_probe VALUES (1, 'rolled back');
SELECT count(*) FROM psql_tx_probe;
ROLLBACK;
BEGIN;
INSERT INTO psql_tx_probe VALUES (2, 'committed');
INSERT INTO psql_tx_probe VALUES (3, 'committed');
COMMIT;
BEGIN;
SAVEPOINT s1;
INSERT INTO psql_tx_probe VALUES (4, 'undone by savepoint');
ROLLBACK TO SAVEPOINT s1;
COMMIT;
SELECT string_agg(id::text, ',' ORDER BY id) FROM psql_tx_probe;
"""
    result = clients.psql(gateway.dsn("shop"), script=script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "2,3"]
    assert admin.execute("SELECT array_agg(id ORDER BY id) FROM psql_tx_probe").fetchone()[0] == [2, 3]


def test_error_mid_result_leaves_session_usable(gateway):
    # Rows 1..499 stream out before the division by zero at id 500.
    script = """
SELECT 1/(id-500) FROM customers ORDER BY id;
SELECT 'still alive', count(*) FROM customers;
BEGIN;
SELECT 1/0;
SELECT 'inside aborted transaction';
ROLLBACK;
SELECT 'after rollback';
"""
    result = clients.psql(gateway.dsn("shop"), script=script, on_error_stop=False)
    assert "division by zero" in result.stderr
    assert "current transaction is aborted" in result.stderr
    assert "still alive|1000" in result.stdout
    assert "after rollback" in result.stdout
    assert "inside aborted transaction" not in result.stdout


def test_error_reports_sqlstate(gateway):
    result = clients.psql(gateway.dsn("shop"), script="\\set VERBOSITY verbose\nSELECT * FROM no_such_table;\n",
                          on_error_stop=False)
    assert "42P01" in result.stderr
    assert 'relation "no_such_table" does not exist' in result.stderr
