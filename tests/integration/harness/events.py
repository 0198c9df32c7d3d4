"""Reading the gateway's SQLite event store (<data_dir>/gatehouse.sqlite, table `events`)."""

import datetime
import json
import os
import sqlite3
import time
from dataclasses import dataclass


@dataclass
class Event:
    seq: int
    time: str
    session_id: str
    connection: str | None
    subject: str | None
    kind: str
    body: dict

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


class EventStore:
    def __init__(self, data_dir: str):
        self.path = os.path.join(data_dir, "gatehouse.sqlite")

    def _connect(self) -> sqlite3.Connection:
        # Read-only, so the tests can never disturb the gateway's writer.
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5)

    def last_seq(self) -> int:
        if not os.path.exists(self.path):
            return 0
        with self._connect() as db:
            return db.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]

    def since(self, seq: int = 0, kind: str | None = None) -> list[Event]:
        if not os.path.exists(self.path):
            return []
        query = "SELECT seq, time, session_id, connection, subject, kind, event FROM events WHERE seq > ?"
        args: list = [seq]
        if kind:
            query += " AND kind = ?"
            args.append(kind)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY seq", args).fetchall()
        return [Event(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6])) for r in rows]

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
