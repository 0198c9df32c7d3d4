"""The system under test, assembled: a PostgreSQL with the demo data and three kinds of
upstream login, an OIDC provider, and gateways configured against them."""

import os
import secrets
from dataclasses import dataclass, field

from . import certs, clients
from .events import EventStore
from .gateway import Gateway
from .gateway_config import Connection, GatewayConfig, Issuer, Upstream
from .oidc_mock import CLIENT_ID, OidcMock
from .ports import free_port
from .postgres_server import PostgresServer

SEED_SQL = os.path.join(os.path.dirname(__file__), "..", "..", "..", "Sources", "gatehouse", "Demo", "demo-seed.sql")

# Upstream roles: how the gateway logs in, and the environment variable carrying the password.
UPSTREAM_ROLES = {
    "gh_scram": "GH_SCRAM_PASSWORD",
    "gh_md5": "GH_MD5_PASSWORD",
    "gh_tls": "GH_TLS_PASSWORD",
}

HBA_LINES = [
    "local all all trust",
    # gh_tls may only log in over TLS, so a successful session proves the upstream link is encrypted.
    "hostssl all gh_tls 127.0.0.1/32 scram-sha-256",
    "host all gh_tls 127.0.0.1/32 reject",
    "host all gh_md5 127.0.0.1/32 md5",
    "host all all 127.0.0.1/32 scram-sha-256",
]


@dataclass
class UpstreamCluster:
    server: PostgresServer
    passwords: dict

    def env(self) -> dict:
        return {var: self.passwords[role] for role, var in UPSTREAM_ROLES.items()}

    @property
    def wrong_ca_file(self) -> str:
        """A self-signed certificate that did not sign the server's (made on first use)."""
        directory = os.path.join(self.server.root, "wrong-ca")
        path = os.path.join(directory, "wrong-ca.pem")
        if not os.path.exists(path):
            os.makedirs(directory, exist_ok=True)
            certs.write_self_signed(directory, "wrong-ca")
        return path

    def admin_dsn(self, dbname: str = "shop") -> str:
        return self.server.dsn(dbname)


def start_upstream() -> UpstreamCluster:
    server = PostgresServer(hba_lines=HBA_LINES).start()
    passwords = {role: secrets.token_hex(12) for role in UPSTREAM_ROLES}
    try:
        for role, password in passwords.items():
            server.create_role(role, password, md5=(role == "gh_md5"))
        server.psql("CREATE DATABASE shop OWNER gh_scram")
        server.psql("CREATE DATABASE bench OWNER gh_scram")
        server.psql(None, "shop", user="gh_scram", password=passwords["gh_scram"], file=os.path.abspath(SEED_SQL))
        grants = "; ".join(
            f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}; "
            f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}; "
            f"GRANT USAGE, CREATE ON SCHEMA public TO {role}"
            for role in ("gh_md5", "gh_tls"))
        server.psql(grants, "shop", user="gh_scram", password=passwords["gh_scram"])
    except Exception:
        server.cleanup()
        raise
    return UpstreamCluster(server, passwords)


@dataclass
class GatewayUnderTest:
    """A started gateway plus what tests need around it: tokens, DSNs, events."""

    gateway: Gateway
    data_dir: str
    issuer_key_path: str = field(init=False)
    _tokens: dict = field(default_factory=dict)

    def __post_init__(self):
        self.issuer_key_path = os.path.join(self.data_dir, "dev-issuer-key.pem")
        self.events = EventStore(self.data_dir)

    @property
    def port(self) -> int:
        return self.gateway.port

    @property
    def http_port(self) -> int:
        return self.gateway.http_address[1] if self.gateway.http_address else 0

    def token(self, sub: str = "alice", groups=("engineers",), **kwargs) -> str:
        key = (sub, tuple(groups), tuple(sorted(kwargs.items())))
        if key not in self._tokens:
            self._tokens[key] = self.gateway.token(sub, groups, **kwargs)
        return self._tokens[key]

    def dsn(self, connection: str = "shop", token: str | None = None, sslmode: str = "require", **extra) -> str:
        return clients.gateway_dsn(self.port, connection, token if token is not None else self.token(),
                                   sslmode=sslmode, **extra)


