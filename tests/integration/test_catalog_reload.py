"""The gateway reloads its catalog after DDL, so views and columns created through it are
resolved and classified; the reload never deadlocks with the client's own transaction."""

import uuid

import psycopg


def test_ddl_inside_a_transaction_does_not_block_the_session(gateway):
    # The DDL locks customers until commit; a catalog read (pg_get_viewdef of a view over
    # customers) would wait for that lock while the client waits for the gateway: the test
    # would hang until pytest's timeout.
    constraint = f"ck_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(gateway.dsn("shop"), autocommit=True) as conn:
        with conn.transaction(force_rollback=True):
            conn.execute(f"ALTER TABLE customers ADD CONSTRAINT {constraint} CHECK (id > 0) NOT VALID")
            assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.execute("SELECT 2").fetchone() == (2,)


def test_a_view_created_through_the_gateway_is_masked_at_once(gateway):
    view = f"contacts_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(gateway.dsn("shop_masked"), autocommit=True) as conn:
        conn.execute(f"CREATE VIEW {view} AS SELECT id, full_name FROM customers")
        try:
            names = [r[0] for r in conn.execute(f"SELECT full_name FROM {view} ORDER BY id LIMIT 5")]
            assert names == ["[NAME]"] * 5
        finally:
            conn.execute(f"DROP VIEW {view}")
