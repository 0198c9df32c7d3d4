"""Reloading the configuration without a restart (docs/configuration.md, "Reloading"): SIGHUP or
`gatehouse reload` applies a changed classification, approval and masking to new sessions at once
and to open sessions at their next statement, without dropping them; a broken file is refused with
its line and the running configuration stays; each configuration taken is a ledger event.

Ground truth: the upstream's own rows (read directly) say what an unmasked value is."""

import os
import secrets
import shutil
import signal
import subprocess
import threading

import psycopg
import pytest

from harness import certs, clients, ledger, mcp_client
from harness.approvals_api import api
from harness.events import EventStore
from harness.gateway import Gateway, binary
from harness.gateway_config import Connection, GatewayConfig, GitConnection, KubeConnection, Upstream
from harness.git_repos import clone, make_bare
from harness.git_server import serve_with_credential
from harness.kube_server import KubeStandIn
from harness.ports import free_port

CLASSIFIED = [{"table": "public.customers", "columns": {"full_name": "name"}}]


class Reloadable:
    """One gateway whose file the test rewrites: the same ports and data directory each time."""

    def __init__(self, tmp_path, upstream):
        self.upstream = upstream
        self.directory = str(tmp_path)
        self.ports = (free_port(), free_port())
        self.gateway = Gateway(self.directory, self.yaml(classified=False), env=upstream.env(), name="reload")

    def yaml(self, classified: bool, mcp_writes: bool = False) -> str:
        server = self.upstream.server
        shop = Connection("shop", Upstream(server.host, server.port, "shop", "gh_scram", "GH_SCRAM_PASSWORD"),
                          personal_data=CLASSIFIED if classified else None, approval={"mode": "never"} if classified else None,
                          mcp_writes=mcp_writes)
        return GatewayConfig(data_dir=os.path.join(self.directory, "data"), postgres_address="127.0.0.1",
                             postgres_port=self.ports[0], http_port=self.ports[1], connections=[shop],
                             allow_cleartext_token_on_loopback=True, mcp={"enabled": True}).yaml()

    def write(self, text: str) -> None:
        with open(self.gateway.config_path, "w") as f:
            f.write(text)

    def stderr(self) -> str:
        with open(self.gateway.stderr_path, encoding="utf-8", errors="replace") as f:
            return f.read()


class RunningGateway:
    """What `approvals_api.api` takes: something with the running `gateway`."""

    def __init__(self, gateway: Gateway):
        self.gateway = gateway


@pytest.fixture
def reloadable(tmp_path, upstream):
    running = Reloadable(tmp_path, upstream)
    running.gateway.start()
    yield running
    running.gateway.stop()


def first_name(upstream) -> str:
    with psycopg.connect(upstream.admin_dsn("shop")) as conn:
        return conn.execute("SELECT full_name FROM customers ORDER BY id LIMIT 1").fetchone()[0]


def configuration_events(running: Reloadable) -> list:
    return [e for e in EventStore(os.path.join(running.directory, "data")).since(0) if e.kind == "configuration"]


def test_a_classification_added_by_sighup_masks_open_and_new_sessions(reloadable, upstream):
    gw = reloadable.gateway
    truth = first_name(upstream)
    token = gw.token("agent-rey")
    query = "SELECT full_name FROM customers ORDER BY id LIMIT 1"
    with psycopg.connect(clients.gateway_dsn(gw.port, "shop", token, sslmode="disable"), autocommit=True) as open_session:
        assert open_session.execute(query).fetchone()[0] == truth  # unclassified, and no detector finds a name
        before = len(configuration_events(reloadable))

        reloadable.write(reloadable.yaml(classified=True))
        os.kill(gw.process.pid, signal.SIGHUP)
        assert ledger.wait_until(lambda: "configuration reloaded" in reloadable.stderr(), timeout=10), reloadable.stderr()[-2000:]

        # The open session was not dropped, and its next statement is masked.
        masked = open_session.execute(query).fetchone()[0]
        assert masked != truth and truth not in masked, masked
    # A new session too.
    with psycopg.connect(clients.gateway_dsn(gw.port, "shop", token, sslmode="disable"), autocommit=True) as fresh:
        assert truth not in fresh.execute(query).fetchone()[0]
    # The configuration taken is evidence: one more configuration event, with the file's digest.
    events = configuration_events(reloadable)
    assert len(events) == before + 1 and events[-1].payload["connections"] == ["shop"], events
    assert gw.alive()


