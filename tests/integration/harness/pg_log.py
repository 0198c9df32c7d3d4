"""Parsing the PostgreSQL server log written with log_line_prefix = '%m [%p] %q%u@%d '.

Gives each entry its time, backend pid, user and message; continuation lines (multi-line
statements) are folded into the entry they belong to.
"""

import datetime
import re
from dataclasses import dataclass, field

_ENTRY = re.compile(
    r"^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) (?P<tz>\w+) \[(?P<pid>\d+)\] "
    r"(?:(?P<user>[^@\s]*)@(?P<db>\S*) )?(?P<level>[A-Z]+):  (?P<message>.*)$"
)


@dataclass
class LogEntry:
    time: datetime.datetime
    pid: int
    user: str
    database: str
    level: str
    message: str
    extra_lines: list = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join([self.message] + self.extra_lines)


def parse(log_text: str) -> list[LogEntry]:
    entries: list[LogEntry] = []
    for line in log_text.splitlines():
        match = _ENTRY.match(line)
        if match:
            time = datetime.datetime.strptime(match["time"], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
            entries.append(LogEntry(time, int(match["pid"]), match["user"] or "", match["db"] or "", match["level"], match["message"]))
        elif entries:
            entries[-1].extra_lines.append(line)
    return entries


def pids_of_users(entries: list[LogEntry], users: set[str]) -> set[int]:
    """Backends whose `connection authorized` line names one of the users."""
    pids = set()
    for entry in entries:
        match = re.match(r"connection authorized: user=(\S+)", entry.message)
        if match and match.group(1) in users:
            pids.add(entry.pid)
    return pids


def application_names(entries: list[LogEntry]) -> dict[int, str]:
    """pid -> application_name, from `connection authorized: ... application_name=X[ SSL enabled (...)]`."""
    names = {}
    for entry in entries:
        match = re.match(r"connection authorized: .*?application_name=(.*?)(?: SSL enabled \(.*\))?$", entry.message)
        if match:
            names[entry.pid] = match.group(1)
    return names


_STATEMENT = re.compile(r"^(?:statement|execute [^:]*): ", re.S)


def executed_statements(entries: list[LogEntry], pids: set[int]) -> list[LogEntry]:
    """The log_statement entries (simple `statement:` and extended `execute <name>:`)."""
    return [e for e in entries if e.pid in pids and e.level == "LOG" and _STATEMENT.match(e.text)]


def statement_text(entry: LogEntry) -> str:
    return _STATEMENT.sub("", entry.text, count=1)


def authentication_method(entries: list[LogEntry], pid: int) -> str | None:
    """From `connection authenticated: identity="..." method=md5 (...)` (PostgreSQL 14+)."""
    for entry in entries:
        if entry.pid == pid:
            match = re.search(r"connection authenticated: .*method=(\S+)", entry.message)
            if match:
                return match.group(1)
    return None


# Both sides print milliseconds; one side may round where the other truncates.
CLOCK_GRAIN = datetime.timedelta(milliseconds=1)


def normalise(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip().rstrip(";").strip()


def client_executions(log_text: str, users: set[str]) -> tuple[list[LogEntry], dict[int, str]]:
    """The statements the server ran for gateway client sessions of these login roles (not the
    gateway's catalog connections), and every backend's application_name."""
    entries = parse(log_text)
    app_names = application_names(entries)
    pids = {pid for pid in pids_of_users(entries, users) if app_names.get(pid) != "gatehouse catalog"}
    return executed_statements(entries, pids), app_names


def unrecorded_executions(executed: list[LogEntry], app_names: dict[int, str], statement_events) -> list[tuple]:
    """Executions (the server's log_statement lines of gateway client sessions) without a statement
    event in the same session, same text, recorded no later than the server ran it (write-ahead),
    one event per execution. `statement_events`: the ledger's statement events (harness Event)."""
    import collections
    recorded = collections.defaultdict(list)  # (session, normalised text) -> statement events
    for event in statement_events:
        recorded[(event.session_id, normalise(event.payload.get("text", "")))].append(event)
    by_key = collections.defaultdict(list)
    unmatched = []
    for entry in executed:
        session = re.fullmatch(r"gatehouse session (\S+)", app_names.get(entry.pid, ""))
        if not session:
            unmatched.append(("no gateway session in application_name", entry.pid, app_names.get(entry.pid), statement_text(entry)))
            continue
        by_key[(session.group(1), normalise(statement_text(entry)))].append(entry)
    for key, executions in by_key.items():
        candidates = recorded.get(key, [])
        if len(candidates) < len(executions):
            unmatched.append((f"session {key[0]}", key[1], f"executed {len(executions)}x, recorded {len(candidates)}x"))
            continue
        # The i-th execution needs the i-th event (same session, same text) no later than it.
        for execution, event in zip(sorted(executions, key=lambda e: e.time), candidates):
            if event.timestamp > execution.time + CLOCK_GRAIN:
                unmatched.append((f"session {key[0]}", key[1], f"executed at {execution.time.isoformat()}", f"recorded at {event.time}"))
    return unmatched
