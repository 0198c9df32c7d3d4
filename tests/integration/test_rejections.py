"""Refused logins: each gets the right SQLSTATE and a clear message, is recorded, and opens
no upstream connection at all."""

import json
import time

import psycopg
import pytest

from harness import jwt_forge, postgres_server
from harness.wire import RawClient, first_error

HOUR = 3600


@pytest.fixture(scope="module")
def forge(gateway):
    """A valid dev token's header and claims, and the issuer's key, to derive bad tokens from."""
    header, claims = jwt_forge.decode(gateway.token("alice"))
    key = jwt_forge.load_private_key(gateway.issuer_key_path)
    return header, claims, key


def _attempt(gateway, upstream, database, password, tls=True):
    """Logs in with a raw client; returns (error fields, upstream connections opened)."""
    before = postgres_server.connections_received(upstream.server.read_log())
    client = RawClient("127.0.0.1", gateway.port)
    try:
        messages = client.login(database, password, tls=tls)
    finally:
        client.close()
    time.sleep(0.5)  # an upstream connection started asynchronously would show up by now
    after = postgres_server.connections_received(upstream.server.read_log())
    return first_error(messages), after - before


def _token_cases(header, claims, key):
    now = int(time.time())
    es256 = lambda **changes: jwt_forge.sign_es256(header, {**claims, **changes}, key)  # noqa: E731
    valid = jwt_forge.sign_es256(header, {**claims, "iat": now, "nbf": now, "exp": now + HOUR}, key)
    return {
        "missing": "",
        "garbage": "not-a-jwt",
        "expired": es256(iat=now - 3 * HOUR, nbf=now - 3 * HOUR, exp=now - 2 * HOUR),
        "not_yet_valid": es256(iat=now, nbf=now + 2 * HOUR, exp=now + 3 * HOUR),
        "wrong_issuer": es256(iss="https://evil.example.com/dev-issuer"),
        "wrong_audience": es256(aud="someone-else"),
        "bad_signature": jwt_forge.tamper_signature(valid),
        "alg_none": jwt_forge.unsigned(header, claims),
        "hs256_with_public_key": jwt_forge.sign_hs256(header, claims, jwt_forge.public_key_pem(key)),
        "foreign_key": jwt_forge.sign_es256(header, claims, _other_key()),
        # JSON parsers disagree on which of two members wins: refused, whichever the gateway's would pick.
        "duplicate_sub": jwt_forge.sign_es256_text(
            json.dumps({**header, "alg": "ES256"}),
            json.dumps({**claims, "iat": now, "nbf": now, "exp": now + HOUR})[:-1] + ', "s\\u0075b": "admin"}', key),
        "duplicate_alg_header": jwt_forge.sign_es256_text(
            json.dumps({**header, "alg": "ES256"})[:-1] + ', "alg": "none"}',
            json.dumps({**claims, "iat": now, "nbf": now, "exp": now + HOUR}), key),
    }


def _other_key():
    from cryptography.hazmat.primitives.asymmetric import ec
    return ec.generate_private_key(ec.SECP256R1())


TOKEN_CASES = ["missing", "garbage", "expired", "not_yet_valid", "wrong_issuer", "wrong_audience",
               "bad_signature", "alg_none", "hs256_with_public_key", "foreign_key", "duplicate_sub", "duplicate_alg_header"]


def test_forged_valid_token_is_accepted(gateway, upstream, forge):
    # Control: the forging itself is right, so the refusals below are about the defect.
    header, claims, key = forge
    now = int(time.time())
    token = jwt_forge.sign_es256(header, {**claims, "iat": now, "nbf": now, "exp": now + HOUR}, key)
    # A first login reads the connection's catalog when it is over a minute old (a second
    # upstream connection): warm it, so the count below is the session's own login.
    _attempt(gateway, upstream, "shop", token)
    error, upstream_connections = _attempt(gateway, upstream, "shop", token)
    assert error is None
    # ...and the measurement used below does see an upstream login when there is one.
    assert upstream_connections == 1


def test_ecdsa_twin_signature_is_the_same_token(gateway, upstream, forge):
    # (r, n - s) verifies whenever (r, s) does; it is accepted on purpose (docs/identity.md, rule
    # 5): it carries the same claims, and nothing keys on a token's bytes.
    header, claims, key = forge
    now = int(time.time())
    token = jwt_forge.sign_es256(header, {**claims, "iat": now, "nbf": now, "exp": now + HOUR}, key)
    for variant in (token, jwt_forge.ecdsa_twin(token)):
        error, _ = _attempt(gateway, upstream, "shop", variant)
        assert error is None, error


def test_session_ends_when_its_token_expires(gateway, upstream, forge):
    header, claims, key = forge
    now = int(time.time())
    token = jwt_forge.sign_es256(header, {**claims, "iat": now, "nbf": now, "exp": now + 3}, key)
    with psycopg.connect(gateway.dsn("shop", token=token), autocommit=True) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        time.sleep(max(0.0, now + 3.5 - time.time()))
        with pytest.raises(psycopg.OperationalError) as refused:
            conn.execute("SELECT count(*) FROM customers")
    assert "the token this session signed in with expired" in str(refused.value)


