"""Reloading the configuration without a restart (docs/configuration.md, "Reloading"): SIGHUP or
`gatehouse reload` applies a changed classification, approval and masking to new sessions at once
and to open sessions at their next statement, without dropping them; a broken file is refused with
its line and the running configuration stays; each configuration taken is a ledger event.

Ground truth: the upstream's own rows (read directly) say what an unmasked value is."""

import os
import signal
import subprocess

import psycopg
import pytest

from harness import clients, ledger
from harness.events import EventStore
from harness.gateway import Gateway, binary
from harness.gateway_config import Connection, GatewayConfig, Upstream
from harness.ports import free_port

CLASSIFIED = [{"table": "public.customers", "columns": {"full_name": "name"}}]


class Reloadable:
    """One gateway whose file the test rewrites: the same ports and data directory each time."""

    def __init__(self, tmp_path, upstream):
        self.upstream = upstream
        self.directory = str(tmp_path)
        self.ports = (free_port(), free_port())
        self.gateway = Gateway(self.directory, self.yaml(classified=False), env=upstream.env(), name="reload")

    def yaml(self, classified: bool) -> str:
        server = self.upstream.server
        shop = Connection("shop", Upstream(server.host, server.port, "shop", "gh_scram", "GH_SCRAM_PASSWORD"),
                          personal_data=CLASSIFIED if classified else None, approval={"mode": "never"} if classified else None)
        return GatewayConfig(data_dir=os.path.join(self.directory, "data"), postgres_address="127.0.0.1",
                             postgres_port=self.ports[0], http_port=self.ports[1], connections=[shop],
                             allow_cleartext_token_on_loopback=True).yaml()

    def write(self, text: str) -> None:
        with open(self.gateway.config_path, "w") as f:
            f.write(text)

    def stderr(self) -> str:
        with open(self.gateway.stderr_path, encoding="utf-8", errors="replace") as f:
            return f.read()


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
