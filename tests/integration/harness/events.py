"""Reading the gateway's evidence ledger (<data_dir>/ledger.sqlite and the journal beside it,
<data_dir>/ledger.sqlite.journal/), independently of Gatehouse.

This is a second implementation of docs/evidence.md's reader, in Python: it reads the entries
SQLite holds and those only the journal holds yet (appended, acknowledged, not yet indexed),
re-hashes each entry
(RFC 9162 leaf hash), unwraps the session's data key with the master key
(<data_dir>/ledger-master.key through HKDF), opens the sealed box (AES-256-GCM, the entry without
`sealed` as associated data), and joins the sealed fields back into the payload, so the tests
read events as they were recorded. A sealed box that does not open fails the read loudly.
"""

import base64
import datetime
import hashlib
import json
import os
import sqlite3
import time
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MASTER_KEY_INFO = b"gatehouse ledger master key v1"
FINGERPRINT_MESSAGE = b"gatehouse master key fingerprint v1"


@dataclass
class Event:
    seq: int  # ledger index + 1, so 0 means "before everything"
    time: str
    session_id: str
    connection: str | None
    subject: str | None
    kind: str
    body: dict
    sealed_readable: bool = True

    @property
    def payload(self) -> dict:
        return self.body.get("payload", {})

    @property
    def principal(self) -> dict:
        return self.body.get("principal") or {}

    @property
    def timestamp(self) -> datetime.datetime:
        return parse_time(self.time)


