"""Pipelining: a client that sends many statements without waiting for answers. The gateway
holds them in order while each is recorded, pauses reading when too many pile up, and loses
nothing: every statement runs once, in order, and is recorded."""

import uuid

import psycopg

from harness.events import outcomes, statements


def test_pipelined_statements_all_run_in_order_and_are_recorded(gateway):
    marker = uuid.uuid4().hex[:10]
    count = 2000  # well past the gateway's held-frame limit, so client reads pause and resume
    before = gateway.events.last_seq()
    with psycopg.connect(gateway.dsn("shop"), autocommit=True) as conn:
        conn.execute(f"CREATE TEMP TABLE pipelined_{marker} (n int)")
        with conn.pipeline():
            cursors = [conn.execute(f"INSERT INTO pipelined_{marker} VALUES (%s) RETURNING n", [n]) for n in range(count)]
        assert [c.fetchone()[0] for c in cursors] == list(range(count))
        assert conn.execute(f"SELECT count(*), sum(n) FROM pipelined_{marker}").fetchone() == (count, count * (count - 1) // 2)

    events = gateway.events.wait_for(
        lambda ev: len([e for e in outcomes(ev) if e.payload.get("commandTag") == "INSERT 0 1"]) >= count, before)
    inserts = [e for e in statements(events) if f"pipelined_{marker}" in e.payload.get("text", "") and "INSERT" in e.payload["text"]]
    assert len(inserts) == count
    assert [e.payload["parameters"] for e in inserts] == [[str(n)] for n in range(count)]
    assert all(e.payload["protocolMode"] == "extended" for e in inserts)
