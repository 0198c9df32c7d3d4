"""A real Git smart-HTTP upstream: Debian's `git http-backend` behind a tiny Python CGI runner.

Gatehouse proxies Git smart HTTP, so its tests need an upstream that speaks exactly what
GitHub-like servers speak: protocol v0 and v2, fetches and pushes (receive-pack is enabled),
gzip and chunked request bodies, optional HTTP Basic auth. No Docker, no web server config:
`http.server.ThreadingHTTPServer` runs one `git http-backend` process per request and
streams bodies both ways.

Every request is recorded in `.requests` (method, path, query, Git-Protocol header,
whether an Authorization header was present, status, chunked request body) so tests can
prove what the gateway forwarded: protocol v2 negotiation, the upstream credential it
injected, never the client's token. The backend's stderr goes to `<workdir>/git-http-backend.log`.
"""

import base64
import http.server
import os
import subprocess
import tempfile
import threading
from typing import NamedTuple

from .http_stand_in import ThreadedHTTPStandIn
from .ports import free_port

HTTP_BACKEND = "/usr/lib/git-core/git-http-backend"

# Config for the backend only, through GIT_CONFIG_COUNT (command-line scope, so even
# safe.directory is honoured): pushes over HTTP without REMOTE_USER, repositories created by
# another user, and partial-clone filters like a hosted forge.
BACKEND_CONFIG = {
    "http.receivepack": "true",
    "http.uploadpack": "true",
    "safe.directory": "*",
    "uploadpack.allowFilter": "true",
}


class GitRequest(NamedTuple):
    method: str
    path: str
    query: str
    git_protocol: str | None  # the Git-Protocol request header, e.g. "version=2"
    authorization: bool  # an Authorization header was present
    status: int
    chunked: bool  # the request body came with Transfer-Encoding: chunked


