"""Crash safety of the evidence ledger (acceptance): concurrent psql and pgbench clients run
through a gateway that is killed with SIGKILL mid-flow, three times, and restarted on the same
data directory. Afterwards `gatehouse audit verify` accepts the whole log, and every statement
PostgreSQL executed for the gateway's client sessions (its log_statement='all' log) has its
statement event in the ledger, recorded no later than the server ran it (write-ahead)."""

import os
import random
import re
import sqlite3
import string
import subprocess

import psycopg
import pytest

from harness import clients, ledger, pg_log, pgbin
from harness.events import statements

ROUNDS = 3
PSQL_CLIENTS = 3
PSQL_STATEMENTS = 20000  # far more than a round lasts: the kill interrupts them
PGBENCH_CLIENTS = 3


def _letters(n: int) -> str:
    # Letters only: no digit run a masking detector could take for a phone number or an ID.
    return "".join(random.choice(string.ascii_lowercase) for _ in range(n))


@pytest.fixture
def crash_gateway(tmp_path, upstream):
    gw = ledger.LedgerGateway(str(tmp_path / "crash"), upstream, name="crash-gw")
    gw.start()
    yield gw
    gw.stop()


def _entry_count(gw) -> int:
    path = os.path.join(gw.data_dir, "ledger.sqlite")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as db:
        return db.execute("SELECT count(*) FROM entries").fetchone()[0]


