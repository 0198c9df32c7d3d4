#!/usr/bin/env python3
"""What inline masking costs, in one run: the masking engine's throughput, a large SELECT of
personal data and pgbench -S, each direct to PostgreSQL and through Gatehouse, side by side.

    swift build -c release --scratch-path .build-release     # gatehouse and masking-benchmark
    GATEHOUSE_BIN=.build-release/release/gatehouse python3 bench/masking_compare.py
    GATEHOUSE_BIN=.build-release/release/gatehouse python3 bench/masking_compare.py --quick

Only a release build gives meaningful numbers (the default binary is the debug build the
integration tests use, see tests/integration/harness/gateway.py; set GATEHOUSE_BIN).

1. Masking engine: runs .build-release/release/masking-benchmark (MASKING_BENCHMARK_BIN to
   override) and reports MB/s on text without identifiers and on text dense with them.
2. SELECT: loads the demo schema (Sources/gatehouse/Demo/demo-seed.sql) into a throwaway
   PostgreSQL, grows `customers` to --rows rows (1,000,000 by default) with values shaped like
   the seed's (valid check digits, so the detectors have work), and classifies the columns as
   the demo does, so the gateway masks them. Times `psql -c "SELECT * FROM customers"` and
   `psql -c "COPY (SELECT * FROM customers) TO STDOUT"`, output to /dev/null, direct and through
   Gatehouse, --repeat times each (alternating), and reports the medians. Target: <= 1.5x.
3. pgbench -S (-c 8 -j 2 -T 20 by default; --prepared adds -M prepared) direct and through the
   same gateway. pgbench's tables are not classified, so this is the fixed per-statement cost
   of a gateway with masking on. Target: >= 0.8x direct TPS.

--unclassified adds a second gateway without personal_data as a third target, so the share
of masking itself (masked / unmasked) shows apart from proxying and recording.

The gateway listens on loopback without TLS (cleartext tokens allowed there), as in
bench/pgbench_compare.py, so no run pays for encryption. Nothing here asserts on timings: the
summary says whether each target is met, and the exit status only reports failed runs.
"""

import argparse
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "integration"))
sys.path.insert(0, BENCH_DIR)

import pgbench_compare  # noqa: E402  (measure, pgbench_run_args)
from harness import clients, pgbin, stack  # noqa: E402
from harness.gateway import Gateway, GatewayStartError, binary  # noqa: E402
from harness.gateway_config import Connection, GatewayConfig, Upstream  # noqa: E402
from harness.ports import free_port  # noqa: E402
from harness.postgres_server import PostgresServer  # noqa: E402

ROLE, DATABASE, PASSWORD_ENV = "bench_user", "shop", "BENCH_PG_PASSWORD"
SEED_SQL = os.path.join(REPO_ROOT, "Sources", "gatehouse", "Demo", "demo-seed.sql")
MASKING_BENCHMARK = os.path.join(REPO_ROOT, ".build-release", "release", "masking-benchmark")

SELECT_TARGET = 1.5   # gateway wall time / direct wall time, at most
PGBENCH_TARGET = 0.8  # gateway TPS / direct TPS, at least

# The demo's classification and masking rules, as the integration tests use them.
PERSONAL_DATA = stack.DEMO_PERSONAL_DATA
MASKING = stack.DEMO_MASKING

