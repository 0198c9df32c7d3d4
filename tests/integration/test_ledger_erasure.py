"""Erasure (crypto-shredding) on a running gateway's ledger: `gatehouse audit erase` destroys a
session's data key (or those of every session that touched a person), so its sealed fields no
longer open, while every entry, proof and bundle stays valid, the access request (`audit
subject`) still lists the session as erased, and the erasure is itself a ledger entry."""

import base64
import getpass
import json
import os
import re
import sqlite3

import psycopg
import pytest

from harness import ledger
from harness.events import EventStore, raw_entries, statements

MASKED = "shop_masked"


@pytest.fixture(scope="module")
def erasure_gateway(tmp_path_factory, upstream):
    gw = ledger.LedgerGateway(str(tmp_path_factory.mktemp("erasure")), upstream, name="erasure-gw",
                              ledger={"checkpoint_interval_ms": 200})
    gw.start()
    yield gw
    gw.stop()


def _email(admin, customer_id: int) -> str:
    return admin.execute("SELECT email FROM customers WHERE id = %s", [customer_id]).fetchone()[0]


def _session(gw, connection: str, queries: list[tuple[str, list]], marker: str) -> str:
    """Runs the queries in one client session; returns its Gatehouse session ID once it ended."""
    with psycopg.connect(gw.dsn(connection), autocommit=True) as conn:
        for sql, params in queries:
            conn.execute(sql, params).fetchall()

    def ended():
        events = gw.events.since(0)
        sessions = {e.session_id for e in statements(events) if marker in e.payload.get("text", "")}
        if len(sessions) != 1:
            return None
        (session,) = sessions
        return session if any(e.kind == "session_end" and e.session_id == session for e in events) else None
    session = ledger.wait_until(ended, timeout=30)
    assert session, f"no ended session with statements marked {marker}"
    return session


def _data_key_row(gw, session: str):
    path = os.path.join(gw.data_dir, "ledger.sqlite")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as db:
        return db.execute("SELECT wrapped, erased_at, erased_because FROM data_keys WHERE key_id = ?",
                          (session,)).fetchone()


def _entries_of(gw, session: str) -> dict:
    return raw_entries(gw.data_dir, session)


def _sealed_entries(gw, events: list) -> list:
    """The events whose entry has a `sealed` member (outcomes without sealed fields have none)."""
    sealed_indexes = set()
    for session in {e.session_id for e in events}:
        sealed_indexes |= {idx for idx, raw in _entries_of(gw, session).items() if "sealed" in json.loads(raw)}
    return [e for e in events if e.seq - 1 in sealed_indexes]


