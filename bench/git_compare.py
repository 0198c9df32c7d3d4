#!/usr/bin/env python3
"""Git through Gatehouse against the same `git http-backend` directly, side by side, in one run:
wall time of a clone of a large repository, and of a push of a large text commit (which the
gateway parses and scans before forwarding), each direct and through the gateway, with ratios.

    GATEHOUSE_BIN=.build-release/release/gatehouse python3 bench/git_compare.py
    python3 bench/git_compare.py --commits 200 --files 5 --file-mb 0.5 --runs 1   # a quick run

The repository is built with git fast-import: `--commits` commits, each rewriting one of
`--files` text files of about `--file-mb` MB (so the pack holds tens of MB of history). Both
targets run on loopback without TLS; the upstream demands its own Basic credential.
"""

import argparse
import base64
import os
import random
import secrets
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))

from harness.gateway import Gateway  # noqa: E402
from harness.git_repos import clone, run_git  # noqa: E402
from harness.git_server import GitHTTPServer  # noqa: E402
from harness.ports import free_port  # noqa: E402


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits", type=int, default=600)
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--file-mb", type=float, default=1.0, help="size of each text file (default 1 MB)")
    parser.add_argument("--push-mb", type=float, default=12.0,
                        help="size of the pushed text file (default 12 MB; the scan refuses files over 16 MiB)")
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


def text_block(rng: random.Random, size: int) -> bytes:
    """Source-like text that compresses about as well as code does (a few thousand distinct words)."""
    letters = "abcdefghijklmnopqrstuvwxyz_"
    words = ["".join(rng.choice(letters) for _ in range(rng.randrange(3, 12))) for _ in range(4000)]
    out, total = [], 0
    while total < size:
        line = " ".join(rng.choice(words) for _ in range(12)) + f" {rng.randrange(10**6)}\n"
        out.append(line)
        total += len(line)
    return "".join(out).encode()


def build_repository(root: str, options) -> str:
    """A bare repository whose history is `commits` rewrites of `files` large text files."""
    path = os.path.join(root, "bench.git")
    run_git(["init", "-q", "--bare", "-b", "main", path], check=True)
    rng = random.Random(7)
    size = int(options.file_mb * 1024 * 1024)
    contents = [bytearray(text_block(rng, size)) for _ in range(options.files)]
    stream = bytearray()
    for index in range(options.commits):
        file_index = index % options.files
        # Change a few lines so each commit is a small delta of a large file, as real history is.
        for _ in range(5):
            position = rng.randrange(0, len(contents[file_index]) - 64)
            contents[file_index][position:position + 8] = f"{rng.randrange(10**8):08d}".encode()
        data = bytes(contents[file_index])
        message = f"commit {index}\n".encode()
        stream += b"commit refs/heads/main\n"
        stream += f"committer Bench <bench@example.invalid> {1700000000 + index} +0000\n".encode()
        stream += b"data %d\n" % len(message) + message  # fast-import continues the branch it last wrote
        stream += f"M 100644 inline src/file{file_index:03d}.txt\n".encode()
        stream += b"data %d\n" % len(data) + data + b"\n"
    result = run_git(["fast-import", "--quiet"], cwd=path, input=bytes(stream))
    if result.returncode != 0:
        raise RuntimeError(f"git fast-import failed: {result.stderr.decode(errors='replace')[-2000:]}")
    run_git(["repack", "-adq"], cwd=path, check=True)
    return path


def pack_size(bare: str) -> int:
    pack_dir = os.path.join(bare, "objects", "pack")
    return sum(os.path.getsize(os.path.join(pack_dir, name)) for name in os.listdir(pack_dir) if name.endswith(".pack"))


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def gateway_config(workdir: str, http_port: int, upstream_url: str) -> str:
    return f"""data_dir: {workdir}/data
listeners:
  postgres: {{address: 127.0.0.1, port: {free_port()}}}
  http: {{address: 127.0.0.1, port: {http_port}}}
identity:
  dev_issuer: {{enabled: true}}
connections:
  - name: code
    type: git
    upstream: {{url: "{upstream_url}", authentication: basic, username: svc, token_env: BENCH_GIT_TOKEN}}
    allowed_groups: [engineers]
    push: {{branches: ["**"], scan: reject}}
"""


