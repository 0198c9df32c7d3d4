"""Writing a Gatehouse YAML configuration (docs/configuration.md) from plain Python values.

Strings are emitted as JSON strings, which YAML reads as double-quoted scalars, so no YAML
library is needed and nothing is left to YAML's implicit typing. Nested sections given as
plain dicts and lists (`personal_data`, `masking`) are emitted as JSON, i.e. YAML flow style.
"""

import json
from dataclasses import dataclass, field


@dataclass
class Upstream:
    host: str
    port: int
    database: str
    user: str
    password_env: str | None = None
    sslmode: str = "disable"
    ca_file: str | None = None
    # The role approved statements run as (the database backstop, docs/security.md).
    approved_role: str | None = None
    # Most tests log in as the database owner, which can read every classified column: without
    # the backstop Gatehouse refuses that unless the risk is accepted with a reason. None: not accepted.
    accept_risk: str | None = "test harness: the upstream role owns the tables; the gateway's analysis is the layer under test"
    login_timeout_seconds: int | None = None


@dataclass
class Connection:
    name: str
    upstream: Upstream
    allowed_groups: list = field(default_factory=lambda: ["engineers"])
    # The data classification: [{"table": "public.customers", "columns": {"email": "contact"}},
    # {"table": "public.notes", "category": "free-text"}].
    personal_data: list | None = None
    # This connection's overrides of the global masking rules: {"strategies": ..., "categories": ...}.
    masking: dict | None = None
    # This connection's `retention_days` (how long its sealed ledger fields stay readable).
    retention_days: int | None = None
    # The `approval` section ({"mode": "personal-data", "approver_groups": ["dpo"], ...}); None
    # leaves Gatehouse's default (personal-data when personal_data is set).
    approval: dict | None = None
    # `mcp_writes: true`: the MCP query tool may run statements that write.
    mcp_writes: bool = False


@dataclass
class BlobConnection:
    """A `type: azure-blob` connection (docs/blob.md): the account URL, its name and the
    environment variable holding its key (or an `entra_id` section, or `sas_env` naming the
    variable holding a SAS, instead), and the rest of the entry as plain values."""
    name: str
    account_url: str
    account_name: str | None
    key_env: str | None
    allowed_groups: list = field(default_factory=lambda: ["engineers"])
    entra_id: dict | None = None
    sas_env: str | None = None
    read_write_groups: list | None = None
    operations: list | None = None
    personal_data: list | None = None
    upload_scan: str | None = None
    approval: dict | None = None

    def yaml_lines(self) -> list:
        q = json.dumps
        lines = [f"  - name: {q(self.name)}", "    type: azure-blob", "    upstream:", f"      account_url: {q(self.account_url)}"]
        if self.entra_id is not None:
            lines.append(f"      entra_id: {q(self.entra_id)}")
        elif self.sas_env is not None:
            lines.append(f"      sas_env: {q(self.sas_env)}")
        else:
            lines += [f"      account_name: {q(self.account_name)}", f"      key_env: {q(self.key_env)}"]
        lines.append(f"    allowed_groups: {q(self.allowed_groups)}")
        for key in ("read_write_groups", "operations", "personal_data", "upload_scan", "approval"):
            value = getattr(self, key)
            if value is not None:
                lines.append(f"    {key}: {q(value)}")
        return lines


@dataclass
class KubeConnection:
    """A `type: kubernetes` connection (docs/kubernetes.md): the API server, its CA file, the file
    holding the gateway's token, and the rest of the entry as plain values."""
    name: str
    api_server: str
    ca_file: str
    token_file: str
    namespaces: list
    allowed_groups: list = field(default_factory=lambda: ["engineers"])
    operations: list | None = None
    personal_data: list | None = None
    commands: dict | None = None
    approval: dict | None = None

    def yaml_lines(self) -> list:
        q = json.dumps
        lines = [f"  - name: {q(self.name)}", "    type: kubernetes", "    upstream:", f"      api_server: {q(self.api_server)}",
                 f"      ca_file: {q(self.ca_file)}", f"      token_file: {q(self.token_file)}",
                 f"    allowed_groups: {q(self.allowed_groups)}", f"    namespaces: {q(self.namespaces)}"]
        for key in ("operations", "personal_data", "commands", "approval"):
            value = getattr(self, key)
            if value is not None:
                lines.append(f"    {key}: {q(value)}")
        return lines