def parse_time(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def canonical(value) -> bytes:
    """docs/evidence.md: for Gatehouse's entries, this is the canonical form."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def master_key(material: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=MASTER_KEY_INFO).derive(material)


def unwrap_data_key(wrapped: bytes, key_id: str, master: bytes) -> bytes:
    import hmac
    fingerprint = hmac.new(master, FINGERPRINT_MESSAGE, hashlib.sha256).digest()[:8]
    assert len(wrapped) == 69 and wrapped[0] == 1, "wrapped data key is malformed"
    assert wrapped[1:9] == fingerprint, "data key wrapped under another master key"
    nonce, sealed = wrapped[9:21], wrapped[21:]
    return AESGCM(master).decrypt(nonce, sealed, b"\x01" + fingerprint + key_id.encode())


def open_entry(entry: dict, data_key: bytes | None) -> dict | None:
    """The sealed fields, or None when the key is gone (erased)."""
    sealed = entry.get("sealed")
    if sealed is None:
        return {}
    if data_key is None:
        return None
    clear = {k: v for k, v in entry.items() if k != "sealed"}
    plaintext = AESGCM(data_key).decrypt(base64.b64decode(sealed["nonce"]), base64.b64decode(sealed["box"]), canonical(clear))
    return json.loads(plaintext)


def joined_payload(kind: str, clear: dict, sealed: dict) -> dict:
    """The payload as the event had it: clear fields plus the sealed ones in their places."""
    payload = dict(clear, kind=kind)
    if kind == "statement":
        payload["text"] = sealed.get("text", "")
        payload["parameters"] = sealed.get("parameters", [])
        analysis = dict(payload.get("analysis", {}))
        analysis["text"] = sealed.get("analysisText", payload["text"])
        if "limitation" in sealed:
            analysis["limitation"] = sealed["limitation"]
        payload["analysis"] = analysis
    if kind == "git" and payload.get("commits"):
        # docs/evidence.md: one sealed `commits` element per clear commit, same order; absent when
        # the key is gone, and then the commits keep only their clear half.
        people = sealed.get("commits")
        if people is not None:
            assert len(people) == len(payload["commits"]), "git entry: sealed commits do not match the clear ones"
            payload["commits"] = [dict(commit, **person) for commit, person in zip(payload["commits"], people)]
    if kind == "kubernetes" and "text" in sealed:
        payload["command"] = sealed["text"]  # docs/evidence.md: an exec's command, sealed as `text`
    if kind == "kubernetes" and "data" in sealed:
        payload["data"] = sealed["data"]  # a stream chunk: what was typed, or the masked output
    if kind == "mcp" and "text" in sealed:
        payload["arguments"] = sealed["text"]  # docs/evidence.md: a tool call's arguments, sealed as `text`
    if kind == "mcp" and "errorMessage" in sealed:
        payload["error"] = sealed["errorMessage"]  # what the agent was told when the call failed
        sealed = {k: v for k, v in sealed.items() if k != "errorMessage"}
    for field in ("subjects", "errorMessage", "clientAddress", "purpose", "statement", "comment"):
        if field in sealed:
            payload[field] = sealed[field]
    return payload


JOURNAL_MAGIC = b"GHJ1"


@dataclass
class JournalEntry:
    index: int
    raw: bytes
    key: tuple[str, bytes] | None  # (key ID, wrapped) when the entry brought its session's data key


class _Reader:
    """Reads a journal record's payload and builds what its checksum covers: the payload with
    each entry's bytes replaced by their leaf hash."""

    def __init__(self, data: bytes):
        self.data, self.offset, self.summary = data, 0, bytearray()

    def take(self, count: int) -> bytes:
        if self.offset + count > len(self.data):
            raise ValueError("journal record: truncated field")
        self.offset += count
        taken = self.data[self.offset - count:self.offset]
        self.summary += taken
        return taken

    def entry_bytes(self) -> bytes:
        start = len(self.summary)
        raw = self.blob()
        del self.summary[start:]
        self.summary += hashlib.sha256(b"\x00" + raw).digest()
        return raw

    def integer(self, size: int) -> int:
        return int.from_bytes(self.take(size), "big")

    def blob(self) -> bytes:
        return self.take(self.integer(4))

    def text(self) -> str:
        return self.blob().decode()

    def optional_text(self) -> str | None:
        return self.text() if self.integer(1) else None


def journal_entries(data_dir: str) -> list[JournalEntry]:
    """Every entry in the journal's segments (docs/evidence.md, "Storage"), in log order. A record
    still being written (or cut by a crash) ends a segment's reading: it is not acknowledged."""
    directory = os.path.join(data_dir, "ledger.sqlite.journal")
    try:
        names = sorted(name for name in os.listdir(directory) if name.endswith(".seg"))
    except FileNotFoundError:
        return []
    entries = []
    for name in names:
        try:
            with open(os.path.join(directory, name), "rb") as f:
                data = f.read()
        except FileNotFoundError:
            continue  # removed meanwhile: SQLite holds all of it
        offset = 0
        while offset + 16 <= len(data) and data[offset:offset + 4] == JOURNAL_MAGIC:
            length = int.from_bytes(data[offset + 4:offset + 8], "big")
            record = parse_record(data[offset:offset + 16 + length])
            if record is None:
                break  # being written, or cut by a crash
            entries += record
            offset += 16 + length
    return entries


def parse_record(data: bytes) -> list[JournalEntry] | None:
    """One whole journal record (docs/evidence.md, "Storage"): its entries, or None when it is
    cut short or its checksum does not match."""
    if len(data) < 16 or data[:4] != JOURNAL_MAGIC:
        return None
    length = int.from_bytes(data[4:8], "big")
    payload = data[16:16 + length]
    if len(payload) < length:
        return None
    read = _read_payload(payload)
    if read is None or read[1] != data[8:16]:
        return None
    return read[0]


def resealed_record(data: bytes) -> bytes:
    """The record with its checksum recomputed for what its payload now holds (what an attacker
    who knows the format does after changing an entry)."""
    read = _read_payload(data[16:])
    assert read is not None, "not a record"
    return data[:8] + read[1] + data[16:]


def _read_payload(payload: bytes) -> tuple[list[JournalEntry], bytes] | None:
    """A record's entries and the checksum its payload gives, or None if it does not parse."""
    reader, record = _Reader(payload), []
    try:
        first, count = reader.integer(8), reader.integer(4)
        for position in range(count):
            raw = reader.entry_bytes()
            reader.optional_text(), reader.optional_text()  # session, time
            flags = reader.integer(1)
            for _ in range(reader.integer(4)):
                reader.text(), reader.text()  # subject kind, digest
            key = None
            if flags & 2:
                key_id, wrapped = reader.text(), reader.blob()
                reader.optional_text(), reader.integer(8)  # connection, creation time
                key = (key_id, wrapped)
            record.append(JournalEntry(first + position, raw, key))
    except ValueError:
        return None
    if reader.offset != len(payload):
        return None
    return record, hashlib.sha256(reader.summary).digest()[:8]


class SharedLog:
    """The ledger's shared log in a PostgreSQL store (docs/deployment.md), read independently of
    Gatehouse: the records in order, each parsed and its entries re-hashed, the tree root after
    each record recomputed and compared with the one it states, data keys from the keys table
    unwrapped with the master key material the instances share."""

    def __init__(self, dsn: str, master_key_material: bytes):
        self.dsn = dsn
        self.master = master_key(master_key_material)

    def records(self) -> list[tuple[int, int, bytes, bytes, str]]:
        import psycopg
        with psycopg.connect(self.dsn) as conn:
            return [(first, count, bytes(record), bytes(root), by) for first, count, record, root, by in conn.execute(
                "SELECT first_index, entry_count, record, root_after, appended_by FROM gatehouse_ledger_records ORDER BY first_index")]

    def size(self) -> int:
        import psycopg
        with psycopg.connect(self.dsn) as conn:
            return conn.execute("SELECT log_size FROM gatehouse_ledger_head").fetchone()[0]

    def wrapped_keys(self) -> dict[str, bytes | None]:
        import psycopg
        with psycopg.connect(self.dsn) as conn:
            return {key_id: (bytes(wrapped) if wrapped is not None else None)
                    for key_id, wrapped in conn.execute("SELECT key_id, wrapped FROM gatehouse_ledger_data_keys")}

    def entries(self) -> list[bytes]:
        """Every entry, checked: contiguous records, checksums, no key inside a record, and each
        record's stated root equal to the RFC 9162 root recomputed here."""
        from .ledger import TreeBuilder
        tree, entries = TreeBuilder(), []
        for first, count, data, root, _ in self.records():
            assert first == len(entries), f"the record at {first} does not follow {len(entries)} entries"
            record = parse_record(data)
            assert record is not None, f"the record at {first} is damaged"
            assert len(record) == count and [e.index for e in record] == list(range(first, first + count))
            assert all(e.key is None for e in record), "a shared record carries a data key"
            for entry in record:
                tree.append(hashlib.sha256(b"\x00" + entry.raw).digest())
                entries.append(entry.raw)
            assert tree.root() == root, f"the record at {first} states another root than its entries give"
        return entries

    def events(self) -> list[Event]:
        keys, opened, events = self.wrapped_keys(), {}, []
        for index, raw in enumerate(self.entries()):
            entry = json.loads(raw)
            assert canonical(entry) == raw, f"entry {index} is not canonical JSON"
            key = None
            if "sealed" in entry:
                key_id = entry["sealed"]["key"]
                if key_id not in opened:
                    wrapped = keys.get(key_id)
                    opened[key_id] = unwrap_data_key(wrapped, key_id, self.master) if wrapped is not None else None
                key = opened[key_id]
            sealed = open_entry(entry, key)
            body = {"time": entry["time"], "sessionID": entry["session"], "connection": entry.get("connection"),
                    "principal": entry.get("principal"),
                    "payload": joined_payload(entry["kind"], entry["payload"], sealed or {})}
            events.append(Event(index + 1, entry["time"], entry["session"], entry.get("connection"),
                                (entry.get("principal") or {}).get("subject"), entry["kind"], body,
                                sealed_readable=sealed is not None))
        return events


def stored_entries(data_dir: str, first: int = 0) -> tuple[list[tuple[int, bytes]], dict[str, bytes]]:
    """(index, entry) from `first` on, in order, with the data keys the journal adds:
    the journal is read before SQLite, so an entry the gateway moves from one to the other
    meanwhile is found in SQLite."""
    journal = journal_entries(data_dir)
    path = os.path.join(data_dir, "ledger.sqlite")
    rows = []
    if os.path.exists(path):
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            rows = db.execute("SELECT idx, leaf_hash, entry FROM entries WHERE idx >= ? ORDER BY idx", (first,)).fetchall()
            size = db.execute("SELECT coalesce(max(idx) + 1, 0) FROM entries").fetchone()[0]
    else:
        size = 0
    entries = []
    for index, leaf_hash, raw in rows:
        raw = bytes(raw)
        assert hashlib.sha256(b"\x00" + raw).digest() == bytes(leaf_hash), f"entry {index}: leaf hash mismatch"
        entries.append((index, raw))
    tail = [e for e in journal if e.index >= max(first, size)]
    assert [e.index for e in tail] == list(range(max(first, size), max(first, size) + len(tail))), \
        "the journal does not continue the log where SQLite ends"
    entries += [(e.index, e.raw) for e in tail]
    keys = {e.key[0]: e.key[1] for e in journal if e.key}
    return entries, keys


def raw_entries(data_dir: str, session: str | None = None) -> dict[int, bytes]:
    """Every stored entry's bytes by index (of one session, if given)."""
    entries, _ = stored_entries(data_dir)
    return {index: raw for index, raw in entries if session is None or json.loads(raw).get("session") == session}


class EventStore:
    def __init__(self, data_dir: str, master_key_material: bytes | None = None):
        """`master_key_material`: what `ledger.master_key_env`/`_file` holds; by default the data
        directory's generated `ledger-master.key`."""
        self.data_dir = data_dir
        self.path = os.path.join(data_dir, "ledger.sqlite")
        self._master: bytes | None = master_key(master_key_material) if master_key_material is not None else None
        self._keys: dict[str, bytes | None] = {}

    def _connect(self) -> sqlite3.Connection:
        # Read-only, so the tests can never disturb the gateway's writer.
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5)

    def _master_key(self) -> bytes:
        if self._master is None:
            with open(os.path.join(self.data_dir, "ledger-master.key"), "rb") as f:
                self._master = master_key(f.read())
        return self._master

    def _data_key(self, db: sqlite3.Connection, key_id: str, journaled: dict[str, bytes]) -> bytes | None:
        if key_id not in self._keys:
            row = db.execute("SELECT wrapped FROM data_keys WHERE key_id = ?", (key_id,)).fetchone()
            # Not in SQLite yet: the journal brought it with the session's first entry.
            wrapped = row[0] if row else journaled.get(key_id)
            key = unwrap_data_key(bytes(wrapped), key_id, self._master_key()) if wrapped is not None else None
            if key is None:
                return None  # erased keys are not cached: nothing to remember
            self._keys[key_id] = key
        return self._keys[key_id]

    def last_seq(self) -> int:
        journal = journal_entries(self.data_dir)
        if not os.path.exists(self.path):
            return 0
        with self._connect() as db:
            size = db.execute("SELECT coalesce(max(idx) + 1, 0) FROM entries").fetchone()[0]
        return max([size] + [e.index + 1 for e in journal])

    def since(self, seq: int = 0, kind: str | None = None) -> list[Event]:
        if not os.path.exists(self.path):
            return []
        events = []
        rows, journaled_keys = stored_entries(self.data_dir, seq)
        with self._connect() as db:
            for index, raw in rows:
                entry = json.loads(raw)
                assert canonical(entry) == raw, f"entry {index} is not canonical JSON"
                if kind and entry["kind"] != kind:
                    continue
                key = self._data_key(db, entry["sealed"]["key"], journaled_keys) if "sealed" in entry else None
                sealed = open_entry(entry, key)
                body = {
                    "time": entry["time"],
                    "sessionID": entry["session"],
                    "connection": entry.get("connection"),
                    "principal": entry.get("principal"),
                    "payload": joined_payload(entry["kind"], entry["payload"], sealed or {}),
                }
                events.append(Event(index + 1, entry["time"], entry["session"], entry.get("connection"),
                                    (entry.get("principal") or {}).get("subject"), entry["kind"], body,
                                    sealed_readable=sealed is not None))
        return events

    def wait_for(self, predicate, seq: int = 0, timeout: float = 5.0) -> list[Event]:
        """Events after `seq`, polling until predicate(events) holds (outcomes land after replies)."""
        deadline = time.monotonic() + timeout
        events = self.since(seq)
        while not predicate(events) and time.monotonic() < deadline:
            time.sleep(0.05)
            events = self.since(seq)
        return events


def statements(events: list[Event]) -> list[Event]:
    return [e for e in events if e.kind == "statement"]


def outcomes(events: list[Event]) -> list[Event]:
    return [e for e in events if e.kind == "outcome"]


def statement_texts(events: list[Event]) -> list[str]:
    return [e.payload.get("text", "") for e in statements(events)]