@pytest.mark.parametrize("case", TOKEN_CASES)
def test_bad_token_refused(gateway, upstream, forge, case):
    token = _token_cases(*forge)[case]
    before = gateway.events.last_seq()
    error, upstream_connections = _attempt(gateway, upstream, "shop", token)
    assert error is not None, "login succeeded"
    assert error["C"] == "28P01", error
    assert error["M"].startswith("gatehouse: token rejected: "), error
    if case.startswith("duplicate_"):
        assert "more than once" in error["M"], error
    assert upstream_connections == 0
    refused = [e for e in gateway.events.since(before) if e.kind == "authentication"]
    assert refused and refused[-1].payload["accepted"] is False and refused[-1].payload.get("reason")
    if token:
        assert token not in str(refused[-1].body), "the token itself must not be recorded"


def test_unknown_connection(gateway, upstream):
    error, upstream_connections = _attempt(gateway, upstream, "no_such_connection", gateway.token("alice"))
    assert error and error["C"] == "3D000", error
    assert "no_such_connection" in error["M"]
    assert upstream_connections == 0


def test_group_not_allowed(gateway, upstream):
    token = gateway.token("mallory", groups=("marketing",))
    before = gateway.events.last_seq()
    error, upstream_connections = _attempt(gateway, upstream, "shop", token)
    assert error and error["C"] == "28000", error
    assert upstream_connections == 0
    refused = [e for e in gateway.events.since(before) if e.kind == "authentication"]
    assert refused and refused[-1].payload["accepted"] is False


@pytest.fixture(scope="module")
def lookalike_gateway(workdir, upstream):
    """Loopback gateway whose connection admits the groups `Kelvin-ops` and `café-team` (é precomposed)."""
    import os
    from harness.gateway import Gateway
    from harness.gateway_config import GatewayConfig
    from harness.ports import free_port
    from harness.stack import connections_for
    connections = [c for c in connections_for(upstream) if c.name == "shop"]
    connections[0].allowed_groups = ["Kelvin-ops", "caf\u00e9-team"]
    directory = os.path.join(workdir, "gateway-lookalike")
    config = GatewayConfig(data_dir=os.path.join(directory, "data"), postgres_address="127.0.0.1", postgres_port=free_port(),
                           http_port=free_port(), connections=connections, allow_cleartext_token_on_loopback=True)
    gateway = Gateway(directory, config.yaml(), env=upstream.env(), name="gateway-lookalike").start()
    yield gateway
    gateway.stop()


@pytest.mark.parametrize("group,admitted", [
    ("Kelvin-ops", True), ("caf\u00e9-team", True),
    ("\u212aelvin-ops", False),  # KELVIN SIGN: canonically equivalent to K, another group here
    ("cafe\u0301-team", False),  # e + combining acute: canonically equivalent to é
])
def test_lookalike_group_names_are_other_groups(lookalike_gateway, upstream, group, admitted):
    token = lookalike_gateway.token("mallory", groups=(group,))
    before = postgres_server.connections_received(upstream.server.read_log())
    client = RawClient("127.0.0.1", lookalike_gateway.port)
    try:
        messages = client.login("shop", token, tls=False)
    finally:
        client.close()
    time.sleep(0.5)
    opened = postgres_server.connections_received(upstream.server.read_log()) - before
    error = first_error(messages)
    if admitted:
        assert error is None and opened >= 1, (error, opened)
    else:
        assert error and error["C"] == "28000", error
        assert opened == 0, "a refused login opened an upstream connection"


def test_cleartext_token_refused_on_non_loopback_listener(gateway, upstream):
    # The main listener binds 0.0.0.0, so the loopback allowance does not apply to it.
    error, upstream_connections = _attempt(gateway, upstream, "shop", gateway.token("alice"), tls=False)
    assert error and error["C"] == "28000", error
    assert "TLS" in error["M"], error
    assert upstream_connections == 0


def test_cleartext_token_refused_via_libpq(gateway):
    with pytest.raises(psycopg.OperationalError) as failure:
        psycopg.connect(gateway.dsn("shop", sslmode="disable"), connect_timeout=10).close()
    assert "TLS" in str(failure.value)


def test_libpq_shows_token_rejection_message(gateway):
    with pytest.raises(psycopg.OperationalError) as failure:
        psycopg.connect(gateway.dsn("shop", token="not-a-jwt"), connect_timeout=10).close()
    assert "gatehouse: token rejected: " in str(failure.value)


def test_cleartext_token_accepted_on_loopback_listener_with_flag(loopback_gateway):
    with psycopg.connect(loopback_gateway.dsn("shop", sslmode="disable"), connect_timeout=10) as conn:
        assert conn.execute("SELECT count(*) FROM products").fetchone()[0] == 60
        assert conn.pgconn.ssl_in_use is False


def test_client_text_cannot_forge_log_lines(gateway, upstream):
    """An unauthenticated client names a database with a line break and a bidirectional override:
    the gateway's log keeps it on one line, escaped."""
    forged = "gatehouse: ready FORGED"
    _attempt(gateway, upstream, f"nosuch\n2026-12-06T00:00:00+0000 info {forged}\u202e", "not-a-token")
    time.sleep(0.5)
    with open(gateway.gateway.stderr_path, encoding="utf-8", errors="replace") as log:
        lines = log.read().splitlines()
    assert not [line for line in lines if line.startswith("2026-12-06T00:00:00")], "a client forged a log line"
    escaped = [line for line in lines if forged in line]
    assert escaped and all("\\u{A}" in line and "\\u{202E}" in line for line in escaped), escaped
