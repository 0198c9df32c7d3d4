"""Masking of result rows on `shop_masked` (the demo classification) with real clients: psql
(simple protocol, text), psycopg (extended protocol, server-side binding, text) and asyncpg
(binary). Expected values are computed from direct rows (`admin`), never from the gateway."""

import asyncio
import json

import psycopg
import pytest

from harness import clients
from test_masking_support import (CUSTOMER_COLUMNS, CUSTOMER_PII, MASKED, asyncpg_connect, direct_customers,
                                  direct_tickets, masked_body, masked_customer, masked_metadata,
                                  planted_identifiers, raw_identifiers)

CUSTOMER_SELECT = f"SELECT {', '.join(CUSTOMER_COLUMNS)} FROM customers ORDER BY id"


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 60))


@pytest.fixture
def conn(gateway):
    with psycopg.connect(gateway.dsn(MASKED), autocommit=True, connect_timeout=10) as connection:
        yield connection


def _rows_as_dicts(cur) -> list[dict]:
    names = [d.name for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _compare_customers(got: list[dict], direct: list[dict]):
    assert len(got) == len(direct) == 1000
    for row, original in zip(got, direct):
        # Never the direct value, whatever the expectation below says.
        for column in CUSTOMER_PII:
            if original[column] is not None:
                assert row[column] != original[column], (original["id"], column)
        assert row == masked_customer(original), original["id"]


def test_psycopg_classified_columns(conn, admin):
    direct = direct_customers(admin)
    # Server-side binding: a parameter, so psycopg uses Parse/Bind/Execute.
    got = _rows_as_dicts(conn.execute(CUSTOMER_SELECT.replace("ORDER BY", "WHERE id > %s ORDER BY"), [0]))
    _compare_customers(got, direct)


def test_asyncpg_classified_columns_binary(gateway, admin):
    direct = direct_customers(admin)

    async def scenario():
        connection = await asyncpg_connect(gateway)
        try:
            return [dict(r) for r in await connection.fetch(CUSTOMER_SELECT)]
        finally:
            await connection.close()

    _compare_customers(run(scenario()), direct)


def test_psql_classified_columns(gateway, admin):
    direct = direct_customers(admin, ("id",) + CUSTOMER_PII)
    result = clients.psql(gateway.dsn(MASKED), f"SELECT {', '.join(('id',) + CUSTOMER_PII)} FROM customers ORDER BY id")
    assert result.returncode == 0, result.stderr
    expected = []
    for original in direct:
        masked = masked_customer(original)
        expected.append("|".join("" if masked[c] is None else str(masked[c]) for c in ("id",) + CUSTOMER_PII))
    assert result.stdout.splitlines() == expected
    for original in direct[:50]:
        for value in raw_identifiers(original):
            assert value not in result.stdout


def _compare_tickets(got: list[dict], direct: list[dict]):
    assert [t["id"] for t in got] == [t["id"] for t in direct]
    planted = 0
    for ticket, original in zip(got, direct):
        identifiers = planted_identifiers(original["body"], original)
        planted += bool(identifiers)
        for value in identifiers:
            assert value not in ticket["body"], (original["id"], value)
        assert ticket["body"] == masked_body(original["body"], original), original["id"]
        assert ticket["subject"] == original["subject"]
        assert ticket["status"] == original["status"] and ticket["opened_at"] == original["opened_at"]
        assert ticket["metadata"] == masked_metadata(original["metadata"]), original["id"]
    # The seed plants identifiers in 5 of every 6 bodies (minus IBAN-less and undetectable IDs).
    assert planted > 250


def test_support_tickets_free_text_psycopg(conn, admin):
    direct = direct_tickets(admin)
    got = _rows_as_dicts(conn.execute(
        "SELECT id, subject, body, metadata, status, opened_at FROM support_tickets WHERE id > %s ORDER BY id", [0]))
    _compare_tickets(got, direct)


def test_support_tickets_free_text_asyncpg(gateway, admin):
    direct = direct_tickets(admin)

    async def scenario():
        connection = await asyncpg_connect(gateway)
        try:
            return [dict(r) for r in await connection.fetch(
                "SELECT id, subject, body, metadata, status, opened_at FROM support_tickets ORDER BY id")]
        finally:
            await connection.close()

    got = run(scenario())
    for row in got:
        row["metadata"] = json.loads(row["metadata"])  # asyncpg hands jsonb over as text: it must parse
    _compare_tickets(got, direct)


def test_support_tickets_psql(gateway, admin):
    direct = direct_tickets(admin)
    result = clients.psql(gateway.dsn(MASKED), "SELECT id, body, metadata FROM support_tickets ORDER BY id")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(direct)
    for line, original in zip(lines, direct):
        ticket_id, body, metadata = line.split("|", 2)
        assert (int(ticket_id), body) == (original["id"], masked_body(original["body"], original))
        assert json.loads(metadata) == masked_metadata(original["metadata"])


def test_derived_columns(conn, admin):
    original = direct_customers(admin, ("id", "email", "national_id"), "WHERE id = 1")[0]
    row = conn.execute(
        "SELECT upper(email), email || '', substr(national_id, 1, 3), length(email), id + 0, lower(city) "
        "FROM customers WHERE id = %s", [1]).fetchone()
    city = admin.execute("SELECT lower(city) FROM customers WHERE id = 1").fetchone()[0]
    assert row == ("[EMAIL]", "[EMAIL]", "[NATIONAL-ID]", None, 1, city)
    assert original["email"].upper() not in str(row)


def test_whole_row_composite_is_null(conn):
    assert conn.execute("SELECT c FROM customers c WHERE id = %s", [1]).fetchone() == (None,)
    assert conn.execute("SELECT c.*, 1 FROM customers c WHERE id = 2").fetchone()[2] == "[EMAIL]"


def test_row_to_json(conn, admin):
    direct = direct_customers(admin, CUSTOMER_COLUMNS, "WHERE id BETWEEN 1 AND 40")
    got = [r[0] for r in conn.execute("SELECT row_to_json(c) FROM customers c WHERE id BETWEEN 1 AND 40 ORDER BY id")]
    json_direct = [r[0] for r in admin.execute(
        "SELECT row_to_json(c) FROM customers c WHERE id BETWEEN 1 AND 40 ORDER BY id")]
    assert len(got) == len(direct) == 40
    for document, original, plain in zip(got, direct, json_direct):
        expected = dict(plain)
        masked = masked_customer(original)
        for column in CUSTOMER_PII:
            if plain[column] is not None:
                expected[column] = masked[column]
        # Inside JSON a date is a string: masked whole by its category.
        expected["birth_date"] = "[DEMOGRAPHIC]"
        expected["notes"] = masked["notes"]
        assert document == expected, original["id"]


@pytest.mark.parametrize("sql", [
    "SELECT to_jsonb(c) FROM customers c WHERE id = 1",
    "SELECT json_agg(c ORDER BY id) -> 0 FROM customers c WHERE id <= 3",
    "SELECT jsonb_agg(c ORDER BY id) -> 0 FROM customers c WHERE id <= 3",
])
def test_whole_row_json_variants(conn, admin, sql):
    plain = admin.execute(sql).fetchone()[0]
    document = conn.execute(sql).fetchone()[0]
    expected = dict(plain)
    expected.update({"full_name": "[NAME]", "email": "[EMAIL]"})
    if "phone" in plain:
        expected.update({"phone": "[PHONE]", "national_id": "[DNI]", "card_number": "[CARD]", "iban": "[IBAN]",
                         "birth_date": "[DEMOGRAPHIC]"})
    assert (plain["id"], plain["country"] if "country" in plain else "ES") == (1, "ES")
    assert document == expected


@pytest.mark.parametrize("sql", [
    "SELECT row_to_json(s) FROM (SELECT id, full_name, email, phone, city FROM customers WHERE id = 1) s",
    "WITH s AS (SELECT id, full_name, email, phone, city FROM customers WHERE id = 1) SELECT row_to_json(s) FROM s",
    "SELECT row_to_json(c) FROM customer_contacts c WHERE id = 1",
    "SELECT json_build_object('id', id, 'name', full_name, 'mail', email, 'phone', phone) FROM customers WHERE id = 1",
])
def test_json_of_derived_rows_hides_personal_data(conn, admin, sql):
    """JSON built from subquery, CTE or view rows: the gateway may mask more than the classified
    fields (documented only for whole table rows), but never less, and the JSON stays valid."""
    original = direct_customers(admin, ("id", "full_name", "email", "phone"), "WHERE id = 1")[0]
    document = conn.execute(sql).fetchone()[0]
    plain = admin.execute(sql).fetchone()[0]
    assert isinstance(document, dict) and set(document) == set(plain)
    text = json.dumps(document, ensure_ascii=False)
    for column in ("full_name", "email", "phone"):
        assert original[column] not in text, column
    assert [v for k, v in document.items() if plain[k] == original["email"]] == ["[EMAIL]"]
    assert [v for k, v in document.items() if plain[k] == original["phone"]] == ["[PHONE]"]


def test_arrays(conn, admin):
    emails = conn.execute("SELECT array_agg(email ORDER BY id) FROM customers WHERE id <= %s", [5]).fetchone()[0]
    assert emails == ["[EMAIL]"] * 5
    notes = conn.execute("SELECT array_agg(notes ORDER BY id) FROM customers WHERE id IN (10, 13, 15)").fetchone()[0]
    direct = direct_customers(admin, ("id", "notes"), "WHERE id IN (10, 13, 15)")
    assert notes == [masked_customer(r)["notes"] for r in direct]
    assert notes[0] == "Prefers e-mail: [EMAIL]"


def test_arrays_binary(gateway):
    async def scenario():
        connection = await asyncpg_connect(gateway)
        try:
            return await connection.fetchrow(
                "SELECT array_agg(email ORDER BY id) AS e, array_agg(birth_date ORDER BY id) AS b, "
                "array_agg(id ORDER BY id) AS i FROM customers WHERE id <= 4")
        finally:
            await connection.close()

    row = run(scenario())
    assert list(row["e"]) == ["[EMAIL]"] * 4
    assert row["b"] is None          # a date array derived from a classified column: NULL
    assert list(row["i"]) == [1, 2, 3, 4]


def test_view_over_classified_columns(conn, admin):
    direct = admin.execute("SELECT id, full_name, email, phone, city, country FROM customer_contacts "
                           "WHERE id <= 100 ORDER BY id").fetchall()
    got = conn.execute("SELECT * FROM customer_contacts WHERE id <= %s ORDER BY id", [100]).fetchall()
    assert got == [(i, "[NAME]", "[EMAIL]", "[PHONE]", city, country) for i, _, _, _, city, country in direct]


def _direct_and_gateway_psycopg(conn, admin, sql, binary=False):
    direct = admin.cursor(binary=binary).execute(sql).fetchall()
    got = conn.cursor(binary=binary).execute(sql).fetchall()
    return direct, got


@pytest.mark.parametrize("sql", [
    "SELECT * FROM products ORDER BY id",
    "SELECT * FROM orders ORDER BY id",
    "SELECT id, city, country, created_at FROM customers ORDER BY id",
    "SELECT * FROM order_items ORDER BY order_id, product_id",
])
@pytest.mark.parametrize("binary", [False, True])
def test_unclassified_data_identical_psycopg(conn, admin, sql, binary):
    direct, got = _direct_and_gateway_psycopg(conn, admin, sql, binary)
    assert len(direct) > 50
    assert got == direct


@pytest.mark.parametrize("sql", [
    "SELECT * FROM products ORDER BY id",
    "SELECT * FROM orders ORDER BY id",
    "SELECT id, city, country, created_at FROM customers ORDER BY id",
])
def test_unclassified_data_identical_asyncpg(gateway, admin, sql):
    direct = admin.execute(sql).fetchall()

    async def scenario():
        connection = await asyncpg_connect(gateway)
        try:
            return [tuple(r) for r in await connection.fetch(sql)]
        finally:
            await connection.close()

    assert run(scenario()) == [tuple(r) for r in direct]


def test_unclassified_text_identical_on_the_wire(conn, admin):
    # Byte-level: the text rendering of every column, not only what drivers decode.
    sql = ("SELECT p::text, o::text FROM products p JOIN orders o ON o.id = p.id * 50 ORDER BY p.id")
    assert conn.execute(sql).fetchall() == admin.execute(sql).fetchall()


def test_derived_view_and_json_binary(gateway, admin):
    """The derived cases again in asyncpg's binary formats (json, jsonb, record, int4)."""
    original = direct_customers(admin, ("id", "email", "phone", "national_id", "city"), "WHERE id = 3")[0]
    plain = admin.execute("SELECT row_to_json(c)::jsonb FROM customers c WHERE id = 3").fetchone()[0]

    async def scenario():
        connection = await asyncpg_connect(gateway)
        try:
            derived = await connection.fetchrow(
                "SELECT upper(email) AS u, email || '' AS e, substr(national_id, 1, 3) AS s, length(email) AS l, "
                "c AS whole, row_to_json(c)::jsonb AS j, city FROM customers c WHERE id = $1", 3)
            view = await connection.fetchrow("SELECT * FROM customer_contacts WHERE id = $1", 3)
            return dict(derived), dict(view)
        finally:
            await connection.close()

    derived, view = run(scenario())
    document = json.loads(derived.pop("j"))
    assert derived == {"u": "[EMAIL]", "e": "[EMAIL]", "s": "[NATIONAL-ID]", "l": None, "whole": None,
                       "city": original["city"]}
    assert document["email"] == "[EMAIL]" and document["phone"] == "[PHONE]" and document["full_name"] == "[NAME]"
    assert {k: v for k, v in document.items() if k not in CUSTOMER_PII and k != "notes"} == \
        {k: v for k, v in plain.items() if k not in CUSTOMER_PII and k != "notes"}
    assert view == {"id": 3, "full_name": "[NAME]", "email": "[EMAIL]", "phone": "[PHONE]",
                    "city": original["city"], "country": original["country"]}
