"""The Kubernetes API server stand-in (`harness/kube_server.py`) checked with the real kubectl, no gateway.

The gateway's Kubernetes tests are only meaningful if the stand-in alone behaves like an API server
for the unmodified `kubectl` (1.32 here, behind the gcloud dispatcher that asks /version first):
discovery, `get` with server-side tables, `-o json`, NotFound, `exec` over WebSocket (bytes,
separate stdout/stderr, exit codes, stdin and its EOF, a TTY with resizes), `logs` (tail,
timestamps, several containers, follow), `cp` both ways, and refusing a wrong token. Ground truth
comes from the stand-in's sandboxes and request log. Raw requests check what kubectl never sends:
SPDY, unsupported subprotocols, no token.
"""

import base64
import hashlib
import http.client
import json
import os
import select
import shutil
import socket
import ssl
import struct
import subprocess
import time
from urllib.parse import urlencode

import pytest

from harness.kube_server import CUSTOMERS_CSV, KubePod, KubeStandIn

KUBECTL = shutil.which("kubectl")


def _kubectl_minor() -> int:
    """kubectl's client minor version (0 when there is none): exec over WebSocket is 1.30 and later."""
    if KUBECTL is None:
        return 0
    try:
        version = json.loads(subprocess.run([KUBECTL, "version", "--client", "-o", "json"], capture_output=True,
                                            timeout=30).stdout)["clientVersion"]
        return int("".join(c for c in version["minor"] if c.isdigit()))
    except (ValueError, KeyError, OSError, subprocess.SubprocessError):
        return 0


pytestmark = [
    pytest.mark.skipif(_kubectl_minor() < 30, reason="needs kubectl 1.30 or later (exec over WebSocket); "
                       "Debian's kubernetes-client is older"),
    pytest.mark.skipif(os.geteuid() != 0, reason="the stand-in chroots exec commands: needs root"),
]

TOKEN = "gatehouse-sa-token.standin.0123456789abcdef"
NS = "shop"
API = "customer-api-7d9f8b6c4-x2k9p"
WORKER = "billing-worker-0"


@pytest.fixture(scope="module")
def standin():
    server = KubeStandIn(TOKEN).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def kube_env(standin, tmp_path_factory):
    home = tmp_path_factory.mktemp("kube-home")  # kubectl's discovery cache goes here, not in ~/.kube
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
    env.update(HOME=str(home), KUBECONFIG=standin.kubeconfig(str(home / "kubeconfig")))
    return env


@pytest.fixture
def kubectl(kube_env):
    def run(*args, input: bytes | None = None, env: dict | None = None, timeout: float = 30):
        return subprocess.run([KUBECTL, *args], input=input, env=env or kube_env, capture_output=True,
                              timeout=timeout)
    return run


def _text(completed) -> str:
    return completed.stdout.decode(errors="replace")


def _err(completed) -> str:
    return completed.stderr.decode(errors="replace")


def _read_until(stream, needle: bytes, timeout: float = 10.0) -> bytes:
    """Reads a pipe until `needle` shows up (or fails after `timeout`)."""
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"{needle!r} did not arrive; got {seen!r}"
        readable, _, _ = select.select([stream], [], [], remaining)
        if readable:
            chunk = os.read(stream.fileno(), 65536)
            assert chunk, f"stream ended before {needle!r}; got {seen!r}"
            seen += chunk
    return seen


def _wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _raw(standin, method: str, path: str, headers: dict) -> tuple[int, dict, bytes]:
    context = ssl.create_default_context(cafile=standin.ca_cert)
    connection = http.client.HTTPSConnection(standin.host, standin.port, context=context, timeout=10)
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


# --- discovery and get -------------------------------------------------------------------------