# Grows `customers` past the seed's 1,000 rows. Runs in the psql session that loaded the seed,
# so the seed's check-digit helpers (pg_temp.luhn_digit, iban, bsn, dni, insee, belgian_nn,
# pps) are still there. Names, places, multipliers and prefixes differ from the seed's, so the
# new rows do not repeat the first thousand. psql variable: rows.
GROW_SQL = r"""
SET client_min_messages = warning;
BEGIN;
WITH
vocabulary AS (SELECT
    ARRAY['Ava','Ben','Carla','Dario','Elif','Felix','Greta','Henrik','Ines','Jakob',
          'Kira','Leon','Maja','Nils','Oskar','Paula','Quentin','Rosa','Simon','Tara',
          'Ulla','Viktor','Wiebke','Xavier','Yara','Zoltán','Amélie','Björn','Çelik','Dörte'] AS first,
    ARRAY['Becker','Fischer','Meyer','Schulz','Koch','Richter','Klein','Wolf','Schröder','Neumann',
          'Martínez','Sánchez','Moreno','Ricci','Colombo','Girard','Lambert','Bakker','Smit','Mulder',
          'Walsh','Ryan','Jones','Clark','Lewis','Young','Hall','Allen','Nordström','Dvořák'] AS last,
    ARRAY[ARRAY['Cologne','DE','+49 221'], ARRAY['Frankfurt','DE','+49 69'], ARRAY['Marseille','FR','+33 4 9'],
          ARRAY['Toulouse','FR','+33 5 6'],ARRAY['Valencia','ES','+34 96'],  ARRAY['Seville','ES','+34 95'],
          ARRAY['Utrecht','NL','+31 30'],  ARRAY['Rome','IT','+39 06'],      ARRAY['Turin','IT','+39 011'],
          ARRAY['Cork','IE','+353 21'],    ARRAY['Antwerp','BE','+32 3'],    ARRAY['Ghent','BE','+32 9'],
          ARRAY['Houston','US','+1 713'],  ARRAY['Phoenix','US','+1 602'],   ARRAY['Portland','US','+1 503'],
          ARRAY['Atlanta','US','+1 404']] AS places,
    ARRAY['example.com','example.net','shop.example.org','example.eu'] AS domains
),
person AS (
    SELECT g AS id,
           v.first[1 + (g * 11) % 30] AS first_name,
           v.last[1 + (g * 23) % 30] AS last_name,
           v.places[1 + (g * 7) % 16][1] AS city,
           v.places[1 + (g * 7) % 16][2] AS country,
           v.places[1 + (g * 7) % 16][3] AS dial,
           v.domains[1 + g % 4] AS domain,
           lpad(((g * 48271) % 10000000)::text, 7, '0') AS local_number,
           date '1940-01-01' + ((g * 104729) % 24000)::int AS birth
    FROM generate_series(1001::bigint, :rows) AS g, vocabulary v
),
shaped AS (
    SELECT p.*,
           -- ASCII mail handles; translate before lower(), which leaves non-ASCII alone under the C locale
           lower(translate(p.first_name, 'áéíóöøüñçÇČřšž', 'aeiooounccCrsz')) AS first_handle,
           lower(translate(p.last_name, 'áéíóöøüñçÇČřšž', 'aeiooounccCrsz')) AS last_handle,
           (ARRAY['4111','4000','5555','5105','2223'])[1 + p.id % 5] AS card_prefix,
           lpad(((p.id * 104723) % 100000000000)::text, 11, '0') AS card_body
    FROM person p
)
INSERT INTO customers (id, full_name, email, phone, national_id, card_number, iban,
                       birth_date, city, country, created_at, notes)
SELECT s.id,
       s.first_name || ' ' || s.last_name,
       s.first_handle || '.' || s.last_handle || '.' || s.id || '@' || s.domain,
       CASE WHEN s.country = 'US' THEN s.dial || '-555-' || substr(s.local_number, 4)
            ELSE s.dial || ' ' || substr(s.local_number, 1, 3) || ' ' || substr(s.local_number, 4) END,
       CASE s.country
           WHEN 'US' THEN (100 + s.id % 565)::text || '-' || lpad((1 + s.id % 99)::text, 2, '0') || '-'
                           || lpad((1 + (s.id * 31) % 9999)::text, 4, '0')
           WHEN 'ES' THEN pg_temp.dni(20000000 + (s.id * 7) % 70000000)
           WHEN 'NL' THEN coalesce(pg_temp.bsn(lpad((20000000 + s.id * 3)::text, 8, '0')),
                                   pg_temp.bsn(lpad((20000001 + s.id * 3)::text, 8, '0')),
                                   pg_temp.bsn(lpad((20000002 + s.id * 3)::text, 8, '0')))
           WHEN 'DE' THEN 'L' || lpad(((s.id * 15485863) % 100000000)::text, 8, '0')
           WHEN 'FR' THEN pg_temp.insee((1 + s.id % 2)::text || to_char(s.birth, 'YYMM')
                                        || lpad((1 + s.id % 95)::text, 2, '0')
                                        || lpad(((s.id * 7) % 1000)::text, 3, '0')
                                        || lpad(((s.id * 11) % 1000)::text, 3, '0'))
           WHEN 'BE' THEN pg_temp.belgian_nn(s.birth, (1 + s.id % 997)::int)
           WHEN 'IE' THEN pg_temp.pps(lpad(((s.id * 7307) % 10000000)::text, 7, '0'))
           ELSE 'AY' || lpad(((s.id * 7307) % 100000)::text, 5, '0')
                || chr((65 + s.id % 26)::int) || chr((65 + (s.id * 3) % 26)::int)
       END,
       CASE WHEN s.id % 9 = 0 THEN NULL
            ELSE s.card_prefix || s.card_body || pg_temp.luhn_digit(s.card_prefix || s.card_body) END,
       CASE s.country
           WHEN 'DE' THEN pg_temp.iban('DE', (50010517 + s.id % 13)::text || lpad(((s.id * 48271) % 10000000000)::text, 10, '0'))
           WHEN 'NL' THEN pg_temp.iban('NL', (ARRAY['ABNA','INGB','RABO','SNSB'])[1 + s.id % 4]
                                             || lpad(((s.id * 6151) % 10000000000)::text, 10, '0'))
           WHEN 'FR' THEN pg_temp.iban('FR', '20041010' || lpad(((s.id * 31) % 1000000000000000)::text, 15, '0'))
           WHEN 'ES' THEN pg_temp.iban('ES', '00491500' || lpad(((s.id * 101) % 1000000000000)::text, 12, '0'))
           WHEN 'IT' THEN pg_temp.iban('IT', 'X0306909606' || lpad(((s.id * 83) % 1000000000000)::text, 12, '0'))
           WHEN 'IE' THEN pg_temp.iban('IE', 'BOFI900017' || lpad(((s.id * 59) % 100000000)::text, 8, '0'))
           WHEN 'BE' THEN pg_temp.iban('BE', lpad((310000000 + s.id)::text, 10, '0')
                                             || lpad(coalesce(nullif((310000000 + s.id) % 97, 0), 97)::text, 2, '0'))
       END,
       s.birth,
       s.city,
       s.country,
       timestamptz '2019-06-01 08:00:00+00' + s.id * interval '3 minutes 7 seconds',
       CASE s.id % 12
           WHEN 1 THEN 'Reach me at ' || s.first_handle || '.' || s.id || '@' || s.domain || ' please.'
           WHEN 4 THEN 'Call back on ' || s.dial || ' ' || s.local_number || ' before noon.'
           WHEN 8 THEN 'Loyalty member since ' || (2010 + s.id % 14)::text || '.'
       END
FROM shaped s;
SELECT setval(pg_get_serial_sequence('customers', 'id'), greatest(:rows, 1000));
COMMIT;
VACUUM ANALYZE customers;
"""


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: 100,000 rows, -T 5 (explicit options win)")
    parser.add_argument("--rows", type=int, help="customers rows for the SELECT (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per SELECT variant and target (median)")
    parser.add_argument("-T", "--time", type=int, help="pgbench seconds per run (default 20)")
    parser.add_argument("-c", "--clients", type=int, default=8, help="pgbench clients (default 8)")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="pgbench threads (default 2)")
    parser.add_argument("-s", "--scale", type=int, default=10, help="pgbench -i scale (default 10)")
    parser.add_argument("--prepared", action="store_true", help="also run pgbench -M prepared")
    parser.add_argument("--unclassified", action="store_true",
                        help="also run through a second gateway without personal_data (isolates masking's share)")
    parser.add_argument("--skip-engine", action="store_true", help="do not run masking-benchmark")
    parser.add_argument("--skip-select", action="store_true", help="no customers load, no SELECT timing")
    parser.add_argument("--skip-pgbench", action="store_true", help="no pgbench")
    options = parser.parse_args()
    if options.rows is None:
        options.rows = 100_000 if options.quick else 1_000_000
    if options.time is None:
        options.time = 5 if options.quick else 20
    if options.rows < 1000:
        parser.error("--rows: at least 1000 (the seed's own customers)")
    if options.repeat < 1:
        parser.error("--repeat: at least 1")
    return options


