"""Tamper evidence: on copies of a ledger produced by real traffic (the gateway stopped first,
the database copied with SQLite's backup API), each kind of tampering makes
`gatehouse audit verify` exit 1 naming the entry index (or checkpoint tree size) at fault, and
the untouched copy verifies."""

import base64
import hashlib
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from harness import ledger


@dataclass
class Produced:
    gw: ledger.LedgerGateway
    key: str
    sink: str  # the checkpoint sink (directory or file)
    db_path: str
    size: int
    checkpoint_sizes: list


def _traffic(gw, phases: int) -> None:
    """Sessions on both connections, a checkpoint after each phase (so there are several)."""
    for phase in range(phases):
        with psycopg.connect(gw.dsn("shop"), autocommit=True) as conn:
            for i in range(8):
                conn.execute("SELECT 'tamperprobe' AS p, %s::int AS phase, %s::int AS i", [phase, i]).fetchall()
            conn.execute("SELECT count(*) FROM orders").fetchall()
        with psycopg.connect(gw.dsn("shop_masked"), autocommit=True) as conn:
            conn.execute("SELECT email FROM customers WHERE id = %s", [phase + 1]).fetchall()
        _wait_for_checkpoint_covering_log(gw)


def _counts(db_path):
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as db:
        entries = db.execute("SELECT count(*) FROM entries").fetchone()[0]
        latest = db.execute("SELECT coalesce(max(tree_size), 0) FROM checkpoints").fetchone()[0]
    return entries, latest


def _wait_for_checkpoint_covering_log(gw) -> None:
    db_path = os.path.join(gw.data_dir, "ledger.sqlite")

    def covered():
        entries, latest = _counts(db_path)
        return entries > 0 and latest == entries
    assert ledger.wait_until(covered, timeout=30), f"no checkpoint covers the log: {_counts(db_path)}\n{gw.output()}"


def _produce(directory, upstream, sink: dict, phases: int) -> Produced:
    gw = ledger.LedgerGateway(str(directory / "gw"), upstream, name="tamper-gw",
                              ledger={"checkpoint_sink": sink, "checkpoint_interval_ms": 100})
    gw.start()
    try:
        _traffic(gw, phases)
        key = gw.verifier_key()
    finally:
        gw.stop()
    assert gw.gateway.process.returncode is not None
    db_path = os.path.join(gw.data_dir, "ledger.sqlite")
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        size = db.execute("SELECT count(*) FROM entries").fetchone()[0]
        sizes = [row[0] for row in db.execute("SELECT tree_size FROM checkpoints ORDER BY tree_size")]
    assert len(sizes) >= phases, sizes
    return Produced(gw, key, next(iter(sink.values())), db_path, size, sizes)


@pytest.fixture(scope="module")
def produced(tmp_path_factory, upstream):
    directory = tmp_path_factory.mktemp("tamper-dir")
    return _produce(directory, upstream, {"directory": str(directory / "sink")}, phases=4)


@pytest.fixture(scope="module")
def produced_file_sink(tmp_path_factory, upstream):
    directory = tmp_path_factory.mktemp("tamper-file")
    return _produce(directory, upstream, {"file": str(directory / "checkpoints.notes")}, phases=3)


class Copy:
    """A copy of the produced data directory with its own configuration (no checkpoint sink, so
    only what the database holds is checked unless --checkpoints is given)."""

    def __init__(self, produced: Produced, where):
        self.produced = produced
        self.data_dir = str(where / "data")
        shutil.copytree(produced.gw.data_dir, self.data_dir,
                        ignore=shutil.ignore_patterns("ledger.sqlite", "ledger.sqlite-*"))
        self.db_path = os.path.join(self.data_dir, "ledger.sqlite")
        ledger.backup_database(produced.db_path, self.db_path)
        lines = produced.gw.yaml.splitlines()
        assert lines[0].startswith("data_dir: ")
        lines[0] = f'data_dir: "{self.data_dir}"'
        lines = [line for line in lines if not line.startswith("ledger:")]
        self.config_path = str(where / "copy.yaml")
        with open(self.config_path, "w") as f:
            f.write("\n".join(lines) + "\n")

    def sql(self, statement: str, params=()) -> None:
        with sqlite3.connect(self.db_path) as db:
            db.execute(statement, params)

    def row(self, statement: str, params=()):
        with sqlite3.connect(self.db_path) as db:
            return db.execute(statement, params).fetchone()

    def verify(self, *extra: str):
        result = ledger.audit(["verify", "--config", self.config_path, "--key", self.produced.key, *extra],
                              env=self.produced.gw.env, cwd=os.path.dirname(self.config_path))
        result.output = result.stdout + result.stderr
        return result


