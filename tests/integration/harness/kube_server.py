"""A stand-in for the Kubernetes API server, in-process: enough of it for the unmodified `kubectl`.

This is NOT Kubernetes, not kind, k3s or envtest: it is a small `http.server` implementation of the
part of the core/v1 API that `kubectl get`, `logs`, `exec` and `cp` use. It exists because no real
API server, kubelet or container runtime can run on the test machines, and Gatehouse's Kubernetes
adapter still has to be tested against something that behaves like one for the real client.
"Behaves like" is checked by `test_kube_standin.py`, which drives it with the installed `kubectl`
(1.32) and no gateway. What it does not implement is refused with a Kubernetes `Status` that says
"stand-in", never half-done.

Transport and authentication. HTTPS only (HTTP/1.1, no h2), on a free loopback port: the
certificate is made with `harness.certs.write_self_signed` unless `tls_cert`/`tls_key` are given;
`ca_cert` is the file a kubeconfig's `certificate-authority` names, `url` the server URL, and
`kubeconfig()` writes a complete one. Every request, discovery and `/version` included, must carry
`Authorization: Bearer <token>` with the `token` given at construction (compared in constant time):
Gatehouse's own service-account token. Anything else (no header, another scheme, another token) is
401 with the API server's body `{"kind":"Status","apiVersion":"v1","metadata":{},"status":
"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}`, as a server with anonymous
authentication off answers; kubectl then says "You must be logged in to the server
(Unauthorized)", or "(the server has asked for the client to provide credentials)" when the refusal
came during discovery (nothing cached yet), as it does with a real API server.

Discovery: `/version` (v1.32.4 by default). The `kubectl` installed here is gcloud's dispatcher:
on every run it first asks `/version` (User-Agent `kubectl-dispatcher/v1.0`, `?timeout=5s`) and
runs the kubectl binary matching the server's minor version (1.27 to 1.33; its default when
/version fails), so a server claiming 1.29 gets kubectl 1.29, which execs over SPDY only. kubectl
1.32 asks `/api` and `/apis` for aggregated discovery first (`Accept: application/json;
g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,...;v=v2beta1...,application/json`): the
stand-in answers it (v2, `Content-Type: application/json;g=apidiscovery.k8s.io;v=v2;
as=APIGroupDiscoveryList`, `Vary: Accept`; the core group with namespaces, pods and their
exec/log/attach/portforward subresources, secrets; `/apis` has no groups), so kubectl never asks
`/api/v1`; a client asking for plain JSON gets the legacy documents (APIVersions, APIGroupList,
the v1 APIResourceList). kubectl caches discovery under $HOME/.kube/cache. Only the verbs served
are advertised (get, list; create/get for the subresources). `/healthz`, `/livez`, `/readyz`
answer "ok"; anything else (openapi, other groups) is 404 NotFound "the server could not find the
requested resource", like an absent API.

Objects: pods, secrets and namespaces, get and list (`/api/v1/pods`, `/api/v1/secrets` for
--all-namespaces), with `labelSelector` (=, ==, !=, exists, !exists, in, notin) and `fieldSelector`
(metadata.name, metadata.namespace, status.phase, spec.nodeName, type; =, ==, !=); `limit` is
accepted and everything returned in one page. `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`
gets the server-side Table kubectl prints (pods: NAME READY STATUS RESTARTS AGE, and IP, NODE,
NOMINATED NODE, READINESS GATES for -o wide; secrets: NAME TYPE DATA AGE; namespaces: NAME STATUS
AGE), rows carrying PartialObjectMetadata (`includeObject=Object|None` honoured). Lists' items have
no kind/apiVersion, as on the server. Unknown pods and secrets are 404 NotFound (`pods "x" not
found`); a list in an unknown namespace is empty. Pods are configured at construction
(`KubePod`: namespace, name, labels, containers, files, initial logs; `sample_pods()` when none
are given), secrets too (`KubeSecret`, `sample_secrets()`): the canned secrets exist so a gateway
test can show that reading them is refused before the request gets here (`requests` shows it).
Watch, create, update, patch, delete are not implemented: 405 MethodNotAllowed / 501 Status.

Logs: `GET .../pods/{pod}/log` with `container` (required when the pod has several, as on the
server; kubectl picks the default container itself), `tailLines`, `timestamps` (RFC 3339 with
nanoseconds, the time a line was appended), `sinceSeconds`, `limitBytes`, and `follow=true`
(chunked; lines a test appends with `append_log()` are streamed as they arrive, until the client
hangs up, `end_log()` ends the container's log, or the stand-in stops). `previous=true` is 400,
there being no previous container.

Exec: WebSocket only, as kubectl >= 1.30 speaks it by default (`GET .../pods/{pod}/exec?
command=..&command=..&container=..&stdin=true&stdout=true&stderr=true&tty=true` with `Upgrade:
websocket`; kubectl 1.30 to 1.33 offer only `Sec-WebSocket-Protocol: v5.channel.k8s.io`, and fall
back to a SPDY POST when the upgrade is refused). v5 is picked when offered, else v4; a client
offering neither gets 400. RFC 6455 framing is implemented here on the raw socket (no dependency):
binary messages whose first byte is the channel (0 stdin, 1 stdout, 2 stderr, 3 error/status, 4
resize `{"Width":..,"Height":..}`, and in v5 255 close: the client sends [255, 0] when its stdin
reaches EOF, and the stand-in then closes the command's stdin; v4 has no way to say so, so stdin
stays open there until the command exits). Fragmented messages are reassembled, pings answered
with pongs. When the command exits the stand-in writes the v1 Status on channel 3 (`Success`, or
`Failure` with `reason: NonZeroExitCode` and `details.causes: [{"reason":"ExitCode","message":
"3"}]`, which kubectl turns into its own exit code after printing "command terminated with exit
code 3"; a command killed by a signal reports 128+signal, as container runtimes do), then a close
frame (1000). A command not found in the sandbox gets Status InternalError "... executable file
not found in $PATH", like containerd (kubectl exits 1). With tty=true the command runs on a real
PTY that becomes its controlling terminal (`setsid --ctty`), TERM=xterm; resizes are applied with
TIOCSWINSZ (so `stty size` and SIGWINCH see them), and the command is started once the first
resize has arrived (at most 0.5 s later) so its first `stty size` is deterministic; stdin EOF on a
tty is sent as ^D. Without a tty, stdout and stderr are separate pipes. If the client hangs up
first, the command's session is killed (SIGKILL to every process in it), and so is whatever the
command left running once it has exited (output still held open by such leftovers is read for at
most 2 s after the exit). With the upgrade working, kubectl never tries SPDY.

The command runs with the pod's sandbox directory as its filesystem root (`chroot`), as an
unprivileged user (uid/gid 65534 by default, so a stray `kill -1` cannot reach the host), so
absolute paths like `/data/customers.csv` and `kubectl cp` (`tar cf - /path`, `tar -xmf - -C /dir`,
`--no-same-permissions --no-same-owner`) work. Each sandbox has a static busybox (Debian
`busybox-static`, see scripts/install-deps.sh) at /bin/busybox with links for common applets (sh,
cat, tar, ls, env, echo, stty, sleep, head, wc, printf, ...; none that reboot, mount or kill),
/etc/passwd, /tmp, /dev/null, /dev/zero, /dev/tty (when mknod is allowed) and the pod's files. All
containers of a pod share the one sandbox (on a real node each container has its own root). This
needs root (chroot); `start()` refuses clearly otherwise. It is a test fixture, not a security
boundary.

Not implemented: SPDY/3.1 upgrades (exec, attach, port-forward over SPDY), attach and port-forward
(over WebSocket too), the older channel.k8s.io / base64.channel.k8s.io / v1-v3 protocols, watch,
writes, other resources and API groups, protobuf, impersonation, and authorization (one token sees
everything): each answered with a Status naming the stand-in.

`.requests` records every request (method, path, query, whether it authenticated, status, reason,
resource, namespace, name, Accept, User-Agent, and for exec the WebSocket subprotocol, command,
container, tty, every stdin byte received, whether stdin was closed, resizes, the exit code), so
tests can prove what a gateway forwarded; `stdin_received()` joins the stdin of matching execs,
`file()` reads a sandbox file as ground truth.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import errno
import fcntl
import hashlib
import hmac
import http.server
import itertools
import json
import os
import re
import select
import shutil
import signal
import ssl
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import traceback
import uuid
from urllib.parse import parse_qs, unquote

from .certs import write_self_signed
from .tls_http_server import ThreadingTLSServer
from .http_stand_in import ThreadedHTTPStandIn
from .ports import free_port

SERVER_VERSION = "v1.32.4"
BUSYBOX = "/bin/busybox"
SANDBOX_UID = SANDBOX_GID = 65534
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
PROTOCOL_V5 = "v5.channel.k8s.io"
PROTOCOL_V4 = "v4.channel.k8s.io"
SUPPORTED_PROTOCOLS = (PROTOCOL_V5, PROTOCOL_V4)  # in order of preference
CHANNEL_STDIN, CHANNEL_STDOUT, CHANNEL_STDERR, CHANNEL_ERROR, CHANNEL_RESIZE, CHANNEL_CLOSE = 0, 1, 2, 3, 4, 255
NODE_NAME = "standin-node"
SANDBOX_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
FIRST_RESIZE_WAIT = 0.5  # tty: how long to wait for the client's first size before starting the command
EXIT_GRACE = 2.0  # after the command exits, how long output still held open by its children is read
MAX_MESSAGE = 64 * 1024 * 1024
STDIN_BUFFER = 4 * 1024 * 1024  # stdin held for a command that does not read it, before the socket waits

# busybox applets linked into every sandbox's /bin. Nothing that can reach beyond the sandbox
# (kill, reboot, mount, nsenter, chroot, ...); `sh`'s own `kill` builtin runs as the sandbox user.
SANDBOX_APPLETS = (
    "sh", "ash", "cat", "tar", "ls", "env", "echo", "stty", "sleep", "head", "tail", "wc", "printf", "cp",
    "mv", "rm", "mkdir", "rmdir", "touch", "grep", "egrep", "fgrep", "sed", "awk", "cut", "sort", "uniq", "tr",
    "find", "xargs", "test", "[", "[[", "true", "false", "pwd", "id", "whoami", "basename", "dirname",
    "readlink", "realpath", "stat", "du", "md5sum", "sha1sum", "sha256sum", "base64", "od", "hexdump", "xxd",
    "gzip", "gunzip", "zcat", "chmod", "ln", "tee", "yes", "seq", "dd", "cmp", "diff", "more", "tty", "uname",
    "expr", "which", "timeout", "mktemp", "date", "nl", "rev", "tac", "fold", "usleep", "clear", "reset", "vi",
)

UNAUTHORIZED = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": "Unauthorized", "reason": "Unauthorized", "code": 401}

_RESOURCE_NOT_FOUND = "the server could not find the requested resource"


# --- configuration ------------------------------------------------------------------------

@dataclasses.dataclass
class KubePod:
    """A pod the stand-in serves. `containers`: names, or dicts with name and image. `files`:
    absolute path in the pod -> content (bytes or str), written into its sandbox. `logs`: initial
    log text of the first container, or {container: text}."""
    namespace: str
    name: str
    labels: dict = dataclasses.field(default_factory=dict)
    containers: list = dataclasses.field(default_factory=lambda: ["app"])
    files: dict = dataclasses.field(default_factory=dict)
    logs: str | dict = ""
    annotations: dict = dataclasses.field(default_factory=dict)
    phase: str = "Running"
    age_seconds: float = 0.0  # creationTimestamp = construction time minus this


@dataclasses.dataclass
class KubeSecret:
    namespace: str
    name: str
    data: dict  # key -> bytes or str (served base64-encoded, as the API does)
    type: str = "Opaque"
    age_seconds: float = 0.0


@dataclasses.dataclass
class KubeRequest:
    """One request as the stand-in saw it. For exec, the fields after `subprotocol` are filled in
    while the session runs and are final once the client has the exit status."""
    method: str
    path: str
    query: dict  # name -> list of values (percent-decoded)
    authenticated: bool
    status: int = 0  # HTTP status sent (101 for an upgrade)
    reason: str | None = None  # the Status reason of a refusal
    resource: str | None = None  # "pods", "pods/exec", "pods/log", "secrets", "discovery", ...
    namespace: str | None = None
    name: str | None = None
    accept: str | None = None
    user_agent: str | None = None
    impersonate: tuple = ()  # (header, value) of every Impersonate-* header (kubectl --as, --as-group)
    subprotocol: str | None = None  # the one chosen
    offered_protocols: tuple = ()  # Sec-WebSocket-Protocol as offered
    command: tuple | None = None
    container: str | None = None
    tty: bool = False
    stdin: bytes = b""  # every stdin byte received (bytes in snapshots; grows in place while running)
    stdin_closed: bool = False
    resizes: list = dataclasses.field(default_factory=list)  # (width, height) as received
    exit_code: int | None = None
    finished: bool = False


CUSTOMERS_CSV = """id,name,email,phone,iban,city
1,Anna Schmidt,anna.schmidt@example.com,+49 30 12345678,DE89 3704 0044 0532 0130 00,Berlin
2,Jan de Vries,jan.devries@example.nl,+31 20 555 0134,NL91 ABNA 0417 1643 00,Amsterdam
3,Marie Dubois,marie.dubois@example.fr,+33 1 42 68 53 00,FR14 2004 1010 0505 0001 3M02 606,Paris
4,Luca Rossi,luca.rossi@example.it,+39 06 6988 4857,IT60 X054 2811 1010 0000 0123 456,Rome
5,Sofia Garcia,sofia.garcia@example.es,+34 91 123 45 67,ES91 2100 0418 4502 0005 1332,Madrid
"""

INVOICES_CSV = """invoice,customer_email,iban,amount_eur
INV-1001,anna.schmidt@example.com,DE89 3704 0044 0532 0130 00,129.90
INV-1002,jan.devries@example.nl,NL91 ABNA 0417 1643 00,54.00
INV-1003,marie.dubois@example.fr,FR14 2004 1010 0505 0001 3M02 606,310.25
"""


def sample_pods() -> list[KubePod]:
    """The canned pods: personal data in files and logs (emails, IBANs, phone numbers) for the
    masking tests, one pod with two containers, one in another namespace."""
    return [
        KubePod("shop", "customer-api-7d9f8b6c4-x2k9p",
                labels={"app": "customer-api", "pod-template-hash": "7d9f8b6c4"},
                containers=[{"name": "api", "image": "registry.example.com/shop/customer-api:1.4.2"}],
                files={
                    "/data/customers.csv": CUSTOMERS_CSV,
                    "/app/config/app.env": ("DATABASE_URL=postgres://api:Sup3rS3cret@db.shop.svc:5432/shop\n"
                                            "SUPPORT_EMAIL=support@example.com\nSUPPORT_PHONE=+49 30 12345678\n"),
                    "/home/app/notes.txt": ("Call back Anna Schmidt on +49 30 12345678 about the refund to "
                                            "DE89 3704 0044 0532 0130 00 (anna.schmidt@example.com).\n"),
                },
                logs=("GET /customers/1 200 anna.schmidt@example.com\n"
                      "POST /customers/2/iban NL91 ABNA 0417 1643 00 accepted\n"
                      "GET /customers/3 200 phone=+33 1 42 68 53 00\n")),
        KubePod("shop", "billing-worker-0", labels={"app": "billing-worker"},
                containers=[{"name": "worker", "image": "registry.example.com/shop/billing:2.0.0"},
                            {"name": "log-shipper", "image": "registry.example.com/tools/shipper:0.9"}],
                annotations={"kubectl.kubernetes.io/default-container": "worker"},
                files={"/data/invoices.csv": INVOICES_CSV},
                logs={"worker": "charged DE89 3704 0044 0532 0130 00 for INV-1001 (anna.schmidt@example.com)\n",
                      "log-shipper": "shipped 3 lines\n"}),
        KubePod("default", "debug-shell", labels={"app": "debug"},
                containers=[{"name": "shell", "image": "registry.example.com/tools/debug:latest"}],
                files={"/etc/motd": "debug pod: contact oncall@example.com or +49 30 12345678\n"}),
    ]


def sample_secrets() -> list[KubeSecret]:
    return [
        KubeSecret("shop", "db-credentials", {"username": "api", "password": "Sup3rS3cret"}),
        KubeSecret("shop", "payment-gateway", {"api-key": "sk_live_51Hstandin0000000000000000"}),
        KubeSecret("default", "registry-pull", {".dockerconfigjson": '{"auths":{}}'},
                   type="kubernetes.io/dockerconfigjson"),
    ]


# --- small helpers -------------------------------------------------------------------------

def _rfc3339(timestamp: float) -> str:
    return datetime.datetime.fromtimestamp(int(timestamp), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _rfc3339_nano(timestamp_ns: int) -> str:
    seconds, nanos = divmod(timestamp_ns, 1_000_000_000)
    base = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    fraction = f"{nanos:09d}".rstrip("0")
    return f"{base}.{fraction}Z" if fraction else f"{base}Z"


def human_duration(seconds: float) -> str:
    """The AGE column's format (apimachinery's duration.HumanDuration)."""
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    s = int(seconds)
    if s < 60 * 2:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        return f"{minutes}m{s % 60}s" if s % 60 else f"{minutes}m"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return f"{hours // 24}d{hours % 24}h" if hours % 24 else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = hours // 24
        return f"{days // 365}y{days % 365}d" if days % 365 else f"{days // 365}y"
    return f"{hours // (24 * 365)}y"


def _status(code: int, reason: str, message: str, details: dict | None = None) -> dict:
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason}
    if details:
        body["details"] = details
    body["code"] = code
    return body


class _StatusError(Exception):
    def __init__(self, code: int, reason: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.code, self.reason, self.message, self.details = code, reason, message, details


def _not_found(resource: str, name: str) -> _StatusError:
    return _StatusError(404, "NotFound", f'{resource} "{name}" not found', {"name": name, "kind": resource})


def _bad_request(message: str) -> _StatusError:
    return _StatusError(400, "BadRequest", message)


def _media_types(accept: str | None) -> list[tuple[str, dict]]:
    """Accept -> [(type/subtype, {param: value})], in order."""
    result = []
    for part in (accept or "").split(","):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        params = {}
        for piece in pieces[1:]:
            key, _, value = piece.partition("=")
            params[key.strip().lower()] = value.strip()
        result.append((pieces[0].lower(), params))
    return result


def _json_acceptable(kind: str) -> bool:
    return kind in ("application/json", "application/*", "*/*")


def _split_selector(text: str) -> list[str]:
    """Splits a selector on commas that are not inside parentheses."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


