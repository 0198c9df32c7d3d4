"""A PostgreSQL store that several gateway instances share (docs/deployment.md), and the
instances: each with its own data directory, all with the store's section and one master key."""

import secrets
import subprocess

from . import ledger
from .events import SharedLog
from .gateway import binary
from .postgres_server import PostgresServer

STORE_ROLE, STORE_DATABASE, STORE_PASSWORD_ENV = "gh_store", "gatehouse", "GH_STORE_PASSWORD"
MASTER_KEY_ENV = "GH_SHARED_MASTER_KEY"
SIGNING_KEY_ENV = "GH_SHARED_SIGNING_KEY"


def new_signing_key(name: str = "shared-test/ledger") -> str:
    """A checkpoint signing key for instances to share, as `gatehouse audit key --new` prints it."""
    result = subprocess.run([binary(), "audit", "key", "--new", name], capture_output=True, text=True, timeout=60, check=True)
    return result.stdout.strip()


def start_store() -> PostgresServer:
    """A store server with its role and (empty) database; `cleanup()` it when done."""
    server = PostgresServer(ssl=False, statement_logging=False).start()
    server.store_password = secrets.token_hex(16)
    server.create_role(STORE_ROLE, server.store_password)
    server.psql(f"CREATE DATABASE {STORE_DATABASE} OWNER {STORE_ROLE}")
    return server


def empty(store: PostgresServer) -> PostgresServer:
    """The store's database dropped and made again: a new shared log, no approvals."""
    store.psql(f"DROP DATABASE IF EXISTS {STORE_DATABASE} WITH (FORCE)")
    store.psql(f"CREATE DATABASE {STORE_DATABASE} OWNER {STORE_ROLE}")
    return store


def store_dsn(store: PostgresServer) -> str:
    return store.dsn(STORE_DATABASE, STORE_ROLE, store.store_password)


class Instances:
    """Gateway instances sharing the store and one master key, each with its own data directory.
    `gateway_options` go to every `LedgerGateway` (approval settings, issuers...)."""

    def __init__(self, tmp_path, upstream, store, names, standbys=(), **gateway_options):
        self.master = secrets.token_hex(32)
        self.signing_key = new_signing_key()
        self.store = store
        self.gateways = {}
        hosts = [f"{server.host}:{server.port}" for server in (store, *standbys)]
        for name in names:
            section = {"type": "postgres", "host": hosts if standbys else store.host, "port": store.port, "database": STORE_DATABASE,
                       "user": STORE_ROLE, "password_env": STORE_PASSWORD_ENV, "sslmode": "disable", "instance": name}
            self.gateways[name] = ledger.LedgerGateway(
                str(tmp_path / name), upstream, name=f"shared-{name}",
                ledger={"master_key_env": MASTER_KEY_ENV, "signing_key_env": SIGNING_KEY_ENV}, store=section,
                env={STORE_PASSWORD_ENV: store.store_password, MASTER_KEY_ENV: self.master, SIGNING_KEY_ENV: self.signing_key},
                **gateway_options)

    def __getitem__(self, name):
        return self.gateways[name]

    def start(self):
        for gateway in self.gateways.values():
            gateway.start()
        return self

    def stop(self):
        for gateway in self.gateways.values():
            gateway.stop()

    def shared_log(self) -> SharedLog:
        return SharedLog(store_dsn(self.store), self.master.encode())