def _subject(gw, email: str) -> dict:
    result = gw.audit("subject", "--email", email, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    return {s["session"]: s for s in json.loads(result.stdout)["sessions"]}


def _erasure_entry(gw, output: str):
    """The erasure event the CLI reports (`... at ledger index N`), read independently."""
    match = re.search(r"ledger index (\d+)", output)
    assert match, output
    index = int(match.group(1))
    (event,) = [e for e in EventStore(gw.data_dir).since(index) if e.seq == index + 1]
    return event


def _wait_for_checkpoint(gw, size: int) -> None:
    path = os.path.join(gw.data_dir, "ledger.sqlite")

    def covered():
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as db:
            return db.execute("SELECT coalesce(max(tree_size), 0) FROM checkpoints").fetchone()[0] >= size
    assert ledger.wait_until(covered, timeout=30), f"no checkpoint reached tree size {size}"


def test_erase_session(erasure_gateway, admin, tmp_path):
    gw = erasure_gateway
    email = _email(admin, 11)
    erased = _session(gw, MASKED, [
        (f"SELECT id FROM customers WHERE email = '{email}' AND 'erasemarkone' <> ''", []),
        ("SELECT id, 'erasemarkone' FROM customers WHERE email = %s", [email]),
    ], "erasemarkone")
    kept = _session(gw, MASKED, [
        (f"SELECT id FROM customers WHERE email = '{email}' AND 'erasemarkkept' <> ''", []),
    ], "erasemarkkept")

    # Before: the Python reader opens the session's sealed fields; the access request shows the
    # (masked) text.
    before_events = [e for e in EventStore(gw.data_dir).since(0) if e.session_id == erased]
    recorded = [e for e in statements(before_events) if "erasemarkone" in e.payload["text"]]
    assert len(recorded) == 2 and all(e.sealed_readable for e in before_events)
    assert "[EMAIL]" in recorded[0].payload["text"] and email not in recorded[0].payload["text"]
    assert recorded[1].payload["parameters"] == ["[EMAIL]"]
    dsar = _subject(gw, email)
    assert set(dsar) >= {erased, kept}
    assert dsar[erased]["erased"] is False
    texts = [a.get("text", "") for a in dsar[erased]["accesses"]]
    assert any("erasemarkone" in t for t in texts), dsar[erased]
    wrapped, erased_at, because = _data_key_row(gw, erased)
    assert wrapped is not None and erased_at is None and because is None
    bytes_before = _entries_of(gw, erased)

    # Erase, while the gateway runs (it and the CLI both append to the ledger).
    result = gw.audit("erase", "--session", erased, "--reason", "DSAR-4711 erasure request")
    assert result.returncode == 0, result.stdout + result.stderr

    # The key is gone; the entries are byte for byte what they were.
    wrapped, erased_at, because = _data_key_row(gw, erased)
    assert wrapped is None and erased_at and because == "erasure"
    assert _entries_of(gw, erased) == bytes_before
    after_events = [e for e in EventStore(gw.data_dir).since(0) if e.session_id == erased]
    assert [e.seq for e in after_events] == [e.seq for e in before_events]
    sealed = _sealed_entries(gw, after_events)
    assert len(sealed) >= 3 and all(not e.sealed_readable for e in sealed), [(e.kind, e.sealed_readable) for e in sealed]
    assert all("erasemarkone" not in json.dumps(e.body) for e in after_events)
    # Another session's fields still open.
    kept_events = [e for e in EventStore(gw.data_dir).since(0) if e.session_id == kept]
    assert kept_events and all(e.sealed_readable for e in kept_events)
    assert _data_key_row(gw, kept)[0] is not None

    # The erasure is an entry of its own, naming the session and the reason.
    erasure = _erasure_entry(gw, result.stdout + result.stderr)
    assert erasure.kind == "erasure"
    assert erasure.payload["sessions"] == [erased]
    assert erasure.payload["reason"] == "DSAR-4711 erasure request"
    assert erasure.payload["scope"] == "session"
    assert erasure.payload.get("requestedBy") == getpass.getuser()

    # Every proof still holds.
    verified = gw.audit("verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr

    # A bundle of the erased session still verifies; asked for keys, it has none for it.
    _wait_for_checkpoint(gw, max(bytes_before) + 1)
    bundle = tmp_path / "erased.bundle"
    exported = gw.audit("export", "--session", erased, "--include-keys", "--output", str(bundle))
    assert exported.returncode == 0, exported.stdout + exported.stderr
    content = json.loads(bundle.read_bytes())
    assert {e["index"] for e in content["entries"]} == set(bytes_before)
    assert erased not in content.get("keys", {})
    checked = ledger.audit(["verify", "--bundle", str(bundle), "--key", gw.verifier_key()], cwd=str(tmp_path))
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # The access request still lists the session, as erased, without its text.
    dsar = _subject(gw, email)
    assert erased in dsar, "the erased session vanished from the access request"
    assert dsar[erased]["erased"] is True and dsar[erased].get("erasedAt")
    assert dsar[erased]["accesses"], dsar[erased]
    assert all("text" not in access for access in dsar[erased]["accesses"]), dsar[erased]
    assert "erasemarkone" not in json.dumps(dsar[erased])
    assert dsar[kept]["erased"] is False
    assert any("erasemarkkept" in a.get("text", "") for a in dsar[kept]["accesses"])


def test_erase_by_subject(erasure_gateway, admin):
    gw = erasure_gateway
    person, other = _email(admin, 12), _email(admin, 13)
    touched_literal = _session(gw, MASKED, [
        (f"SELECT id FROM customers WHERE email = '{person}' AND 'erasesubjone' <> ''", []),
    ], "erasesubjone")
    touched_parameter = _session(gw, MASKED, [
        ("SELECT id, 'erasesubjtwo' FROM customers WHERE email = %s", [person]),
        ("SELECT 'erasesubjtwo' AS unrelated", []),
    ], "erasesubjtwo")
    other_person = _session(gw, MASKED, [
        (f"SELECT id FROM customers WHERE email = '{other}' AND 'erasesubjthree' <> ''", []),
    ], "erasesubjthree")
    nobody = _session(gw, "shop", [("SELECT 'erasesubjfour' AS nobody", [])], "erasesubjfour")

    dsar = _subject(gw, person)
    assert {touched_literal, touched_parameter} <= set(dsar)
    assert other_person not in dsar and nobody not in dsar
    touched = sorted(dsar)  # every session that touched the person, including earlier tests'

    result = gw.audit("erase", "--email", person, "--reason", "DSAR-4712")
    assert result.returncode == 0, result.stdout + result.stderr

    for session in touched:
        wrapped, erased_at, because = _data_key_row(gw, session)
        assert wrapped is None and erased_at and because == "erasure", session
    for session in (other_person, nobody):
        assert _data_key_row(gw, session)[0] is not None, session

    store = EventStore(gw.data_dir)
    events = store.since(0)
    for session in touched:
        sealed = _sealed_entries(gw, [e for e in events if e.session_id == session])
        assert sealed and not any(e.sealed_readable for e in sealed), session
    for session in (other_person, nobody):
        own = [e for e in events if e.session_id == session]
        assert own and all(e.sealed_readable for e in own), session

    erasure = _erasure_entry(gw, result.stdout + result.stderr)
    assert erasure.kind == "erasure"
    assert sorted(erasure.payload["sessions"]) == touched
    assert erasure.payload["reason"] == "DSAR-4712"
    assert person not in json.dumps(erasure.body), "the erasure entry must not name the person in clear"

    dsar = _subject(gw, person)
    assert sorted(dsar) == touched
    assert all(s["erased"] is True and all("text" not in a for a in s["accesses"]) for s in dsar.values())
    assert _subject(gw, other)[other_person]["erased"] is False

    verified = gw.audit("verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_access_request_text_and_bundle(erasure_gateway, admin, tmp_path):
    """`audit subject` answers in text too, and exports the person's entries as a bundle that
    verifies offline and, with keys, opens to the recorded (masked) statements."""
    gw = erasure_gateway
    person = _email(admin, 14)
    session = _session(gw, MASKED, [
        ("SELECT id, 'dsarmark' FROM customers WHERE email = %s", [person]),
    ], "dsarmark")
    _wait_for_checkpoint(gw, max(_entries_of(gw, session)) + 1)

    text = gw.audit("subject", "--email", person)
    assert text.returncode == 0, text.stdout + text.stderr
    assert f"session {session} on {MASKED}" in text.stdout, text.stdout
    assert "dsarmark" in text.stdout and person not in text.stdout

    bundle = tmp_path / "dsar.bundle"
    exported = gw.audit("subject", "--email", person, "--export", str(bundle), "--include-keys")
    assert exported.returncode == 0, exported.stdout + exported.stderr
    content = json.loads(bundle.read_bytes())
    indexes = {access["index"] for s in _subject(gw, person).values() for access in s["accesses"]}
    assert {e["index"] for e in content["entries"]} == indexes
    assert session in content["keys"]
    checked = ledger.audit(["verify", "--bundle", str(bundle), "--key", gw.verifier_key()], cwd=str(tmp_path))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # Flip one byte of an entry: the bundle no longer verifies, naming that entry's index.
    first = content["entries"][0]
    raw = bytearray(base64.b64decode(first["entry"]))
    raw[raw.index(b'"kind"') + 1] ^= 0x01
    first["entry"] = base64.b64encode(bytes(raw)).decode()
    bundle.write_bytes(json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode())
    tampered = ledger.audit(["verify", "--bundle", str(bundle), "--key", gw.verifier_key()], cwd=str(tmp_path))
    assert tampered.returncode == 1 and f"index {first['index']}" in tampered.stdout + tampered.stderr
