"""Attack: flood the evidence ledger without a token (issue 16). Every refused login used to be a
ledger entry carrying ~10 KB of attacker-chosen text, listed among the auditor's sessions. Now
client text is escaped and cut short, refusals beyond the per-source allowance are counted into
one summary entry, and refused logins are filed apart from sessions (`refused-<id>`).

Ground truth is the ledger itself, read by the independent reader in harness/events.py."""

import json
import os
import time

import psycopg
import pytest

from harness import postgres_server
from harness.events import EventStore
from harness.gateway import Gateway
from harness.gateway_config import GatewayConfig
from harness.ports import free_port
from harness.stack import connections_for
from harness.wire import RawClient, first_error

ALLOWANCE = 10  # Gatehouse's default refused_logins_per_source_per_minute
FLOOD = 200
PADDING = "x" * 4_500  # the database name and application_name: ~9 KB of a 10,000-byte startup packet


@pytest.fixture(scope="module")
def flooded(workdir, upstream):
    directory = os.path.join(workdir, "gateway-ledger-flood")
    config = GatewayConfig(data_dir=os.path.join(directory, "data"), postgres_address="127.0.0.1", postgres_port=free_port(),
                           http_port=free_port(), connections=connections_for(upstream), allow_cleartext_token_on_loopback=True,
                           refused_logins_per_minute=None)
    gateway = Gateway(directory, config.yaml(), env=upstream.env(), name="gateway-ledger-flood").start()
    store = EventStore(config.data_dir)
    before = store.last_seq()
    upstream_before = postgres_server.connections_received(upstream.server.read_log())
    for index in range(FLOOD):
        client = RawClient("127.0.0.1", gateway.port)
        messages = client.login(f"shop\u202e\n{index}{PADDING}", "not-a-token", tls=False,
                                extra={"application_name": f"\u202eevil\n{PADDING}"})
        client.close()
        assert first_error(messages)["C"] == "28P01", messages
    time.sleep(0.5)
    flood_opened = postgres_server.connections_received(upstream.server.read_log()) - upstream_before
    assert flood_opened == 0, f"refused logins opened {flood_opened} upstream connections"
    # A real user from the same address still signs in, and that session is recorded in full.
    token = gateway.token("alice")
    with psycopg.connect(f"host=127.0.0.1 port={gateway.port} dbname=shop user=agent password={token} sslmode=disable") as conn:
        conn.execute("SELECT 1")
    # Stopping records the summary of the window still open.
    gateway.stop()
    yield store.since(before)


def _refusals(events):
    return [e for e in events if e.kind == "authentication" and e.payload.get("accepted") is False]


def test_refusals_beyond_the_allowance_are_counted_not_recorded_one_by_one(flooded):
    refusals = _refusals(flooded)
    individual = [e for e in refusals if "counted rather than recorded one by one" not in e.payload.get("reason", "")]
    summaries = [e for e in refusals if e not in individual]
    assert len(individual) == ALLOWANCE, len(individual)
    assert len(summaries) == 1, [e.payload for e in summaries]
    reason = summaries[0].payload["reason"]
    # Provable: how many, from where (sealed, like any client address), and why.
    assert reason.startswith(f"{FLOOD - ALLOWANCE} more refused logins from this source"), reason
    assert summaries[0].payload.get("clientAddress") == "127.0.0.1"
    assert "token" in reason


def test_refused_logins_carry_no_unbounded_or_control_text(flooded):
    for event in _refusals(flooded):
        size = len(json.dumps(event.body))
        assert size < 2500, (size, event.body)
        for text in (event.connection or "", event.payload.get("clientApplication") or "", event.payload.get("reason") or ""):
            assert "\n" not in text and "\u202e" not in text, text


def test_refused_logins_are_filed_apart_from_sessions(flooded):
    assert all(e.session_id.startswith("refused-") for e in _refusals(flooded))
    accepted = [e for e in flooded if e.kind == "authentication" and e.payload.get("accepted") is True]
    assert len(accepted) == 1 and not accepted[0].session_id.startswith("refused-")
    statements = [e for e in flooded if e.kind == "statement" and e.session_id == accepted[0].session_id]
    assert statements, "the real user's statement is recorded"
