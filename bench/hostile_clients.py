#!/usr/bin/env python3
"""What hostile clients cost the gateway, for one or two builds side by side (issue 16):

- memory and file descriptors held by 500 idle pre-authentication connections (TLS done,
  startup sent, no token), and by 500 that each start a 64 MiB token message and send 256 KiB;
- ledger growth per 1,000 refused logins carrying 10 KB of client text;
- the latency another session sees for `SELECT 1` while a 1 MB statement is analysed.

    python3 bench/hostile_clients.py                                  # .build/debug/gatehouse
    python3 bench/hostile_clients.py --before /tmp/old/gatehouse      # old and current side by side
    python3 bench/hostile_clients.py --only preauth --wait 65         # also after the auth timeout

Figures, not assertions: the robustness suite (tests/integration/test_robustness.py) asserts.
The configuration uses only keys every measured build understands, so defaults apply.
"""

import argparse
import glob
import os
import socket
import ssl
import statistics
import struct
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))

from harness import certs  # noqa: E402
from harness.gateway import Gateway, binary  # noqa: E402
from harness.gateway_config import Connection, GatewayConfig, Upstream  # noqa: E402
from harness.ports import free_port  # noqa: E402
from harness.postgres_server import PostgresServer  # noqa: E402
from harness.wire import RawClient, startup_packet  # noqa: E402

CONNECTIONS = 500


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", help="a gatehouse binary to measure first, as the baseline")
    parser.add_argument("--after", default=None, help="the binary to compare (default: GATEHOUSE_BIN or .build/debug)")
    parser.add_argument("--only", choices=["preauth", "ledger", "statement"], action="append")
    parser.add_argument("--wait", type=int, default=0, help="also measure the idle connections again after this many seconds")
    return parser.parse_args()


def process_figures(pid: int) -> tuple[float, int]:
    """(resident MiB, open descriptors) of a process."""
    with open(f"/proc/{pid}/status") as f:
        rss_kib = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return rss_kib / 1024, len(os.listdir(f"/proc/{pid}/fd"))


def start_gateway(path: str, workdir: str, upstream: PostgresServer, name: str) -> Gateway:
    directory = os.path.join(workdir, name)
    os.makedirs(directory)
    cert, key = certs.write_self_signed(directory, "gateway")
    config = GatewayConfig(
        data_dir=os.path.join(directory, "data"), postgres_address="127.0.0.1", postgres_port=free_port(),
        http_port=free_port(), tls_cert=cert, tls_key=key,
        connections=[Connection("shop", Upstream(upstream.host, upstream.port, "postgres", "postgres"))],
        refused_logins_per_minute=None)
    os.environ["GATEHOUSE_BIN"] = path
    return Gateway(directory, config.yaml(), name=name).start()


