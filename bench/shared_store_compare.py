#!/usr/bin/env python3
"""pgbench -S through Gatehouse with the ledger in the data directory (SQLite) and with the
ledger in a shared PostgreSQL store, one instance and three instances at once, in one run:
total TPS, latency and ledger appends per second for each.

    GATEHOUSE_BIN=.build-release/release/gatehouse python3 bench/shared_store_compare.py
    python3 bench/shared_store_compare.py -T 5 -c 6     # a quick run

Everything runs on this machine: the upstream PostgreSQL, the store's PostgreSQL (its own
server, fsync on, synchronous_commit on) and the gateways, so the three-instance run shares
the same cores as the one-instance runs; it shows the cost of serialised appends in the store,
not the capacity of three machines. The clients (-c) are split evenly across the instances.
"""

import argparse
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))

from pgbench_compare import measure  # noqa: E402
from harness import clients, pgbin  # noqa: E402
from harness.gateway import Gateway  # noqa: E402
from harness.gateway_config import Connection, GatewayConfig, Upstream  # noqa: E402
from harness.ports import free_port  # noqa: E402
from harness.shared_store import new_signing_key  # noqa: E402
from harness.postgres_server import PostgresServer  # noqa: E402

ROLE, DATABASE = "bench_user", "bench"
STORE_ROLE, STORE_DATABASE = "gh_store", "gatehouse"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-T", "--time", type=int, default=15, help="seconds per run (default 15)")
    parser.add_argument("-c", "--clients", type=int, default=9, help="clients in all, split across instances (default 9)")
    parser.add_argument("-s", "--scale", type=int, default=10, help="pgbench -i scale (default 10)")
    return parser.parse_args()


def start_instance(workdir: str, name: str, server: PostgresServer, password: str, store: dict | None, env: dict) -> Gateway:
    upstream = Upstream(server.host, server.port, DATABASE, ROLE, "BENCH_PG_PASSWORD")
    config = GatewayConfig(
        data_dir=os.path.join(workdir, name, "data"), postgres_address="127.0.0.1", postgres_port=free_port(),
        http_port=free_port(), allow_cleartext_token_on_loopback=True,
        connections=[Connection(DATABASE, upstream, allowed_groups=["engineers"])],
        ledger={"master_key_env": "BENCH_MASTER_KEY", "signing_key_env": "BENCH_SIGNING_KEY"}, store=store)
    os.makedirs(os.path.join(workdir, name), exist_ok=True)
    return Gateway(os.path.join(workdir, name), config.yaml(), env={"BENCH_PG_PASSWORD": password, **env},
                   name=f"gatehouse-{name}").start()


def run(instances: list[Gateway], options) -> list[dict]:
    """pgbench -S on every instance at once; each gets clients / len(instances) clients."""
    per = max(1, options.clients // len(instances))
    processes = []
    for gateway in instances:
        token = gateway.token("bench", ["engineers"], ttl=max(3600, options.time * 4))
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(PGPASSWORD=token, PGSSLMODE="disable")
        processes.append(subprocess.Popen(
            [pgbin.tool("pgbench"), "-S", "-n", "-c", str(per), "-j", str(min(per, 2)), "-T", str(options.time),
             "-h", "127.0.0.1", "-p", str(gateway.port), "-U", "bench", DATABASE],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env))
    results = []
    for process in processes:
        stdout, stderr = process.communicate()
        results.append(measure(subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)))
    return results


def store_size(store: PostgresServer, password: str) -> int:
    import psycopg
    with psycopg.connect(store.dsn(STORE_DATABASE, STORE_ROLE, password)) as conn:
        return conn.execute("SELECT log_size FROM gatehouse_ledger_head").fetchone()[0]


def sqlite_size(gateway: Gateway) -> int:
    path = os.path.join(gateway.workdir, "data", "ledger.sqlite")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as db:
        return db.execute("SELECT count(*) FROM entries").fetchone()[0]


def main() -> int:
    options = parse_arguments()
    password, store_password = secrets.token_hex(12), secrets.token_hex(12)
    workdir = tempfile.mkdtemp(prefix="gatehouse-shared-bench-")
    quiet = {"log_connections": "off", "log_disconnections": "off"}
    server = PostgresServer(ssl=False, statement_logging=False, settings={**quiet, "shared_buffers": "'256MB'"}).start()
    # The harness turns durability off for speed; a store is measured with it on.
    store = PostgresServer(ssl=False, statement_logging=False,
                           settings={**quiet, "fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}).start()
    env = {"BENCH_MASTER_KEY": secrets.token_hex(32), "BENCH_SIGNING_KEY": new_signing_key("bench/ledger")}
    running: list[Gateway] = []
    rows = []
    try:
        server.create_role(ROLE, password)
        server.psql(f"CREATE DATABASE {DATABASE} OWNER {ROLE}")
        store.create_role(STORE_ROLE, store_password)
        store.psql(f"CREATE DATABASE {STORE_DATABASE} OWNER {STORE_ROLE}")
        init = clients.pgbench(["-i", "-q", "-s", str(options.scale)], port=server.port, host=server.host, user=ROLE,
                               dbname=DATABASE, password=password)
        if init.returncode != 0:
            print(init.stderr, file=sys.stderr)
            return 1

        def shared(name: str) -> dict:
            return {"type": "postgres", "host": store.host, "port": store.port, "database": STORE_DATABASE, "user": STORE_ROLE,
                    "password_env": "BENCH_STORE_PASSWORD", "sslmode": "disable", "instance": name}

        store_env = dict(env, BENCH_STORE_PASSWORD=store_password)
        for label, names, store_section in (("1 instance, SQLite", ["sqlite"], None),
                                            ("1 instance, PostgreSQL store", ["one"], shared),
                                            ("3 instances, PostgreSQL store", ["a", "b", "c"], shared)):
            print(f"running {label} ...", flush=True)
            running = [start_instance(workdir, name, server, password, store_section(name) if store_section else None,
                                      store_env if store_section else env) for name in names]
            before = store_size(store, store_password) if store_section else 0
            started = time.monotonic()
            results = run(running, options)
            elapsed = time.monotonic() - started
            for gateway in running:
                gateway.stop()
            appended = (store_size(store, store_password) - before) if store_section else sqlite_size(running[0])
            running = []
            failed = [r for r in results if "error" in r]
            rows.append((label, failed[0] if failed else {
                "tps": sum(r["tps"] for r in results), "latency": sum(r["latency"] for r in results) / len(results),
                "transactions": sum(r["transactions"] for r in results), "appends": appended / elapsed}))

        print(f"\npgbench -S, {options.clients} clients in all, -T {options.time}, scale {options.scale}")
        print(f"{'target':<32}{'total tps':>12}{'avg latency':>15}{'vs SQLite':>11}{'ledger appends/s':>19}")
        baseline = rows[0][1].get("tps")
        for label, m in rows:
            if "error" in m:
                print(f"{label:<32}  failed: {' '.join(m['error'])}")
                continue
            ratio = f"{m['tps'] / baseline:.2f}x" if baseline else "-"
            print(f"{label:<32}{m['tps']:>12.1f}{m['latency']:>12.3f} ms{ratio:>11}{m['appends']:>19.0f}")
        return 0 if all("error" not in m for _, m in rows) else 1
    finally:
        for gateway in running:
            gateway.stop()
        server.cleanup()
        store.cleanup()
        if not os.environ.get("GATEHOUSE_KEEP_TMP"):
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
