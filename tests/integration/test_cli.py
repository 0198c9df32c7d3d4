"""The command line: check-config's verdicts and the dev issuer's published keys."""

import json
import os
import re
import signal
import socket
import subprocess
import urllib.request

import psycopg
import pytest

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from harness import jwt_forge, stack
from harness.gateway import Gateway, binary
from harness.gateway_config import GatewayConfig, GitConnection
from harness.ports import free_port


def _check_config(path, env):
    # The environment carries the upstream password variables the file names.
    return subprocess.run([binary(), "check-config", path], capture_output=True, text=True, timeout=60, env=env)


def test_check_config_accepts_the_test_configuration(gateway):
    result = _check_config(gateway.gateway.config_path, gateway.gateway.env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip()


def test_check_config_names_file_line_and_key(gateway, tmp_path):
    text = open(gateway.gateway.config_path).read()
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("sslmode:"))
    lines[index] = lines[index].split(":")[0] + ": maybe"
    bad = tmp_path / "bad.yaml"
    bad.write_text("\n".join(lines) + "\n")
    result = _check_config(str(bad), gateway.gateway.env)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    match = re.search(rf"{re.escape(str(bad))}:(\d+):(\d+): (\S+): ", output)
    assert match, output
    assert int(match.group(1)) == index + 1
    assert "sslmode" in match.group(3)


def test_check_config_rejects_unknown_keys(gateway, tmp_path):
    bad = tmp_path / "typo.yaml"
    bad.write_text(open(gateway.gateway.config_path).read().replace("allowed_groups:", "allowed_group:", 1))
    result = _check_config(str(bad), gateway.gateway.env)
    assert result.returncode != 0
    assert re.search(r"typo\.yaml:\d+:\d+: .*allowed_group", result.stdout + result.stderr)


