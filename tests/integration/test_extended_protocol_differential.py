"""A differential test of the gateway's extended-protocol bookkeeping against PostgreSQL itself.

Random sequences of Parse, Bind, Describe, Execute, Close, Flush and Sync, with errors injected
the ways the protocol allows (a Parse the parser refuses, a Parse of a name that exists, a Bind
of an unknown statement or with the wrong number of parameters, an Execute of an unknown portal,
a Close of an unknown name), go through the gateway on one session. The server's own log
(`log_statement = all`: one `execute <name>: <text>` line per Execute it runs) is the ground
truth; the ledger must name exactly the same statements, in the same order, as completed. A
divergence means the gateway decided on, recorded and masked one statement while the server ran
another (docs/security.md, class 4)."""

import os
import random
import re
import struct
import time

import pytest

from harness import ledger, pg_log, wire
from harness.events import outcomes, statements

# More seeds for a longer run: GATEHOUSE_DIFFERENTIAL_SEEDS=1-200.
_first, _, _last = os.environ.get("GATEHOUSE_DIFFERENTIAL_SEEDS", "1-6").partition("-")
SEEDS = list(range(int(_first), int(_last or _first) + 1))
BATCHES = 80
# Texts that run, and texts the server refuses at Parse; none fails while executing, so every
# Execute the server logs completes.
GOOD = [f"SELECT 'diff_{letter}' AS t" for letter in "abcd"] + ["SELECT $1::text AS t"]
BAD = ["SELEC 'diff_bad'", "SELECT 'diff_x'::int AS t"]
STATEMENT_NAMES = ["", "s1", "s2"]
PORTAL_NAMES = ["", "p1"]


def cstring(text: str) -> bytes:
    return text.encode() + b"\0"


def parse(name: str, text: str) -> bytes:
    return wire.message(b"P", cstring(name) + cstring(text) + struct.pack("!h", 0))


def bind(portal: str, statement: str, values: list[str]) -> bytes:
    body = cstring(portal) + cstring(statement) + struct.pack("!h", 0) + struct.pack("!h", len(values))
    for value in values:
        body += struct.pack("!i", len(value)) + value.encode()
    return wire.message(b"B", body + struct.pack("!h", 0))


def describe(kind: bytes, name: str) -> bytes:
    return wire.message(b"D", kind + cstring(name))


def execute(portal: str) -> bytes:
    return wire.message(b"E", cstring(portal) + struct.pack("!i", 0))


def close(kind: bytes, name: str) -> bytes:
    return wire.message(b"C", kind + cstring(name))


def random_batch(rng: random.Random) -> list[bytes]:
    """One to four runs of the usual shapes (parse-bind-execute, bind-execute of a statement
    parsed earlier, a lone step), with random names, so that some fail and some do not."""
    batch = []
    for _ in range(rng.randint(1, 4)):
        statement, portal = rng.choice(STATEMENT_NAMES), rng.choice(PORTAL_NAMES)
        values = rng.choice([[]] * 4 + [["v"], ["v", "w"]])
        shape = rng.random()
        if shape < 0.45:
            batch += [parse(statement, rng.choice(GOOD * 3 + BAD)), bind(portal, statement, values)]
            if rng.random() < 0.3:
                batch.append(describe(b"P", portal))
            batch.append(execute(portal))
        elif shape < 0.65:
            batch += [bind(portal, rng.choice(STATEMENT_NAMES * 3 + ["nope"]), values), execute(portal)]
        elif shape < 0.70:
            batch.append(execute(rng.choice(PORTAL_NAMES + ["nope"])))
        elif shape < 0.78:
            batch.append(parse(statement, rng.choice(GOOD + BAD)))
        elif shape < 0.83:
            batch.append(describe(rng.choice([b"S", b"P"]), rng.choice(STATEMENT_NAMES + PORTAL_NAMES)))
        elif shape < 0.97:
            batch.append(close(rng.choice([b"S", b"P"]), rng.choice(STATEMENT_NAMES + PORTAL_NAMES + ["nope"])))
        else:
            batch.append(wire.message(b"H"))
    return batch + [wire.message(b"S")]


def session_of_application(events, application: str) -> set:
    return {e.session_id for e in events if e.kind == "authentication" and e.payload.get("clientApplication") == application}


def run_until_ready(client: wire.RawClient) -> list[tuple[bytes, bytes]]:
    answers = []
    while True:
        item = client.read_message()
        assert item is not None, f"the gateway closed the session: {answers[-3:]}"
        answers.append(item)
        if item[0] == b"Z":
            return answers


@pytest.fixture(scope="module")
def gw(tmp_path_factory, upstream):
    gateway = ledger.LedgerGateway(str(tmp_path_factory.mktemp("differential")), upstream, name="differential-gw")
    gateway.start()
    yield gateway
    gateway.stop()