def connections_for(upstream: UpstreamCluster) -> list:
    host, port = upstream.server.host, upstream.server.port
    return [
        Connection("shop", Upstream(host, port, "shop", "gh_scram", "GH_SCRAM_PASSWORD")),
        Connection("shop_md5", Upstream(host, port, "shop", "gh_md5", "GH_MD5_PASSWORD")),
        Connection("shop_tls", Upstream(host, port, "shop", "gh_tls", "GH_TLS_PASSWORD", sslmode="require")),
        # verify-full: the server's self-signed certificate is its own CA and names 127.0.0.1.
        Connection("shop_verified", Upstream(host, port, "shop", "gh_tls", "GH_TLS_PASSWORD", sslmode="verify-full",
                                             ca_file=os.path.join(upstream.server.data_dir, "server.pem"))),
        # verify-full against a CA that did not sign the server's certificate: must fail closed.
        Connection("shop_wrong_ca", Upstream(host, port, "shop", "gh_tls", "GH_TLS_PASSWORD", sslmode="verify-full",
                                             ca_file=upstream.wrong_ca_file)),
        Connection("bench", Upstream(host, port, "bench", "gh_scram", "GH_SCRAM_PASSWORD")),
    ]


# The demo schema's classification (docs/configuration.md, "Masking"), served as `shop_masked`
# by the main gateway. Support tickets are free text: only what the detectors find is masked.
DEMO_PERSONAL_DATA = [
    {"table": "public.customers", "subject_key": "id", "columns": {
        "full_name": "name", "email": "contact", "phone": "contact", "national_id": "national-id",
        "card_number": "financial", "iban": "financial", "birth_date": "demographic"}},
    {"table": "public.orders", "subject_key": {"column": "customer_id", "of": "public.customers"}},
    {"table": "public.support_tickets", "subject_key": {"column": "customer_id", "of": "public.customers"}, "columns": {
        "subject": "free-text", "body": "free-text",
        "metadata": {"category": "free-text", "json_fields": {
            "$.caller.name": "name", "$.caller.number": "contact", "$.reply_to": "contact", "$.refund.iban": "financial"}}}},
]
DEMO_MASKING = {"categories": {"free-text": "detect"}}


def masked_connection(upstream: UpstreamCluster) -> Connection:
    """`shop` with the demo classification; approval off (these tests are about masking and
    recording; test_approval*.py hold statements on a connection of their own)."""
    return Connection("shop_masked", Upstream(upstream.server.host, upstream.server.port, "shop", "gh_scram",
                                              "GH_SCRAM_PASSWORD"),
                      personal_data=DEMO_PERSONAL_DATA, approval={"mode": "never"})


def start_main_gateway(workdir: str, upstream: UpstreamCluster, oidc: OidcMock | None) -> GatewayUnderTest:
    """TLS listener on 0.0.0.0 (not loopback: cleartext tokens stay refused despite the flag)."""
    directory = os.path.join(workdir, "gateway-main")
    os.makedirs(directory, exist_ok=True)
    cert, key = certs.write_self_signed(directory, "gateway")
    data_dir = os.path.join(directory, "data")
    config = GatewayConfig(
        data_dir=data_dir,
        postgres_address="0.0.0.0",
        postgres_port=free_port("0.0.0.0"),
        http_port=free_port(),
        connections=connections_for(upstream) + [masked_connection(upstream)],
        tls_cert=cert,
        tls_key=key,
        allow_cleartext_token_on_loopback=True,
        max_message_bytes=1024 * 1024,
        issuers=[Issuer(oidc.issuer, [CLIENT_ID], ["RS256"])] if oidc else [],
        masking=DEMO_MASKING,
    )
    gateway = Gateway(directory, config.yaml(), env=upstream.env(), name="gateway-main").start()
    return GatewayUnderTest(gateway, data_dir)


def start_loopback_gateway(workdir: str, upstream: UpstreamCluster) -> GatewayUnderTest:
    """No TLS at all, on 127.0.0.1, cleartext tokens explicitly allowed."""
    directory = os.path.join(workdir, "gateway-loopback")
    os.makedirs(directory, exist_ok=True)
    data_dir = os.path.join(directory, "data")
    config = GatewayConfig(
        data_dir=data_dir,
        postgres_address="127.0.0.1",
        postgres_port=free_port(),
        http_port=free_port(),
        connections=connections_for(upstream),
        allow_cleartext_token_on_loopback=True,
    )
    gateway = Gateway(directory, config.yaml(), env=upstream.env(), name="gateway-loopback").start()
    return GatewayUnderTest(gateway, data_dir)