def step(message: str) -> None:
    print(message, flush=True)


def client_env() -> dict:
    # Everything a client needs is in its connection string; stray PG* variables must not leak in.
    return {k: v for k, v in os.environ.items() if not k.startswith("PG")}


# --- 1. the masking engine ------------------------------------------------------------

ENGINE_LINE = re.compile(r"^(?P<name>[^:\n]+): (?P<mb>\d+) MB, (?P<rows>\d+) rows \| detect whole buffer "
                         r"(?P<detect>\d+) MB/s, (?P<detections>\d+) detections \| mask per row (?P<mask>\d+) MB/s",
                         re.MULTILINE)


def run_engine_benchmark() -> dict:
    path = os.path.abspath(os.environ.get("MASKING_BENCHMARK_BIN", MASKING_BENCHMARK))
    if not os.path.exists(path):
        return {"error": f"{path} not found: swift build -c release --product masking-benchmark "
                         f"--scratch-path .build-release"}
    step(f"masking engine: {path} (single core, best of its own repetitions) ...")
    result = subprocess.run([path], capture_output=True, text=True)
    print(result.stdout.rstrip(), flush=True)
    if result.returncode != 0:
        return {"error": f"masking-benchmark exited with {result.returncode}: {result.stderr.strip()[-300:]}"}
    figures = {m["name"].strip(): m.groupdict() for m in ENGINE_LINE.finditer(result.stdout)}
    return {"figures": figures} if figures else {"error": "masking-benchmark printed no figures"}


