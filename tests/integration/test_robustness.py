"""What an unauthenticated or misbehaving client can do to the process (issue 16): it cannot
hold connections open forever, make the gateway buffer large messages before it is anyone, use
up the file descriptors, or make a frozen upstream hang everyone's login. Each gateway here is
started with short timeouts so the suite stays quick; the defaults are in docs/security.md."""

import os
import signal
import socket
import struct
import threading
import time

import psycopg
import pytest

from harness import certs
from harness.gateway import Gateway
from harness.gateway_config import Connection, GatewayConfig, Upstream
from harness.ports import free_port
from harness.postgres_server import PostgresServer
from harness.stack import connections_for
from harness.wire import RawClient, error_fields, message, startup_packet

AUTH_TIMEOUT = 2
HTTP_IDLE_TIMEOUT = 2


def _start(workdir, name, connections, env, *, tls=False, command_prefix=None, postgres_listener=None, http_listener=None):
    directory = os.path.join(workdir, name)
    os.makedirs(directory, exist_ok=True)
    cert, key = certs.write_self_signed(directory, "gateway") if tls else (None, None)
    config = GatewayConfig(
        data_dir=os.path.join(directory, "data"), postgres_address="127.0.0.1", postgres_port=free_port(),
        http_port=free_port(), connections=connections, tls_cert=cert, tls_key=key,
        allow_cleartext_token_on_loopback=True,
        postgres_listener=postgres_listener or {}, http_listener=http_listener or {})
    return Gateway(directory, config.yaml(), env=env, name=name, command_prefix=command_prefix).start()


@pytest.fixture(scope="module")
def strict(workdir, upstream):
    """TLS PostgreSQL listener, 2 s authentication timeout, 2 s HTTP idle timeout."""
    gateway = _start(workdir, "gateway-strict", connections_for(upstream), upstream.env(), tls=True,
                     postgres_listener={"authentication_timeout_seconds": AUTH_TIMEOUT},
                     http_listener={"idle_timeout_seconds": HTTP_IDLE_TIMEOUT})
    yield gateway
    gateway.stop()


def _closed_within(sock: socket.socket, seconds: float) -> tuple[bool, bytes, float]:
    """(closed, bytes received, elapsed) waiting up to `seconds` for the peer to close."""
    started = time.monotonic()
    received = b""
    sock.settimeout(0.2)
    while time.monotonic() - started < seconds:
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, TimeoutError):
            continue
        except OSError:
            return True, received, time.monotonic() - started
        if not chunk:
            return True, received, time.monotonic() - started
        received += chunk
    return False, received, time.monotonic() - started


def _login_works(gateway):
    dsn = f"host=127.0.0.1 port={gateway.port} dbname=shop user=agent password={gateway.token('alice')} sslmode=prefer connect_timeout=10"
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT count(*) FROM products").fetchone()[0] == 60


# --- PostgreSQL listener: authentication timeout and pre-authentication buffers ---------------

def test_silent_tcp_client_is_closed_after_the_authentication_timeout(strict):
    sock = socket.create_connection(("127.0.0.1", strict.port))
    closed, _, elapsed = _closed_within(sock, AUTH_TIMEOUT + 5)
    sock.close()
    assert closed, "a client that never sent a startup packet is still connected"
    assert AUTH_TIMEOUT - 0.5 <= elapsed <= AUTH_TIMEOUT + 3, elapsed


def test_tls_client_that_never_sends_its_token_is_told_and_closed(strict):
    client = RawClient("127.0.0.1", strict.port, timeout=AUTH_TIMEOUT + 5)
    assert client.negotiate_tls()
    client.send(startup_packet({"user": "agent", "database": "shop"}))
    started = time.monotonic()
    messages = client.read_until_closed(timeout=AUTH_TIMEOUT + 5)
    elapsed = time.monotonic() - started
    client.close()
    assert client.closed, messages
    errors = [error_fields(body) for kind, body in messages if kind == b"E"]
    assert errors and errors[-1]["C"] == "57014", messages
    assert "authentication due to timeout" in errors[-1]["M"]
    assert elapsed <= AUTH_TIMEOUT + 3, elapsed