def open_preauth(gateway: Gateway, token_bytes: int) -> list:
    """CONNECTIONS clients with TLS and a startup; each then sends `token_bytes` of a 64 MiB
    password message (0: nothing)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    clients = []
    for _ in range(CONNECTIONS):
        sock = socket.create_connection(("127.0.0.1", gateway.port), timeout=10)
        sock.sendall(struct.pack("!II", 8, 80877103))
        if sock.recv(1) != b"S":
            raise RuntimeError("TLS declined")
        sock = context.wrap_socket(sock)
        sock.sendall(startup_packet({"user": "agent", "database": "shop"}))
        if token_bytes:
            try:
                sock.sendall(b"p" + struct.pack("!I", (64 << 20) + 4) + b"t" * token_bytes)
            except OSError:
                pass
        clients.append(sock)
    return clients


def measure_preauth(gateway: Gateway, wait: int) -> dict:
    pid = gateway.process.pid
    figures = {"idle": process_figures(pid)}
    for label, token_bytes in (("500 idle pre-auth", 0), ("500 x 256 KiB of token", 256 * 1024)):
        clients = open_preauth(gateway, token_bytes)
        time.sleep(3)
        figures[label] = process_figures(pid)
        if wait and token_bytes == 0:
            time.sleep(wait)
            figures[f"{label}, after {wait} s"] = process_figures(pid)
        for sock in clients:
            sock.close()
        time.sleep(2)
    return figures


def ledger_bytes(gateway: Gateway) -> int:
    return sum(os.path.getsize(path) for path in glob.glob(os.path.join(gateway.workdir, "data", "**", "*"), recursive=True)
               if os.path.isfile(path))


def ledger_entries(gateway: Gateway) -> tuple[int, int]:
    """(entries, bytes of entries) in the ledger: its logical size, whatever the WAL holds."""
    import sqlite3
    with sqlite3.connect(f"file:{os.path.join(gateway.workdir, 'data', 'ledger.sqlite')}?mode=ro", uri=True) as db:
        return db.execute("SELECT count(*), coalesce(sum(length(entry)), 0) FROM entries").fetchone()


def measure_ledger(gateway: Gateway) -> dict:
    before, (entries_before, entry_bytes_before) = ledger_bytes(gateway), ledger_entries(gateway)
    padding = "x" * 4500
    for index in range(1000):
        client = RawClient("127.0.0.1", gateway.port)
        client.login(f"shop-{index}-{padding}", "not-a-token", extra={"application_name": padding})
        client.close()
    time.sleep(2)
    entries, entry_bytes = ledger_entries(gateway)
    return {"ledger file bytes (database and WAL) per 1,000 refused logins": ledger_bytes(gateway) - before,
            "ledger entries per 1,000 refused logins (summaries of open minutes not yet written)": entries - entries_before,
            "ledger entry bytes per 1,000 refused logins": entry_bytes - entry_bytes_before}


def measure_statement(gateway: Gateway) -> dict:
    token = gateway.token("alice")
    big = "SELECT 1 WHERE 1 IN (" + ",".join(str(n) for n in range(150_000)) + ")"
    probe = RawClient("127.0.0.1", gateway.port)
    probe.login("shop", token)

    def ping() -> float:
        started = time.monotonic()
        probe.send(b"Q" + struct.pack("!I", 13) + b"SELECT 1\0")
        while probe.read_message()[0] != b"Z":
            pass
        return (time.monotonic() - started) * 1000

    quiet = [ping() for _ in range(20)]
    pid = gateway.process.pid
    rss_before = process_figures(pid)[0]
    done = threading.Event()

    def send_big():
        client = RawClient("127.0.0.1", gateway.port, timeout=120)
        client.login("shop", token)
        body = big.encode() + b"\0"
        client.send(b"Q" + struct.pack("!I", len(body) + 4) + body)
        client.read_until_closed(timeout=60)
        client.close()
        done.set()

    sender = threading.Thread(target=send_big)
    sender.start()
    busy, peak = [], rss_before
    while not done.is_set() and len(busy) < 2000:
        busy.append(ping())
        peak = max(peak, process_figures(pid)[0])
    sender.join()
    probe.close()
    time.sleep(1)
    rss_after = process_figures(pid)[0]
    return {"statement bytes": len(big), "select 1 median ms, quiet": statistics.median(quiet),
            "select 1 max ms, during": max(busy) if busy else None, "select 1 median ms, during": statistics.median(busy) if busy else None,
            "peak RSS growth MiB": peak - rss_before, "RSS growth 1 s after, MiB": rss_after - rss_before}


def main():
    options = parse_arguments()
    runs = [("before", options.before)] if options.before else []
    runs.append(("after", options.after or binary()))
    only = options.only or ["preauth", "ledger", "statement"]
    workdir = tempfile.mkdtemp(prefix="gatehouse-hostile-")
    # (left in place for inspection; under /tmp)
    upstream = PostgresServer(hba_lines=["local all all trust", "host all all 127.0.0.1/32 trust"], ssl=False,
                              statement_logging=False, settings={"max_connections": "200"}).start()
    results = {}
    try:
        for label, path in runs:
            gateway = start_gateway(path, workdir, upstream, f"gateway-{label}")
            try:
                figures = {}
                if "preauth" in only:
                    figures.update(measure_preauth(gateway, options.wait))
                if "ledger" in only:
                    figures.update(measure_ledger(gateway))
                if "statement" in only:
                    figures.update(measure_statement(gateway))
                figures["alive"] = gateway.alive()
                results[label] = figures
            finally:
                gateway.stop()
    finally:
        upstream.stop()
        upstream.cleanup()
    for label, figures in results.items():
        print(f"== {label}: {dict(runs)[label]}")
        for key, value in figures.items():
            if isinstance(value, tuple):
                text = f"RSS {value[0]:.1f} MiB, {value[1]} fds"
            elif isinstance(value, float):
                text = f"{value:.1f}"
            else:
                text = f"{value}"
            print(f"  {key}: {text}")


if __name__ == "__main__":
    main()
