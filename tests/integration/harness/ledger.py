"""Helpers for the evidence-ledger tests (test_ledger_*.py).

- A gateway of the test's own (own data directory, loopback, no TLS) logging in upstream as a
  dedicated role, `gh_ledger`, so the PostgreSQL log tells its sessions from everyone else's.
- `gatehouse audit ...` runs.
- An independent Python check of what the ledger publishes (docs/evidence.md): C2SP signed
  notes with Ed25519, checkpoints, RFC 9162 Merkle tree hashes and inclusion proofs.
"""

import base64
import hashlib
import os
import secrets
import sqlite3
import subprocess
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from . import clients
from .events import EventStore
from .gateway import Gateway, binary
from .gateway_config import Connection, GatewayConfig, Upstream
from .ports import free_port

LEDGER_ROLE = "gh_ledger"
LEDGER_PASSWORD_ENV = "GH_LEDGER_PASSWORD"
# The database backstop's roles (docs/security.md), made by `gatehouse db-setup --apply`.
BACKSTOP_LOGIN_ROLE = "gh_agent"
BACKSTOP_APPROVED_ROLE = "gh_approved"
BACKSTOP_PASSWORD_ENV = "GH_AGENT_PASSWORD"


def ensure_ledger_role(upstream) -> str:
    """Creates (once per upstream cluster) the role the ledger gateways log in as."""
    password = getattr(upstream, "_ledger_role_password", None)
    if password:
        return password
    password = secrets.token_hex(12)
    server = upstream.server
    server.create_role(LEDGER_ROLE, password)
    owner_password = upstream.passwords["gh_scram"]
    server.psql(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {LEDGER_ROLE}; "
                f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {LEDGER_ROLE}; "
                f"GRANT USAGE, CREATE ON SCHEMA public TO {LEDGER_ROLE}",
                "shop", user="gh_scram", password=owner_password)
    upstream._ledger_role_password = password
    return password


def setup_backstop(upstream, directory: str, config_yaml: str, connection: str) -> str:
    """The backstop for `connection` of the test cluster (`gh_agent`, `gh_approved`); the
    password is the same for every gateway of the cluster."""
    password = getattr(upstream, "_backstop_password", None) or secrets.token_hex(12)
    apply_backstop(upstream.server, directory, config_yaml, connection, BACKSTOP_LOGIN_ROLE, password)
    upstream._backstop_password = password
    return password


def apply_backstop(server, directory: str, config_yaml: str, connection: str, login_role: str, password: str) -> None:
    """Runs the real `gatehouse db-setup --apply` for `connection` as the superuser, then gives the
    login role a password (db-setup leaves that to the operator)."""
    from .postgres_server import SUPERUSER

    path = os.path.join(directory, "db-setup.yaml")
    with open(path, "w") as f:
        f.write(config_yaml)
    env = dict(os.environ, GH_SUPERUSER_PASSWORD=server.superuser_password)
    result = subprocess.run([binary(), "db-setup", "--config", path, "--connection", connection, "--apply",
                             "--admin-user", SUPERUSER, "--admin-password-env", "GH_SUPERUSER_PASSWORD"],
                            capture_output=True, text=True, timeout=60, env=env)
    # The login role has no password yet, so db-setup cannot inspect it: the gateway does when it
    # starts (and refuses to start unless the role holds the backstop).
    assert result.returncode == 0 and "password" in result.stdout, f"db-setup failed: {result.stdout}{result.stderr}"
    server.psql(f"ALTER ROLE {login_role} PASSWORD '{password}'")