def _flip(blob: bytes, position: int) -> bytes:
    data = bytearray(blob)
    data[position] ^= 0x01
    return bytes(data)


def _assert_fails_at_index(result, index: int) -> None:
    assert result.returncode == 1, f"exit {result.returncode}:\n{result.output}"
    assert re.search(rf"\bindex {index}\b", result.output), f"index {index} not named:\n{result.output}"


def _assert_fails_at_checkpoint(result, sizes) -> None:
    assert result.returncode == 1, f"exit {result.returncode}:\n{result.output}"
    named = [int(n) for n in re.findall(r"tree size (\d+)", result.output)]
    assert named and set(named) & set(sizes), f"none of the checkpoints {sizes} named:\n{result.output}"


def test_untouched_copy_verifies(produced, tmp_path):
    copy = Copy(produced, tmp_path)
    result = copy.verify()
    assert result.returncode == 0, result.output
    # The external copies agree with the database as well.
    result = copy.verify("--checkpoints", produced.sink)
    assert result.returncode == 0, result.output


def test_changed_entry_byte_names_its_index(produced, tmp_path):
    copy = Copy(produced, tmp_path)
    index = produced.size // 2
    (entry,) = copy.row("SELECT entry FROM entries WHERE idx = ?", (index,))
    copy.sql("UPDATE entries SET entry = ? WHERE idx = ?", (_flip(bytes(entry), len(entry) // 2), index))
    _assert_fails_at_index(copy.verify(), index)


def test_changed_entry_byte_that_keeps_valid_json_names_its_index(produced, tmp_path):
    # A digit of the timestamp: still a well-formed entry, only the hash can tell.
    copy = Copy(produced, tmp_path)
    index = produced.size // 3
    (entry,) = copy.row("SELECT entry FROM entries WHERE idx = ?", (index,))
    entry = bytes(entry)
    position = entry.index(b'"time":"') + len(b'"time":"2026-11-2')
    digit = entry[position:position + 1]
    assert digit.isdigit()
    replacement = b"1" if digit != b"1" else b"2"
    copy.sql("UPDATE entries SET entry = ? WHERE idx = ?", (entry[:position] + replacement + entry[position + 1:], index))
    _assert_fails_at_index(copy.verify(), index)


def test_changed_leaf_hash_names_its_index(produced, tmp_path):
    copy = Copy(produced, tmp_path)
    index = produced.size // 2 + 1
    (leaf,) = copy.row("SELECT leaf_hash FROM entries WHERE idx = ?", (index,))
    copy.sql("UPDATE entries SET leaf_hash = ? WHERE idx = ?", (_flip(bytes(leaf), 5), index))
    _assert_fails_at_index(copy.verify(), index)


def test_deleted_entry_names_its_index(produced, tmp_path):
    copy = Copy(produced, tmp_path)
    index = produced.size // 2
    copy.sql("DELETE FROM entries WHERE idx = ?", (index,))
    _assert_fails_at_index(copy.verify(), index)


@pytest.mark.parametrize("distance", [1, 7], ids=["adjacent", "distant"])
def test_reordered_entries_name_the_first_moved_index(produced, tmp_path, distance):
    """Two entries swap places (bytes and leaf hashes together, so each row is self-consistent):
    the tree's nodes no longer match. docs/evidence.md: a failure names the first entry index at
    fault, which is the lower of the two moved entries (it is even here, so it is the left leaf of
    the first node that no longer matches)."""
    copy = Copy(produced, tmp_path)
    first = (produced.size // 2) & ~1
    second = first + distance
    with sqlite3.connect(copy.db_path) as db:
        a = db.execute("SELECT entry, leaf_hash FROM entries WHERE idx = ?", (first,)).fetchone()
        b = db.execute("SELECT entry, leaf_hash FROM entries WHERE idx = ?", (second,)).fetchone()
        assert a != b
        db.execute("UPDATE entries SET entry = ?, leaf_hash = ? WHERE idx = ?", (b[0], b[1], first))
        db.execute("UPDATE entries SET entry = ?, leaf_hash = ? WHERE idx = ?", (a[0], a[1], second))
    _assert_fails_at_index(copy.verify(), first)


def _truncate(copy: Copy, keep: int, drop_checkpoints: bool) -> None:
    """Removes every entry from `keep` on, and every node covering one, so the remaining tree is
    internally consistent (its nodes are exactly those of a log of `keep` entries)."""
    with sqlite3.connect(copy.db_path) as db:
        db.execute("DELETE FROM entries WHERE idx >= ?", (keep,))
        db.execute("DELETE FROM nodes WHERE ((idx + 1) << level) > ?", (keep,))
        db.execute("DELETE FROM subjects WHERE idx >= ?", (keep,))
        if drop_checkpoints:
            db.execute("DELETE FROM checkpoints WHERE tree_size > ?", (keep,))


def _truncation_point(produced: Produced) -> int:
    # Cut before the last checkpoint but after the one before it, so older checkpoints remain.
    sizes = produced.checkpoint_sizes
    keep = (sizes[-2] + sizes[-1]) // 2
    assert sizes[-2] <= keep < sizes[-1], sizes
    return keep


def test_truncated_log_caught_by_stored_checkpoints(produced, tmp_path):
    copy = Copy(produced, tmp_path)
    keep = _truncation_point(produced)
    _truncate(copy, keep, drop_checkpoints=False)
    # The tree itself is consistent: the Python root over the kept leaves is what a log of
    # `keep` entries has, so only the checkpoints can tell.
    assert len(ledger.stored_leaf_hashes(copy.db_path)) == keep
    _assert_fails_at_checkpoint(copy.verify(), [s for s in produced.checkpoint_sizes if s > keep])


@pytest.mark.parametrize("sink_kind", ["directory", "file"])
def test_truncated_log_and_checkpoints_caught_by_external_sink(produced, produced_file_sink, tmp_path, sink_kind):
    source = produced if sink_kind == "directory" else produced_file_sink
    copy = Copy(source, tmp_path)
    keep = _truncation_point(source)
    _truncate(copy, keep, drop_checkpoints=True)
    # The database alone is a consistent, shorter log: it verifies (this is why the sink exists).
    alone = copy.verify()
    assert alone.returncode == 0, alone.output
    # The external copies still hold the later checkpoints.
    if sink_kind == "directory":
        assert os.path.exists(os.path.join(source.sink, f"{source.checkpoint_sizes[-1]}.checkpoint"))
    _assert_fails_at_checkpoint(copy.verify("--checkpoints", source.sink),
                                [s for s in source.checkpoint_sizes if s > keep])


def _sign_with_another_key(text: str, name: str) -> str:
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes_raw()
    key_id = hashlib.sha256(name.encode() + b"\n" + b"\x01" + public).digest()[:4]
    signature = key.sign(text.encode())
    return text + "\n\u2014 " + name + " " + base64.b64encode(key_id + signature).decode() + "\n"


def test_checkpoint_signed_by_another_key_is_refused(produced, tmp_path):
    copy = Copy(produced, tmp_path)
    size = produced.checkpoint_sizes[len(produced.checkpoint_sizes) // 2]
    (note,) = copy.row("SELECT note FROM checkpoints WHERE tree_size = ?", (size,))
    text, signatures = ledger.split_note(note)
    forged = _sign_with_another_key(text, signatures[0][0])
    assert forged != note and ledger.split_note(forged)[0] == text
    copy.sql("UPDATE checkpoints SET note = ? WHERE tree_size = ?", (forged, size))
    _assert_fails_at_checkpoint(copy.verify(), [size])


def test_checkpoint_with_edited_root_is_refused(produced, tmp_path):
    copy = Copy(produced, tmp_path)
    size = produced.checkpoint_sizes[len(produced.checkpoint_sizes) // 2]
    (note,) = copy.row("SELECT note FROM checkpoints WHERE tree_size = ?", (size,))
    origin, tree_size, root = ledger.parse_checkpoint(ledger.split_note(note)[0])
    assert tree_size == size
    edited_root = base64.b64encode(_flip(root, 0)).decode()
    edited = note.replace(base64.b64encode(root).decode(), edited_root, 1)
    assert edited != note
    copy.sql("UPDATE checkpoints SET note = ? WHERE tree_size = ?", (edited, size))
    _assert_fails_at_checkpoint(copy.verify(), [size])
    # Re-signed by another key, the edited root is refused too.
    text = ledger.split_note(edited)[0]
    copy.sql("UPDATE checkpoints SET note = ? WHERE tree_size = ?", (_sign_with_another_key(text, origin), size))
    _assert_fails_at_checkpoint(copy.verify(), [size])