# --- the database and the gateway -----------------------------------------------------

def load_customers(server: PostgresServer, password: str, rows: int) -> float:
    """The seed, then GROW_SQL, in one psql session (the seed's pg_temp helpers survive)."""
    grow = os.path.join(server.root, "grow-customers.sql")
    with open(grow, "w") as f:
        f.write(GROW_SQL)
    env = server.admin_env()
    env["PGPASSWORD"] = password
    args = [pgbin.tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", f"rows={rows}",
            "-h", server.host, "-p", str(server.port), "-U", ROLE, "-d", DATABASE, "-o", os.devnull,
            "-f", os.path.abspath(SEED_SQL), "-f", grow]
    started = time.perf_counter()
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"loading customers failed: {result.stderr.strip()}")
    return time.perf_counter() - started


def start_gateway(workdir: str, server: PostgresServer, password: str, classified: bool = True) -> Gateway:
    name = "gatehouse-masking-bench" if classified else "gatehouse-unclassified-bench"
    config = GatewayConfig(
        data_dir=os.path.join(workdir, name + "-data"), postgres_address="127.0.0.1", postgres_port=free_port(),
        http_port=free_port(), allow_cleartext_token_on_loopback=True,
        connections=[Connection(DATABASE, Upstream(server.host, server.port, DATABASE, ROLE, PASSWORD_ENV),
                                allowed_groups=["engineers"], personal_data=PERSONAL_DATA if classified else None)],
        masking=MASKING if classified else None)
    text = config.yaml()
    return Gateway(workdir, text, env={PASSWORD_ENV: password}, name=name).start()


class Targets:
    """The ways in: straight to PostgreSQL ("direct"), through Gatehouse with the demo's
    classification ("gatehouse") and, with --unclassified, through a second Gatehouse without
    one ("unclassified")."""

    def __init__(self, server: PostgresServer, password: str, gateways: dict):
        self.server, self.password, self.gateways = server, password, gateways
        self.names = ["direct"] + list(gateways)

    def dsn(self, target: str, ttl: int = 3600) -> str:
        if target == "direct":
            return clients.conninfo(host=self.server.host, port=self.server.port, dbname=DATABASE, user=ROLE,
                                    password=self.password, sslmode="disable")
        gateway = self.gateways[target]
        token = gateway.token("bench", ["engineers"], ttl=ttl)
        return clients.gateway_dsn(gateway.port, DATABASE, token, sslmode="disable", user="bench")


def masking_observed(targets: Targets) -> str:
    """Whether a classified value reads differently through the gateway than directly."""
    sql = "SELECT email, national_id, card_number, iban FROM customers WHERE id = 1002"
    seen = {}
    for target in ("direct", "gatehouse"):
        result = clients.psql(targets.dsn(target), sql)
        if result.returncode != 0:
            return f"unknown ({target}: {result.stderr.strip()[-200:]})"
        seen[target] = result.stdout.strip()
    if seen["direct"] == seen["gatehouse"]:
        return f"no: customer 1002 reads the same both ways ({seen['gatehouse']})"
    return f"yes: customer 1002 reads {seen['gatehouse']!r} through Gatehouse, {seen['direct']!r} directly"


# --- 2. the large SELECT ---------------------------------------------------------------

SELECT_VARIANTS = [
    ("psql -c 'SELECT * FROM customers'", "SELECT * FROM customers"),
    ("psql -c 'COPY (SELECT * FROM customers) TO STDOUT'", "COPY (SELECT * FROM customers) TO STDOUT"),
]