@pytest.mark.parametrize("seed", SEEDS)
def test_the_ledger_names_what_the_server_ran(gw, upstream, seed):
    rng = random.Random(seed)
    application = f"differential-{seed}"
    log_offset = upstream.server.log_size()
    before = gw.events.last_seq()
    client = wire.RawClient("127.0.0.1", gw.port)
    try:
        answers = client.login("shop", gw.token(), tls=False, extra={"application_name": application})
        assert answers[-1][0] == b"Z", wire.first_error(answers)
        errors = 0
        for _ in range(BATCHES):
            for message in random_batch(rng):
                client.send(message)
            errors += sum(1 for kind, _ in run_until_ready(client) if kind == b"E")
        client.send(wire.message(b"X"))
    finally:
        client.close()
    assert errors > 0, "no error was injected: the sequence tests nothing"

    def session_of(events):
        return session_of_application(events, application)

    events = gw.events.wait_for(lambda ev: any(e.kind == "session_end" and e.session_id in session_of(ev) for e in ev),
                                before, timeout=10)
    session = session_of(events)
    assert len(session) == 1, session

    # Ground truth: what the server executed, from its own log, for this session's backend (the
    # gateway names its upstream connection after the session).
    entries = pg_log.parse(upstream.server.log_since(log_offset))
    backends = {pid for pid, name in pg_log.application_names(entries).items() if name == f"gatehouse session {next(iter(session))}"}
    assert len(backends) == 1, backends
    ran = [match.group(1) for entry in entries if entry.pid in backends
           for match in [re.match(r"execute [^:]*: (.*)", entry.message)] if match]

    def recorded(events):
        done = {e.payload["statementID"] for e in outcomes(events) if e.session_id in session and e.payload.get("status") == "completed"}
        return [e.payload["text"] for e in statements(events) if e.session_id in session and e.payload.get("statementID") in done]

    deadline = time.monotonic() + 5
    while len(recorded(events)) < len(ran) and time.monotonic() < deadline:
        time.sleep(0.1)
        events = gw.events.since(before)
    assert ran, "the server ran nothing: the sequence tests nothing"
    assert recorded(events) == ran
    print(f"seed {seed}: {len(ran)} executions, {errors} errors, no divergence")



def test_a_query_inside_a_batch_is_answered_or_ignored_as_the_server_does(gw, upstream, admin):
    """asyncpg's pattern: Parse, Flush, then a simple Query before the batch's Sync. PostgreSQL
    answers such a Query in full unless a message of the batch failed; then it ignores it, as
    it ignores everything up to Sync (its log shows it never ran). The gateway must expect
    exactly that, or every later answer is matched with the wrong statement (and masked by the
    wrong plan)."""
    email = admin.execute("SELECT email FROM customers WHERE id = 1").fetchone()[0]
    log_offset = upstream.server.log_size()
    client = wire.RawClient("127.0.0.1", gw.port)
    try:
        assert client.login("shop_masked", gw.token(), tls=False)[-1][0] == b"Z"

        def kinds(answers):
            return [kind for kind, _ in answers]

        # A failed batch: the Query is ignored; only the Sync is answered.
        client.send(parse("", "SELEC 'q_bad'") + wire.message(b"H"))
        client.send(wire.query_message("SELECT 'q_ignored'"))
        client.send(wire.message(b"S"))
        assert kinds(run_until_ready(client)) == [b"E", b"Z"]
        client.send(wire.query_message("SELECT email FROM customers WHERE id = 1"))
        answers = run_until_ready(client)
        assert kinds(answers) == [b"T", b"D", b"C", b"Z"]
        assert email.encode() not in answers[1][1], "an unmasked value: answers matched with the wrong statement"

        # A batch that has not failed: the Query is answered in full, then the Sync.
        client.send(parse("", "SELECT 'q_parsed'") + wire.message(b"H"))
        client.send(wire.query_message("SELECT 'q_ran'"))
        client.send(wire.message(b"S"))
        first = run_until_ready(client)
        assert kinds(first) == [b"1", b"T", b"D", b"C", b"Z"] and b"q_ran" in first[2][1]
        assert kinds(run_until_ready(client)) == [b"Z"]
        client.send(wire.query_message("SELECT email FROM customers WHERE id = 1"))
        answers = run_until_ready(client)
        assert kinds(answers) == [b"T", b"D", b"C", b"Z"] and email.encode() not in answers[1][1]
        client.send(wire.message(b"X"))
    finally:
        client.close()
    log = upstream.server.log_since(log_offset)
    assert "q_ran" in log and "q_ignored" not in log
