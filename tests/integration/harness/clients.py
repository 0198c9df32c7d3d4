"""Building libpq connection strings and running the real command-line clients."""

import os
import re
import subprocess

from . import pgbin


def conninfo(**params) -> str:
    """key=value pairs, values quoted the way libpq expects."""
    def quote(value) -> str:
        text = str(value)
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return " ".join(f"{key}={quote(value)}" for key, value in params.items() if value is not None)


def gateway_dsn(port: int, connection: str, token: str, sslmode: str = "require", user: str = "agent",
                host: str = "127.0.0.1", **extra) -> str:
    return conninfo(host=host, port=port, dbname=connection, user=user, password=token, sslmode=sslmode, **extra)


def psql(dsn: str, sql: str | None = None, *, script: str | None = None, on_error_stop: bool = True,
         timeout: float = 60) -> subprocess.CompletedProcess:
    """psql -X -q -A -t: unaligned tuples only (no command tags), one row per line, '|' between fields."""
    args = [pgbin.tool("psql"), "-X", "-q", "-A", "-t", "-d", dsn]
    if on_error_stop:
        args += ["-v", "ON_ERROR_STOP=1"]
    if sql is not None:
        args += ["-c", sql]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    return subprocess.run(args, input=script, capture_output=True, text=True, timeout=timeout, env=env)


def pgbench(args: list[str], *, host: str, port: int, user: str, dbname: str, password: str,
            sslmode: str = "disable", timeout: float = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update({"PGPASSWORD": password, "PGSSLMODE": sslmode})
    full = [pgbin.tool("pgbench"), "-h", host, "-p", str(port), "-U", user] + args + [dbname]
    return subprocess.run(full, capture_output=True, text=True, timeout=timeout, env=env)


def transactions_processed(pgbench_output: str) -> tuple[int, int] | None:
    """'number of transactions actually processed: 200/200' -> (200, 200)."""
    match = re.search(r"number of transactions actually processed: (\d+)(?:/(\d+))?", pgbench_output)
    if not match:
        return None
    done = int(match.group(1))
    return done, int(match.group(2) or done)