_SET_REQUIREMENT = re.compile(r"^([A-Za-z0-9_./-]+)\s+(in|notin)\s+\(([^)]*)\)$")
_KEY = re.compile(r"^[A-Za-z0-9_./-]+$")


def label_selector_matches(selector: str | None, labels: dict) -> bool:
    if not selector:
        return True
    for requirement in _split_selector(selector):
        match = _SET_REQUIREMENT.match(requirement)
        if match:
            key, operator, values = match.group(1), match.group(2), {v.strip() for v in match.group(3).split(",")}
            if operator == "in" and labels.get(key) not in values:
                return False
            if operator == "notin" and key in labels and labels[key] in values:
                return False
            continue
        for operator in ("!=", "==", "="):
            if operator in requirement:
                key, _, value = (s.strip() for s in requirement.partition(operator))
                if not _KEY.match(key):
                    raise _bad_request(f"unable to parse requirement: invalid label key {key!r}")
                if operator == "!=":
                    if labels.get(key) == value:
                        return False
                elif labels.get(key) != value:
                    return False
                break
        else:
            negated = requirement.startswith("!")
            key = requirement[1:].strip() if negated else requirement
            if not _KEY.match(key):
                raise _bad_request(f"unable to parse requirement: invalid label key {key!r}")
            if (key in labels) == negated:
                return False
    return True