def test_get_pods_prints_the_server_side_table(standin, kubectl):
    standin.clear_requests()
    result = kubectl("get", "pods", "-n", NS)
    assert result.returncode == 0, _err(result)
    lines = _text(result).splitlines()
    assert lines[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    rows = {line.split()[0]: line.split()[1:4] for line in lines[1:]}
    assert rows == {API: ["1/1", "Running", "0"], WORKER: ["2/2", "Running", "0"]}
    listing = [r for r in standin.requests if r.path == f"/api/v1/namespaces/{NS}/pods"]
    assert listing and listing[-1].authenticated and listing[-1].status == 200
    assert "as=Table" in listing[-1].accept


def test_discovery_is_aggregated_for_kubectl(standin, kubectl, kube_env, tmp_path):
    # A fresh cache directory makes kubectl discover again.
    env = dict(kube_env, HOME=str(tmp_path))
    standin.clear_requests()
    result = kubectl("get", "po", "-A", env=env)
    assert result.returncode == 0, _err(result)
    discovery = {r.path: r for r in standin.requests if r.resource == "discovery"}
    assert {"/version", "/api", "/apis"} <= set(discovery)
    assert "g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList" in discovery["/api"].accept
    assert "/api/v1" not in discovery  # the aggregated answer sufficed: no legacy fallback
    lines = _text(result).splitlines()
    assert lines[0].split()[:2] == ["NAMESPACE", "NAME"]
    assert {tuple(line.split()[:2]) for line in lines[1:]} >= {
        ("default", "debug-shell"), (NS, API), (NS, WORKER)}


def test_get_pod_json(standin, kubectl):
    result = kubectl("get", "pod", API, "-n", NS, "-o", "json")
    assert result.returncode == 0, _err(result)
    pod = json.loads(result.stdout)
    assert pod == standin.pod(NS, API)
    assert pod["kind"] == "Pod" and pod["spec"]["containers"][0]["name"] == "api"
    assert pod["status"]["phase"] == "Running"


def test_unknown_pod_is_not_found(kubectl):
    result = kubectl("get", "pod", "no-such-pod", "-n", NS)
    assert result.returncode == 1
    assert 'Error from server (NotFound): pods "no-such-pod" not found' in _err(result)


def test_get_secrets_against_the_standin_directly(kubectl):
    table = kubectl("get", "secrets", "-n", NS)
    assert table.returncode == 0, _err(table)
    lines = _text(table).splitlines()
    assert lines[0].split() == ["NAME", "TYPE", "DATA", "AGE"]
    assert [line.split()[:3] for line in lines[1:]] == [["db-credentials", "Opaque", "2"],
                                                         ["payment-gateway", "Opaque", "1"]]
    secret = kubectl("get", "secret", "db-credentials", "-n", NS, "-o", "jsonpath={.data.password}")
    assert secret.returncode == 0, _err(secret)
    assert base64.b64decode(secret.stdout) == b"Sup3rS3cret"


def test_wrong_token_is_unauthorized(standin, kubectl, kube_env, tmp_path):
    wrong = standin.kubeconfig(str(tmp_path / "kubeconfig"), token=TOKEN + "x")
    cached, fresh = tmp_path / "cached", tmp_path / "fresh"
    assert kubectl("get", "pods", "-n", NS, env=dict(kube_env, HOME=str(cached))).returncode == 0
    standin.clear_requests()
    # Discovery cached by a good run: the 401 Status of the list itself is what kubectl prints.
    result = kubectl("get", "pods", "-n", NS, env=dict(kube_env, KUBECONFIG=wrong, HOME=str(cached)))
    assert result.returncode == 1
    assert "error: You must be logged in to the server (Unauthorized)" in _err(result)
    # No cache: discovery fails first, and kubectl words it as it does for a real API server.
    result = kubectl("get", "pods", "-n", NS, env=dict(kube_env, KUBECONFIG=wrong, HOME=str(fresh)))
    assert result.returncode == 1
    assert "You must be logged in to the server (the server has asked for the client to provide " \
           "credentials)" in _err(result)
    assert standin.requests and all(not r.authenticated and r.status == 401 for r in standin.requests)
    status, headers, body = _raw(standin, "GET", "/api/v1/namespaces/shop/pods", {})
    assert status == 401 and headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                "message": "Unauthorized", "reason": "Unauthorized", "code": 401}


# --- exec ---------------------------------------------------------------------------------------