class LedgerGateway:
    """One configuration and data directory; the gateway process can be killed and restarted."""

    def __init__(self, directory: str, upstream, *, ledger: dict | None = None, name: str = "ledger-gw",
                 approval: dict | None = None, personal_data: list | None = None, notifications: list | None = None,
                 issuers: list | None = None, web: dict | None = None, git_connections: list | None = None,
                 backstop: bool = False, store: dict | None = None, env: dict | None = None, mcp: dict | None = None,
                 mcp_writes: tuple = (), postgres_listener: dict | None = None):
        """`approval`: when given, a third connection `shop_approval` (the demo classification)
        holds statements under these approval settings; `notifications`: the targets list;
        `issuers` (harness `Issuer`s) and `web`: the identity issuers and the web UI section;
        `git_connections`: harness `GitConnection`s; `personal_data`: the classification of
        `shop_approval` (the demo's by default); `backstop`: the connections with personal data
        log in as `gh_agent` and run approved statements as `gh_approved`, set up by
        `gatehouse db-setup --apply` before the first start (no risk accepted); `store`: the `store`
        section (a shared PostgreSQL store), `env`: more environment (its password, the master key);
        `mcp`: the `mcp` section (the MCP endpoint); `mcp_writes`: the connections whose MCP query tool may write;
        `postgres_listener`: further `listeners.postgres` keys ({"max_connections": 2})."""
        from .stack import DEMO_MASKING, DEMO_PERSONAL_DATA  # stack imports nothing from here

        password = ensure_ledger_role(upstream)
        self.upstream = upstream
        self.backstop = backstop
        self.directory = directory
        self.name = name
        self.data_dir = os.path.join(directory, "data")
        host, port = upstream.server.host, upstream.server.port
        personal = (Upstream(host, port, "shop", BACKSTOP_LOGIN_ROLE, BACKSTOP_PASSWORD_ENV, approved_role=BACKSTOP_APPROVED_ROLE,
                             accept_risk=None)
                    if backstop else Upstream(host, port, "shop", LEDGER_ROLE, LEDGER_PASSWORD_ENV))
        config = GatewayConfig(
            data_dir=self.data_dir,
            postgres_address="127.0.0.1",
            postgres_port=free_port(),
            http_port=free_port(),
            connections=[
                Connection("shop", Upstream(host, port, "shop", LEDGER_ROLE, LEDGER_PASSWORD_ENV)),
                Connection("shop_masked", personal, personal_data=DEMO_PERSONAL_DATA, approval={"mode": "never"}),
            ] + ([Connection("shop_approval", personal,
                             personal_data=personal_data or DEMO_PERSONAL_DATA, approval=approval)] if approval else []),
            allow_cleartext_token_on_loopback=True,
            masking=DEMO_MASKING,
            ledger=ledger,
            notifications=notifications,
            issuers=issuers or [],
            web=web,
            git_connections=git_connections or [],
            store=store,
            mcp=mcp,
            postgres_listener=postgres_listener or {},
        )
        for connection in config.connections:
            connection.mcp_writes = connection.name in mcp_writes
        self.yaml = config.yaml()
        self.env = {LEDGER_PASSWORD_ENV: password, **(env or {})}
        if backstop:
            self.env[BACKSTOP_PASSWORD_ENV] = setup_backstop(upstream, directory, self.yaml, "shop_approval" if approval else "shop_masked")
        self.runs: list[Gateway] = []
        self.events = EventStore(self.data_dir)
        self._token: str | None = None

    # --- the process -------------------------------------------------------------------

    @property
    def gateway(self) -> Gateway:
        return self.runs[-1]

    @property
    def config_path(self) -> str:
        return self.gateway.config_path

    def start(self) -> "LedgerGateway":
        """Starts (or restarts, on the same configuration and data directory) the gateway."""
        # One Gateway object per run, so each run's output is kept for diagnostics.
        run = Gateway(self.directory, self.yaml, env=self.env, name=f"{self.name}-run{len(self.runs) + 1}")
        self.runs.append(run)
        run.start()
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown path runs."""
        process = self.gateway.process
        assert process is not None and process.poll() is None, "gateway is not running"
        process.kill()
        process.wait(30)

    def stop(self) -> None:
        for run in self.runs:
            run.stop()

    def output(self) -> str:
        return "\n".join(run.output(3000) for run in self.runs)

    # --- clients -----------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self.gateway.port

    def token(self) -> str:
        if self._token is None:
            self._token = self.gateway.token("lena", ttl=3600)
        return self._token

    def dsn(self, connection: str = "shop", **extra) -> str:
        return clients.gateway_dsn(self.port, connection, self.token(), sslmode="disable", **extra)

    # --- the CLI -----------------------------------------------------------------------

    def audit(self, subcommand: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """`gatehouse audit <subcommand> --config <this gateway's file> args...`."""
        return audit([subcommand, "--config", self.config_path, *args], env=self.env, cwd=self.directory,
                     timeout=timeout)

    def verifier_key(self) -> str:
        result = self.audit("key")
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout.strip()


def audit(args: list[str], env: dict | None = None, cwd: str | None = None, timeout: float = 120,
          gatehouse: str | None = None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([gatehouse or binary(), "audit", *args], capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=timeout)


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.1):
    """Polls until predicate() is truthy; returns its last value (falsy on timeout)."""
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = predicate()
    return value


def backup_database(source: str, destination: str) -> None:
    """A consistent copy of a live SQLite database (the backup API, not a file copy)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(destination)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