def field_selector_matches(selector: str | None, fields: dict) -> bool:
    if not selector:
        return True
    for requirement in _split_selector(selector):
        for operator in ("!=", "==", "="):
            if operator in requirement:
                key, _, value = (s.strip() for s in requirement.partition(operator))
                break
        else:
            raise _bad_request(f'invalid selector: \'{selector}\'; can\'t understand \'{requirement}\'')
        if key not in fields:
            raise _bad_request(f'"{key}" is not a known field selector: only "{", ".join(sorted(fields))}"')
        if (fields[key] == value) == (operator == "!="):
            return False
    return True


# --- WebSocket framing (RFC 6455) ------------------------------------------------------------

def websocket_accept(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()


def _unmask(data: bytes, mask: bytes) -> bytes:
    n = len(data)
    if not n:
        return b""
    key = (mask * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "big") ^ int.from_bytes(key, "big")).to_bytes(n, "big")


def _frame(opcode: int, payload: bytes) -> bytes:
    n = len(payload)
    if n < 126:
        header = struct.pack("!BB", 0x80 | opcode, n)
    elif n < 65536:
        header = struct.pack("!BBH", 0x80 | opcode, 126, n)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 127, n)
    return header + payload


def _parse_frame(buffer: bytearray):
    """(fin, rsv, opcode, masked, payload) of the first complete frame, removed from buffer; or None."""
    if len(buffer) < 2:
        return None
    first, second = buffer[0], buffer[1]
    length, position = second & 0x7F, 2
    if length == 126:
        if len(buffer) < 4:
            return None
        length, position = struct.unpack_from("!H", buffer, 2)[0], 4
    elif length == 127:
        if len(buffer) < 10:
            return None
        length, position = struct.unpack_from("!Q", buffer, 2)[0], 10
    if length > MAX_MESSAGE:
        raise _WebSocketClose(1009, "message too big")
    masked = bool(second & 0x80)
    mask = b""
    if masked:
        if len(buffer) < position + 4:
            return None
        mask = bytes(buffer[position:position + 4])
        position += 4
    if len(buffer) < position + length:
        return None
    payload = bytes(buffer[position:position + length])
    del buffer[:position + length]
    if masked:
        payload = _unmask(payload, mask)
    return bool(first & 0x80), first & 0x70, first & 0x0F, masked, payload


class _WebSocketClose(Exception):
    def __init__(self, code: int, reason: str = ""):
        super().__init__(reason)
        self.code, self.reason = code, reason


# --- the stand-in ------------------------------------------------------------------------------

class _LogBuffer:
    def __init__(self):
        self.entries: list[tuple[int, bytes]] = []  # (time_ns, one line ending in \n)
        self.ended = False


