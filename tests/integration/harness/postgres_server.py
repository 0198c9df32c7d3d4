"""A throwaway PostgreSQL server: initdb in a temporary directory, a free loopback port.

Used by the integration tests (with statement logging, TLS and custom pg_hba rules) and by
the benchmark (plain and fast).
"""

import os
import re
import secrets
import shutil
import subprocess
import tempfile

from . import certs, pgbin
from .ports import free_port

SUPERUSER = "postgres"


class PostgresServer:
    def __init__(self, *, hba_lines=None, settings=None, ssl=True, statement_logging=True):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.superuser_password = secrets.token_hex(16)
        # Under /tmp, not pytest's 0700 per-user directory: the server user must enter it.
        self.root = tempfile.mkdtemp(prefix="gatehouse-pg-")
        os.chmod(self.root, 0o755)
        self.data_dir = os.path.join(self.root, "data")
        self.socket_dir = os.path.join(self.root, "sock")
        self.log_path = os.path.join(self.root, "postgres.log")
        self.hba_lines = hba_lines or [
            "local all all trust",
            "host all all 127.0.0.1/32 scram-sha-256",
        ]
        self.settings = dict(settings or {})
        self.ssl = ssl
        self.statement_logging = statement_logging
        self.started = False

    # --- lifecycle -------------------------------------------------------------------

    def start(self) -> "PostgresServer":
        os.makedirs(self.socket_dir)
        pwfile = os.path.join(self.root, "pwfile")
        with open(pwfile, "w") as f:
            f.write(self.superuser_password + "\n")
        pgbin.hand_over(self.root)
        self._check(
            pgbin.run_as_server_user(
                [pgbin.tool("initdb"), "-D", self.data_dir, "-U", SUPERUSER, "--pwfile", pwfile,
                 "--auth", "scram-sha-256", "-E", "UTF8", "--locale", "C", "--no-sync"],
                capture_output=True, text=True,
            ),
            "initdb",
        )
        os.remove(pwfile)
        self._write_config()
        pgbin.hand_over(self.root)
        self.restart()
        return self

    def restart(self) -> None:
        """Starts the server (again, after `stop`: data kept)."""
        self._check(
            pgbin.run_as_server_user(
                [pgbin.tool("pg_ctl"), "-D", self.data_dir, "-l", self.log_path, "-w", "-t", "60", "start"],
                capture_output=True, text=True,
            ),
            "pg_ctl start",
        )
        self.started = True

    def start_standby(self) -> "PostgresServer":
        """A streaming standby of this server (pg_basebackup -R), on its own port, started. The
        primary needs a `host replication` line in its pg_hba rules."""
        standby = PostgresServer(hba_lines=self.hba_lines, settings=self.settings, ssl=False,
                                 statement_logging=self.statement_logging)
        os.makedirs(standby.socket_dir)
        standby.superuser_password = self.superuser_password  # the data directory is a copy
        pgbin.hand_over(standby.root)
        self._check(
            pgbin.run_as_server_user(
                [pgbin.tool("pg_basebackup"), "-D", standby.data_dir, "-h", self.host, "-p", str(self.port), "-U", SUPERUSER,
                 "-R", "-X", "stream", "--no-sync"],
                capture_output=True, text=True, env=self.admin_env(),
            ),
            "pg_basebackup",
        )
        standby._write_config()  # appended: its own port and sockets win over the copied ones
        pgbin.hand_over(standby.root)
        standby.restart()
        return standby

    def crash(self) -> None:
        """Stops the server the way a power cut would (immediate shutdown: no checkpoint)."""
        self._check(
            pgbin.run_as_server_user([pgbin.tool("pg_ctl"), "-D", self.data_dir, "-m", "immediate", "-w", "stop"],
                                     capture_output=True, text=True),
            "pg_ctl stop -m immediate",
        )
        self.started = False

    def promote(self) -> None:
        """Makes a standby the primary."""
        self._check(pgbin.run_as_server_user([pgbin.tool("pg_ctl"), "-D", self.data_dir, "-w", "promote"],
                                             capture_output=True, text=True), "pg_ctl promote")

    def stop(self) -> None:
        if self.started:
            pgbin.run_as_server_user(
                [pgbin.tool("pg_ctl"), "-D", self.data_dir, "-m", "fast", "-w", "stop"],
                capture_output=True, text=True,
            )
            self.started = False

    def cleanup(self) -> None:
        self.stop()
        if not os.environ.get("GATEHOUSE_KEEP_TMP"):
            shutil.rmtree(self.root, ignore_errors=True)

    def _check(self, result: subprocess.CompletedProcess, step: str) -> None:
        if result.returncode != 0:
            log = self.read_log() if os.path.exists(self.log_path) else ""
            raise RuntimeError(f"{step} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}\n{log[-4000:]}")

    def _write_config(self) -> None:
        conf = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.socket_dir}'",
            "max_connections": "200",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "timezone": "'UTC'",
            "log_timezone": "'UTC'",
            "log_line_prefix": "'%m [%p] %q%u@%d '",
            "log_connections": "on",
            "log_disconnections": "on",
            "log_statement": "'all'" if self.statement_logging else "'none'",
        }
        if self.ssl:
            cert, key = certs.write_self_signed(self.data_dir, "server")
            conf.update({"ssl": "on", "ssl_cert_file": f"'{cert}'", "ssl_key_file": f"'{key}'"})
        conf.update(self.settings)
        with open(os.path.join(self.data_dir, "postgresql.conf"), "a") as f:
            f.write("\n# written by the Gatehouse test harness\n")
            for key, value in conf.items():
                f.write(f"{key} = {value}\n")
        with open(os.path.join(self.data_dir, "pg_hba.conf"), "w") as f:
            f.write("\n".join(self.hba_lines) + "\n")

    # --- administration ----------------------------------------------------------------

    def admin_env(self) -> dict:
        env = dict(os.environ)
        env.update({"PGPASSWORD": self.superuser_password, "PGSSLMODE": "disable"})
        return env

    def psql(self, sql: str, dbname: str = "postgres", *, user: str = SUPERUSER, password: str | None = None,
             file: str | None = None) -> str:
        """Runs SQL (or a file) with psql over TCP; raises with psql's stderr on failure."""
        env = self.admin_env()
        if password is not None:
            env["PGPASSWORD"] = password
        args = [pgbin.tool("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", self.host, "-p", str(self.port), "-U", user, "-d", dbname]
        args += ["-f", file] if file else ["-c", sql]
        result = subprocess.run(args, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def create_role(self, name: str, password: str, *, md5: bool = False, superuser: bool = False) -> None:
        # With password_encryption = md5 the stored verifier is an md5 hash, so an `md5`
        # pg_hba line really runs the md5 exchange (a SCRAM verifier would upgrade it).
        encryption = "md5" if md5 else "scram-sha-256"
        attrs = "LOGIN SUPERUSER" if superuser else "LOGIN"
        self.psql(f"SET password_encryption = '{encryption}'; CREATE ROLE {name} {attrs} PASSWORD '{password}'")

    def dsn(self, dbname: str, user: str = SUPERUSER, password: str | None = None, sslmode: str = "disable") -> str:
        pw = self.superuser_password if password is None else password
        return f"host={self.host} port={self.port} dbname={dbname} user={user} password={pw} sslmode={sslmode}"

    # --- the server log ----------------------------------------------------------------

    def read_log(self) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def log_size(self) -> int:
        return os.path.getsize(self.log_path)

    def log_since(self, offset: int) -> str:
        with open(self.log_path, "rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", errors="replace")


def connections_received(log_text: str) -> int:
    return len(re.findall(r"LOG:  connection received:", log_text))