# --- RFC 9162 Merkle tree ---------------------------------------------------------------

def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves: list[bytes]) -> bytes:
    """MTH over leaf hashes (RFC 9162 2.1.1)."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(merkle_root(leaves[:k]), merkle_root(leaves[k:]))


class TreeBuilder:
    """The RFC 9162 root of a growing log in O(log n) per leaf: the perfect subtrees so far,
    largest first; the root folds them from the smallest (MTH splits at the largest power of two)."""

    def __init__(self):
        self.subtrees: list[tuple[int, bytes]] = []  # (leaf count, hash)

    def append(self, leaf: bytes) -> None:
        size, node = 1, leaf
        while self.subtrees and self.subtrees[-1][0] == size:
            left = self.subtrees.pop()[1]
            size, node = size * 2, node_hash(left, node)
        self.subtrees.append((size, node))

    def root(self) -> bytes:
        if not self.subtrees:
            return hashlib.sha256(b"").digest()
        root = self.subtrees[-1][1]
        for _, node in reversed(self.subtrees[:-1]):
            root = node_hash(node, root)
        return root


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes | None:
    """RFC 9162 2.1.3.2: the root the audit path leads to, or None when the path is malformed."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


# --- C2SP signed notes and checkpoints ---------------------------------------------------

class VerifierKey:
    """`<name>+<hex key id>+<base64(0x01 || Ed25519 public key)>`."""

    def __init__(self, text: str):
        # The name holds no "+" (signed-note rule); the base64 key may.
        name, key_id_hex, encoded = text.strip().split("+", 2)
        raw = base64.b64decode(encoded, validate=True)
        assert len(raw) == 33 and raw[0] == 0x01, f"not an Ed25519 verifier key: {text!r}"
        self.name = name
        self.public_key = raw[1:]
        self.key_id = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
        assert self.key_id.hex() == key_id_hex, f"key ID {key_id_hex} does not match the key"

    def verify_note(self, note: str) -> str:
        """The note's text when it carries a valid signature by this key; raises otherwise."""
        text, signatures = split_note(note)
        public = Ed25519PublicKey.from_public_bytes(self.public_key)
        for name, blob in signatures:
            if name == self.name and blob[:4] == self.key_id:
                try:
                    public.verify(blob[4:], text.encode())
                    return text
                except InvalidSignature:
                    raise AssertionError(f"signature by {name} does not verify")
        raise AssertionError(f"no signature by {self.name} in the note")


def split_note(note: str) -> tuple[str, list[tuple[str, bytes]]]:
    """(text including its final newline, [(key name, key id || signature)])."""
    cut = note.rindex("\n\n")
    text, block = note[:cut + 1], note[cut + 2:]
    signatures = []
    for line in block.splitlines():
        assert line.startswith("\u2014 "), f"not a signature line: {line!r}"
        name, encoded = line[2:].split(" ")
        signatures.append((name, base64.b64decode(encoded, validate=True)))
    assert signatures, "note without signatures"
    return text, signatures


def parse_checkpoint(text: str) -> tuple[str, int, bytes]:
    """(origin, tree size, root hash) of a checkpoint's note text."""
    lines = text.split("\n")
    assert lines[-1] == "" and len(lines) >= 4, f"not a checkpoint: {text!r}"
    root = base64.b64decode(lines[2], validate=True)
    assert len(root) == 32
    return lines[0], int(lines[1]), root


def stored_leaf_hashes(db_path: str) -> list[bytes]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as db:
        rows = db.execute("SELECT idx, leaf_hash FROM entries ORDER BY idx").fetchall()
    assert [r[0] for r in rows] == list(range(len(rows))), "entry indexes are not contiguous"
    return [bytes(r[1]) for r in rows]
