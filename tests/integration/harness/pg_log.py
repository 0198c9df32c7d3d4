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