def timed_psql(dsn: str, sql: str) -> float:
    """Wall time of psql -c SQL with its output going to /dev/null."""
    args = [pgbin.tool("psql"), "-X", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-c", sql]
    started = time.perf_counter()
    result = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=client_env())
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip()[-300:] or f"psql exited with {result.returncode}")
    return elapsed


def run_selects(targets: Targets, repeat: int) -> dict:
    dsns = {target: targets.dsn(target) for target in targets.names}
    figures = {}
    for label, sql in SELECT_VARIANTS:
        step(f"{label} > /dev/null")
        times = {target: [] for target in targets.names}
        try:
            timed_psql(dsns["direct"], sql)  # warm-up: table in shared buffers / page cache
            for run in range(repeat):
                for target in targets.names:
                    times[target].append(timed_psql(dsns[target], sql))
                step(f"  run {run + 1}/{repeat}: " + ", ".join(f"{t} {v[-1]:.2f} s" for t, v in times.items()))
        except RuntimeError as error:
            figures[label] = {"error": str(error)}
            continue
        figures[label] = {target: statistics.median(values) for target, values in times.items()}
    return figures


# --- 3. pgbench -S ------------------------------------------------------------------

def run_pgbench(targets: Targets, options) -> dict:
    common = dict(host=targets.server.host, user=ROLE, dbname=DATABASE, password=targets.password)
    step(f"pgbench -i -s {options.scale} (in the classified database; pgbench's tables are not classified)")
    init = clients.pgbench(["-i", "-q", "-s", str(options.scale)], port=targets.server.port, **common)
    if init.returncode != 0:
        return {"init": {"pgbench -i": {"error": (init.stderr or init.stdout).strip().splitlines()[-1:]}}}
    modes = ["simple"] + (["prepared"] if options.prepared else [])
    figures = {}
    for mode in modes:
        run_options = argparse.Namespace(clients=options.clients, jobs=options.jobs, time=options.time, mode=mode,
                                         tpcb=False, extra=[])
        run_args = pgbench_compare.pgbench_run_args(run_options)
        figures[mode] = {}
        for target in targets.names:
            step(f"pgbench {' '.join(run_args)} -> {target} ...")
            if target == "direct":
                result = clients.pgbench(run_args, port=targets.server.port, **common)
            else:
                gateway = targets.gateways[target]
                token = gateway.token("bench", ["engineers"], ttl=max(3600, options.time * 4))
                result = clients.pgbench(run_args, host="127.0.0.1", port=gateway.port, user="bench",
                                         dbname=DATABASE, password=token, sslmode="disable")
            figures[mode][target] = pgbench_compare.measure(result)
    return figures


# --- the summary ---------------------------------------------------------------------

def summary_rows(engine, selects, pgbench, options) -> list[tuple]:
    rows = []
    if engine is not None:
        if "error" in engine:
            rows.append(("masking engine", f"failed: {engine['error']}", "-", "-", "-"))
        for name in ("text without identifiers", "text dense with identifiers"):
            figure = engine.get("figures", {}).get(name)
            if figure:
                rows.append((f"masking engine, {name}",
                             f"detect {figure['detect']} MB/s, mask per row {figure['mask']} MB/s", "-", "-", "-"))
    for label, figure in (selects or {}).items():
        what = f"{label}, {options.rows:,} rows, median of {options.repeat}"
        # The target is on the SELECT; COPY is a stricter extra figure (no client-side
        # formatting to hide behind), reported without a target.
        target = f"<= {SELECT_TARGET}x" if "SELECT *" in label and "COPY" not in label else "-"
        if "error" in figure:
            rows.append((what, f"failed: {figure['error']}", "-", target, "-"))
            continue
        ratio = figure["gatehouse"] / figure["direct"]
        met = "-" if target == "-" else ("yes" if ratio <= SELECT_TARGET else "NO")
        rows.append((what, f"direct {figure['direct']:.2f} s, gatehouse {figure['gatehouse']:.2f} s",
                     f"{ratio:.2f}x", target, met))
        if "unclassified" in figure:
            rows.append(("  same, Gatehouse without personal_data",
                         f"unclassified {figure['unclassified']:.2f} s (masked/unmasked "
                         f"{figure['gatehouse'] / figure['unclassified']:.2f}x)",
                         f"{figure['unclassified'] / figure['direct']:.2f}x", "-", "-"))
    for mode, figure in (pgbench or {}).items():
        what = f"pgbench -S -M {mode} -c {options.clients} -j {options.jobs} -T {options.time}, TPS"
        if any("error" in m for m in figure.values()):
            errors = "; ".join(f"{target}: {' '.join(m['error'])}" for target, m in figure.items() if "error" in m)
            rows.append((what if mode != "init" else f"pgbench -i -s {options.scale}", f"failed: {errors}", "-",
                         f">= {PGBENCH_TARGET}x", "-"))
            continue
        direct, gateway = figure["direct"]["tps"], figure["gatehouse"]["tps"]
        if not direct or not gateway:
            rows.append((what, "no tps in pgbench output", "-", f">= {PGBENCH_TARGET}x", "-"))
            continue
        ratio = gateway / direct
        rows.append((what, f"direct {direct:.0f}, gatehouse {gateway:.0f}", f"{ratio:.2f}x",
                     f">= {PGBENCH_TARGET}x", "yes" if ratio >= PGBENCH_TARGET else "NO"))
        unclassified = figure.get("unclassified", {}).get("tps")
        if unclassified:
            rows.append(("  same, Gatehouse without personal_data",
                         f"unclassified {unclassified:.0f} (masked/unmasked {gateway / unclassified:.2f}x)",
                         f"{unclassified / direct:.2f}x", "-", "-"))
    return rows


