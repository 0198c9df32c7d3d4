"""Evidence bundles: a session exported from a running gateway's ledger verifies offline (only
the bundle file and the gatehouse binary in an empty directory), fails naming the index when an
entry, a proof hash or the entry list is altered, and checks out independently in Python
(docs/evidence.md "Verifying / A bundle": leaf hashes, RFC 9162 inclusion proofs, Ed25519
signed checkpoint and manifest)."""

import base64
import json
import os
import re
import shutil
import subprocess

import psycopg
import pytest

from harness import ledger
from harness.events import canonical, open_entry, raw_entries, statements
from harness.gateway import binary

MARKER = "bundlemarkprobe"


@pytest.fixture(scope="module")
def exported(tmp_path_factory, upstream):
    directory = tmp_path_factory.mktemp("bundle")
    gw = ledger.LedgerGateway(str(directory / "gw"), upstream, name="bundle-gw")
    gw.start()
    try:
        with psycopg.connect(gw.dsn("shop_masked"), autocommit=True) as conn:
            for i in range(5):
                conn.execute(f"SELECT id, '{MARKER}' FROM customers WHERE id = %s", [i + 1]).fetchall()

        def ended():
            events = gw.events.since(0)
            sessions = {e.session_id for e in statements(events) if MARKER in e.payload.get("text", "")}
            return next((s for s in sessions if any(e.kind == "session_end" and e.session_id == s for e in events)),
                        None)
        session = ledger.wait_until(ended, timeout=30)
        assert session
        # Exported at once: no need to wait for the gateway's next checkpoint (export signs one
        # when none covers the entries yet).
        bundle = directory / "session.gatehouse-evidence"
        result = gw.audit("export", "--session", session, "--output", str(bundle))
        assert result.returncode == 0, result.stdout + result.stderr
        with_keys = directory / "session-keys.gatehouse-evidence"
        result = gw.audit("export", "--session", session, "--include-keys", "--output", str(with_keys))
        assert result.returncode == 0, result.stdout + result.stderr
        key = gw.verifier_key()
        stored = raw_entries(gw.data_dir, session)
    finally:
        gw.stop()
    return {"session": session, "bundle": bundle, "with_keys": with_keys, "key": key, "stored": stored}


