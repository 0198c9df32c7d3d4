"""Running the gatehouse binary: `serve` as a child process, `token` to mint dev tokens."""

import os
import re
import signal
import subprocess
import time

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def binary() -> str:
    # Absolute, because the gateway runs with its work directory as the current directory.
    override = os.environ.get("GATEHOUSE_BIN")
    return os.path.abspath(override) if override else os.path.join(REPO_ROOT, ".build", "debug", "gatehouse")


# Every gateway started and every token minted in this test run: the last test of the suite reads
# every gateway's log for tokens and personal data (test_zz_gateway_logs.py).
STARTED: list = []
MINTED_TOKENS: set = set()


class GatewayStartError(RuntimeError):
    pass


class Gateway:
    """One `gatehouse serve` process with its config file and captured output."""

    def __init__(self, workdir: str, config_yaml: str, env: dict | None = None, name: str = "gateway",
                 command_prefix: list | None = None, serve_args: list | None = None):
        self.workdir = workdir
        # More `gatehouse serve` options, e.g. ["--log-format", "json"].
        self.serve_args = serve_args or []
        # Run under another program, e.g. ["prlimit", "--nofile=200:200"].
        self.command_prefix = command_prefix or []
        self.name = name
        os.makedirs(workdir, exist_ok=True)
        self.config_path = os.path.join(workdir, f"{name}.yaml")
        with open(self.config_path, "w") as f:
            f.write(config_yaml)
        self.stdout_path = os.path.join(workdir, f"{name}.stdout")
        self.stderr_path = os.path.join(workdir, f"{name}.stderr")
        self.env = dict(os.environ)
        self.env.update(env or {})
        self.process: subprocess.Popen | None = None
        self.postgres_address: tuple[str, int] | None = None
        self.http_address: tuple[str, int] | None = None

    def start(self, timeout: float = 30.0) -> "Gateway":
        path = binary()
        if not os.path.exists(path):
            raise GatewayStartError(f"gatehouse binary not found at {path}: run `swift build` (or set GATEHOUSE_BIN)")
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(self.command_prefix + [path, "serve", "--config", self.config_path, *self.serve_args],
                                            stdout=out, stderr=err, env=self.env, cwd=self.workdir)
        STARTED.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.stdout()
            if "gatehouse: ready" in text:
                self._parse_listeners(text)
                return self
            if self.process.poll() is not None:
                raise GatewayStartError(f"gatehouse serve exited with {self.process.returncode}\n{self.output()}")
            time.sleep(0.05)
        self.stop()
        raise GatewayStartError(f"gatehouse serve did not print 'gatehouse: ready' within {timeout}s\n{self.output()}")

    def _parse_listeners(self, text: str) -> None:
        for kind, host, port in re.findall(r"gatehouse: (postgres|http) listener on (\S+):(\d+)", text):
            address = (host.strip("[]"), int(port))
            if kind == "postgres":
                self.postgres_address = address
            else:
                self.http_address = address

    @property
    def port(self) -> int:
        assert self.postgres_address, "gateway not started"
        return self.postgres_address[1]

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def stdout(self) -> str:
        return _read(self.stdout_path)

    def output(self, limit: int = 6000) -> str:
        return (f"--- {self.name} stdout ---\n{_read(self.stdout_path)[-limit:]}\n"
                f"--- {self.name} stderr ---\n{_read(self.stderr_path)[-limit:]}")

    def token(self, sub: str, groups=("engineers",), ttl: int | None = None, username: str | None = None,
              agent: str | None = None) -> str:
        args = [binary(), "token", "--config", self.config_path, "--sub", sub, "--groups", ",".join(groups)]
        if ttl is not None:
            args += ["--ttl", str(ttl)]
        if username:
            args += ["--username", username]
        if agent:
            args += ["--agent", agent]
        result = subprocess.run(args, capture_output=True, text=True, env=self.env, cwd=self.workdir, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"gatehouse token failed ({result.returncode}): {result.stderr.strip()}")
        MINTED_TOKENS.add(result.stdout.strip())
        return result.stdout.strip()


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""
