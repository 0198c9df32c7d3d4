"""Attack: HTTP parsing edges on the HTTP listener (issue 16). Request smuggling needs Gatehouse
and a front proxy to split one byte stream into requests differently; path parameters (`..;`)
need Gatehouse and the Git upstream to read one path differently. Raw sockets send what no
HTTP library will; the Git upstream's own request log is the ground truth of what reached it."""

import re
import socket

import pytest

from harness import ledger
from harness.gateway_config import GitConnection
from harness.git_repos import make_bare
from harness.git_server import serve_with_credential

UPSTREAM_TOKEN_ENV = "GH_GIT_UPSTREAM_TOKEN"


@pytest.fixture(scope="module")
def upstream_git(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("parsing-git-upstream"))
    make_bare(root, "team/app", files={"README.md": "# app\n"}, commits=1)
    make_bare(root, "secret/hr", files={"people.csv": "name\n"}, commits=1)
    yield from serve_with_credential(root)


@pytest.fixture(scope="module")
def gw(tmp_path_factory, upstream, upstream_git):
    gateway = ledger.LedgerGateway(
        str(tmp_path_factory.mktemp("parsing-gw")), upstream, name="parsing-gw",
        git_connections=[GitConnection("code", upstream_git.base_url, token_env=UPSTREAM_TOKEN_ENV, username="svc")])
    gateway.env[UPSTREAM_TOKEN_ENV] = upstream_git.password
    gateway.start()
    yield gateway
    gateway.stop()


def exchange(gw, raw: bytes, timeout: float = 5.0) -> tuple[bytes, bool]:
    """Sends raw bytes; returns everything received and whether the gateway closed the connection."""
    host, port = gw.gateway.http_address
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.sendall(raw)
    received, closed = b"", False
    sock.settimeout(timeout)
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                closed = True
                break
            received += chunk
    except (socket.timeout, TimeoutError):
        pass
    except ConnectionResetError:
        closed = True
    sock.close()
    return received, closed


def responses(data: bytes) -> list[int]:
    return [int(status) for status in re.findall(rb"HTTP/1\.\d (\d{3}) ", data)]


SMUGGLED = b"GET /healthz?smuggled HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.mark.parametrize("name,head", [
    ("tab before chunked", b"GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\tchunked\r\n"),
    ("HTTP/1.0 with chunked", b"POST /api/v1/approvals/x/approve HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"),
    ("both framings", b"POST /api/v1/approvals/x/approve HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n"),
    ("another coding", b"POST /api/v1/approvals/x/approve HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n"),
])
def test_doubtful_framing_is_refused_and_nothing_after_it_is_parsed(gw, name, head):
    received, closed = exchange(gw, head + b"\r\n0\r\n\r\n" + SMUGGLED)
    assert responses(received) == [400], (name, received[:500])
    assert closed, name


def test_a_chunked_request_is_answered_and_its_connection_closed(gw):
    # A lax proxy ignoring `Transfer-Encoding:<tab>chunked` sends the smuggled request as the next
    # one on this connection: the gateway answers the chunked POST and parses nothing after it.
    head = b"POST /api/v1/approvals/x/approve HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\tchunked\r\n\r\n"
    received, closed = exchange(gw, head + b"0\r\n\r\n" + SMUGGLED)
    assert len(responses(received)) == 1, received[:500]
    assert closed


def test_an_ordinary_keep_alive_connection_still_serves_several_requests(gw):
    # Control: the guard does not close plain requests' connections.
    received, closed = exchange(gw, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" * 2, timeout=2)
    assert responses(received) == [200, 200] and not closed, received[:500]


@pytest.mark.parametrize("path", [
    "/git/code/team/..;/secret/hr.git/info/refs?service=git-upload-pack",
    "/git/code/team/app.git;/../../secret/hr.git/info/refs?service=git-upload-pack",
    "/git/code/team/app.git/..;/..;/secret/hr.git/info/refs?service=git-upload-pack",
])
def test_path_parameter_segments_never_reach_the_upstream(gw, upstream_git, path):
    token = gw.gateway.token("agent-zed", groups=("engineers",))
    upstream_git.clear_requests()
    received, _ = exchange(gw, f"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n".encode())
    assert responses(received) == [404], received[:500]
    assert upstream_git.requests == [], upstream_git.requests
