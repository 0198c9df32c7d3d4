#!/usr/bin/env python3
"""One small statement, many times, through Gatehouse in three ways, in one run: psycopg on one
session kept open, psycopg with a new session per statement (what each MCP call costs the
gateway: a session of its own), and the MCP `query` tool over Streamable HTTP in one MCP session
(the official MCP Python SDK). Prints the median and 95th percentile per statement and the
ratios. A benchmark, not a test.

    GATEHOUSE_BIN=.build-release/release/gatehouse python3 bench/mcp_compare.py
    python3 bench/mcp_compare.py -n 50     # a quick run
"""

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))

import psycopg  # noqa: E402

from harness import clients, mcp_client  # noqa: E402
from harness.gateway import Gateway  # noqa: E402
from harness.gateway_config import Connection, GatewayConfig, Upstream  # noqa: E402
from harness.ports import free_port  # noqa: E402
from harness.postgres_server import PostgresServer  # noqa: E402

ROLE, DATABASE = "bench_user", "bench"
SQL = "SELECT id, name FROM items WHERE id = 7"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--statements", type=int, default=300, help="statements per way (default 300)")
    return parser.parse_args()


def summary(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def timed(count: int, action) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


async def timed_mcp(url: str, token: str, count: int) -> list[float]:
    times = []
    async with mcp_client.session(url, token, client_name="bench") as mcp:
        for _ in range(count):
            start = time.perf_counter()
            result = await mcp.call_tool("query", {"connection": DATABASE, "sql": SQL})
            times.append(time.perf_counter() - start)
            assert not result.is_error, result.content[0].text
    return times


def main() -> int:
    options = parse_arguments()
    password = secrets.token_hex(12)
    workdir = tempfile.mkdtemp(prefix="gatehouse-mcp-bench-")
    server = PostgresServer(ssl=False, statement_logging=False, settings={"log_connections": "off", "log_disconnections": "off"}).start()
    gateway = None
    try:
        server.create_role(ROLE, password)
        server.psql(f"CREATE DATABASE {DATABASE} OWNER {ROLE}")
        server.psql(f"CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 100) g; "
                    f"ALTER TABLE items OWNER TO {ROLE}", DATABASE)
        config = GatewayConfig(
            data_dir=os.path.join(workdir, "data"), postgres_address="127.0.0.1", postgres_port=free_port(), http_port=free_port(),
            allow_cleartext_token_on_loopback=True, mcp={"enabled": True},
            connections=[Connection(DATABASE, Upstream(server.host, server.port, DATABASE, ROLE, "BENCH_PG_PASSWORD"))])
        gateway = Gateway(workdir, config.yaml(), env={"BENCH_PG_PASSWORD": password}, name="gatehouse-mcp-bench").start()
        token = gateway.token("bench", ["engineers"], ttl=3600)
        dsn = clients.gateway_dsn(gateway.port, DATABASE, token, sslmode="disable")

        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(SQL).fetchall()
            kept = timed(options.statements, lambda: conn.execute(SQL).fetchall())

        def fresh():
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(SQL).fetchall()
        per_session = timed(options.statements, fresh)
        through_mcp = asyncio.run(timed_mcp(mcp_client.endpoint(gateway), token, options.statements))

        baseline = summary(per_session)[0]
        print(f"\n{options.statements} statements each ({SQL}); milliseconds per statement")
        print(f"{'way':<44}{'median':>9}{'p95':>9}{'vs new session':>16}")
        for label, times in (("psycopg, one session kept open", kept), ("psycopg, a new session per statement", per_session),
                             ("MCP query tool, one MCP session", through_mcp)):
            median, p95 = summary(times)
            print(f"{label:<44}{median:>9.2f}{p95:>9.2f}{median / baseline:>15.2f}x")
        return 0
    finally:
        if gateway:
            gateway.stop()
        server.cleanup()


if __name__ == "__main__":
    sys.exit(main())