def test_a_broken_file_is_refused_with_its_line_and_the_running_configuration_stays(reloadable, upstream):
    gw = reloadable.gateway
    truth = first_name(upstream)
    token = gw.token("agent-sam")
    reloadable.write(reloadable.yaml(classified=True))
    done = subprocess.run([binary(), "reload", "--config", gw.config_path], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **gw.env})
    assert done.returncode == 0 and f"process {gw.process.pid}" in done.stdout, done.stdout + done.stderr
    assert ledger.wait_until(lambda: reloadable.stderr().count("configuration reloaded") == 1, timeout=10)

    # Broken: `gatehouse reload` says where, sends nothing; SIGHUP itself is refused by the gateway.
    good = reloadable.yaml(classified=True)
    broken = good.replace("connections:", "connections:\n  - name: [not, a, name]", 1)
    reloadable.write(broken)
    refused = subprocess.run([binary(), "reload", "--config", gw.config_path], capture_output=True, text=True, timeout=60,
                             env={**os.environ, **gw.env})
    assert refused.returncode != 0 and f"{gw.config_path}:" in refused.stderr, refused.stdout + refused.stderr
    events = len(configuration_events(reloadable))
    os.kill(gw.process.pid, signal.SIGHUP)
    assert ledger.wait_until(lambda: "configuration reload refused" in reloadable.stderr(), timeout=10), reloadable.stderr()[-2000:]
    assert reloadable.stderr().count("configuration reloaded") == 1
    assert len(configuration_events(reloadable)) == events  # nothing taken, nothing recorded
    # Still the classified configuration: masked, and the gateway alive.
    with psycopg.connect(clients.gateway_dsn(gw.port, "shop", token, sslmode="disable"), autocommit=True) as conn:
        assert truth not in conn.execute("SELECT full_name FROM customers ORDER BY id LIMIT 1").fetchone()[0]
    assert gw.alive()


def test_the_mcp_tools_follow_a_reload(reloadable):
    gw = reloadable.gateway
    token = gw.token("agent-mia", username="mia")
    url = mcp_client.endpoint(gw)
    write = {"connection": "shop", "sql": "CREATE TEMP TABLE mcp_reloaded (a int)"}
    refused = mcp_client.call(url, token, "query", write)
    assert refused.is_error and "25006" in refused.content[0].text
    described = mcp_client.call(url, token, "describe", {"connection": "shop", "table": "customers"}).structured_content
    assert all(c["personal_data"] is None for c in described["tables"][0]["columns"])

    reloadable.write(reloadable.yaml(classified=True, mcp_writes=True))
    os.kill(gw.process.pid, signal.SIGHUP)
    assert ledger.wait_until(lambda: "configuration reloaded" in reloadable.stderr(), timeout=10), reloadable.stderr()[-2000:]
    listed = mcp_client.call(url, token, "list_connections", {}).structured_content["connections"]
    assert listed == [{"name": "shop", "type": "postgres", "tools": ["describe", "query"], "writes": True}]
    ran = mcp_client.call(url, token, "query", write)
    assert not ran.is_error, ran.content[0].text
    described = mcp_client.call(url, token, "describe", {"connection": "shop", "table": "customers"}).structured_content
    assert {c["name"]: c["personal_data"] for c in described["tables"][0]["columns"]}["full_name"] == "name"