def main() -> int:
    options = parse_arguments()
    workdir = tempfile.mkdtemp(prefix="gatehouse-git-bench-")
    password = secrets.token_hex(12)
    server = gateway = None
    try:
        print(f"building a repository of {options.commits} commits over {options.files} files of {options.file_mb} MB ...", flush=True)
        root = os.path.join(workdir, "upstream")
        os.makedirs(root)
        bare = build_repository(root, options)
        print(f"pack: {pack_size(bare) / 1e6:.1f} MB", flush=True)
        server = GitHTTPServer(root, username="svc", password=password).start()
        http_port = free_port()
        gateway = Gateway(workdir, gateway_config(workdir, http_port, server.base_url), env={"BENCH_GIT_TOKEN": password},
                          name="git-bench").start()
        token = gateway.token("bench-agent", groups=("engineers",), agent="bench")
        host = "127.0.0.1"
        # Both targets get their credential as a header up front, so neither pays git's 401 round trip.
        direct_url = f"http://{host}:{server.port}/bench.git"
        basic = base64.b64encode(f"svc:{password}".encode()).decode()
        direct_header = ["-c", f"http.extraHeader=Authorization: Basic {basic}"]
        gateway_url = f"http://{host}:{http_port}/git/code/bench.git"
        header = ["-c", f"http.extraHeader=Authorization: Bearer {token}"]

        def clone_into(name: str, url: str, extra: list) -> None:
            result = clone(url, os.path.join(workdir, name), extra_args=extra)
            if result.returncode != 0:
                raise RuntimeError(f"clone failed: {result.stderr}")

        rows = []
        for run in range(options.runs):
            direct = timed(lambda: clone_into(f"direct-{run}", direct_url, direct_header))
            through = timed(lambda: clone_into(f"gateway-{run}", gateway_url, header))
            rows.append((direct, through))
            print(f"clone run {run + 1}: direct {direct:.2f} s, gatehouse {through:.2f} s ({through / direct:.2f}x)", flush=True)

        push_size = int(options.push_mb * 1024 * 1024)
        push_rows = []
        for target in ("direct", "gateway"):  # warm-up: the first push of a clone pays one-off costs
            repo = os.path.join(workdir, f"{target}-0")
            run_git(["commit", "-q", "--allow-empty", "-m", "warm-up"], cwd=repo, check=True)
            run_git(["push", "-q", "origin", f"HEAD:refs/heads/warm-{target}"], cwd=repo, check=True)
        for run in range(options.runs):
            times = []
            for target in (("direct", "gateway") if run % 2 == 0 else ("gateway", "direct")):
                repo = os.path.join(workdir, f"{target}-0")
                # New content every time: an object the upstream already holds would not be sent.
                with open(os.path.join(repo, f"push-{run}.txt"), "wb") as handle:
                    handle.write(text_block(random.Random(f"{target}-{run}"), push_size))
                run_git(["add", "."], cwd=repo, check=True)
                run_git(["commit", "-q", "-m", f"push {run}"], cwd=repo, check=True)
                result = None

                def do_push() -> None:
                    nonlocal result
                    result = run_git(["push", "-q", "origin", f"HEAD:refs/heads/bench-{target}-{run}"], cwd=repo)
                took = timed(do_push)
                if result.returncode != 0:
                    raise RuntimeError(f"{target} push failed: {result.stderr}")
                landed = run_git(["rev-parse", f"refs/heads/bench-{target}-{run}"], cwd=bare)
                if landed.returncode != 0 or landed.stdout.strip() != run_git(["rev-parse", "HEAD"], cwd=repo).stdout.strip():
                    raise RuntimeError(f"{target} push did not land upstream")
                times.append(took)
            if run % 2 == 1:
                times.reverse()
            push_rows.append(tuple(times))
            direct, through = times
            print(f"push run {run + 1} ({options.push_mb:.0f} MB text): direct {direct:.2f} s, gatehouse {through:.2f} s "
                  f"({through / direct:.2f}x, gateway adds {through - direct:+.2f} s)", flush=True)

        best = lambda values: min(values)  # noqa: E731 - the least disturbed run
        clone_direct, clone_through = best(r[0] for r in rows), best(r[1] for r in rows)
        push_direct, push_through = best(r[0] for r in push_rows), best(r[1] for r in push_rows)
        print()
        print("| figure | direct | gatehouse | ratio |")
        print("|---|---|---|---|")
        print(f"| clone, {pack_size(bare) / 1e6:.1f} MB pack, {options.commits} commits (best of {options.runs}) | "
              f"{clone_direct:.2f} s | {clone_through:.2f} s | {clone_through / clone_direct:.2f}x |")
        print(f"| push of a {options.push_mb:.0f} MB text file (best of {options.runs}) | {push_direct:.2f} s | "
              f"{push_through:.2f} s | {push_through / push_direct:.2f}x |")
        return 0
    finally:
        if gateway:
            gateway.stop()
        if server:
            server.stop()
        if not os.environ.get("GATEHOUSE_KEEP_TMP"):
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