def test_token_message_larger_than_any_token_is_refused_from_its_header(strict):
    client = RawClient("127.0.0.1", strict.port)
    assert client.negotiate_tls()
    client.send(startup_packet({"user": "agent", "database": "shop"}))
    assert client.read_message()[0] == b"R"
    # 1 MiB announced, 16 bytes sent: the gateway must refuse without waiting for (or buffering) the rest.
    client.send(b"p" + struct.pack("!I", (1 << 20) + 4) + b"x" * 16)
    messages = client.read_until_closed(timeout=5)
    client.close()
    errors = [error_fields(body) for kind, body in messages if kind == b"E"]
    assert client.closed and errors, messages
    assert errors[-1]["C"] == "08P01" and "exceeds the limit of 65536 bytes" in errors[-1]["M"], errors


def test_a_token_of_ordinary_size_still_signs_in(strict):
    # The cap must fit real tokens: this one carries 200 group names, as an Entra ID token may.
    groups = ["engineers"] + [f"group-{index:04d}-{'x' * 24}" for index in range(199)]
    token = strict.token("alice", groups=groups)
    assert len(token) > 8000
    client = RawClient("127.0.0.1", strict.port)
    messages = client.login("shop", token)
    client.close()
    assert messages and messages[-1][0] == b"Z", messages


# --- HTTP listener: idle, slow and leftover connections -----------------------------------------

def _http(gateway) -> socket.socket:
    return socket.create_connection(gateway.http_address)


def test_http_connection_that_sends_nothing_is_closed(strict):
    sock = _http(strict)
    closed, _, elapsed = _closed_within(sock, HTTP_IDLE_TIMEOUT + 5)
    sock.close()
    assert closed and elapsed <= HTTP_IDLE_TIMEOUT + 3, elapsed


def test_http_headers_sent_one_byte_at_a_time_are_cut_off(strict):
    sock = _http(strict)
    request = b"GET /healthz HTTP/1.1\r\nHost: gatehouse\r\nX-Slow: " + b"a" * 200
    started = time.monotonic()
    closed = False
    for byte in request:
        try:
            sock.sendall(bytes([byte]))
        except OSError:
            closed = True
            break
        time.sleep(0.1)
        if time.monotonic() - started > HTTP_IDLE_TIMEOUT + 4:
            break
    if not closed:
        closed, _, _ = _closed_within(sock, 1)
    sock.close()
    assert closed, "a client trickling its headers kept the connection past the idle timeout"
    assert time.monotonic() - started <= HTTP_IDLE_TIMEOUT + 5


def test_http_1_0_connection_is_closed_after_its_response(strict):
    sock = _http(strict)
    sock.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
    closed, received, _ = _closed_within(sock, HTTP_IDLE_TIMEOUT + 5)
    sock.close()
    assert received.startswith(b"HTTP/1.") and b"ok" in received, received
    assert closed


def test_half_closed_connection_after_an_oversized_request_is_closed(strict):
    sock = _http(strict)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (100 * 1024) + b"\r\n\r\n")
    closed, received, _ = _closed_within(sock, HTTP_IDLE_TIMEOUT + 5)
    sock.close()
    assert closed, received[:200]


# --- A frozen upstream --------------------------------------------------------------------------

@pytest.fixture
def frozen_upstream():
    server = PostgresServer(hba_lines=["local all all trust", "host all all 127.0.0.1/32 trust"], statement_logging=False).start()
    yield server
    server.stop()
    server.cleanup()


def test_frozen_upstream_fails_the_login_within_its_timeout(workdir, frozen_upstream):
    connection = Connection("frozen", Upstream(frozen_upstream.host, frozen_upstream.port, "postgres", "postgres",
                                               login_timeout_seconds=2))
    gateway = _start(workdir, "gateway-frozen", [connection], {})
    with open(os.path.join(frozen_upstream.data_dir, "postmaster.pid")) as f:
        postmaster = int(f.readline())
    os.kill(postmaster, signal.SIGSTOP)
    try:
        started = time.monotonic()
        client = RawClient("127.0.0.1", gateway.port, timeout=30)
        messages = client.login("frozen", gateway.token("alice"), tls=False)
        elapsed = time.monotonic() - started
        client.close()
        errors = [error_fields(body) for kind, body in messages if kind == b"E"]
        assert errors, messages
        assert "did not complete the login within 2 s" in errors[-1]["M"], errors
        assert elapsed < 6, elapsed
        assert gateway.alive()
    finally:
        os.kill(postmaster, signal.SIGCONT)
    # Once the server runs again, so do logins.
    client = RawClient("127.0.0.1", gateway.port, timeout=30)
    messages = client.login("frozen", gateway.token("alice"), tls=False)
    client.close()
    assert messages and messages[-1][0] == b"Z", messages
    gateway.stop()


# --- File descriptors ---------------------------------------------------------------------------

DESCRIPTOR_LIMIT = 200


