#!/usr/bin/env python3
"""Throughput and latency of the same pgbench run against PostgreSQL directly, through
pgbouncer, and through Gatehouse, all started here, in one run.

    python3 bench/pgbench_compare.py              # -S -c 8 -j 2 -T 20 -M simple, scale 10
    python3 bench/pgbench_compare.py -T 3         # quick smoke run
    python3 bench/pgbench_compare.py --tpcb -M prepared --targets direct,gatehouse

By default the gateway listens on loopback without TLS (cleartext tokens allowed there), so
all three targets speak plaintext and the comparison measures proxying, recording and
analysis rather than encryption; --gateway-tls switches TLS on for the gateway.

For Gatehouse and pgbouncer it also prints the proxy process's own CPU time (user + system,
from /proc) divided by the transactions run: the cost per transaction, whatever the core
count. Beside the table, the latency of one 4 KiB write + fdatasync in the gateway's data
directory: the floor of a durable record per statement.
"""

import argparse
import os
import re
import secrets
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))

from harness import certs, clients, ledger  # noqa: E402
from harness.gateway import Gateway, GatewayStartError, binary  # noqa: E402
from harness.gateway_config import Connection, GatewayConfig, Upstream  # noqa: E402
from harness.pgbouncer import PgBouncer  # noqa: E402
from harness.ports import free_port  # noqa: E402
from harness.postgres_server import PostgresServer  # noqa: E402
from timing import process_cpu_seconds  # noqa: E402

ROLE, DATABASE = "bench_user", "bench"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-T", "--time", type=int, default=20, help="seconds per run (default 20)")
    parser.add_argument("-c", "--clients", type=int, default=8)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("-M", "--mode", choices=["simple", "extended", "prepared"], default="simple")
    parser.add_argument("-s", "--scale", type=int, default=10, help="pgbench -i scale (default 10)")
    parser.add_argument("--tpcb", action="store_true", help="the read-write TPC-B-like script instead of -S")
    parser.add_argument("--pool-mode", choices=["session", "transaction"], default="session")
    parser.add_argument("--gateway-tls", action="store_true", help="clients reach the gateway over TLS")
    parser.add_argument("--targets", default="direct,pgbouncer,gatehouse",
                        help="any of direct, pgbouncer, gatehouse, gatehouse-backstop (the connection classifies a "
                             "table pgbench does not use and runs under the database backstop; select-only)")
    parser.add_argument("extra", nargs="*", help="more pgbench options, after --")
    return parser.parse_args()


def pgbench_run_args(options) -> list[str]:
    args = ["-n", "-c", str(options.clients), "-j", str(options.jobs), "-T", str(options.time), "-M", options.mode]
    if not options.tpcb:
        args.insert(0, "-S")
    return args + options.extra


def measure(result) -> dict:
    if result.returncode != 0:
        return {"error": (result.stderr or result.stdout).strip().splitlines()[-1:]}
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", result.stdout)
    latency = re.search(r"latency average = ([\d.]+) ms", result.stdout)
    done = clients.transactions_processed(result.stdout)
    return {"tps": float(tps.group(1)) if tps else None, "latency": float(latency.group(1)) if latency else None,
            "transactions": done[0] if done else None}