def test_dev_issuer_publishes_discovery_and_jwks(gateway):
    token = gateway.token("alice", username="alice.a", agent="cursor")
    header, claims = jwt_forge.decode(token)
    issuer = f"http://127.0.0.1:{gateway.http_port}/dev-issuer"
    assert claims["iss"] == issuer
    assert claims["aud"] in ("gatehouse", ["gatehouse"])
    assert {"sub", "iss", "aud", "exp", "iat", "nbf", "groups", "preferred_username", "azp"} <= set(claims)
    assert (claims["preferred_username"], claims["azp"], claims["groups"]) == ("alice.a", "cursor", ["engineers"])
    with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=10) as response:
        discovery = json.load(response)
    assert discovery["issuer"] == issuer
    with urllib.request.urlopen(discovery["jwks_uri"], timeout=10) as response:
        keys = json.load(response)["keys"]
    key = next(k for k in keys if k.get("kid") == header.get("kid")) if header.get("kid") else keys[0]
    assert key["kty"] == "EC" and key["crv"] == "P-256"
    public = ec.EllipticCurvePublicNumbers(
        int.from_bytes(jwt_forge.b64url_decode(key["x"]), "big"),
        int.from_bytes(jwt_forge.b64url_decode(key["y"]), "big"), ec.SECP256R1()).public_key()
    signing_input, signature = token.rsplit(".", 1)
    raw = jwt_forge.b64url_decode(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public.verify(der, signing_input.encode(), ec.ECDSA(hashes.SHA256()))  # raises if invalid
    assert os.path.exists(gateway.issuer_key_path)


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_serve_stops_on_signal(upstream, signal_number, tmp_path):
    under_test = stack.start_loopback_gateway(str(tmp_path), upstream)
    process = under_test.gateway.process
    with psycopg.connect(under_test.dsn("shop", sslmode="disable")) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    process.send_signal(signal_number)
    try:
        assert process.wait(10) == 0
    finally:
        under_test.gateway.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", under_test.port), timeout=2).close()
    # A clean stop is not an error: nothing at error level (Hummingbird used to log the
    # cancelled listener as "error ... Waiting on child channel: CancellationError()").
    errors = [line for line in under_test.gateway.output(100_000).splitlines() if re.search(r"\b(error|critical)\b", line)]
    assert not errors, "\n".join(errors)


def test_serve_on_a_port_in_use_fails_cleanly(gateway):
    # A second gateway with the same configuration cannot bind: it must say so and exit 1,
    # not crash, and the running gateway keeps serving.
    env = dict(gateway.gateway.env, SWIFT_BACKTRACE="enable=no")
    result = subprocess.run([binary(), "serve", "--config", gateway.gateway.config_path],
                            capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "cannot listen for PostgreSQL clients on 0.0.0.0:" in result.stderr, result.stderr
    assert "Fatal error" not in result.stderr, result.stderr
    with psycopg.connect(gateway.dsn("shop"), autocommit=True) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_without_postgres_connections_the_postgres_port_is_not_bound(tmp_path):
    """A gateway for HTTP protocols only (Git, Blob, Kubernetes) does not open 6432 or any port
    it would only refuse on."""
    postgres_port = free_port()
    config = GatewayConfig(data_dir=str(tmp_path / "data"), postgres_address="127.0.0.1", postgres_port=postgres_port,
                           http_port=free_port(), connections=[],
                           git_connections=[GitConnection("code", "http://127.0.0.1:9/git")])
    gw = Gateway(str(tmp_path), config.yaml(), name="http-only").start()
    try:
        assert "gatehouse: postgres listener off (no postgres connections)" in gw.output()
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", postgres_port), timeout=2).close()
        with urllib.request.urlopen(f"http://127.0.0.1:{gw.http_address[1]}/healthz", timeout=5) as response:
            assert response.status == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{gw.http_address[1]}/readyz", timeout=5) as response:
            body = json.loads(response.read())
        assert response.status == 200 and body["ready"] and body["checks"]["ledger"]["ok"], body
        assert body["checks"]["listeners"]["detail"] == "http (no postgres connections)", body
    finally:
        gw.stop()


def test_check_config_describes_a_kubernetes_connection(gateway, tmp_path):
    text = open(gateway.gateway.config_path).read().rstrip("\n")
    assert "\nconnections:\n" in text
    cluster = ("  - name: prod\n    type: kubernetes\n    upstream:\n      api_server: https://10.0.0.1:6443\n"
               "      token_env: K8S_TOKEN\n    allowed_groups: [engineers]\n    namespaces: [shop]\n"
               "    personal_data:\n      - {namespace: shop, pods: \"db-*\", category: customer-records}\n")
    path = tmp_path / "with-cluster.yaml"
    path.write_text(text.replace("\nconnections:\n", "\nconnections:\n" + cluster, 1) + "\n")
    env = dict(gateway.gateway.env, K8S_TOKEN="not-a-real-token")
    checked = subprocess.run([binary(), "check-config", "--offline", str(path)], capture_output=True, text=True, timeout=60, env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "prod (kubernetes)" in checked.stdout and "shop/db-*: customer-records" in checked.stdout, checked.stdout
    # Without the token the gateway would authenticate to the cluster with, check-config says so.
    env.pop("K8S_TOKEN")
    missing = subprocess.run([binary(), "check-config", "--offline", str(path)], capture_output=True, text=True, timeout=60, env=env)
    assert missing.returncode != 0 and "connection 'prod': upstream token" in missing.stdout + missing.stderr


def test_init_writes_a_starter_configuration_that_checks_once_its_files_and_secrets_exist(tmp_path):
    config = tmp_path / "gatehouse.yaml"
    written = subprocess.run([binary(), "init", "--output", str(config)], capture_output=True, text=True, timeout=60)
    assert written.returncode == 0 and "check-config" in written.stdout, written.stdout + written.stderr
    text = config.read_text()
    # The production shape the issue asks for: Entra ID with group claims, TLS, classification, approval.
    for expected in ("login.microsoftonline.com", "groups_claim: groups", "tls:", "personal_data:", "approver_groups:",
                     "sslmode: verify-full"):
        assert expected in text, expected
    assert os.stat(config).st_mode & 0o077 == 0o040  # readable by the group it is deployed with, nobody else

    env = {**os.environ, "GATEHOUSE_PG_PASSWORD": "x", "GATEHOUSE_UI_CLIENT_SECRET": "y",
           "GATEHOUSE_LEDGER_MASTER_KEY": os.urandom(32).hex(), "GATEHOUSE_MASKING_KEY": os.urandom(32).hex()}
    # Without the TLS files it names, the check says which one is missing.
    missing = subprocess.run([binary(), "check-config", "--offline", str(config)], capture_output=True, text=True, env=env, timeout=60)
    assert missing.returncode != 0 and "certs/gateway.pem" in missing.stdout + missing.stderr, missing.stdout + missing.stderr
    (tmp_path / "certs").mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(tmp_path / "certs/gateway.key"), "-out", str(tmp_path / "certs/gateway.pem"), "-days", "1",
                    "-subj", "/CN=gatehouse.example.com"], check=True, capture_output=True, timeout=60)
    checked = subprocess.run([binary(), "check-config", "--offline", str(config)], capture_output=True, text=True, env=env, timeout=60)
    assert checked.returncode == 0 and "gatehouse.yaml: OK" in checked.stdout, checked.stdout + checked.stderr
    assert "approval: personal-data; approvers dpo" in checked.stdout

    # An existing file is never overwritten unless asked.
    config.write_text(text + "# edited\n")
    again = subprocess.run([binary(), "init", "--output", str(config)], capture_output=True, text=True, timeout=60)
    assert again.returncode != 0 and "exists; nothing was written" in again.stderr + again.stdout
    assert config.read_text().endswith("# edited\n")
    forced = subprocess.run([binary(), "init", "--output", str(config), "--force"], capture_output=True, text=True, timeout=60)
    assert forced.returncode == 0 and config.read_text() == text


def test_json_logs_are_one_object_per_line_and_client_text_cannot_forge_one(upstream, tmp_path):
    config = GatewayConfig(data_dir=str(tmp_path / "data"), postgres_address="127.0.0.1", postgres_port=free_port(),
                           http_port=free_port(), connections=stack.connections_for(upstream), allow_cleartext_token_on_loopback=True)
    gw = Gateway(str(tmp_path), config.yaml(), env=upstream.env(), name="json-logs",
                 serve_args=["--log-format", "json", "--log-level", "debug"]).start()
    forged = 'x"}\n{"level":"critical","message":"forged line","label":"gatehouse"}\n'
    try:
        token = gw.token("agent-json")
        with psycopg.connect(host="127.0.0.1", port=gw.port, dbname="shop", user="agent", password=token, sslmode="disable",
                             application_name=forged[:60]) as conn:
            conn.execute("SELECT 1").fetchall()
        with pytest.raises(psycopg.Error):
            psycopg.connect(host="127.0.0.1", port=gw.port, dbname=forged[:60], user="agent", password="not-a-token",
                            sslmode="disable", connect_timeout=10).close()
    finally:
        gw.stop()
    with open(gw.stderr_path, encoding="utf-8") as log:
        lines = [line for line in log.read().splitlines() if line.strip()]
    assert len(lines) >= 3, lines
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    for record in records:
        assert {"time", "level", "label", "message", "source"} <= record.keys(), record
        assert record["level"] in ("trace", "debug", "info", "notice", "warning", "error", "critical"), record
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["time"]), record
    # The client's text did reach a log line (the refused login names the database it asked for)...
    assert any("forged line" in line for line in lines)
    # ...inside a value, never as a line of its own.
    assert not [r for r in records if r["message"] == "forged line"], "a client's text became a log line of its own"
    assert any(r["message"] == "ledger store open" and "metadata" in r for r in records), records[:3]