def test_exec_cat_returns_the_file_bytes(standin, kubectl):
    standin.clear_requests()
    result = kubectl("exec", "-n", NS, API, "--", "cat", "/data/customers.csv")
    assert result.returncode == 0, _err(result)
    assert result.stdout == standin.file(NS, API, "/data/customers.csv") == CUSTOMERS_CSV.encode()
    [record] = standin.execs
    assert record.method == "GET" and record.status == 101 and record.subprotocol == "v5.channel.k8s.io"
    assert record.command == ("cat", "/data/customers.csv") and record.container == "api"
    assert record.exit_code == 0 and record.stdin == b"" and not record.tty


def test_exec_exit_code_and_separate_streams(kubectl):
    result = kubectl("exec", "-n", NS, API, "--", "sh", "-c", "echo out; echo err >&2; exit 3")
    assert result.returncode == 3
    assert result.stdout == b"out\n"
    assert _err(result).startswith("err\n") and "command terminated with exit code 3" in _err(result)


def test_exec_runs_in_the_pod_sandbox(standin, kubectl):
    result = kubectl("exec", "-n", NS, WORKER, "-c", "worker", "--", "sh", "-c",
                     "id -u; ls /; cat /data/invoices.csv | wc -l")
    assert result.returncode == 0, _err(result)
    lines = _text(result).split()
    assert lines[0] == "65534"
    assert "data" in lines and "usr" in lines and "proc" not in lines and "root" in lines
    assert lines[-1] == "4"
    assert standin.execs[-1].container == "worker"


def test_exec_stdin_and_its_eof(standin, kubectl):
    data = os.urandom(100_000) + b"\x00\xff end"
    standin.clear_requests()
    result = kubectl("exec", "-i", "-n", NS, API, "--", "wc", "-c", input=data)
    assert result.returncode == 0, _err(result)
    assert result.stdout.strip() == str(len(data)).encode()
    assert standin.stdin_received(NS, API) == data
    assert standin.execs[-1].stdin_closed  # kubectl sent [255, 0] (v5 close of stdin)


def test_exec_unknown_command(kubectl):
    result = kubectl("exec", "-n", NS, API, "--", "no-such-tool")
    assert result.returncode == 1
    assert 'exec: "no-such-tool": executable file not found in $PATH' in _err(result)


def test_exec_tty_with_resize(standin, kube_env):
    pexpect = pytest.importorskip("pexpect")
    standin.clear_requests()
    child = pexpect.spawn(KUBECTL, ["exec", "-it", "-n", NS, API, "--", "sh"], env=kube_env,
                          dimensions=(30, 100), timeout=10)
    try:
        _wait_for(lambda: standin.execs and standin.execs[-1].resizes)  # the terminal's size, sent first
        child.sendline("echo SIZE=$(stty size) TERM=$TERM")
        child.expect(r"SIZE=(\d+) (\d+) TERM=(\w+)")
        assert child.match.groups() == (b"30", b"100", b"xterm")
        child.setwinsize(40, 120)  # SIGWINCH to kubectl, which sends the new size on channel 4
        _wait_for(lambda: (120, 40) in standin.execs[-1].resizes)
        child.sendline("echo SIZE=$(stty size)")
        child.expect(r"SIZE=(\d+) (\d+)")
        assert child.match.groups() == (b"40", b"120")
        child.sendline("exit 4")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 4
    record = standin.execs[-1]
    assert record.tty and record.command == ("sh",) and record.exit_code == 4
    assert record.resizes[0] == (100, 30)
    assert b"stty size" in record.stdin


def test_kubectl_never_falls_back_to_spdy(standin, kubectl):
    standin.clear_requests()
    result = kubectl("exec", "-n", NS, API, "--", "true")
    assert result.returncode == 0, _err(result)
    exec_requests = [r for r in standin.requests if r.resource == "pods/exec"]
    assert [(r.method, r.status) for r in exec_requests] == [("GET", 101)]


