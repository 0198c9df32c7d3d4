"""The harness itself, without the gateway: the upstream server, its logins and the demo
data are what every other test relies on, so check them directly first."""

import re

import psycopg

from harness import clients, pg_log


def luhn_valid(number: str) -> bool:
    digits = [int(d) for d in number][::-1]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
    return total % 10 == 0


def iban_valid(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def test_demo_seed_row_counts(admin):
    counts = {table: admin.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in ("customers", "orders", "products", "order_items", "support_tickets", "customer_contacts")}
    assert counts["customers"] == 1000
    assert counts["orders"] == 5000
    assert counts["products"] == 60
    assert counts["support_tickets"] == 400
    assert counts["customer_contacts"] == 1000
    assert counts["order_items"] > 5000


def test_demo_seed_identifiers_are_well_formed(admin):
    rows = admin.execute("SELECT country, national_id, card_number, iban, email, notes FROM customers").fetchall()
    cards = [r[2] for r in rows if r[2]]
    ibans = [r[3] for r in rows if r[3]]
    assert len(cards) > 800 and all(luhn_valid(c) for c in cards)
    assert len(ibans) > 500 and all(iban_valid(i) for i in ibans)
    ssns = [r[1] for r in rows if r[0] == "US"]
    assert ssns and all(re.fullmatch(r"\d{3}-\d{2}-\d{4}", s) for s in ssns)
    eu_ids = [r[1] for r in rows if r[0] != "US"]
    assert eu_ids and not any(re.fullmatch(r"\d{3}-\d{2}-\d{4}", s) for s in eu_ids)
    assert any(r[5] and r[4] in r[5] for r in rows), "some notes should repeat the customer's e-mail"
    tickets = admin.execute("SELECT body, metadata::text FROM support_tickets").fetchall()
    assert any("@" in body for body, _ in tickets)
    assert any("iban" in metadata for _, metadata in tickets)


def test_demo_seed_is_deterministic(admin):
    row = admin.execute("SELECT full_name, email, national_id FROM customers WHERE id = 1").fetchone()
    assert row == ("Jonas Fernández", "jonas.fernandez1@example.org", "10008191V")


def test_upstream_logins_use_the_intended_methods(upstream):
    server = upstream.server
    offset = server.log_size()
    for role in ("gh_scram", "gh_md5"):
        with psycopg.connect(server.dsn("shop", role, upstream.passwords[role])) as conn:
            assert conn.execute("SELECT current_user").fetchone()[0] == role
    with psycopg.connect(server.dsn("shop", "gh_tls", upstream.passwords["gh_tls"], sslmode="require")) as conn:
        assert conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()[0] is True
    # gh_tls without TLS is refused by pg_hba: the TLS connection test means something.
    try:
        psycopg.connect(server.dsn("shop", "gh_tls", upstream.passwords["gh_tls"], sslmode="disable")).close()
        raise AssertionError("gh_tls logged in without TLS")
    except psycopg.OperationalError:
        pass
    entries = pg_log.parse(server.log_since(offset))
    methods = {e.user: pg_log.authentication_method(entries, e.pid) for e in entries if "connection authorized" in e.message}
    assert methods.get("gh_scram") == "scram-sha-256"
    assert methods.get("gh_md5") == "md5"


def test_server_log_records_statements(upstream):
    server = upstream.server
    offset = server.log_size()
    with psycopg.connect(server.dsn("shop", "gh_scram", upstream.passwords["gh_scram"])) as conn:
        conn.execute("SELECT 'selfcheck-marker', %s::int", [7])
    entries = pg_log.parse(server.log_since(offset))
    pids = pg_log.pids_of_users(entries, {"gh_scram"})
    texts = [pg_log.statement_text(e) for e in pg_log.executed_statements(entries, pids)]
    assert any("selfcheck-marker" in t for t in texts), texts


def test_pgbench_direct(upstream):
    server = upstream.server
    password = upstream.passwords["gh_scram"]
    common = dict(host=server.host, port=server.port, user="gh_scram", dbname="bench", password=password)
    init = clients.pgbench(["-i", "-s", "1", "-q"], **common)
    assert init.returncode == 0, init.stderr
    run = clients.pgbench(["-n", "-c", "2", "-t", "20", "-M", "prepared"], **common)
    assert run.returncode == 0, run.stderr
    assert clients.transactions_processed(run.stdout) == (40, 40)
