"""Checkpoints: with `ledger.checkpoint_sink` configured, the gateway writes each signed
checkpoint outside the database after traffic; each note verifies in Python with the key from
`gatehouse audit key` (C2SP signed note, Ed25519), commits to the RFC 9162 root of the log's first
<size> entries, matches the database's copy, and sizes increase."""

import base64
import os
import re
import sqlite3

import psycopg
import pytest

from harness import ledger
from harness.gateway import GatewayStartError

ROUNDS = 3


def _entry_count(db_path: str) -> int:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as db:
        return db.execute("SELECT count(*) FROM entries").fetchone()[0]


def _db_notes(db_path: str) -> dict:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as db:
        return dict(db.execute("SELECT tree_size, note FROM checkpoints"))


def _directory_notes(path: str) -> dict:
    notes = {}
    if os.path.isdir(path):
        for name in os.listdir(path):
            match = re.fullmatch(r"(\d+)\.checkpoint", name)
            assert match, f"unexpected file in the sink: {name}"
            with open(os.path.join(path, name), encoding="utf-8") as f:
                notes[int(match.group(1))] = f.read()
    return notes


def _file_notes(path: str) -> dict:
    """Each note followed by one empty line: text, empty line, signature line(s), empty line."""
    if not os.path.exists(path):
        return {}
    content = open(path, encoding="utf-8").read()
    notes = {}
    parts = content.split("\n\n")
    assert parts[-1] == "", f"the sink file does not end with an empty line: {content[-200:]!r}"
    parts = parts[:-1]
    assert len(parts) % 2 == 0, content
    for text, signatures in zip(parts[0::2], parts[1::2]):
        note = text + "\n\n" + signatures + "\n"
        notes[ledger.parse_checkpoint(text + "\n")[1]] = note
    return notes


@pytest.mark.parametrize("sink_kind", ["directory", "file"])
def test_checkpoints_written_to_the_sink(tmp_path, upstream, sink_kind):
    sink = str(tmp_path / ("sink" if sink_kind == "directory" else "checkpoints.notes"))
    read_sink = _directory_notes if sink_kind == "directory" else _file_notes
    gw = ledger.LedgerGateway(str(tmp_path / "gw"), upstream, name=f"checkpoint-{sink_kind}-gw",
                              ledger={"checkpoint_sink": {sink_kind: sink}})
    gw.start()
    try:
        key = ledger.VerifierKey(gw.verifier_key())
        db_path = os.path.join(gw.data_dir, "ledger.sqlite")
        latest_per_round = []
        for round_no in range(ROUNDS):
            with psycopg.connect(gw.dsn("shop"), autocommit=True) as conn:
                for i in range(4):
                    conn.execute("SELECT 'checkpointprobe', %s::int, %s::int", [round_no, i]).fetchall()
            size_now = _entry_count(db_path)
            # Poll (generous deadline, default 1 s interval): a checkpoint covering this traffic.
            notes = ledger.wait_until(lambda: (lambda n: n if n and max(n) >= size_now else None)(read_sink(sink)),
                                      timeout=30)
            assert notes, f"round {round_no}: no checkpoint of size >= {size_now} in {sink}: {read_sink(sink).keys()}"
            latest_per_round.append(max(notes))
        assert latest_per_round == sorted(set(latest_per_round)), latest_per_round  # strictly increasing

        notes = read_sink(sink)
        stored = _db_notes(db_path)
        leaves = ledger.stored_leaf_hashes(db_path)
        previous = 0
        for size in sorted(notes):
            note = notes[size]
            origin, tree_size, root = ledger.parse_checkpoint(key.verify_note(note))
            assert tree_size == size > previous
            assert origin == key.name
            assert root == ledger.merkle_root(leaves[:size]), f"checkpoint {size}: root is not the log's"
            assert stored.get(size) == note, f"checkpoint {size}: the sink's note differs from the database's"
            previous = size
        # The check is not hollow: a note with another root does not verify.
        some = notes[max(notes)]
        text = ledger.split_note(some)[0]
        root_line = text.split("\n")[2]
        forged = some.replace(root_line, base64.b64encode(bytes(32)).decode(), 1)
        with pytest.raises(AssertionError):
            key.verify_note(forged)
    finally:
        gw.stop()


def test_a_changed_origin_stops_the_gateway_at_start_with_the_reason(tmp_path, upstream):
    """Changing `ledger.origin` (or replacing the signing key) on a data directory with checkpoints
    would leave nothing signable after them: the gateway refuses to start and says how to fix it,
    rather than run with every checkpoint refused."""
    first = ledger.LedgerGateway(str(tmp_path / "gw"), upstream, name="origin-a", ledger={"origin": "example.com/ledger-a"})
    first.start()
    try:
        db_path = os.path.join(first.data_dir, "ledger.sqlite")
        with psycopg.connect(first.dsn("shop"), autocommit=True) as conn:
            conn.execute("SELECT 'origin probe'").fetchall()
        assert ledger.wait_until(lambda: _db_notes(db_path), timeout=30), "no checkpoint was signed"
    finally:
        first.stop()
    changed = ledger.LedgerGateway(str(tmp_path / "gw"), upstream, name="origin-b", ledger={"origin": "example.com/ledger-b"})
    with pytest.raises(GatewayStartError) as refused:
        changed.start()
    message = str(refused.value)
    assert "does not verify" in message and "ledger.origin, now 'example.com/ledger-b'" in message, message
    assert "Set ledger.origin back" in message, message
    # Set back, it starts and signs again.
    first.start()
    first.stop()
