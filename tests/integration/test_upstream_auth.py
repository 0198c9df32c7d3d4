"""The gateway's own upstream logins: SCRAM-SHA-256, md5, and TLS to the server."""

import psycopg
import pytest

from harness import pg_log


def _session_facts(gateway, connection):
    with psycopg.connect(gateway.dsn(connection), autocommit=True) as conn:
        user, pid = conn.execute("SELECT current_user, pg_backend_pid()").fetchone()
        ssl = conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()[0]
        customers = conn.execute("SELECT count(*) FROM customers").fetchone()[0]
    return user, pid, ssl, customers


@pytest.mark.parametrize("connection, role, method, ssl", [
    ("shop", "gh_scram", "scram-sha-256", False),
    ("shop_md5", "gh_md5", "md5", False),
    ("shop_tls", "gh_tls", "scram-sha-256", True),
    ("shop_verified", "gh_tls", "scram-sha-256", True),
])
def test_upstream_login(gateway, upstream, connection, role, method, ssl):
    offset = upstream.server.log_size()
    user, pid, session_ssl, customers = _session_facts(gateway, connection)
    assert user == role
    assert customers == 1000
    assert session_ssl is ssl
    entries = pg_log.parse(upstream.server.log_since(offset))
    assert pg_log.authentication_method(entries, pid) == method


def test_client_never_learns_upstream_password(gateway, upstream):
    # The client authenticated with a token; the upstream secret must not be visible in the
    # gateway's output either.
    _session_facts(gateway, "shop")
    output = gateway.gateway.output(limit=10**7)
    for password in upstream.passwords.values():
        assert password not in output


def test_verify_full_with_the_wrong_ca_fails_closed(gateway, upstream):
    # The server's certificate does not chain to the configured CA: the gateway must refuse the
    # session rather than talk to an unverified server, and say why.
    offset = upstream.server.log_size()
    with pytest.raises(psycopg.OperationalError) as failure:
        psycopg.connect(gateway.dsn("shop_wrong_ca"), autocommit=True)
    message = str(failure.value)
    assert "08001" in message or "TLS" in message, message
    assert "TLS handshake with the upstream server failed" in message, message
    # No statement ran and no session was authorized for the client.
    assert "connection authorized" not in upstream.server.log_since(offset)
