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