class KubeStandIn(ThreadedHTTPStandIn):
    def __init__(self, token: str, *, pods: list[KubePod] | None = None, secrets: list[KubeSecret] | None = None,
                 workdir: str | None = None, tls_cert: str | None = None, tls_key: str | None = None,
                 sandbox_uid: int = SANDBOX_UID, sandbox_gid: int = SANDBOX_GID,
                 server_version: str = SERVER_VERSION, request_timeout: float = 120.0):
        if not token:
            raise ValueError("the stand-in needs a token")
        self.token = token
        self.sandbox_uid, self.sandbox_gid = sandbox_uid, sandbox_gid
        self.server_version = server_version
        self.request_timeout = request_timeout
        self._own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="gatehouse-kube-")
        os.makedirs(self.workdir, exist_ok=True)
        self.log_path = os.path.join(self.workdir, "kube-standin.log")
        if tls_cert:
            self.tls_cert, self.tls_key = tls_cert, tls_key
        else:
            self.tls_cert, self.tls_key = write_self_signed(self.workdir, "kube-standin")
        self.ca_cert = self.tls_cert
        self.host = "127.0.0.1"
        self.port = free_port()
        self.url = f"https://{self.host}:{self.port}"
        self.created = time.time()
        self._lock = threading.RLock()
        self._log_changed = threading.Condition(self._lock)
        self._requests: list[KubeRequest] = []
        self._resource_versions = itertools.count(1000)
        self._pods: dict[tuple[str, str], dict] = {}
        self._pod_configs: dict[tuple[str, str], KubePod] = {}
        self._secrets: dict[tuple[str, str], dict] = {}
        self._namespaces: dict[str, dict] = {}
        self._logs: dict[tuple[str, str, str], _LogBuffer] = {}
        self._sessions: set = set()
        self._stopping = False
        self._httpd: ThreadingTLSServer | None = None
        self._thread: threading.Thread | None = None
        self._namespace("default")
        for pod in sample_pods() if pods is None else pods:
            self.add_pod(pod)
        for secret in sample_secrets() if secrets is None else secrets:
            self.add_secret(secret)

    # --- lifecycle -------------------------------------------------------------------

    def start(self) -> "KubeStandIn":
        if os.geteuid() != 0:
            raise RuntimeError("the Kubernetes stand-in runs exec commands chrooted into each pod's sandbox, "
                               "which needs root (CI runs as root); run the tests as root")
        if not os.path.isfile(BUSYBOX):
            raise RuntimeError(f"{BUSYBOX} is missing: install the Debian package busybox-static "
                               "(scripts/install-deps.sh does)")
        for tool in ("chroot", "setsid"):
            if shutil.which(tool) is None:
                raise RuntimeError(f"`{tool}` is not on PATH (coreutils / util-linux)")
        with self._lock:
            for key in self._pod_configs:
                self._build_sandbox(key)
        self._stopping = False
        handler = type("BoundKubeHandler", (_KubeHandler,), {"standin": self, "timeout": self.request_timeout})
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.tls_cert, self.tls_key)
        context.set_alpn_protocols(["http/1.1"])
        return self._serve(ThreadingTLSServer((self.host, self.port), handler, context, self.request_timeout),
                           "kube-standin", "Kubernetes stand-in", self.url)

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            self._log_changed.notify_all()
            sessions = list(self._sessions)
        for session in sessions:
            session.abort()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # the sessions kill their commands before the sandboxes go
            with self._lock:
                if not self._sessions:
                    break
            time.sleep(0.02)
        super().stop()

    def kubeconfig(self, path: str | None = None, *, token: str | None = None, namespace: str | None = None,
                   server: str | None = None, ca_cert: str | None = None) -> str:
        """Writes a kubeconfig for this server (or `server`, e.g. a gateway in front of it) with the
        bearer token (default: the stand-in's own); returns its path. JSON, which kubectl reads as YAML."""
        path = path or os.path.join(self.workdir, "kubeconfig")
        context = {"cluster": "standin", "user": "standin"}
        if namespace:
            context["namespace"] = namespace
        config = {
            "apiVersion": "v1", "kind": "Config", "current-context": "standin", "preferences": {},
            "clusters": [{"name": "standin", "cluster": {"server": server or self.url,
                                                          "certificate-authority": ca_cert or self.ca_cert}}],
            "users": [{"name": "standin", "user": {"token": self.token if token is None else token}}],
            "contexts": [{"name": "standin", "context": context}],
        }
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(config, f, indent=2)
        return path

    # --- for tests: objects and sandboxes --------------------------------------------

    def add_pod(self, pod: KubePod) -> None:
        """Adds (or replaces) a pod; its sandbox is built now if the stand-in is running."""
        containers = [{"name": c, "image": f"registry.example.com/{c}:latest"} if isinstance(c, str) else dict(c)
                      for c in pod.containers]
        if not containers:
            raise ValueError("a pod needs at least one container")
        key = (pod.namespace, pod.name)
        created = self.created - pod.age_seconds
        index = len(self._pods)
        uid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"pod/{pod.namespace}/{pod.name}"))
        running = pod.phase == "Running"
        statuses = []
        for container in containers:
            state = ({"running": {"startedAt": _rfc3339(created)}} if running else
                     {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": _rfc3339(created),
                                     "finishedAt": _rfc3339(created)}})
            statuses.append({"name": container["name"], "state": state, "lastState": {}, "ready": running,
                             "restartCount": 0, "image": container["image"],
                             "imageID": container["image"] + "@sha256:" + hashlib.sha256(
                                 container["image"].encode()).hexdigest(),
                             "containerID": "containerd://" + hashlib.sha256(
                                 f"{uid}/{container['name']}".encode()).hexdigest(),
                             "started": running})
        ready = "True" if running else "False"
        pod_ip = f"10.244.0.{10 + index}"
        obj = {
            "kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": pod.name, "namespace": pod.namespace, "uid": uid,
                         "resourceVersion": str(next(self._resource_versions)),
                         "creationTimestamp": _rfc3339(created), "labels": dict(pod.labels)},
            "spec": {"containers": [{"name": c["name"], "image": c["image"], "resources": {},
                                     "terminationMessagePath": "/dev/termination-log",
                                     "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}
                                    for c in containers],
                     "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
                     "serviceAccountName": "default", "serviceAccount": "default", "nodeName": NODE_NAME,
                     "securityContext": {}, "schedulerName": "default-scheduler", "priority": 0,
                     "enableServiceLinks": True, "preemptionPolicy": "PreemptLowerPriority"},
            "status": {"phase": pod.phase,
                       "conditions": [{"type": t, "status": ready if t in ("Ready", "ContainersReady") else "True",
                                       "lastProbeTime": None, "lastTransitionTime": _rfc3339(created)}
                                      for t in ("PodReadyToStartContainers", "Initialized", "Ready",
                                                "ContainersReady", "PodScheduled")],
                       "hostIP": "10.0.0.10", "hostIPs": [{"ip": "10.0.0.10"}], "podIP": pod_ip,
                       "podIPs": [{"ip": pod_ip}], "startTime": _rfc3339(created),
                       "containerStatuses": statuses, "qosClass": "BestEffort"},
        }
        if pod.annotations:
            obj["metadata"]["annotations"] = dict(pod.annotations)
        with self._lock:
            self._namespace(pod.namespace)
            self._pods[key] = obj
            self._pod_configs[key] = pod
            logs = pod.logs if isinstance(pod.logs, dict) else {containers[0]["name"]: pod.logs}
            for container in containers:
                self._logs[(pod.namespace, pod.name, container["name"])] = _LogBuffer()
                if logs.get(container["name"]):
                    self.append_log(pod.namespace, pod.name, logs[container["name"]], container=container["name"])
            if self._httpd is not None:
                self._build_sandbox(key)

    def add_secret(self, secret: KubeSecret) -> None:
        data = {k: base64.b64encode(v.encode() if isinstance(v, str) else bytes(v)).decode()
                for k, v in secret.data.items()}
        with self._lock:
            self._namespace(secret.namespace)
            self._secrets[(secret.namespace, secret.name)] = {
                "kind": "Secret", "apiVersion": "v1",
                "metadata": {"name": secret.name, "namespace": secret.namespace,
                             "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"secret/{secret.namespace}/{secret.name}")),
                             "resourceVersion": str(next(self._resource_versions)),
                             "creationTimestamp": _rfc3339(self.created - secret.age_seconds)},
                "data": data, "type": secret.type}

    def pod(self, namespace: str, name: str) -> dict:
        """The pod object as served (a copy)."""
        with self._lock:
            return json.loads(json.dumps(self._pods[(namespace, name)]))

    def sandbox(self, namespace: str, pod: str) -> str:
        """The host directory that is the pod's filesystem root."""
        if (namespace, pod) not in self._pod_configs:
            raise KeyError(f"no pod {namespace}/{pod}")
        return os.path.join(self.workdir, "pods", namespace, pod)

    def _host_path(self, namespace: str, pod: str, path: str) -> str:
        root = os.path.realpath(self.sandbox(namespace, pod))
        candidate = os.path.normpath(os.path.join(root, path.lstrip("/")))
        if candidate != root and not candidate.startswith(root + os.sep):
            raise ValueError(f"{path!r} is outside the sandbox")
        return candidate

    def file(self, namespace: str, pod: str, path: str) -> bytes:
        """A file's content in the pod's sandbox (path as seen inside the pod), as ground truth."""
        with open(self._host_path(namespace, pod, path), "rb") as f:
            return f.read()

    def file_exists(self, namespace: str, pod: str, path: str) -> bool:
        return os.path.lexists(self._host_path(namespace, pod, path))

    def write_file(self, namespace: str, pod: str, path: str, data: bytes | str, mode: int = 0o644) -> None:
        host = self._host_path(namespace, pod, path)
        os.makedirs(os.path.dirname(host), exist_ok=True)
        with open(host, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        os.chmod(host, mode)
        os.chown(host, self.sandbox_uid, self.sandbox_gid)
        self._chown_tree(os.path.dirname(host), self.sandbox(namespace, pod))

    # --- for tests: logs -------------------------------------------------------------

    def _log_buffer(self, namespace: str, pod: str, container: str | None) -> _LogBuffer:
        if container is None:
            container = self._pods[(namespace, pod)]["spec"]["containers"][0]["name"]
        return self._logs[(namespace, pod, container)]

    def append_log(self, namespace: str, pod: str, text: str | bytes, container: str | None = None) -> None:
        """Appends lines to a container's log (the first container by default); followers get them now.
        Each line is stamped with the current time; a missing final newline is added."""
        data = text.encode() if isinstance(text, str) else bytes(text)
        with self._lock:
            buffer = self._log_buffer(namespace, pod, container)
            for line in data.splitlines(keepends=True):
                buffer.entries.append((time.time_ns(), line if line.endswith(b"\n") else line + b"\n"))
            self._log_changed.notify_all()

    def end_log(self, namespace: str, pod: str, container: str | None = None) -> None:
        """Ends a container's log: followers get the end of the stream, as when a container stops."""
        with self._lock:
            self._log_buffer(namespace, pod, container).ended = True
            self._log_changed.notify_all()

    def log_text(self, namespace: str, pod: str, container: str | None = None) -> str:
        with self._lock:
            return b"".join(line for _, line in self._log_buffer(namespace, pod, container).entries).decode()

    # --- for tests: request log ------------------------------------------------------

    @property
    def requests(self) -> list[KubeRequest]:
        """A snapshot of the request log, oldest first."""
        with self._lock:
            return [dataclasses.replace(r, query={k: list(v) for k, v in r.query.items()}, resizes=list(r.resizes),
                                        stdin=bytes(r.stdin))
                    for r in self._requests]

    @property
    def execs(self) -> list[KubeRequest]:
        return [r for r in self.requests if r.resource == "pods/exec"]

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def stdin_received(self, namespace: str | None = None, pod: str | None = None) -> bytes:
        """Every stdin byte the execs (into the pod / namespace, if given) received, in order."""
        return b"".join(r.stdin for r in self.execs
                        if (namespace is None or r.namespace == namespace) and (pod is None or r.name == pod))

    def read_log(self) -> str:
        """Tracebacks of requests that failed inside the stand-in, for failure diagnostics."""
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    # --- internals -------------------------------------------------------------------

    def _namespace(self, name: str) -> None:
        if name not in self._namespaces:
            self._namespaces[name] = {
                "kind": "Namespace", "apiVersion": "v1",
                "metadata": {"name": name, "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"namespace/{name}")),
                             "resourceVersion": str(next(self._resource_versions)),
                             "creationTimestamp": _rfc3339(self.created),
                             "labels": {"kubernetes.io/metadata.name": name}},
                "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}

    def _chown_tree(self, top: str, root: str) -> None:
        """Hands `top` and its parents up to the sandbox root to the sandbox user (not /bin)."""
        path = top
        while True:
            os.chown(path, self.sandbox_uid, self.sandbox_gid)
            if os.path.samefile(path, root) or len(path) <= len(root):
                break
            path = os.path.dirname(path)

    def _build_sandbox(self, key: tuple[str, str]) -> None:
        pod = self._pod_configs[key]
        root = os.path.join(self.workdir, "pods", *key)
        if os.path.isdir(root):
            shutil.rmtree(root)
        for directory in ("bin", "etc", "tmp", "dev", "root", "home", "usr/bin", "var"):
            os.makedirs(os.path.join(root, directory), exist_ok=True)
        shutil.copy2(BUSYBOX, os.path.join(root, "bin", "busybox"))
        for applet in SANDBOX_APPLETS:
            os.symlink("busybox", os.path.join(root, "bin", applet))
        uid, gid = self.sandbox_uid, self.sandbox_gid
        with open(os.path.join(root, "etc", "passwd"), "w") as f:
            f.write(f"root:x:0:0:root:/root:/bin/sh\napp:x:{uid}:{gid}:app:/home/app:/bin/sh\n")
        with open(os.path.join(root, "etc", "group"), "w") as f:
            f.write(f"root:x:0:\napp:x:{gid}:\n")
        with open(os.path.join(root, "etc", "hostname"), "w") as f:
            f.write(pod.name + "\n")
        os.chmod(os.path.join(root, "tmp"), 0o1777)
        for name, major, minor in (("null", 1, 3), ("zero", 1, 5), ("tty", 5, 0), ("urandom", 1, 9)):
            try:
                os.mknod(os.path.join(root, "dev", name), 0o20666, os.makedev(major, minor))
                os.chmod(os.path.join(root, "dev", name), 0o666)
            except OSError:
                pass  # no CAP_MKNOD here: the sandbox goes without
        os.makedirs(os.path.join(root, "home", "app"), exist_ok=True)
        for path, content in pod.files.items():
            host = os.path.normpath(os.path.join(root, path.lstrip("/")))
            if not host.startswith(root + os.sep):
                raise ValueError(f"file {path!r} of pod {key} is outside the sandbox")
            os.makedirs(os.path.dirname(host), exist_ok=True)
            with open(host, "wb") as f:
                f.write(content.encode() if isinstance(content, str) else bytes(content))
        # The command runs as the sandbox user: it owns everything but the busybox tree.
        for directory, subdirectories, files in os.walk(root):
            if os.path.relpath(directory, root) in ("bin", "dev"):
                subdirectories[:] = []
                continue
            os.chown(directory, uid, gid)
            for name in files:
                os.chown(os.path.join(directory, name), uid, gid, follow_symlinks=False)
        os.chown(os.path.join(root, "bin"), 0, 0)

    def _record(self, request: KubeRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _update(self, request: KubeRequest, **changes) -> None:
        with self._lock:
            for name, value in changes.items():
                setattr(request, name, value)

    def _log_exception(self, text: str) -> None:
        with self._lock, open(self.log_path, "a") as f:
            f.write(text + "\n")


# --- discovery documents ---------------------------------------------------------------------

# (resource, singular, namespaced, kind, verbs, short names, categories)
_RESOURCES = (
    ("namespaces", "namespace", False, "Namespace", ["get", "list"], ["ns"], []),
    ("pods", "pod", True, "Pod", ["get", "list"], ["po"], ["all"]),
    ("secrets", "secret", True, "Secret", ["get", "list"], [], []),
)
# (resource/subresource, kind, verbs)
_SUBRESOURCES = (
    ("pods/attach", "PodAttachOptions", ["create", "get"]),
    ("pods/exec", "PodExecOptions", ["create", "get"]),
    ("pods/log", "Pod", ["get"]),
    ("pods/portforward", "PodPortForwardOptions", ["create", "get"]),
)


def _api_resource_list() -> dict:
    resources = []
    for name, singular, namespaced, kind, verbs, short, categories in _RESOURCES:
        entry = {"name": name, "singularName": singular, "namespaced": namespaced, "kind": kind, "verbs": verbs}
        if short:
            entry["shortNames"] = short
        if categories:
            entry["categories"] = categories
        entry["storageVersionHash"] = base64.b64encode(hashlib.sha256(kind.encode()).digest()[:8]).decode()
        resources.append(entry)
        for sub, sub_kind, sub_verbs in _SUBRESOURCES:
            if sub.startswith(name + "/"):
                resources.append({"name": sub, "singularName": "", "namespaced": namespaced, "kind": sub_kind,
                                  "verbs": sub_verbs})
    return {"kind": "APIResourceList", "groupVersion": "v1", "resources": resources}


def _aggregated_core() -> dict:
    resources = []
    for name, singular, namespaced, kind, verbs, short, categories in _RESOURCES:
        entry = {"resource": name, "responseKind": {"group": "", "version": "v1", "kind": kind},
                 "scope": "Namespaced" if namespaced else "Cluster", "singularResource": singular, "verbs": verbs}
        if short:
            entry["shortNames"] = short
        if categories:
            entry["categories"] = categories
        subresources = [{"subresource": sub.split("/", 1)[1],
                         "responseKind": {"group": "", "version": "v1", "kind": sub_kind}, "verbs": sub_verbs}
                        for sub, sub_kind, sub_verbs in _SUBRESOURCES if sub.startswith(name + "/")]
        if subresources:
            entry["subresources"] = subresources
        resources.append(entry)
    return {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {},
            "items": [{"metadata": {"creationTimestamp": None},
                       "versions": [{"version": "v1", "resources": resources, "freshness": "Current"}]}]}


AGGREGATED_CONTENT_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
TABLE_CONTENT_TYPE = "application/json;as=Table;v={};g=meta.k8s.io"


# --- tables ----------------------------------------------------------------------------------

def _column(name: str, kind: str, description: str, priority: int = 0, format_: str = "") -> dict:
    return {"name": name, "type": kind, "format": format_, "description": description, "priority": priority}


_AGE = _column("Age", "string", "CreationTimestamp is a timestamp representing the server time when this object "
               "was created.")
_NAME = _column("Name", "string", "Name must be unique within a namespace.", format_="name")

_POD_COLUMNS = [
    _NAME,
    _column("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
    _column("Status", "string", "The aggregate status of the containers in this pod."),
    _column("Restarts", "string", "The number of times the containers in this pod have been restarted and when "
            "the last container in this pod has restarted."),
    _AGE,
    _column("IP", "string", "IP address allocated to the pod. Routable at least within the cluster.", 1),
    _column("Node", "string", "NodeName is a request to schedule this pod onto a specific node.", 1),
    _column("Nominated Node", "string", "nominatedNodeName is set only when this pod preempts other pods on the "
            "node.", 1),
    _column("Readiness Gates", "string", "If specified, all readiness gates will be evaluated for pod readiness.", 1),
]
_SECRET_COLUMNS = [
    _NAME,
    _column("Type", "string", "Used to facilitate programmatic handling of secret data."),
    _column("Data", "string", "Data contains the secret data."),
    _AGE,
]
_NAMESPACE_COLUMNS = [
    _NAME,
    _column("Status", "string", "The status of the namespace"),
    _AGE,
]


def _age(obj: dict) -> str:
    created = datetime.datetime.strptime(obj["metadata"]["creationTimestamp"], "%Y-%m-%dT%H:%M:%SZ")
    return human_duration(time.time() - created.replace(tzinfo=datetime.timezone.utc).timestamp())


def _cells(kind: str, obj: dict) -> list:
    if kind == "Pod":
        statuses = obj["status"]["containerStatuses"]
        ready = sum(1 for s in statuses if s["ready"])
        restarts = sum(s["restartCount"] for s in statuses)
        return [obj["metadata"]["name"], f"{ready}/{len(statuses)}", obj["status"]["phase"], str(restarts),
                _age(obj), obj["status"].get("podIP", "<none>"), obj["spec"].get("nodeName", "<none>"), "<none>",
                "<none>"]
    if kind == "Secret":
        return [obj["metadata"]["name"], obj["type"], len(obj.get("data", {})), _age(obj)]
    return [obj["metadata"]["name"], obj["status"]["phase"], _age(obj)]


# --- the handler ------------------------------------------------------------------------------

_NAMESPACED = re.compile(r"^/api/v1/namespaces/([^/]+)/(pods|secrets)(?:/([^/]+))?(?:/([^/]+))?$")
_CLUSTER_LIST = re.compile(r"^/api/v1/(pods|secrets|namespaces)$")
_NAMESPACE = re.compile(r"^/api/v1/namespaces/([^/]+)$")


class _KubeHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    rbufsize = 0  # unbuffered: after a WebSocket upgrade no frame bytes may sit in a read buffer
    standin: KubeStandIn  # set on the per-server subclass

    def log_message(self, format, *args):  # the request log replaces stderr noise
        pass

    def send_response(self, code, message=None):  # Go's net/http sends no Server header
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    def do_GET(self):
        self._serve()

    def do_POST(self):
        self._serve()

    def do_PUT(self):
        self._serve()

    def do_PATCH(self):
        self._serve()

    def do_DELETE(self):
        self._serve()

    def do_HEAD(self):
        self._serve()

    def do_OPTIONS(self):
        self._serve()

    # --- plumbing ------------------------------------------------------------------------

    def _serve(self) -> None:
        target = self.path
        raw_path, _, raw_query = target.partition("?")
        path = unquote(raw_path)
        record = KubeRequest(self.command, path, parse_qs(raw_query, keep_blank_values=True), False,
                             accept=self.headers.get("Accept"), user_agent=self.headers.get("User-Agent"),
                             impersonate=tuple((k, v) for k, v in self.headers.items() if k.lower().startswith("impersonate-")))
        self._record_obj = record
        self._recorded = False
        self._responded = False
        try:
            self._discard_body()
            if not self._authenticated():
                record.resource = "unauthenticated"
                self._send_json(401, UNAUTHORIZED)
                return
            record.authenticated = True
            self._route(record)
        except _StatusError as error:
            if not self._responded:
                record.reason = error.reason
                self._send_json(error.code, _status(error.code, error.reason, error.message, error.details))
        except OSError:  # the client went away or stalled
            self.close_connection = True
            if not self._recorded:
                record.status = 499
        except Exception:
            self.standin._log_exception(f"=== {self.command} {self.path}\n{traceback.format_exc()}")
            self.close_connection = True
            if not self._responded:
                try:
                    record.reason = "InternalError"
                    self._send_json(500, _status(500, "InternalError", "stand-in: internal error (see its log)"))
                except OSError:
                    pass
        finally:
            if not self._recorded:
                self._recorded = True
                self.standin._record(record)

    def _discard_body(self) -> None:
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True  # nothing served here takes a body; do not parse one
            return
        if length:
            try:
                remaining = int(length)
            except ValueError:
                self.close_connection = True
                raise _bad_request("invalid Content-Length")
            if remaining > 1 << 20:
                self.close_connection = True
                return
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 65536))
                if not chunk:
                    raise ConnectionError("request body shorter than Content-Length")
                remaining -= len(chunk)

    def _authenticated(self) -> bool:
        header = self.headers.get("Authorization") or ""
        scheme, _, credential = header.strip().partition(" ")
        presented = credential.strip().encode() if scheme.lower() == "bearer" else b""
        # Compared even when no bearer token came, so timing says nothing about which part failed.
        return hmac.compare_digest(presented, self.standin.token.encode()) and scheme.lower() == "bearer"

    def _record_now(self, status: int) -> None:
        """Logs the request before its response leaves, so a client that has its answer finds it logged."""
        self._record_obj.status = status
        if not self._recorded:
            self._recorded = True
            self.standin._record(self._record_obj)

    def _start(self, status: int, headers: dict) -> None:
        self.send_response(status)
        headers = {"Audit-Id": str(uuid.uuid4()), "Cache-Control": "no-cache, private", **headers}
        if self.close_connection:
            headers["Connection"] = "close"
        for name, value in headers.items():
            self.send_header(name, value)
        self._record_now(status)
        self._responded = True
        self.end_headers()

    def _send_body(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self._start(status, {"Content-Type": content_type, "Content-Length": str(len(body)), **(headers or {})})
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_json(self, status: int, payload: dict, content_type: str = "application/json",
                   headers: dict | None = None) -> None:
        self._send_body(status, json.dumps(payload, separators=(",", ":")).encode() + b"\n", content_type, headers)

    def _query(self, name: str) -> str | None:
        values = self._record_obj.query.get(name)
        return values[0] if values else None

    def _flag(self, name: str) -> bool:
        return (self._query(name) or "").lower() in ("true", "1")

    def _int_param(self, name: str) -> int | None:
        value = self._query(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except ValueError:
            raise _bad_request(f'{name}: Invalid value: "{value}": must be an integer')

    # --- routing ---------------------------------------------------------------------------

    def _route(self, record: KubeRequest) -> None:
        path = record.path.rstrip("/") or "/"
        method = self.command
        if path in ("/healthz", "/livez", "/readyz"):
            record.resource = "health"
            self._send_body(200, b"ok", "text/plain; charset=utf-8")
            return
        if path in ("/version", "/api", "/apis", "/api/v1"):
            record.resource = "discovery"
            if method not in ("GET", "HEAD"):
                raise _StatusError(405, "MethodNotAllowed", f"stand-in: {method} {path} is not supported")
            self._discovery(path)
            return
        match = _NAMESPACED.match(path)
        if match:
            namespace, resource, name, subresource = match.groups()
            record.namespace, record.name = namespace, name
            record.resource = resource + (f"/{subresource}" if subresource else "")
            if subresource:
                if resource != "pods":
                    raise _StatusError(404, "NotFound", _RESOURCE_NOT_FOUND)
                self._pod_subresource(namespace, name, subresource)
                return
            self._read_objects(resource, namespace, name)
            return
        match = _CLUSTER_LIST.match(path)
        if match:
            record.resource = match.group(1)
            self._read_objects(match.group(1), None, None)
            return
        match = _NAMESPACE.match(path)
        if match:
            record.resource, record.name = "namespaces", match.group(1)
            self._read_objects("namespaces", None, match.group(1))
            return
        record.resource = "unknown"
        raise _StatusError(404, "NotFound", _RESOURCE_NOT_FOUND)

    def _discovery(self, path: str) -> None:
        accepted = _media_types(self.headers.get("Accept"))
        aggregated = any(kind == "application/json" and params.get("g") == "apidiscovery.k8s.io"
                         and params.get("v") == "v2" and params.get("as") == "APIGroupDiscoveryList"
                         for kind, params in accepted)
        plain = not accepted or any(_json_acceptable(kind) and "as" not in params for kind, params in accepted)
        if path == "/version":
            major, minor = self.standin.server_version.lstrip("v").split(".")[:2]
            self._send_json(200, {"major": major, "minor": minor, "gitVersion": self.standin.server_version,
                                  "gitCommit": "0000000000000000000000000000000000000000",
                                  "gitTreeState": "clean", "buildDate": "2025-04-22T16:00:00Z",
                                  "goVersion": "go1.23.8", "compiler": "gc", "platform": "linux/amd64"})
            return
        if path in ("/api", "/apis") and aggregated:
            document = (_aggregated_core() if path == "/api" else
                        {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {},
                         "items": []})
            self._send_json(200, document, AGGREGATED_CONTENT_TYPE, {"Vary": "Accept"})
            return
        if not plain:
            raise _StatusError(406, "NotAcceptable", "only the following media types are accepted: "
                               "application/json, " + AGGREGATED_CONTENT_TYPE + " (stand-in: no protobuf, no yaml)")
        if path == "/api":
            document = {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": f"{self.standin.host}:{self.standin.port}"}]}
        elif path == "/apis":
            document = {"kind": "APIGroupList", "apiVersion": "v1", "groups": []}
        else:
            document = _api_resource_list()
        self._send_json(200, document, headers={"Vary": "Accept"} if path != "/api/v1" else None)

    # --- get and list ------------------------------------------------------------------------

    def _read_objects(self, resource: str, namespace: str | None, name: str | None) -> None:
        if self.command not in ("GET", "HEAD"):
            raise _StatusError(405, "MethodNotAllowed",
                               f"stand-in: {self.command} on {resource} is not implemented (only get and list)")
        if self._flag("watch"):
            raise _StatusError(501, "NotImplemented", "stand-in: watch is not implemented")
        standin = self.standin
        kind = {"pods": "Pod", "secrets": "Secret", "namespaces": "Namespace"}[resource]
        with standin._lock:
            if resource == "pods":
                store = standin._pods
            elif resource == "secrets":
                store = standin._secrets
            else:
                store = {(None, k): v for k, v in standin._namespaces.items()}
            if name is not None:
                obj = store.get((namespace, name))
                if obj is None:
                    raise _not_found(resource, name)
                objects = [json.loads(json.dumps(obj))]
            else:
                objects = [json.loads(json.dumps(obj)) for (ns, _), obj in sorted(store.items(), key=lambda i: (
                    i[0][0] or "", i[0][1])) if namespace is None or ns == namespace]
            resource_version = str(next(standin._resource_versions))
        if name is None:
            labels = self._query("labelSelector")
            fields = self._query("fieldSelector")
            objects = [o for o in objects if label_selector_matches(labels, o["metadata"].get("labels", {}))
                       and field_selector_matches(fields, self._selectable_fields(kind, o))]
        table_version = None
        plain = False
        for media, params in _media_types(self.headers.get("Accept")) or [("application/json", {})]:
            if media == "application/json" and params.get("as") == "Table" and params.get("g") == "meta.k8s.io" \
                    and params.get("v") in ("v1", "v1beta1"):
                table_version = params["v"]
                break
            if _json_acceptable(media) and "as" not in params:
                plain = True
                break
        if table_version:
            self._send_json(200, self._table(kind, objects, table_version, resource_version),
                            TABLE_CONTENT_TYPE.format(table_version))
            return
        if not plain:
            raise _StatusError(406, "NotAcceptable", "only the following media types are accepted: application/json, "
                               "application/json;as=Table;v=v1;g=meta.k8s.io (stand-in: no protobuf, no yaml, no "
                               "PartialObjectMetadata)")
        if name is not None:
            self._send_json(200, objects[0])
            return
        for obj in objects:
            obj.pop("kind", None)
            obj.pop("apiVersion", None)
        self._send_json(200, {"kind": f"{kind}List", "apiVersion": "v1",
                              "metadata": {"resourceVersion": resource_version}, "items": objects})

    @staticmethod
    def _selectable_fields(kind: str, obj: dict) -> dict:
        fields = {"metadata.name": obj["metadata"]["name"]}
        if kind != "Namespace":
            fields["metadata.namespace"] = obj["metadata"]["namespace"]
        if kind == "Pod":
            fields["status.phase"] = obj["status"]["phase"]
            fields["spec.nodeName"] = obj["spec"].get("nodeName", "")
        elif kind == "Secret":
            fields["type"] = obj["type"]
        else:
            fields["status.phase"] = obj["status"]["phase"]
        return fields

    def _table(self, kind: str, objects: list, version: str, resource_version: str) -> dict:
        columns = {"Pod": _POD_COLUMNS, "Secret": _SECRET_COLUMNS, "Namespace": _NAMESPACE_COLUMNS}[kind]
        include = (self._query("includeObject") or "Metadata")
        rows = []
        for obj in objects:
            row = {"cells": _cells(kind, obj)}
            if include == "Object":
                row["object"] = obj
            elif include != "None":
                row["object"] = {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                 "metadata": obj["metadata"]}
            rows.append(row)
        return {"kind": "Table", "apiVersion": f"meta.k8s.io/{version}",
                "metadata": {"resourceVersion": resource_version}, "columnDefinitions": columns, "rows": rows}

    # --- pod subresources ------------------------------------------------------------------

    def _pod_and_container(self, namespace: str, name: str) -> tuple[dict, str]:
        with self.standin._lock:
            pod = self.standin._pods.get((namespace, name))
            if pod is None:
                raise _not_found("pods", name)
            pod = json.loads(json.dumps(pod))
        names = [c["name"] for c in pod["spec"]["containers"]]
        container = self._query("container")
        if not container:
            if len(names) > 1:
                raise _bad_request(f"a container name must be specified for pod {name}, choose one of: "
                                   f"[{' '.join(names)}]")
            container = names[0]
        elif container not in names:
            raise _bad_request(f"container {container} is not valid for pod {name}")
        self._record_obj.container = container
        return pod, container

    def _pod_subresource(self, namespace: str, name: str, subresource: str) -> None:
        if subresource == "log":
            if self.command not in ("GET", "HEAD"):
                raise _StatusError(405, "MethodNotAllowed", f"stand-in: {self.command} on pods/log")
            pod, container = self._pod_and_container(namespace, name)
            self._pod_log(namespace, name, container)
            return
        if subresource == "exec":
            if self.command not in ("GET", "POST"):
                raise _StatusError(405, "MethodNotAllowed", f"stand-in: {self.command} on pods/exec")
            self._exec(namespace, name)
            return
        if subresource in ("attach", "portforward"):
            with self.standin._lock:
                if (namespace, name) not in self.standin._pods:
                    raise _not_found("pods", name)
            raise _StatusError(501, "NotImplemented", f"stand-in: pods/{subresource} is not implemented")
        raise _StatusError(404, "NotFound", _RESOURCE_NOT_FOUND)

    # --- logs --------------------------------------------------------------------------------

    def _pod_log(self, namespace: str, name: str, container: str) -> None:
        standin = self.standin
        if self._flag("previous"):
            raise _bad_request(f'previous terminated container "{container}" in pod "{name}" not found')
        tail = self._int_param("tailLines")
        limit = self._int_param("limitBytes")
        since = self._int_param("sinceSeconds")
        if limit is not None and limit < 1:
            raise _bad_request("limitBytes: Invalid value: must be greater than 0")
        timestamps = self._flag("timestamps")
        follow = self._flag("follow")
        with standin._lock:
            buffer = standin._logs[(namespace, name, container)]
            entries = list(buffer.entries)
        if since is not None:
            cutoff = time.time_ns() - since * 1_000_000_000
            entries = [e for e in entries if e[0] >= cutoff]
        if tail is not None and tail >= 0:
            entries = entries[len(entries) - tail:] if tail else []
        sent = 0

        def render(items) -> bytes:
            nonlocal sent
            data = b"".join((_rfc3339_nano(ts).encode() + b" " if timestamps else b"") + line for ts, line in items)
            if limit is not None:
                data = data[:max(0, limit - sent)]
            sent += len(data)
            return data

        if not follow:
            self._send_body(200, render(entries), "text/plain")
            return
        self._start(200, {"Content-Type": "text/plain", "Transfer-Encoding": "chunked"})
        with standin._lock:
            index = len(buffer.entries)
        data = render(entries)
        if data:
            self._chunk(data)
        while limit is None or sent < limit:
            with standin._lock:
                if len(buffer.entries) == index and not buffer.ended and not standin._stopping:
                    standin._log_changed.wait(0.25)
                new = buffer.entries[index:]
                index = len(buffer.entries)
                ended = buffer.ended or standin._stopping
            if new:
                data = render(new)
                if data:
                    self._chunk(data)
            elif self._client_gone():
                self.close_connection = True
                return
            if ended and len(buffer.entries) == index:
                break
        self.wfile.write(b"0\r\n\r\n")

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")

    def _client_gone(self) -> bool:
        sock = self.connection
        try:
            readable, _, _ = select.select([sock], [], [], 0)
            if not readable and not sock.pending():
                return False
            return sock.recv(1) == b""
        except ssl.SSLWantReadError:
            return False
        except (OSError, ValueError):
            return True

    # --- exec --------------------------------------------------------------------------------

    def _exec(self, namespace: str, name: str) -> None:
        record = self._record_obj
        command = tuple(record.query.get("command", []))
        record.command = command
        record.tty = self._flag("tty")
        pod, container = self._pod_and_container(namespace, name)
        phase = pod["status"]["phase"]
        if phase in ("Succeeded", "Failed"):
            raise _bad_request(f"cannot exec into a container in a completed pod; current phase is {phase}")
        if not command:
            raise _bad_request("you must specify at least 1 command")
        upgrade = (self.headers.get("Upgrade") or "").strip().lower()
        if upgrade.startswith("spdy/"):
            raise _StatusError(501, "NotImplemented", "stand-in: SPDY/3.1 streaming is not implemented; exec is "
                               f"served over WebSocket ({', '.join(SUPPORTED_PROTOCOLS)})")
        connection = [t.strip().lower() for t in (self.headers.get("Connection") or "").split(",")]
        if upgrade != "websocket" or "upgrade" not in connection or self.command != "GET":
            raise _bad_request("Upgrade request required")
        key = self.headers.get("Sec-WebSocket-Key")
        if self.headers.get("Sec-WebSocket-Version") != "13" or not key:
            raise _bad_request("stand-in: a WebSocket upgrade needs Sec-WebSocket-Version 13 and a key")
        offered = [p.strip() for p in ",".join(self.headers.get_all("Sec-WebSocket-Protocol") or []).split(",")
                   if p.strip()]
        protocol = next((p for p in SUPPORTED_PROTOCOLS if p in offered), None)
        if protocol is None:
            record.offered_protocols = tuple(offered)
            raise _bad_request(f"stand-in: none of the offered subprotocols {offered} is supported; it speaks "
                               f"{', '.join(SUPPORTED_PROTOCOLS)}")
        stdin, stdout, stderr = self._flag("stdin"), self._flag("stdout"), self._flag("stderr")
        if not (stdin or stdout or stderr):
            raise _bad_request("you must specify at least one of stdin, stdout, stderr")
        record.offered_protocols = tuple(offered)
        record.subprotocol = protocol
        record.stdin = bytearray()
        sandbox = self.standin.sandbox(namespace, name)
        self.close_connection = True
        self.send_response(101, "Switching Protocols")
        for header, value in (("Upgrade", "websocket"), ("Connection", "Upgrade"),
                              ("Sec-WebSocket-Accept", websocket_accept(key)), ("Sec-WebSocket-Protocol", protocol)):
            self.send_header(header, value)
        self._record_now(101)
        self._responded = True
        self.end_headers()
        _ExecSession(self.standin, self.connection, protocol, record, sandbox, command,
                     stdin=stdin, stdout=stdout, stderr=stderr, tty=record.tty,
                     hostname=name).run()


def _kill_session(sid: int) -> None:
    """SIGKILL to every process of session `sid` (found in /proc: field 6 of /proc/PID/stat)."""
    try:
        os.killpg(sid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            if int(fields[3]) == sid:  # state, ppid, pgrp, session
                os.kill(int(entry), signal.SIGKILL)
        except (OSError, IndexError, ValueError):
            pass


# --- an exec session ------------------------------------------------------------------------------

class _ExecSession:
    """One command, its streams multiplexed over the WebSocket. One thread does all socket I/O
    (an SSL socket must not be read and written from two threads at once)."""

    def __init__(self, standin: KubeStandIn, sock, protocol: str, record: KubeRequest, sandbox: str,
                 command: tuple, *, stdin: bool, stdout: bool, stderr: bool, tty: bool, hostname: str):
        self.standin, self.sock, self.protocol, self.record = standin, sock, protocol, record
        self.sandbox, self.command, self.hostname = sandbox, command, hostname
        self.want_stdin, self.want_stdout, self.want_stderr, self.tty = stdin, stdout, stderr, tty
        self.inbuf = bytearray()
        self.fragments: tuple[int, bytearray] | None = None
        self.proc: subprocess.Popen | None = None
        self.outputs: dict[int, int] = {}  # fd -> channel
        self.stdin_fd: int | None = None
        self.stdin_buf = bytearray()
        self.stdin_eof = False  # the client closed its stdin (v5 channel 255)
        self.master: int | None = None
        self.slave: int | None = None
        self.got_resize = False
        self.aborted = False
        self.closed_by_client = False

    # --- the loop ----------------------------------------------------------------------------

    def run(self) -> None:
        with self.standin._lock:
            self.standin._sessions.add(self)
        try:
            self._run()
        except _WebSocketClose as close:
            self._kill()
            self._send_close(close.code, close.reason)
        except (OSError, ssl.SSLError):
            self._kill()
        finally:
            self._cleanup()
            with self.standin._lock:
                self.standin._sessions.discard(self)
            self.standin._update(self.record, finished=True)

    def _run(self) -> None:
        sock = self.sock
        error = self._resolve_command()
        if error:
            self._finish(error)
            return
        if self.tty:
            self.master, self.slave = os.openpty()
            os.set_blocking(self.master, False)
            self.outputs[self.master] = CHANNEL_STDOUT
            if self.want_stdin:
                self.stdin_fd = self.master
            start_at = time.monotonic() + FIRST_RESIZE_WAIT
        else:
            start_at = time.monotonic()
        exited_at = None
        while True:
            if self.aborted:
                self._kill()
                return
            now = time.monotonic()
            if self.proc is None and (self.got_resize or now >= start_at):
                error = self._spawn()
                if error:
                    self._finish(error)
                    return
            if self.proc is not None:
                if exited_at is None and self.proc.poll() is not None:
                    exited_at = now
                if exited_at is not None and (not self.outputs or now - exited_at > EXIT_GRACE):
                    break
            self._close_stdin_if_done()
            # Backpressure: while the command has not taken the stdin already here, read no more.
            listen = len(self.stdin_buf) < STDIN_BUFFER
            readers = ([sock] if listen else []) + list(self.outputs)
            writers = [self.stdin_fd] if (self.proc is not None and self.stdin_fd is not None and self.stdin_buf) \
                else []
            pending = sock.pending() if listen and isinstance(sock, ssl.SSLSocket) else 0
            readable, writable, _ = select.select(readers, writers, [], 0 if pending else 0.05)
            if pending or sock in readable:
                if not self._read_socket():
                    self.closed_by_client = True
                    self._kill()
                    return
            for fd in readable:
                if fd is not sock and fd in self.outputs:
                    self._pump(fd)
            if writable:
                self._write_stdin()
        for fd in list(self.outputs):  # whatever is left in the buffers
            self._pump(fd, drain=True)
        code = self.proc.wait()
        if code < 0:
            code = 128 - code
        self._finish(self._exit_status(code), code)

    def _resolve_command(self) -> dict | None:
        program = self.command[0]
        candidates = [program] if "/" in program else [os.path.join(d, program) for d in SANDBOX_PATH.split(":")]
        for candidate in candidates:
            host = os.path.join(self.sandbox, candidate.lstrip("/"))
            if os.path.isfile(host) and os.access(host, os.X_OK):
                return None
        return _status(500, "InternalError",
                       "Internal error occurred: error executing command in container: failed to exec in container: "
                       "OCI runtime exec failed: exec failed: unable to start container process: exec: "
                       f'"{program}": executable file not found in $PATH: unknown (stand-in)',
                       {"causes": [{"message": f'exec: "{program}": executable file not found in $PATH'}]})

    def _spawn(self) -> dict | None:
        env = {"PATH": SANDBOX_PATH, "HOSTNAME": self.hostname, "HOME": "/home/app"}
        chroot = ["chroot", f"--userspec={self.standin.sandbox_uid}:{self.standin.sandbox_gid}", "--groups=",
                  self.sandbox, *self.command]
        try:
            if self.tty:
                env["TERM"] = "xterm"
                self.proc = subprocess.Popen(["setsid", "--ctty", "--wait", *chroot], stdin=self.slave,
                                             stdout=self.slave, stderr=self.slave, env=env, cwd="/",
                                             close_fds=True)
                os.close(self.slave)
                self.slave = None
            else:
                devnull = subprocess.DEVNULL
                self.proc = subprocess.Popen(chroot, stdin=subprocess.PIPE if self.want_stdin else devnull,
                                             stdout=subprocess.PIPE if self.want_stdout else devnull,
                                             stderr=subprocess.PIPE if self.want_stderr else devnull,
                                             env=env, cwd="/", close_fds=True, start_new_session=True)
                if self.proc.stdin:
                    self.stdin_fd = self.proc.stdin.fileno()
                    os.set_blocking(self.stdin_fd, False)
                for stream, channel in ((self.proc.stdout, CHANNEL_STDOUT), (self.proc.stderr, CHANNEL_STDERR)):
                    if stream:
                        os.set_blocking(stream.fileno(), False)
                        self.outputs[stream.fileno()] = channel
        except OSError as error:
            return _status(500, "InternalError", f"stand-in: could not start the command: {error}")
        return None

    # --- socket side -------------------------------------------------------------------------

    def _read_socket(self) -> bool:
        """Reads what the client sent; False once it has gone (EOF, close frame)."""
        try:
            data = self.sock.recv(65536)
        except ssl.SSLWantReadError:
            return True
        except TimeoutError:
            return True
        if not data:
            return False
        self.inbuf += data
        while True:
            frame = _parse_frame(self.inbuf)
            if frame is None:
                return True
            fin, rsv, opcode, masked, payload = frame
            if rsv or not masked:
                raise _WebSocketClose(1002, "protocol error")
            if opcode == 0x8:  # close: answer it and stop
                self._send_close(1000)
                return False
            if opcode == 0x9:
                self._send(0xA, payload)
            elif opcode == 0xA:
                pass
            elif opcode in (0x1, 0x2):
                if self.fragments is not None:
                    raise _WebSocketClose(1002, "new message inside a fragmented one")
                if fin:
                    self._message(opcode, payload)
                else:
                    self.fragments = (opcode, bytearray(payload))
            elif opcode == 0x0:
                if self.fragments is None:
                    raise _WebSocketClose(1002, "continuation without a message")
                self.fragments[1].extend(payload)
                if len(self.fragments[1]) > MAX_MESSAGE:
                    raise _WebSocketClose(1009, "message too big")
                if fin:
                    opcode, message = self.fragments
                    self.fragments = None
                    self._message(opcode, bytes(message))
            else:
                raise _WebSocketClose(1002, "unknown opcode")

    def _message(self, opcode: int, payload: bytes) -> None:
        if opcode != 0x2 or not payload:
            return  # the channel protocols are binary; text belongs to the base64 variants
        channel, data = payload[0], payload[1:]
        if channel == CHANNEL_STDIN:
            if not data:
                return
            with self.standin._lock:
                self.record.stdin.extend(data)
            if self.stdin_fd is not None and not self.stdin_eof:
                self.stdin_buf.extend(data)
        elif channel == CHANNEL_RESIZE:
            try:
                size = json.loads(data)
                width, height = int(size.get("Width", 0)), int(size.get("Height", 0))
            except (ValueError, TypeError, AttributeError):
                return
            self.standin._update(self.record, resizes=self.record.resizes + [(width, height)])
            self.got_resize = True
            if self.master is not None:
                fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        elif channel == CHANNEL_CLOSE and self.protocol == PROTOCOL_V5:
            if data and data[0] == CHANNEL_STDIN:
                self.stdin_eof = True
                self.standin._update(self.record, stdin_closed=True)

    def _send(self, opcode: int, payload: bytes) -> None:
        self.sock.sendall(_frame(opcode, payload))

    def _send_close(self, code: int, reason: str = "") -> None:
        try:
            self._send(0x8, struct.pack("!H", code) + reason.encode()[:120])
        except (OSError, ssl.SSLError):
            pass

    # --- process side ------------------------------------------------------------------------

    def _pump(self, fd: int, drain: bool = False) -> None:
        while True:
            try:
                data = os.read(fd, 65536)
            except BlockingIOError:
                return
            except OSError as error:
                if error.errno != errno.EIO:  # EIO: the pty's last slave is closed
                    raise
                data = b""
            if not data:
                self.outputs.pop(fd, None)
                return
            channel = self.outputs[fd]
            if channel == CHANNEL_STDOUT and not self.want_stdout:
                continue
            self._send(0x2, bytes([channel]) + data)
            if not drain:
                return

    def _write_stdin(self) -> None:
        try:
            written = os.write(self.stdin_fd, self.stdin_buf)
        except BlockingIOError:
            return
        except OSError:  # the command closed its stdin or exited
            self.stdin_buf.clear()
            self._drop_stdin()
            return
        del self.stdin_buf[:written]

    def _close_stdin_if_done(self) -> None:
        if self.stdin_eof and not self.stdin_buf and self.stdin_fd is not None and self.proc is not None:
            if self.tty:
                try:
                    os.write(self.stdin_fd, b"\x04")  # ^D: end of input for the terminal's reader
                except OSError:
                    pass
                self.stdin_fd = None
            else:
                self._drop_stdin()

    def _drop_stdin(self) -> None:
        if self.stdin_fd is None:
            return
        if not self.tty and self.proc is not None and self.proc.stdin:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        self.stdin_fd = None

    def _exit_status(self, code: int) -> dict:
        if code == 0:
            return {"metadata": {}, "status": "Success"}
        return {"metadata": {}, "status": "Failure",
                "message": f"command terminated with non-zero exit code: error executing command "
                           f"[{' '.join(self.command)}], exit code {code}",
                "reason": "NonZeroExitCode",
                "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]}}

    def _finish(self, status: dict, code: int | None = None) -> None:
        # Recorded before the status goes out: when kubectl exits, the log is final.
        self.standin._update(self.record, exit_code=code, finished=True)
        self._send(0x2, bytes([CHANNEL_ERROR]) + json.dumps(status, separators=(",", ":")).encode())
        self._send_close(1000)
        # Give the client a moment to answer the close, so the connection ends cleanly.
        deadline = time.monotonic() + 1.0
        try:
            while time.monotonic() < deadline:
                pending = self.sock.pending() if isinstance(self.sock, ssl.SSLSocket) else 0
                readable, _, _ = select.select([self.sock], [], [], 0 if pending else 0.05)
                if pending or readable:
                    data = self.sock.recv(65536)
                    if not data:
                        break
                    self.inbuf += data
                    frame = _parse_frame(self.inbuf)
                    while frame is not None and frame[2] != 0x8:
                        frame = _parse_frame(self.inbuf)
                    if frame is not None:
                        break
        except (OSError, ssl.SSLError, _WebSocketClose):
            pass

    def _kill(self) -> None:
        """Kills the command's whole session: its process group and any job an interactive shell
        put in a group of its own (the command is the session leader, sid = its pid)."""
        if self.proc is None:
            return
        _kill_session(self.proc.pid)
        if self.proc.returncode is None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass

    def abort(self) -> None:
        """From another thread (stop()): end the session now."""
        self.aborted = True
        try:
            self.sock.shutdown(2)  # socket.SHUT_RDWR
        except OSError:
            pass

    def _cleanup(self) -> None:
        self._kill()
        if self.proc is not None:
            for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                if stream:
                    try:
                        stream.close()
                    except OSError:
                        pass
            if self.proc.returncode is None:
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
        for fd in (self.master, self.slave):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.master = self.slave = None


# --- as a process ------------------------------------------------------------------------------------

def load_config(path: str) -> tuple[list[KubePod], list[KubeSecret]]:
    """Pods and secrets from a JSON file: {"pods": [{"namespace", "name", "labels", "containers",
    "files": {path: text}, "logs", "annotations"}], "secrets": [{"namespace", "name", "data", "type"}]}."""
    with open(path) as f:
        config = json.load(f)
    pod_fields = {field.name for field in dataclasses.fields(KubePod)}
    secret_fields = {field.name for field in dataclasses.fields(KubeSecret)}
    pods = [KubePod(**{k: v for k, v in item.items() if k in pod_fields}) for item in config.get("pods", [])]
    secrets = [KubeSecret(**{k: v for k, v in item.items() if k in secret_fields})
               for item in config.get("secrets", [])]
    return pods, secrets


def main(argv: list[str] | None = None) -> int:
    """Serves until SIGTERM or SIGINT; prints `ready <url>` once it listens. The bearer token comes
    from the environment variable `--token-env` names. Without --tls-cert the certificate (the CA a
    kubeconfig names) is written to <workdir>/kube-standin.pem."""
    import argparse
    parser = argparse.ArgumentParser(description="The Kubernetes API server stand-in as a process (HTTPS on "
                                                 "loopback). Needs root: exec runs chrooted into pod sandboxes.")
    parser.add_argument("--token-env", required=True, help="the environment variable holding the accepted token")
    parser.add_argument("--config", help="a JSON file with pods and secrets (default: the sample pods)")
    parser.add_argument("--workdir", help="sandboxes, certificate and log (default: a temporary directory)")
    parser.add_argument("--tls-cert", help="the server certificate (PEM); with --tls-key")
    parser.add_argument("--tls-key", help="its private key (PEM)")
    parser.add_argument("--kubeconfig", help="also write a kubeconfig for kubectl here")
    arguments = parser.parse_args(argv)
    token = os.environ.get(arguments.token_env)
    if not token:
        parser.error(f"the environment variable {arguments.token_env} is not set")
    if bool(arguments.tls_cert) != bool(arguments.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    pods = secrets = None
    if arguments.config:
        pods, secrets = load_config(arguments.config)
    standin = KubeStandIn(token, pods=pods, secrets=secrets, workdir=arguments.workdir,
                          tls_cert=arguments.tls_cert, tls_key=arguments.tls_key)
    stopped = threading.Event()
    # A parent may start us with its signal mask (Swift's Foundation Process keeps it): SIGTERM
    # blocked there would make us unstoppable.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    try:
        standin.start()
    except RuntimeError as error:
        print(f"kube stand-in: {error}", file=sys.stderr, flush=True)
        return 2
    if arguments.kubeconfig:
        standin.kubeconfig(arguments.kubeconfig)
    print(f"ready {standin.url}", flush=True)
    stopped.wait()
    standin.stop()
    return 0

