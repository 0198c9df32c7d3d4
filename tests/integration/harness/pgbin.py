"""Locating PostgreSQL's binaries and running server processes as an unprivileged user.

Debian keeps initdb, pg_ctl and postgres in /usr/lib/postgresql/<version>/bin, not on PATH.
initdb and postgres refuse to run as root, so when we are root they run as the `postgres`
user that the Debian package creates.
"""

import glob
import os
import pwd
import re
import shutil
import subprocess

SERVER_USER = "postgres"


def bin_dir() -> str:
    """The directory holding initdb/pg_ctl/postgres: PATH first, then the newest Debian version."""
    on_path = shutil.which("initdb")
    if on_path:
        return os.path.dirname(os.path.realpath(on_path))
    candidates = glob.glob("/usr/lib/postgresql/*/bin/initdb")

    def version(path: str) -> tuple:
        match = re.search(r"/postgresql/([0-9.]+)/bin", path)
        return tuple(int(p) for p in match.group(1).split(".")) if match else (0,)

    if not candidates:
        raise RuntimeError("PostgreSQL binaries not found (PATH or /usr/lib/postgresql/*/bin); run scripts/install-deps.sh")
    return os.path.dirname(max(candidates, key=version))


def tool(name: str) -> str:
    """A client or server tool: psql and pgbench are on PATH on Debian, the rest are not."""
    path = os.path.join(bin_dir(), name)
    if os.path.exists(path):
        return path
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found")
    return found


def running_as_root() -> bool:
    return os.geteuid() == 0


def server_user_ids() -> tuple[int, int] | None:
    """(uid, gid) to run server processes with, or None to run as ourselves."""
    if not running_as_root():
        return None
    try:
        entry = pwd.getpwnam(SERVER_USER)
    except KeyError as error:
        raise RuntimeError(f"running as root needs the unprivileged user '{SERVER_USER}' (install postgresql)") from error
    return entry.pw_uid, entry.pw_gid


def hand_over(path: str) -> None:
    """Give a directory tree to the server user (no-op when not root)."""
    ids = server_user_ids()
    if ids is None:
        return
    for root, dirs, files in os.walk(path):
        os.chown(root, *ids)
        for name in dirs + files:
            os.chown(os.path.join(root, name), *ids)


def run_as_server_user(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a server-side tool (initdb, pg_ctl, pgbouncer) as the server user when we are root."""
    ids = server_user_ids()
    if ids is not None:
        kwargs.setdefault("user", ids[0])
        kwargs.setdefault("group", ids[1])
        kwargs.setdefault("extra_groups", [])
        # The server user cannot enter root's home; a neutral working directory avoids warnings.
        kwargs.setdefault("cwd", "/")
    return subprocess.run(args, **kwargs)


def popen_as_server_user(args: list[str], **kwargs) -> subprocess.Popen:
    ids = server_user_ids()
    if ids is not None:
        kwargs.setdefault("user", ids[0])
        kwargs.setdefault("group", ids[1])
        kwargs.setdefault("extra_groups", [])
        kwargs.setdefault("cwd", "/")
    return subprocess.Popen(args, **kwargs)