def fdatasync_latency_ms(directory: str, samples: int = 200) -> float:
    """Median time of a 4 KiB append + fdatasync here (the cost of one durable write)."""
    path = os.path.join(directory, "fsync-probe")
    times = []
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for _ in range(samples):
            start = time.perf_counter()
            os.write(fd, b"x" * 4096)
            os.fdatasync(fd)
            times.append(time.perf_counter() - start)
    finally:
        os.close(fd)
        os.unlink(path)
    return sorted(times)[len(times) // 2] * 1000


def start_gateway(workdir: str, server: PostgresServer, password: str, tls: bool, backstop: bool = False) -> Gateway:
    """With `backstop`: the connection has personal data (a table pgbench does not touch), logs in
    as `bench_agent` set up by `gatehouse db-setup`, and runs approved statements as `bench_approved`."""
    cert = key = None
    if tls:
        cert, key = certs.write_self_signed(workdir, "gateway")
    upstream = Upstream(server.host, server.port, DATABASE, ROLE, "BENCH_PG_PASSWORD")
    personal_data = None
    if backstop:
        upstream = Upstream(server.host, server.port, DATABASE, "bench_agent", "BENCH_PG_PASSWORD", approved_role="bench_approved",
                            accept_risk=None)
        personal_data = [{"table": "public.people", "columns": {"email": "contact"}}]
    config = GatewayConfig(
        data_dir=os.path.join(workdir, "data"), postgres_address="127.0.0.1", postgres_port=free_port(),
        http_port=free_port(), tls_cert=cert, tls_key=key, allow_cleartext_token_on_loopback=not tls,
        connections=[Connection(DATABASE, upstream, allowed_groups=["engineers"], personal_data=personal_data)])
    name = "gatehouse-backstop-bench" if backstop else "gatehouse-bench"
    if backstop:
        ledger.apply_backstop(server, workdir, config.yaml(), DATABASE, "bench_agent", password)
    return Gateway(workdir, config.yaml(), env={"BENCH_PG_PASSWORD": password}, name=name).start()


def print_table(rows: list[tuple[str, dict]], options) -> None:
    workload = "TPC-B-like" if options.tpcb else "select-only (-S)"
    print(f"\npgbench {workload}, -c {options.clients} -j {options.jobs} -T {options.time} -M {options.mode}, "
          f"scale {options.scale}")
    print(f"{'target':<20}{'tps':>12}{'avg latency':>16}{'transactions':>15}{'vs direct':>12}{'proxy CPU/tx':>15}")
    direct = next((m.get("tps") for name, m in rows if name == "direct"), None)
    direct_latency = next((m.get("latency") for name, m in rows if name == "direct"), None)
    for name, m in rows:
        if "error" in m:
            print(f"{name:<20}  failed: {' '.join(m['error'])}")
            continue
        ratio = f"{m['tps'] / direct:.2f}x" if direct and m.get("tps") else "-"
        cpu = f"{m['cpu_seconds'] / m['transactions'] * 1e6:.1f} us" if m.get("cpu_seconds") is not None and m.get("transactions") else "-"
        added = f"  (+{m['latency'] - direct_latency:.3f} ms)" if direct_latency is not None and name != "direct" else ""
        print(f"{name:<20}{m['tps']:>12.1f}{m['latency']:>13.3f} ms{m['transactions']:>15}{ratio:>12}{cpu:>15}{added}")


def main() -> int:
    options = parse_arguments()
    targets = options.targets.split(",")
    password = secrets.token_hex(12)
    workdir = tempfile.mkdtemp(prefix="gatehouse-bench-")
    server = PostgresServer(ssl=False, statement_logging=False,
                            settings={"log_connections": "off", "log_disconnections": "off",
                                      "shared_buffers": "'256MB'"}).start()
    bouncer = gateway = None
    try:
        server.create_role(ROLE, password)
        server.psql(f"CREATE DATABASE {DATABASE} OWNER {ROLE}")
        common = dict(host=server.host, user=ROLE, dbname=DATABASE, password=password)
        print(f"initialising: pgbench -i -s {options.scale}", flush=True)
        init = clients.pgbench(["-i", "-q", "-s", str(options.scale)], port=server.port, **common)
        if init.returncode != 0:
            print(init.stderr, file=sys.stderr)
            return 1

        rows = []
        run_args = pgbench_run_args(options)
        for target in targets:
            print(f"running {target} ...", flush=True)
            if target == "direct":
                result = clients.pgbench(run_args, port=server.port, **common)
            elif target == "pgbouncer":
                bouncer = PgBouncer(server.host, server.port, DATABASE, ROLE, password, options.pool_mode,
                                    pool_size=options.clients).start()
                before = process_cpu_seconds(bouncer.process.pid)
                result = clients.pgbench(run_args, port=bouncer.port, **common)
                cpu = process_cpu_seconds(bouncer.process.pid) - before
            elif target in ("gatehouse", "gatehouse-backstop"):
                if gateway:
                    gateway.stop()
                try:
                    gateway = start_gateway(workdir, server, password, options.gateway_tls, backstop=target == "gatehouse-backstop")
                except GatewayStartError as error:
                    rows.append((target, {"error": [f"could not start {binary()}: {str(error).splitlines()[0]}"]}))
                    continue
                token = gateway.token("bench", ["engineers"], ttl=max(3600, options.time * 4))
                before = process_cpu_seconds(gateway.process.pid)
                result = clients.pgbench(run_args, host="127.0.0.1", port=gateway.port, user="bench", dbname=DATABASE,
                                         password=token, sslmode="require" if options.gateway_tls else "disable")
                cpu = process_cpu_seconds(gateway.process.pid) - before
            else:
                print(f"unknown target {target}", file=sys.stderr)
                return 2
            measured = measure(result)
            if target != "direct" and "error" not in measured:
                measured["cpu_seconds"] = cpu
            rows.append((target, measured))
        print_table(rows, options)
        print(f"durable write floor here: 4 KiB append + fdatasync, median {fdatasync_latency_ms(workdir):.3f} ms")
        return 0 if all("error" not in m for _, m in rows) else 1
    finally:
        if gateway:
            gateway.stop()
        if bouncer:
            bouncer.cleanup()
        server.cleanup()
        if not os.environ.get("GATEHOUSE_KEEP_TMP"):
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
