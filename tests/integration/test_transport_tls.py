"""The PostgreSQL listener's TLS policy: TLS 1.2 or 1.3, and for TLS 1.2 only forward-secret AEAD
cipher suites (docs/security.md). Each refusal is checked against a control: the same client
negotiates the refused version or suite with a local server that allows it, so a refusal is the
gateway's doing and not the client's inability."""

import socket
import ssl
import struct
import threading
import warnings

import pytest

from harness import certs

SSL_REQUEST = struct.pack("!ii", 8, 80877103)
OLD = "ALL:@SECLEVEL=0"  # lets the client offer what modern defaults leave out


def client_context(version=None, ciphers=OLD) -> ssl.SSLContext:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        if version is not None:
            context.minimum_version = context.maximum_version = version
        context.set_ciphers(ciphers)
    return context


def handshake(sock: socket.socket, context: ssl.SSLContext):
    """(protocol, cipher) on success, None when the handshake is refused."""
    try:
        with context.wrap_socket(sock) as tls:
            return tls.version(), tls.cipher()[0]
    except (ssl.SSLError, ConnectionError):
        return None
    finally:
        sock.close()


def to_gateway(gateway, context):
    sock = socket.create_connection(("127.0.0.1", gateway.port), timeout=10)
    sock.sendall(SSL_REQUEST)
    assert sock.recv(1) == b"S"
    return handshake(sock, context)


@pytest.fixture(scope="module")
def permissive_server(tmp_path_factory):
    """A local TLS server that accepts anything the client offers: the control."""
    directory = str(tmp_path_factory.mktemp("tls-control"))
    cert, key = certs.write_self_signed(directory, "control")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.set_ciphers(OLD)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            try:
                context.wrap_socket(conn, server_side=True).close()
            except (ssl.SSLError, OSError):
                conn.close()
    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()


def to_control(port, context):
    return handshake(socket.create_connection(("127.0.0.1", port), timeout=10), context)


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1], ids=["TLS 1.0", "TLS 1.1"])
def test_old_tls_versions_are_refused(gateway, permissive_server, version):
    assert to_control(permissive_server, client_context(version)) is not None, "the client cannot offer this version here"
    assert to_gateway(gateway, client_context(version)) is None


# The gateway's certificate in the harness is ECDSA, so every suite it could pick is ECDHE:
# these are the CBC (non-AEAD) ones.
@pytest.mark.parametrize("cipher", ["ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA", "ECDHE-ECDSA-AES256-SHA384"])
def test_tls12_suites_without_aead_are_refused(gateway, permissive_server, cipher):
    context = lambda: client_context(ssl.TLSVersion.TLSv1_2, f"{cipher}:@SECLEVEL=0")
    assert to_control(permissive_server, context()) == ("TLSv1.2", cipher), "the client cannot offer this suite here"
    assert to_gateway(gateway, context()) is None


def test_modern_tls_is_accepted(gateway):
    for cipher in ("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"):
        assert to_gateway(gateway, client_context(ssl.TLSVersion.TLSv1_2, cipher)) == ("TLSv1.2", cipher)
    assert to_gateway(gateway, client_context(ssl.TLSVersion.TLSv1_3, "DEFAULT"))[0] == "TLSv1.3"


# --- The HTTP listener without TLS: credentials from loopback clients only -----------------------

@pytest.fixture(scope="module")
def dual_stack_gateway(workdir, upstream, oidc_mock):
    """Plain HTTP on `::`. An IPv4 client then arrives as ::ffff:127.0.0.1, which Gatehouse does
    not count as loopback (only unambiguous spellings are): the non-loopback path, on one machine."""
    import os
    from harness.gateway import Gateway
    from harness.gateway_config import GatewayConfig, Issuer
    from harness.oidc_mock import CLIENT_ID
    from harness.ports import free_port
    from harness.stack import connections_for
    directory = os.path.join(workdir, "gateway-dual-stack")
    config = GatewayConfig(data_dir=os.path.join(directory, "data"), postgres_address="127.0.0.1", postgres_port=free_port(),
                           http_port=free_port(), http_address="::", dev_issuer=False, connections=connections_for(upstream),
                           issuers=[Issuer(oidc_mock.issuer, [CLIENT_ID], ["RS256"])])
    gateway = Gateway(directory, config.yaml(), env=upstream.env(), name="gateway-dual-stack").start()
    yield gateway
    gateway.stop()


def http_get(port: int, path: str, headers: dict | None = None) -> tuple[int, str]:
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read().decode(errors="replace")
    connection.close()
    return response.status, body


@pytest.mark.parametrize("path", ["/api/v1/approvals", "/git/shop/repo.git/info/refs?service=git-upload-pack", "/ui/approvals"])
def test_credentials_over_plain_http_off_loopback_are_refused(dual_stack_gateway, path):
    status, body = http_get(dual_stack_gateway.http_address[1], path, {"Authorization": "Bearer some.token.here"})
    assert status == 403 and "configure listeners.http.tls" in body, (status, body)


def test_health_check_stays_open_off_loopback(dual_stack_gateway):
    assert http_get(dual_stack_gateway.http_address[1], "/healthz") == (200, "ok\n")


def test_loopback_client_on_plain_http_reaches_the_api(loopback_gateway):
    # Control: the same request on a 127.0.0.1 listener gets to the API, which judges the token.
    status, body = http_get(loopback_gateway.gateway.http_address[1], "/api/v1/approvals", {"Authorization": "Bearer some.token.here"})
    assert status == 401, (status, body)