@dataclass
class GitConnection:
    """A `type: git` connection: the upstream's base URL, its credential (basic as `username`
    with the token from `token_env`, or none), the push rules section, and optionally the
    repositories classified as personal data and the approval section."""
    name: str
    url: str
    token_env: str | None = None
    username: str = "gatehouse"
    allowed_groups: list = field(default_factory=lambda: ["engineers"])
    push: dict | None = None
    personal_data_repositories: list | None = None
    approval: dict | None = None

    def yaml_lines(self) -> list:
        q = json.dumps
        upstream = {"url": self.url}
        if self.token_env:
            upstream.update({"authentication": "basic", "username": self.username, "token_env": self.token_env})
        else:
            upstream["authentication"] = "none"
        lines = [f"  - name: {q(self.name)}", "    type: git", f"    upstream: {q(upstream)}",
                 f"    allowed_groups: {q(self.allowed_groups)}"]
        if self.push is not None:
            lines.append(f"    push: {q(self.push)}")
        if self.personal_data_repositories is not None:
            lines.append(f"    personal_data_repositories: {q(self.personal_data_repositories)}")
        if self.approval is not None:
            lines.append(f"    approval: {q(self.approval)}")
        return lines


@dataclass
class Issuer:
    issuer: str
    audiences: list
    algorithms: list = field(default_factory=lambda: ["RS256", "ES256"])


