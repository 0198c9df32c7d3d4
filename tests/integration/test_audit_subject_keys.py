"""`audit subject` finds a person whose data went out unmasked: columns nobody classified
(customers.city, orders.total) are about the person the row's subject key names. The demo
classification declares customers.id, orders.customer_id and support_tickets.customer_id as
keys of public.customers' subjects; the gateway indexes every key value that goes out as stored
(text and binary format, COPY), and `--key public.customers=N` finds those statements. Ground
truth: the rows read directly from PostgreSQL."""

import json

import psycopg
import pytest

from harness import ledger

MASKED = "shop_masked"


@pytest.fixture(scope="module")
def gw(tmp_path_factory, upstream):
    gateway = ledger.LedgerGateway(str(tmp_path_factory.mktemp("subject-keys")), upstream, name="subject-keys-gw")
    gateway.start()
    yield gateway
    gateway.stop()


def _found_texts(gw, *args: str) -> list[str]:
    result = gw.audit("subject", *args, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    return [a.get("text", "") for s in json.loads(result.stdout)["sessions"] for a in s["accesses"]]


def _wait_for(gw, marker: str):
    def seen():
        return any(marker in e.payload.get("text", "") for e in gw.events.since(0) if e.kind == "outcome" or e.kind == "statement")
    assert ledger.wait_until(seen, timeout=30), marker


def test_unmasked_rows_are_found_by_their_subject_key(gw, admin):
    person, other = 23, 24
    # Ground truth: the person has orders, and their city is not personal data by classification.
    city = admin.execute("SELECT city FROM customers WHERE id = %s", [person]).fetchone()[0]
    orders = admin.execute("SELECT count(*) FROM orders WHERE customer_id = %s", [person]).fetchone()[0]
    assert orders > 0

    with psycopg.connect(gw.dsn(MASKED), autocommit=True) as conn:
        rows = conn.execute("SELECT id, city, 'keymark_text' FROM customers WHERE id = %s", [person]).fetchall()
        assert rows == [(person, city, "keymark_text")]  # unmasked: nothing was classified
        conn.cursor(binary=True).execute("SELECT id, country, 'keymark_binary' FROM customers WHERE id = %s", [person]).fetchall()
        conn.execute("SELECT customer_id, total, 'keymark_orders' FROM orders WHERE customer_id = %s", [person]).fetchall()
        with conn.cursor().copy(f"COPY (SELECT id, city, 'keymark_copy' FROM customers WHERE id = {person}) TO STDOUT") as copy:
            assert b"".join(bytes(block) for block in copy).startswith(f"{person}\t".encode())
        # Derived values are not keys as stored: 1023 is not customer 1023's row.
        conn.execute("SELECT id + 1000, 'keymark_shifted' FROM customers WHERE id = %s", [person]).fetchall()
        # Someone else's row.
        conn.execute("SELECT id, city, 'keymark_other' FROM customers WHERE id = %s", [other]).fetchall()
    _wait_for(gw, "keymark_other")

    found = "\n".join(_found_texts(gw, "--key", f"public.customers={person}"))
    for marker in ("keymark_text", "keymark_binary", "keymark_orders", "keymark_copy"):
        assert marker in found, f"{marker} not found by the subject key:\n{found}"
    assert "keymark_other" not in found and "keymark_shifted" not in found
    # The same statements are not found under another person's key, nor a key of another table.
    other_found = "\n".join(_found_texts(gw, "--key", f"public.customers={other}"))
    assert "keymark_other" in other_found and "keymark_text" not in other_found
    assert not [t for t in _found_texts(gw, "--key", f"public.orders={person}") if "keymark" in t]
    assert not [t for t in _found_texts(gw, "--key", f"public.customers={person + 1000}") if "keymark_shifted" in t]


def test_a_bad_key_argument_is_refused(gw):
    result = gw.audit("subject", "--key", "no-equals-sign")
    assert result.returncode != 0 and "--key takes TABLE=VALUE" in result.stderr