class GitHTTPServer(ThreadedHTTPStandIn):
    def __init__(self, root_dir: str, username: str | None = None, password: str | None = None,
                 *, workdir: str | None = None, request_timeout: float = 120.0):
        self.root_dir = os.path.abspath(root_dir)
        self.username = username
        self.password = password
        self.request_timeout = request_timeout
        self._own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="gatehouse-git-http-")
        self.stderr_path = os.path.join(self.workdir, "git-http-backend.log")
        self.host = "127.0.0.1"
        self.port = free_port()
        self.base_url = f"http://{self.host}:{self.port}"
        self._requests: list[GitRequest] = []
        self._lock = threading.Lock()
        self._httpd: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------

    def start(self) -> "GitHTTPServer":
        # `timeout` bounds every socket read, so a client that stalls mid-body cannot pin a thread.
        handler = type("BoundGitHandler", (_GitHandler,), {"git_server": self, "timeout": self.request_timeout})
        httpd = http.server.ThreadingHTTPServer((self.host, self.port), handler)
        httpd.daemon_threads = True
        return self._serve(httpd, "git-http", "git HTTP server", self.base_url)

    # --- for tests -------------------------------------------------------------------

    def url(self, repo: str) -> str:
        return f"{self.base_url}/{repo}"

    @property
    def requests(self) -> list[GitRequest]:
        """A snapshot of the request log, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def read_stderr(self) -> str:
        """The backend's stderr so far, for failure diagnostics."""
        try:
            with open(self.stderr_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def _record(self, request: GitRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _authorized(self, header: str | None) -> bool:
        if self.username is None and self.password is None:
            return True
        if not header or not header.lower().startswith("basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:].strip()).decode().partition(":")
        except ValueError:
            return False
        return user == (self.username or "") and password == (self.password or "")


class _GitHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    git_server: GitHTTPServer  # set on the per-server subclass

    def log_message(self, format, *args):  # the request log replaces stderr noise
        pass

    def do_GET(self):
        self._serve()

    def do_POST(self):
        self._serve()

    # --- one request -----------------------------------------------------------------

    def _serve(self) -> None:
        server = self.git_server
        path, _, query = self.path.partition("?")
        chunked = "chunked" in (self.headers.get("Transfer-Encoding") or "").lower()
        authorization = self.headers.get("Authorization")

        def record(status: int) -> None:
            server._record(GitRequest(self.command, path, query, self.headers.get("Git-Protocol"),
                                      authorization is not None, status, chunked))

        if not server._authorized(authorization):
            self._discard_body(chunked)
            body = b"authentication required\n"
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            record(401)
            return

        with open(server.stderr_path, "ab") as stderr:
            stderr.write(f"\n=== {self.command} {self.path}\n".encode())
            stderr.flush()
            process = subprocess.Popen([HTTP_BACKEND], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=stderr, env=self._cgi_environment(path, query, chunked), bufsize=0)
        # The timeout kills the backend; its stdout then ends and this handler finishes, leaving
        # the response unterminated so the client sees a failure rather than a short answer.
        timed_out = threading.Event()
        killer = threading.Timer(server.request_timeout, lambda: (timed_out.set(), process.kill()))
        killer.start()
        try:
            feeder = threading.Thread(target=self._feed_body, args=(process, chunked), daemon=True)
            feeder.start()
            status = self._relay_response(process, timed_out)
            feeder.join(server.request_timeout)
            if feeder.is_alive():  # still reading a body nobody wants: this connection is done
                self.close_connection = True
            record(status)
        except OSError:  # the client went away mid-response
            self.close_connection = True
            process.kill()
            record(499)
        finally:
            killer.cancel()
            process.stdout.close()
            process.wait()

    def _cgi_environment(self, path: str, query: str, chunked: bool) -> dict:
        server = self.git_server
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": server.workdir,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_PROJECT_ROOT": server.root_dir,
            "GIT_HTTP_EXPORT_ALL": "1",
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "SERVER_NAME": server.host,
            "SERVER_PORT": str(server.port),
            "REQUEST_METHOD": self.command,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "REMOTE_ADDR": self.client_address[0],
            "CONTENT_TYPE": self.headers.get("Content-Type") or "",
        }
        # Without CONTENT_LENGTH the backend reads its stdin to EOF, which is what a chunked
        # body needs.
        if not chunked and self.headers.get("Content-Length"):
            env["CONTENT_LENGTH"] = self.headers["Content-Length"]
        if server.username:
            env["REMOTE_USER"] = server.username
        if self.headers.get("Git-Protocol"):
            env["GIT_PROTOCOL"] = env["HTTP_GIT_PROTOCOL"] = self.headers["Git-Protocol"]
        if self.headers.get("Content-Encoding"):
            env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        env["GIT_CONFIG_COUNT"] = str(len(BACKEND_CONFIG))
        for index, (key, value) in enumerate(BACKEND_CONFIG.items()):
            env[f"GIT_CONFIG_KEY_{index}"] = key
            env[f"GIT_CONFIG_VALUE_{index}"] = value
        return env

    # --- request body ----------------------------------------------------------------

    def _body_chunks(self, chunked: bool):
        """The request body as it arrives, de-chunked; nothing for a GET without a body."""
        if chunked:
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):  # trailers
                        pass
                    return
                remaining = size
                while remaining:
                    data = self.rfile.read(min(remaining, 65536))
                    if not data:
                        raise ConnectionError("request body ended inside a chunk")
                    remaining -= len(data)
                    yield data
                self.rfile.readline()  # the CRLF after each chunk
        else:
            remaining = int(self.headers.get("Content-Length") or 0)
            while remaining:
                data = self.rfile.read(min(remaining, 65536))
                if not data:
                    raise ConnectionError("request body shorter than Content-Length")
                remaining -= len(data)
                yield data

    def _feed_body(self, process: subprocess.Popen, chunked: bool) -> None:
        """Stream the body to the backend's stdin (in a thread: it may answer before reading all)."""
        try:
            for data in self._body_chunks(chunked):
                try:
                    process.stdin.write(data)
                except OSError:  # backend exited early; keep draining so the connection stays usable
                    pass
        except (OSError, ValueError):
            self.close_connection = True
        finally:
            try:
                process.stdin.close()
            except OSError:
                pass

    def _discard_body(self, chunked: bool) -> None:
        try:
            for _ in self._body_chunks(chunked):
                pass
        except (OSError, ValueError):
            self.close_connection = True

    # --- response --------------------------------------------------------------------

    def _relay_response(self, process: subprocess.Popen, timed_out: threading.Event) -> int:
        """Turn the CGI response into HTTP/1.1: Status: becomes the status line, the body streams.

        Without a Content-Length from the backend, the body goes out chunked so the connection
        can stay open for the next request of the same git command.
        """
        stdout = process.stdout
        status, reason, headers = 200, "OK", []
        header_bytes = b""
        while b"\n\n" not in header_bytes.replace(b"\r\n", b"\n"):
            data = stdout.read(1)  # headers are short; byte-wise reading keeps the body intact
            if not data:
                break
            header_bytes += data
        text = header_bytes.decode("latin-1").replace("\r\n", "\n").rstrip("\n")
        if not text:
            status, reason = 502, "Bad Gateway"  # the backend died or timed out before answering
        for line in filter(None, text.split("\n")):
            name, _, value = line.partition(":")
            if name.strip().lower() == "status":
                code, _, reason = value.strip().partition(" ")
                status = int(code)
            else:
                headers.append((name.strip(), value.strip()))

        self.send_response(status, reason or None)
        has_length = any(name.lower() == "content-length" for name, _ in headers)
        for name, value in headers:
            self.send_header(name, value)
        if not has_length:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        while True:
            data = stdout.read(65536)
            if not data:
                break
            if has_length:
                self.wfile.write(data)
            else:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        process.wait()
        if timed_out.is_set():
            self.close_connection = True
            return 504  # for the log: the status line may already have said otherwise
        if not has_length:
            self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
        return status


def serve_with_credential(root: str):
    """A started server over `root` that demands Basic `svc` with a random password (so a test
    passing through the gateway proves the gateway injected it); yields it, then stops it. For
    module fixtures: `yield from serve_with_credential(root)`."""
    import secrets
    server = GitHTTPServer(root, username="svc", password=secrets.token_hex(12)).start()
    server.root = root
    try:
        yield server
    finally:
        server.stop()