@dataclass
class GatewayConfig:
    data_dir: str
    postgres_address: str
    postgres_port: int
    http_port: int
    connections: list
    tls_cert: str | None = None
    tls_key: str | None = None
    allow_cleartext_token_on_loopback: bool = False
    max_message_bytes: int | None = None
    issuers: list = field(default_factory=list)
    dev_issuer_audience: str = "gatehouse"
    # The dev issuer is served on loopback HTTP listeners only: False for any other address.
    dev_issuer: bool = True
    http_address: str = "127.0.0.1"
    # The global `masking` section (key_env/key_file, detectors, strategies, categories,
    # custom_patterns, dictionaries); None leaves every default.
    masking: dict | None = None
    # The `ledger` section ({"checkpoint_sink": {"directory": path}, "retention_days": N, ...});
    # None leaves every default.
    ledger: dict | None = None
    # The `notifications` list ([{"name": ..., "kind": "webhook", "url": ..., "secret_env": ...}]).
    notifications: list | None = None
    # The `web` section ({"login": {"issuer": ..., "client_id": ...}, "auditor_groups": [...], ...}).
    web: dict | None = None
    # The ledger's per-source allowance of individually recorded refused logins. The tests
    # refuse many logins from 127.0.0.1 and check each one's record, so it is high here;
    # None leaves Gatehouse's default (test_attack_ledger_flood.py tests that).
    refused_logins_per_minute: int | None = 1_000_000
    # `type: git` entries of `connections` (GitConnection).
    git_connections: list = field(default_factory=list)
    # `type: azure-blob` entries of `connections` (BlobConnection).
    blob_connections: list = field(default_factory=list)
    kube_connections: list = field(default_factory=list)
    # Further `listeners.postgres` and `listeners.http` keys ({"authentication_timeout_seconds": 2}).
    postgres_listener: dict = field(default_factory=dict)
    http_listener: dict = field(default_factory=dict)
    # The `store` section ({"type": "postgres", "host": ..., ...}); None: the embedded default.
    store: dict | None = None
    # The `mcp` section ({"enabled": True, "max_rows": 50}); None leaves the endpoint off.
    mcp: dict | None = None

    def yaml(self) -> str:
        q = json.dumps
        lines = [f"data_dir: {q(self.data_dir)}", "", "listeners:", "  postgres:",
                 f"    address: {q(self.postgres_address)}", f"    port: {self.postgres_port}"]
        if self.tls_cert:
            lines += ["    tls:", f"      cert: {q(self.tls_cert)}", f"      key: {q(self.tls_key)}"]
        lines.append(f"    allow_cleartext_token_on_loopback: {'true' if self.allow_cleartext_token_on_loopback else 'false'}")
        if self.max_message_bytes is not None:
            lines.append(f"    max_message_bytes: {self.max_message_bytes}")
        lines += [f"    {key}: {q(value)}" for key, value in self.postgres_listener.items()]
        lines += ["  http:", f"    address: {q(self.http_address)}", f"    port: {self.http_port}"]
        lines += [f"    {key}: {q(value)}" for key, value in self.http_listener.items()]
        lines += ["", "identity:"]
        if self.issuers:
            lines.append("  issuers:")
            for issuer in self.issuers:
                lines += [f"    - issuer: {q(issuer.issuer)}",
                          f"      audiences: [{', '.join(q(a) for a in issuer.audiences)}]",
                          f"      algorithms: [{', '.join(issuer.algorithms)}]"]
        if self.dev_issuer:
            lines += ["  dev_issuer:", "    enabled: true", f"    audience: {q(self.dev_issuer_audience)}"]
        lines += ["", "connections:"]
        for connection in self.connections:
            upstream = connection.upstream
            lines += [f"  - name: {q(connection.name)}", "    type: postgres", "    upstream:",
                      f"      host: {q(upstream.host)}", f"      port: {upstream.port}",
                      f"      database: {q(upstream.database)}", f"      user: {q(upstream.user)}"]
            if upstream.password_env:
                lines.append(f"      password_env: {q(upstream.password_env)}")
            if upstream.ca_file:
                lines.append(f"      ca_file: {q(upstream.ca_file)}")
            if upstream.approved_role:
                lines.append(f"      approved_role: {q(upstream.approved_role)}")
            if upstream.accept_risk:
                lines.append(f"      accept_risk: {q(upstream.accept_risk)}")
            if upstream.login_timeout_seconds is not None:
                lines.append(f"      login_timeout_seconds: {upstream.login_timeout_seconds}")
            lines += [f"      sslmode: {upstream.sslmode}",
                      f"    allowed_groups: [{', '.join(q(g) for g in connection.allowed_groups)}]"]
            if connection.personal_data is not None:
                lines.append(f"    personal_data: {q(connection.personal_data)}")
            if connection.masking is not None:
                lines.append(f"    masking: {q(connection.masking)}")
            if connection.retention_days is not None:
                lines.append(f"    retention_days: {connection.retention_days}")
            if connection.approval is not None:
                lines.append(f"    approval: {q(connection.approval)}")
            if connection.mcp_writes:
                lines.append("    mcp_writes: true")
        for git in self.git_connections:
            lines += git.yaml_lines()
        for blob in self.blob_connections:
            lines += blob.yaml_lines()
        for cluster in self.kube_connections:
            lines += cluster.yaml_lines()
        if self.masking is not None:
            lines += ["", f"masking: {q(self.masking)}"]
        ledger = dict(self.ledger or {})
        if self.refused_logins_per_minute is not None:
            ledger.setdefault("refused_logins_per_source_per_minute", self.refused_logins_per_minute)
        if ledger:
            lines += ["", f"ledger: {q(ledger)}"]
        if self.notifications is not None:
            lines += ["", f"notifications: {q(self.notifications)}"]
        if self.web is not None:
            lines += ["", f"web: {q(self.web)}"]
        if self.store is not None:
            lines += ["", f"store: {q(self.store)}"]
        if self.mcp is not None:
            lines += ["", f"mcp: {q(self.mcp)}"]
        return "\n".join(lines) + "\n"
