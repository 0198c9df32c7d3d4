"""asyncpg through the gateway: binary wire formats, prepared statements and COPY."""

import asyncio
import datetime
import decimal
import io
import json
import uuid

import asyncpg
import pytest


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 60))


async def connect(gateway, connection="shop"):
    return await asyncpg.connect(host="127.0.0.1", port=gateway.port, user="agent", password=gateway.token(),
                                 database=connection, ssl="require", timeout=10)


def test_binary_round_trip(gateway):
    values = (
        2_147_483_647,
        -9_223_372_036_854_775_808,
        decimal.Decimal("12345678901234567890.123456789"),
        datetime.datetime(2026, 11, 26, 7, 30, 0, 123456, tzinfo=datetime.timezone.utc),
        bytes(range(256)),
        uuid.UUID("12345678-1234-5678-1234-567812345678"),
        json.dumps({"customer": 42, "tags": ["vip", "eu"]}),
        [1, None, 3],
        ["a", "b,c", "ü"],
        datetime.date(1999, 12, 31),
        True,
        1.5,
    )

    async def scenario():
        conn = await connect(gateway)
        try:
            row = await conn.fetchrow(
                "SELECT $1::int4, $2::int8, $3::numeric, $4::timestamptz, $5::bytea, $6::uuid, $7::jsonb, "
                "$8::int4[], $9::text[], $10::date, $11::bool, $12::float8", *values)
            return tuple(row)
        finally:
            await conn.close()

    row = run(scenario())
    assert row[:6] == values[:6]
    assert json.loads(row[6]) == json.loads(values[6])
    assert row[7:] == values[7:]


def test_demo_rows_match_direct(gateway, admin):
    expected = admin.execute("SELECT id, total, placed_at, status FROM orders WHERE id BETWEEN 100 AND 120 ORDER BY id").fetchall()

    async def scenario():
        conn = await connect(gateway)
        try:
            return [tuple(r) for r in await conn.fetch(
                "SELECT id, total, placed_at, status FROM orders WHERE id BETWEEN $1 AND $2 ORDER BY id", 100, 120)]
        finally:
            await conn.close()

    assert run(scenario()) == [tuple(r) for r in expected]


def test_prepared_statement(gateway, admin):
    expected = [r[0] for r in admin.execute("SELECT city FROM customers WHERE id <= 25 ORDER BY id")]

    async def scenario():
        conn = await connect(gateway)
        try:
            statement = await conn.prepare("SELECT city FROM customers WHERE id = $1")
            assert [t.name for t in statement.get_parameters()] == ["int4"]
            return [await statement.fetchval(i) for i in range(1, 26)]
        finally:
            await conn.close()

    assert run(scenario()) == expected


def test_copy_records_to_table_and_back(gateway, admin):
    table = f"asyncpg_copy_{uuid.uuid4().hex[:8]}"
    admin.execute(f"CREATE TABLE {table} (id int, label text, amount numeric, at timestamptz)")
    admin.execute(f"GRANT ALL ON {table} TO gh_scram")
    base = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
    records = [(i, f"label-{i}", decimal.Decimal(i) / 8, base + datetime.timedelta(minutes=i)) for i in range(1, 1001)]

    async def scenario():
        conn = await connect(gateway)
        try:
            result = await conn.copy_records_to_table(table, records=records)
            output = io.BytesIO()
            await conn.copy_from_query(f"SELECT id, label FROM {table} WHERE id <= $1 ORDER BY id", 5,
                                       output=output, format="csv")
            return result, output.getvalue().decode()
        finally:
            await conn.close()

    result, csv_text = run(scenario())
    assert result == "COPY 1000"
    assert csv_text.splitlines() == [f"{i},label-{i}" for i in range(1, 6)]
    assert admin.execute(f"SELECT count(*), sum(amount) FROM {table}").fetchone() == (1000, decimal.Decimal("62562.5"))
    admin.execute(f"DROP TABLE {table}")


def test_transaction_and_error_recovery(gateway):
    async def scenario():
        conn = await connect(gateway)
        try:
            with pytest.raises(asyncpg.DivisionByZeroError):
                async with conn.transaction():
                    await conn.execute("CREATE TEMP TABLE t_probe (id int)")
                    await conn.execute("SELECT 1/0")
            exists = await conn.fetchval("SELECT to_regclass('pg_temp.t_probe') IS NOT NULL")
            return exists, await conn.fetchval("SELECT count(*) FROM customers")
        finally:
            await conn.close()

    assert run(scenario()) == (False, 1000)