def print_summary(rows: list[tuple], notes: list[str]) -> None:
    header = ("figure", "result", "ratio", "target", "met")
    widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(len(header))]
    line = "  ".join(f"{{:<{w}}}" if i < 2 else f"{{:>{w}}}" for i, w in enumerate(widths))
    print("\nsummary (ratio = gatehouse / direct)")
    for note in notes:
        print(f"  {note}")
    print(line.format(*header))
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))


def main() -> int:
    options = parse_arguments()
    notes = [f"gateway binary: {binary()}"]
    if "/release/" not in binary():
        notes.append("WARNING: not a release build; set GATEHOUSE_BIN=.build-release/release/gatehouse "
                     "(swift build -c release --scratch-path .build-release)")
    engine = None if options.skip_engine else run_engine_benchmark()
    if engine and "error" in engine:
        print(f"masking engine: {engine['error']}", file=sys.stderr)
    selects = pgbench = None
    failed = False
    if not (options.skip_select and options.skip_pgbench):
        password = secrets.token_hex(12)
        workdir = tempfile.mkdtemp(prefix="gatehouse-masking-bench-")
        server = PostgresServer(ssl=False, statement_logging=False,
                                settings={"log_connections": "off", "log_disconnections": "off",
                                          "shared_buffers": "'512MB'"}).start()
        gateways = {}
        try:
            server.create_role(ROLE, password)
            server.psql(f"CREATE DATABASE {DATABASE} OWNER {ROLE}")
            if not options.skip_select:
                step(f"loading the demo seed and growing customers to {options.rows:,} rows ...")
                seconds = load_customers(server, password, options.rows)
                size = server.psql("SELECT pg_size_pretty(pg_table_size('customers'))", DATABASE)
                step(f"  loaded in {seconds:.1f} s, customers is {size}")
            try:
                gateways["gatehouse"] = start_gateway(workdir, server, password)
                if options.unclassified:
                    gateways["unclassified"] = start_gateway(workdir, server, password, classified=False)
                targets = Targets(server, password, gateways)
            except GatewayStartError as error:
                print(f"could not start {binary()}: {error}", file=sys.stderr)
                notes.append(f"FAILED: could not start {binary()}: {str(error).splitlines()[0]}")
                failed, targets = True, None
            if targets and not options.skip_select:
                notes.append(f"masking observed through the gateway: {masking_observed(targets)}")
                selects = run_selects(targets, options.repeat)
            if targets and not options.skip_pgbench:
                pgbench = run_pgbench(targets, options)
            for name, gateway in gateways.items():
                if not gateway.alive():
                    notes.append(f"WARNING: the {name} gateway exited during the run\n{gateway.output(2000)}")
                    failed = True
        finally:
            for gateway in gateways.values():
                gateway.stop()
            server.cleanup()
            if not os.environ.get("GATEHOUSE_KEEP_TMP"):
                shutil.rmtree(workdir, ignore_errors=True)
    rows = summary_rows(engine, selects, pgbench, options)
    print_summary(rows, notes)
    failed = failed or any(str(row[1]).startswith("failed") for row in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