def test_a_git_repository_classified_by_reload_is_held_from_the_next_request(tmp_path, upstream):
    root = str(tmp_path / "git")
    make_bare(root, "hr/people", files={"README.md": "# people\n"}, commits=1)
    serving = serve_with_credential(root)  # kept: closing the generator stops the server
    server = next(serving)
    try:
        ports = (free_port(), free_port())

        def yaml(classified: bool) -> str:
            git = GitConnection("code", server.base_url, token_env="GH_RELOAD_GIT_TOKEN", username="svc",
                                personal_data_repositories=[{"path": "hr/**", "categories": ["employee"]}] if classified else None,
                                approval={"approver_groups": ["approvers"], "hold_seconds": 30} if classified else None)
            return GatewayConfig(data_dir=str(tmp_path / "data"), postgres_address="127.0.0.1", postgres_port=ports[0],
                                 http_port=ports[1], connections=[], git_connections=[git]).yaml()
        gw = Gateway(str(tmp_path), yaml(classified=False), env={"GH_RELOAD_GIT_TOKEN": server.password}, name="reload-git").start()
        try:
            token = gw.token("agent-gia")
            approver = gw.token("dpo-ida", groups=("engineers", "approvers"))
            url = f"http://127.0.0.1:{gw.http_address[1]}/git/code/hr/people.git"
            args = ["-c", f"http.extraHeader=Authorization: Bearer {token}"]
            assert clone(url, str(tmp_path / "before"), extra_args=args).returncode == 0

            with open(gw.config_path, "w") as f:
                f.write(yaml(classified=True))
            os.kill(gw.process.pid, signal.SIGHUP)
            stderr = lambda: open(gw.stderr_path, encoding="utf-8", errors="replace").read()  # noqa: E731
            assert ledger.wait_until(lambda: "configuration reloaded" in stderr(), timeout=10), stderr()[-2000:]

            # The same clone is now held for approval; denied, it fails and nothing new was fetched.
            result = {}
            worker = threading.Thread(target=lambda: result.setdefault("clone", clone(url, str(tmp_path / "after"), extra_args=args)),
                                      daemon=True)
            worker.start()
            holder = RunningGateway(gw)

            def held():
                status, body = api(holder, approver, "GET", "/api/v1/approvals")
                return next((r for r in body if r.get("repositories") == ["hr/people.git"]), None) if status == 200 else None
            request = ledger.wait_until(held, timeout=20)
            assert request, "the clone was not held after the reload"
            status, _ = api(holder, approver, "POST", f"/api/v1/approvals/{request['id']}/deny", {"reason": "classified now"})
            assert status == 200
            worker.join(60)
            assert result["clone"].returncode != 0 and request["id"] in result["clone"].stderr, result["clone"].stderr
        finally:
            gw.stop()
    finally:
        serving.close()


def test_a_command_refused_by_reload_is_refused_in_the_next_kubectl_exec(tmp_path):
    """The Kubernetes connection gets a new client and rules; an exec after the reload uses them."""
    service_token = secrets.token_urlsafe(32)
    standin = KubeStandIn(service_token, workdir=str(tmp_path / "standin")).start()
    try:
        token_file = tmp_path / "service-account-token"
        token_file.write_text(service_token + "\n")
        cert, key = certs.write_self_signed(str(tmp_path), "gateway")
        ports = (free_port(), free_port())

        def yaml(refused: list) -> str:
            kube = KubeConnection("prod", standin.url, standin.ca_cert, str(token_file), namespaces=["shop"],
                                  commands={"refused": refused} if refused else None)
            return GatewayConfig(data_dir=str(tmp_path / "data"), postgres_address="127.0.0.1", postgres_port=ports[0],
                                 http_port=ports[1], connections=[], http_listener={"tls": {"cert": cert, "key": key}},
                                 kube_connections=[kube]).yaml()
        gw = Gateway(str(tmp_path / "gw"), yaml(refused=[]), name="reload-kube").start()
        try:
            home = tmp_path / "home"
            home.mkdir()
            config = standin.kubeconfig(str(home / "kubeconfig"), token=gw.token("alice"),
                                        server=f"https://127.0.0.1:{gw.http_address[1]}/k8s/prod", ca_cert=cert)
            env = dict(os.environ, HOME=str(home), KUBECONFIG=config)
            pod = "customer-api-7d9f8b6c4-x2k9p"

            def exec_echo():
                return subprocess.run([shutil.which("kubectl") or "kubectl", "exec", pod, "-n", "shop", "--", "echo", "reloaded"],
                                      env=env, capture_output=True, text=True, timeout=60)
            allowed = exec_echo()
            assert allowed.returncode == 0 and allowed.stdout.strip() == "reloaded", allowed.stderr

            with open(gw.config_path, "w") as f:
                f.write(yaml(refused=["echo*"]))
            os.kill(gw.process.pid, signal.SIGHUP)
            stderr = lambda: open(gw.stderr_path, encoding="utf-8", errors="replace").read()  # noqa: E731
            assert ledger.wait_until(lambda: "configuration reloaded" in stderr(), timeout=10), stderr()[-2000:]
            refused = exec_echo()
            assert refused.returncode != 0 and "reloaded" not in refused.stdout and "refused" in refused.stderr, refused.stderr
        finally:
            gw.stop()
    finally:
        standin.stop()