def test_descriptor_exhaustion_is_refused_cleanly_and_recovers(workdir, upstream):
    gateway = _start(workdir, "gateway-fd", connections_for(upstream), upstream.env(),
                     command_prefix=["prlimit", f"--nofile={DESCRIPTOR_LIMIT}:{DESCRIPTOR_LIMIT}"],
                     http_listener={"idle_timeout_seconds": HTTP_IDLE_TIMEOUT})
    assert "connection limits lowered to fit the file descriptor limit" in gateway.output()
    idle = []
    try:
        # Far more idle PostgreSQL clients than descriptors: the excess is told and closed.
        refused = 0
        for _ in range(DESCRIPTOR_LIMIT):
            sock = socket.create_connection(("127.0.0.1", gateway.port))
            sock.settimeout(0.3)
            try:
                data = sock.recv(4096)
            except (socket.timeout, TimeoutError):
                idle.append(sock)
                continue
            assert data[:1] == b"E", data
            fields = error_fields(data[5:])
            assert fields["C"] == "53300" and "too many clients" in fields["M"], fields
            refused += 1
            sock.close()
        assert refused > 0 and idle, (refused, len(idle))
        # Idle HTTP clients too; they wait in the backlog beyond the limit.
        for _ in range(DESCRIPTOR_LIMIT):
            idle.append(socket.create_connection(gateway.http_address))
        time.sleep(0.5)
        assert gateway.alive()
        # The PostgreSQL clients being held are not signed in either: the authentication
        # timeout (60 s by default) is not needed here, closing them frees the slots.
        for sock in idle:
            sock.close()
        idle = []
        deadline = time.monotonic() + HTTP_IDLE_TIMEOUT + 10
        while True:
            try:
                _login_works(gateway)
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        with socket.create_connection(gateway.http_address, timeout=10) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert b"ok" in sock.recv(4096)
        assert gateway.alive()
    finally:
        for sock in idle:
            sock.close()
        gateway.stop()


# --- A statement of a megabyte ------------------------------------------------------------------

def _rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


def test_a_megabyte_statement_does_not_stall_other_sessions(workdir, upstream):
    """Analysing ~1 MB of SQL takes seconds: on an event loop it stalled every session the loop
    relays for that long. Now it runs off the loops, so another session keeps its round trips
    short while it runs (relative to the statement's own time, so the assertion holds in debug
    and release builds alike; bench/hostile_clients.py gives absolute figures), and the memory
    it took is given back afterwards."""
    gateway = _start(workdir, "gateway-big-statement", connections_for(upstream), upstream.env())
    try:
        token = gateway.token("alice")
        probe = RawClient("127.0.0.1", gateway.port, timeout=60)
        assert probe.login("shop", token, tls=False)[-1][0] == b"Z"
        big = "SELECT 1 WHERE 1 IN (" + ",".join(str(n) for n in range(150_000)) + ")"
        sender = RawClient("127.0.0.1", gateway.port, timeout=300)
        assert sender.login("shop", token, tls=False)[-1][0] == b"Z"
        rss_before = _rss_mib(gateway.process.pid)

        def round_trip(client: RawClient, sql: bytes) -> list:
            client.send(message(b"Q", sql + b"\0"))
            answers = []
            while True:
                kind, body = client.read_message()
                answers.append((kind, body))
                if kind == b"Z":
                    return answers

        outcome: dict = {}

        def send_big():
            started = time.monotonic()
            outcome["answers"] = round_trip(sender, big.encode())
            outcome["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=send_big)
        thread.start()
        latencies, peak = [], rss_before
        while thread.is_alive():
            started = time.monotonic()
            assert round_trip(probe, b"SELECT 1")[-1][0] == b"Z"
            latencies.append(time.monotonic() - started)
            peak = max(peak, _rss_mib(gateway.process.pid))
        thread.join()
        time.sleep(2)
        rss_after = _rss_mib(gateway.process.pid)
        probe.close()
        sender.close()

        assert [kind for kind, _ in outcome["answers"]][-1] == b"Z"
        assert any(kind == b"D" for kind, _ in outcome["answers"]), "the statement ran and returned its row"
        assert len(latencies) >= 20, latencies
        assert max(latencies) < outcome["seconds"] / 4, (max(latencies), outcome["seconds"])
        # One analysis at a time, its memory returned to the system once it is done.
        assert peak - rss_before < 2048, peak - rss_before
        assert rss_after - rss_before < 256, rss_after - rss_before
    finally:
        gateway.stop()