def _start_clients(gw, tmp_path, marker: str, round_no: int) -> list[tuple[str, subprocess.Popen]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    started = []
    for client in range(PSQL_CLIENTS):
        # Each statement is distinct and names its round, client and position (in letters).
        tag = f"{marker}r{_letters(1)}{round_no}c{client}"
        script = tmp_path / f"round{round_no}-psql{client}.sql"
        script.write_text("".join(f"SELECT '{tag}n{i}x' AS probe, pg_sleep(0.002);\n" for i in range(PSQL_STATEMENTS)))
        out = open(tmp_path / f"round{round_no}-psql{client}.out", "w")
        process = subprocess.Popen([pgbin.tool("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                                    "-d", gw.dsn("shop"), "-f", str(script)],
                                   stdout=subprocess.DEVNULL, stderr=out, env=env)
        started.append((f"psql {client}", process))
    bench_script = tmp_path / f"round{round_no}-pgbench.sql"
    bench_script.write_text(f"\\set k random(1, 9)\nSELECT '{marker}bench{_letters(3)}' AS probe, :k AS k;\n")
    bench_env = dict(env, PGPASSWORD=gw.token(), PGSSLMODE="disable")
    out = open(tmp_path / f"round{round_no}-pgbench.out", "w")
    process = subprocess.Popen([pgbin.tool("pgbench"), "-h", "127.0.0.1", "-p", str(gw.port), "-U", "agent",
                                "-n", "-c", str(PGBENCH_CLIENTS), "-j", "1", "-T", "300", "-M", "prepared",
                                "-f", str(bench_script), "shop"],
                               stdout=out, stderr=subprocess.STDOUT, env=bench_env)
    started.append(("pgbench", process))
    return started


def _stop_clients(started) -> None:
    for _, process in started:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_kill_9_mid_flow_loses_no_statement_and_keeps_the_log_valid(crash_gateway, upstream, tmp_path):
    gw = crash_gateway
    server = upstream.server
    offset = server.log_size()
    marker = "lgc" + _letters(8)
    killed_while_running = []

    for round_no in range(ROUNDS):
        base = _entry_count(gw)
        started = _start_clients(gw, tmp_path, marker, round_no)
        try:
            # Mid-flow: wait until the clients have produced a good number of entries, then kill.
            grown = ledger.wait_until(lambda: _entry_count(gw) >= base + 1500 + random.randrange(500), timeout=60)
            assert grown, f"round {round_no}: the clients produced no traffic\n{gw.output()}"
            running = [name for name, process in started if process.poll() is None]
            gw.kill()
            killed_while_running.append(running)
        finally:
            _stop_clients(started)
        # The clients lost their gateway: none of them finished its work normally.
        assert all(process.returncode != 0 for _, process in started), \
            [(name, process.returncode) for name, process in started]
        gw.start()  # the same configuration and data directory

    # Every round was killed while all its clients were still sending.
    assert all(len(running) == PSQL_CLIENTS + 1 for running in killed_while_running), killed_while_running

    # The restarted gateway serves and records.
    last_probe = f"{marker}after"
    result = clients.psql(gw.dsn("shop"), f"SELECT '{last_probe}'")
    assert result.returncode == 0 and result.stdout.strip() == last_probe, result.stderr

    # The whole stored log verifies: every leaf, node and checkpoint.
    verified = gw.audit("verify")
    assert verified.returncode == 0, f"audit verify failed after the crashes:\n{verified.stdout}{verified.stderr}"

    # The ledger is one contiguous log that the independent reader re-hashes entry by entry.
    events = gw.events.since(0)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))

    executed, app_names = pg_log.client_executions(server.log_since(offset), {ledger.LEDGER_ROLE})

    # The server ran the marked statements of every round (so the comparison below means something).
    marked = [e for e in executed if marker in pg_log.statement_text(e)]
    for round_no in range(ROUNDS):
        psql_round = [e for e in marked if re.search(rf"{marker}r[a-z]{round_no}c\d", pg_log.statement_text(e))]
        assert len(psql_round) >= 50, f"round {round_no}: only {len(psql_round)} psql statements reached the server"
    assert sum("bench" in pg_log.statement_text(e) for e in marked) >= 20

    # Every statement the server ran for a client session has a statement event in that session,
    # one event per execution, recorded no later than the server logged the execution.
    unmatched = pg_log.unrecorded_executions(executed, app_names, statements(events))
    assert not unmatched, "statements executed upstream without an earlier statement event:\n" + \
        "\n".join(map(str, unmatched[:40])) + f"\n({len(unmatched)} in all)"
    # And the count agrees overall: every marked psql execution is a distinct statement.
    psql_texts = [pg_log.normalise(pg_log.statement_text(e)) for e in marked if "bench" not in pg_log.statement_text(e)]
    assert len(psql_texts) == len(set(psql_texts))


def test_a_journal_that_cannot_be_written_lets_no_statement_through(crash_gateway, upstream):
    """An agent that gets the gateway's disk to refuse writes (filled, failing) gets nothing
    unrecorded through: the journal write fails, the statement is refused with a clear error, and
    PostgreSQL's own log shows it never ran. Writes are refused here by making the journal's
    segment and directory immutable (`chattr +i`: EPERM even for root, even on an open file)."""
    gw = crash_gateway
    server = upstream.server
    marker = "lgj" + _letters(8)
    offset = server.log_size()
    with psycopg.connect(gw.dsn("shop"), autocommit=True) as conn:
        assert conn.execute(f"SELECT '{marker}before'").fetchone()[0] == f"{marker}before"
        journal = os.path.join(gw.data_dir, "ledger.sqlite.journal")
        frozen = [os.path.join(journal, name) for name in os.listdir(journal) if name.endswith(".seg")] + [journal]
        assert len(frozen) >= 2, "the gateway has no journal segment in use"
        subprocess.run(["chattr", "+i", *frozen], check=True)
        try:
            with pytest.raises(psycopg.errors.InternalError) as refused:
                conn.execute(f"SELECT '{marker}during'").fetchall()
        finally:
            subprocess.run(["chattr", "-i", *frozen], check=True)
    assert "could not be recorded, so it was not run" in str(refused.value)
    # Ground truth from the server: the first statement ran, the refused one never did.
    log = server.log_since(offset)
    assert f"{marker}before" in log and f"{marker}during" not in log

    # Restarted on the same data directory, the log verifies and the gateway records and serves.
    gw.stop()
    gw.start()
    verified = gw.audit("verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    result = clients.psql(gw.dsn("shop"), f"SELECT '{marker}after'")
    assert result.returncode == 0 and result.stdout.strip() == f"{marker}after", result.stderr
    texts = [e.payload.get("text", "") for e in statements(gw.events.since(0))]
    assert any(f"{marker}before" in t for t in texts) and any(f"{marker}after" in t for t in texts)
    assert not any(f"{marker}during" in t for t in texts)