def _offline_verify(directory, bundle_name: str, key: str):
    """Runs the copied binary in `directory`, with an environment naming nothing of the gateway's."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(directory), "LANG": "C.UTF-8"}
    result = subprocess.run(["./gatehouse", "audit", "verify", "--bundle", bundle_name, "--key", key],
                            cwd=directory, env=env, capture_output=True, text=True, timeout=120)
    result.output = result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def offline(exported, tmp_path_factory):
    """A fresh directory holding only the gatehouse binary and the bundle."""
    directory = tmp_path_factory.mktemp("offline")
    shutil.copy2(binary(), directory / "gatehouse")
    shutil.copy2(exported["bundle"], directory / "session.gatehouse-evidence")
    assert sorted(os.listdir(directory)) == ["gatehouse", "session.gatehouse-evidence"]
    return directory


def _load(path) -> dict:
    raw = open(path, "rb").read()
    content = json.loads(raw)
    # The file is canonical JSON: re-serialising gives the same bytes (so our edits stay canonical).
    assert canonical(content) == raw
    return content


def _write(path, content: dict) -> None:
    with open(path, "wb") as f:
        f.write(canonical(content))


def _flip_base64(text: str, position: int) -> str:
    data = bytearray(base64.b64decode(text))
    data[position] ^= 0x01
    return base64.b64encode(bytes(data)).decode()


def python_verify(content: dict, verifier_key: str) -> list[int]:
    """docs/evidence.md "Verifying / A bundle", independently; returns the entry indexes."""
    key = ledger.VerifierKey(verifier_key)
    assert content["format"] == "gatehouse-evidence-bundle/v1"
    origin, size, root = ledger.parse_checkpoint(key.verify_note(content["checkpoint"]))
    assert origin == content["origin"] == key.name
    manifest = key.verify_note(content["manifest"]).split("\n")
    assert manifest[-1] == "" and manifest[0] == "gatehouse-evidence-bundle/v1"
    assert manifest[1] == origin and int(manifest[2]) == size and base64.b64decode(manifest[3]) == root
    listed = [int(line) for line in manifest[5:-1]]
    indexes = [e["index"] for e in content["entries"]]
    assert listed == indexes, (listed, indexes)
    for item in content["entries"]:
        raw = base64.b64decode(item["entry"], validate=True)
        leaf = ledger.leaf_hash(raw)
        proof = [base64.b64decode(p, validate=True) for p in item["proof"]]
        assert ledger.root_from_inclusion_proof(item["index"], size, leaf, proof) == root, \
            f"index {item['index']}: inclusion proof does not reach the checkpoint root"
        entry = json.loads(raw)
        assert canonical(entry) == raw and entry["v"] == 1
    return indexes


def test_bundle_verifies_offline(exported, offline):
    result = _offline_verify(offline, "session.gatehouse-evidence", exported["key"])
    assert result.returncode == 0, result.output


def test_bundle_checks_out_in_python(exported):
    content = _load(exported["bundle"])
    indexes = python_verify(content, exported["key"])
    # It is the whole session, byte for byte as stored, and only that session.
    assert indexes == sorted(exported["stored"])
    for item in content["entries"]:
        raw = base64.b64decode(item["entry"])
        assert raw == exported["stored"][item["index"]]
        assert json.loads(raw)["session"] == exported["session"]
    manifest_scope = ledger.split_note(content["manifest"])[0].split("\n")[4]
    assert exported["session"] in manifest_scope
    assert "keys" not in content
    # The Python check is not hollow: an altered entry fails it.
    altered = json.loads(json.dumps(content))
    altered["entries"][1]["entry"] = _flip_base64(altered["entries"][1]["entry"], 30)
    with pytest.raises(AssertionError, match=rf"index {altered['entries'][1]['index']}"):
        python_verify(altered, exported["key"])


def test_bundle_with_keys_opens_the_sealed_text(exported):
    content = _load(exported["with_keys"])
    python_verify(content, exported["key"])
    key = base64.b64decode(content["keys"][exported["session"]])
    texts = []
    for item in content["entries"]:
        entry = json.loads(base64.b64decode(item["entry"]))
        if entry["kind"] == "statement":
            texts.append(open_entry(entry, key)["text"])
    assert len([t for t in texts if MARKER in t]) == 5, texts


def _tampered(offline, exported, name: str, edit) -> tuple:
    content = _load(exported["bundle"])
    index = edit(content)
    _write(offline / name, content)
    return _offline_verify(offline, name, exported["key"]), index


def _assert_fails_at(result, index: int) -> None:
    assert result.returncode == 1, f"exit {result.returncode}:\n{result.output}"
    assert re.search(rf"\bindex {index}\b", result.output), f"index {index} not named:\n{result.output}"


def test_altered_entry_byte_fails_naming_its_index(exported, offline):
    def edit(content):
        item = content["entries"][2]
        raw = bytearray(base64.b64decode(item["entry"]))
        position = raw.index(b'"time":"') + len(b'"time":"2026-11-2')  # a digit: still a valid entry
        raw[position] = ord("1") if raw[position] != ord("1") else ord("2")
        item["entry"] = base64.b64encode(bytes(raw)).decode()
        return item["index"]
    result, index = _tampered(offline, exported, "altered-entry.gatehouse-evidence", edit)
    _assert_fails_at(result, index)


def test_altered_proof_hash_fails_naming_its_index(exported, offline):
    def edit(content):
        item = next(e for e in content["entries"][1:] if e["proof"])
        item["proof"][0] = _flip_base64(item["proof"][0], 7)
        return item["index"]
    result, index = _tampered(offline, exported, "altered-proof.gatehouse-evidence", edit)
    _assert_fails_at(result, index)


def test_removed_entry_fails_naming_its_index(exported, offline):
    def edit(content):
        removed = content["entries"].pop(2)
        return removed["index"]
    result, index = _tampered(offline, exported, "removed-entry.gatehouse-evidence", edit)
    _assert_fails_at(result, index)
