"""A pgbouncer (Debian's) in front of a PostgreSQL, for the benchmark's baseline.

pgbouncer refuses to run as root, so when we are root it runs as the server user, like
PostgreSQL itself.
"""

import os
import shutil
import subprocess
import tempfile

from . import pgbin
from .ports import free_port, wait_for_port
from .processes import stop_process


class PgBouncer:
    def __init__(self, upstream_host: str, upstream_port: int, database: str, user: str, password: str,
                 pool_mode: str = "session", pool_size: int = 20):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.root = tempfile.mkdtemp(prefix="gatehouse-pgbouncer-")
        os.chmod(self.root, 0o755)
        self.log_path = os.path.join(self.root, "pgbouncer.log")
        self.upstream = (upstream_host, upstream_port, database)
        self.user, self.password = user, password
        self.pool_mode, self.pool_size = pool_mode, pool_size
        self.process: subprocess.Popen | None = None

    def start(self) -> "PgBouncer":
        executable = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        host, port, database = self.upstream
        auth_file = os.path.join(self.root, "userlist.txt")
        with open(auth_file, "w") as f:
            # A plain password lets pgbouncer answer SCRAM itself and log in upstream with it.
            f.write(f'"{self.user}" "{self.password}"\n')
        os.chmod(auth_file, 0o600)
        config = os.path.join(self.root, "pgbouncer.ini")
        with open(config, "w") as f:
            f.write(f"""[databases]
{database} = host={host} port={port} dbname={database}

[pgbouncer]
listen_addr = {self.host}
listen_port = {self.port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = {auth_file}
pool_mode = {self.pool_mode}
default_pool_size = {self.pool_size}
max_client_conn = 200
logfile = {self.log_path}
ignore_startup_parameters = extra_float_digits
""")
        pgbin.hand_over(self.root)
        self.process = pgbin.popen_as_server_user([executable, config], stdout=subprocess.DEVNULL,
                                                  stderr=subprocess.DEVNULL)
        if not wait_for_port(self.host, self.port, timeout=10):
            self.stop()
            raise RuntimeError(f"pgbouncer did not start; see {self.log_path}")
        return self

    def stop(self) -> None:
        stop_process(self.process)

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
