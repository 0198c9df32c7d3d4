"""pgbench through the gateway: initialisation (DDL, COPY, VACUUM) and short runs in the
three query modes, checking every transaction went through and was recorded."""

import pytest

from harness import clients
from harness.events import statements

CLIENTS, TRANSACTIONS = 4, 50


def _pgbench(gateway, args):
    return clients.pgbench(args, host="127.0.0.1", port=gateway.port, user="agent", dbname="bench",
                           password=gateway.token(), sslmode="require")


@pytest.fixture(scope="module")
def initialised(gateway):
    result = _pgbench(gateway, ["-i", "-s", "1"])
    assert result.returncode == 0, result.stderr
    return result


def test_pgbench_init(initialised, upstream):
    server = upstream.server
    count = server.psql("SELECT count(*) FROM pgbench_accounts", "bench")
    assert count == "100000"


@pytest.mark.parametrize("mode", ["simple", "extended", "prepared"])
def test_pgbench_run(gateway, initialised, mode):
    before = gateway.events.last_seq()
    result = _pgbench(gateway, ["-n", "-c", str(CLIENTS), "-j", "2", "-t", str(TRANSACTIONS), "-M", mode])
    assert result.returncode == 0, result.stdout + result.stderr
    expected = CLIENTS * TRANSACTIONS
    assert clients.transactions_processed(result.stdout) == (expected, expected)
    # TPC-B-like: BEGIN, 3 UPDATEs, SELECT, INSERT, END per transaction; each one an event.
    recorded = [e for e in statements(gateway.events.since(before)) if e.connection == "bench"]
    assert len(recorded) >= expected * 7
    # pgbench probes the scale with simple queries first; the script itself uses the mode.
    script = [e for e in recorded if "pgbench_accounts SET" in e.payload.get("text", "")]
    assert len(script) == expected
    assert {e.payload.get("protocolMode") for e in script} == ({"simple"} if mode == "simple" else {"extended"})