def test_spdy_and_unsupported_subprotocols_are_refused(standin):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    path = f"/api/v1/namespaces/{NS}/pods/{API}/exec?command=true&stdout=true"
    status, _, body = _raw(standin, "POST", path, {**auth, "Connection": "Upgrade", "Upgrade": "SPDY/3.1",
                                                   "X-Stream-Protocol-Version": "v4.channel.k8s.io"})
    assert status == 501 and "SPDY/3.1 streaming is not implemented" in json.loads(body)["message"]
    status, _, body = _raw(standin, "GET", path, {**auth, "Connection": "Upgrade", "Upgrade": "websocket",
                                                  "Sec-WebSocket-Version": "13",
                                                  "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                                                  "Sec-WebSocket-Protocol": "channel.k8s.io"})
    assert status == 400 and "none of the offered subprotocols" in json.loads(body)["message"]
    status, _, body = _raw(standin, "GET", f"/api/v1/namespaces/{NS}/pods/{API}/portforward?ports=80", auth)
    assert status == 501 and json.loads(body)["reason"] == "NotImplemented"


# --- exec, raw: what kubectl does not show -----------------------------------------------------------

class _RawWebSocket:
    """A deliberately small RFC 6455 client (masked frames, fragments on request), written here."""

    def __init__(self, standin, path: str, protocols: list[str], token: str = TOKEN):
        context = ssl.create_default_context(cafile=standin.ca_cert)
        self.sock = context.wrap_socket(socket.create_connection((standin.host, standin.port), timeout=10),
                                        server_hostname=standin.host)
        self.key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {standin.host}:{standin.port}\r\n"
                           f"Authorization: Bearer {token}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                           f"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {self.key}\r\n"
                           f"Sec-WebSocket-Protocol: {', '.join(protocols)}\r\n\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            assert chunk, self.buffer
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}

    def send(self, opcode: int, payload: bytes, fin: bool = True) -> None:
        mask = os.urandom(4)
        header = bytes([(0x80 if fin else 0) | opcode])
        n = len(payload)
        header += bytes([0x80 | n]) if n < 126 else (bytes([0x80 | 126]) + struct.pack("!H", n))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _need(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            assert chunk, "connection closed mid-frame"
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def receive(self) -> tuple[int, bytes]:
        first, second = self._need(2)
        assert not second & 0x80, "server frames are never masked"
        n = second & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._need(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._need(8))[0]
        assert first & 0x80, "the stand-in does not fragment"
        return first & 0x0F, self._need(n)

    def until_close(self) -> tuple[dict, list]:
        """Channel -> bytes, and the control frames, up to the server's close frame."""
        channels, control = {}, []
        while True:
            opcode, payload = self.receive()
            if opcode == 0x2:
                channels[payload[0]] = channels.get(payload[0], b"") + payload[1:]
            else:
                control.append((opcode, payload))
                if opcode == 0x8:
                    return channels, control


def _exec_path(pod: str, command: list[str], **flags) -> str:
    query = [("command", c) for c in command] + [(k, "true") for k, v in flags.items() if v]
    return f"/api/v1/namespaces/{NS}/pods/{pod}/exec?{urlencode(query)}"


def test_raw_websocket_v4_exec(standin):
    ws = _RawWebSocket(standin, _exec_path(API, ["sh", "-c", "sleep 0.3; echo hi; echo oops >&2; exit 7"], stdout=True,
                                           stderr=True), ["v4.channel.k8s.io", "channel.k8s.io"])
    try:
        assert ws.status == 101
        assert ws.headers["sec-websocket-protocol"] == "v4.channel.k8s.io"
        expected = base64.b64encode(hashlib.sha1((ws.key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                                                 .encode()).digest()).decode()
        assert ws.headers["sec-websocket-accept"] == expected
        ws.send(0x9, b"are you there")  # answered while the command runs
        channels, control = ws.until_close()
    finally:
        ws.sock.close()
    assert channels[1] == b"hi\n" and channels[2] == b"oops\n"
    assert json.loads(channels[3]) == {
        "metadata": {}, "status": "Failure", "reason": "NonZeroExitCode",
        "message": "command terminated with non-zero exit code: error executing command "
                   "[sh -c sleep 0.3; echo hi; echo oops >&2; exit 7], exit code 7",
        "details": {"causes": [{"reason": "ExitCode", "message": "7"}]}}
    assert (0xA, b"are you there") in control and control[-1] == (0x8, struct.pack("!H", 1000))
    assert standin.execs[-1].offered_protocols == ("v4.channel.k8s.io", "channel.k8s.io")


def test_raw_websocket_v5_fragmented_stdin_and_close(standin):
    ws = _RawWebSocket(standin, _exec_path(API, ["cat"], stdin=True, stdout=True, stderr=True),
                       ["v5.channel.k8s.io", "v4.channel.k8s.io"])
    try:
        assert ws.status == 101 and ws.headers["sec-websocket-protocol"] == "v5.channel.k8s.io"
        ws.send(0x2, b"\x00hel", fin=False)
        ws.send(0x9, b"between fragments")  # a control frame may sit between the fragments
        ws.send(0x0, b"lo ", fin=False)
        ws.send(0x0, b"world", fin=True)
        ws.send(0x2, b"\xff\x00")  # v5: close stdin -> cat sees EOF and exits
        channels, control = ws.until_close()
    finally:
        ws.sock.close()
    assert channels[1] == b"hello world" and 2 not in channels
    assert json.loads(channels[3]) == {"metadata": {}, "status": "Success"}
    assert (0xA, b"between fragments") in control
    record = standin.execs[-1]
    assert record.stdin == b"hello world" and record.stdin_closed and record.exit_code == 0


# --- logs ---------------------------------------------------------------------------------------

def test_logs_tail_timestamps_and_containers(standin, kubectl):
    result = kubectl("logs", "-n", NS, API)
    assert result.returncode == 0, _err(result)
    assert _text(result) == standin.log_text(NS, API)
    assert "anna.schmidt@example.com" in _text(result)
    tail = kubectl("logs", "-n", NS, API, "--tail=1", "--timestamps")
    [line] = _text(tail).splitlines()
    stamp, _, rest = line.partition(" ")
    assert rest == "GET /customers/3 200 phone=+33 1 42 68 53 00"
    assert stamp.endswith("Z") and stamp[:4].isdigit() and "T" in stamp
    default = kubectl("logs", "-n", NS, WORKER)  # two containers: kubectl picks the annotated default
    assert default.returncode == 0, _err(default)
    assert _text(default) == standin.log_text(NS, WORKER, "worker")
    shipper = kubectl("logs", "-n", NS, WORKER, "-c", "log-shipper")
    assert _text(shipper) == "shipped 3 lines\n"
    assert [r.query.get("container") for r in standin.requests if r.resource == "pods/log"][-1] == ["log-shipper"]


def test_logs_follow_streams_appended_lines(standin, kube_env):
    standin.add_pod(KubePod("follow", "follow-me", containers=["app"], logs="first line\n"))
    process = subprocess.Popen([KUBECTL, "logs", "-f", "-n", "follow", "follow-me"], env=kube_env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert _read_until(process.stdout, b"first line\n") == b"first line\n"
        standin.append_log("follow", "follow-me", "payment from DE89 3704 0044 0532 0130 00\n")
        assert _read_until(process.stdout, b"0130 00\n") == b"payment from DE89 3704 0044 0532 0130 00\n"
        standin.append_log("follow", "follow-me", "third\nfourth\n")
        assert _read_until(process.stdout, b"fourth\n") == b"third\nfourth\n"
        standin.end_log("follow", "follow-me")  # the container stops: the stream ends, kubectl exits 0
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
    [record] = [r for r in standin.requests if r.resource == "pods/log" and r.name == "follow-me"]
    assert record.query["follow"] == ["true"] and record.status == 200


# --- cp -----------------------------------------------------------------------------------------

def test_cp_both_ways(standin, kubectl, tmp_path):
    download = tmp_path / "customers.csv"
    result = kubectl("cp", f"{NS}/{API}:/data/customers.csv", str(download))
    assert result.returncode == 0, _err(result)
    assert download.read_bytes() == standin.file(NS, API, "/data/customers.csv")
    upload = tmp_path / "upload.bin"
    upload.write_bytes(os.urandom(50_000) + b"IBAN DE89 3704 0044 0532 0130 00\n")
    result = kubectl("cp", str(upload), f"{NS}/{API}:/tmp/uploaded.bin")
    assert result.returncode == 0, _err(result)
    assert standin.file(NS, API, "/tmp/uploaded.bin") == upload.read_bytes()
    commands = [r.command[0] for r in standin.execs[-3:]]
    assert commands[-1] == "tar"
