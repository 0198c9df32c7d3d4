"""Git repositories and git commands for the Git tests, with the real git CLI.

Every command runs isolated from the machine: no system or global config (GIT_CONFIG_NOSYSTEM,
HOME in a temporary directory), never a credential prompt (GIT_TERMINAL_PROMPT=0), and fixed
author/committer identities and dates so commit ids are reproducible. Repositories are built
with `git fast-import`, which writes thousands of commits in seconds.
"""

import os
import subprocess
import tempfile

GIT_TIMEOUT = 120
AUTHOR_NAME = "Gatehouse Tests"
AUTHOR_EMAIL = "tests@gatehouse.invalid"
BASE_DATE = 1_700_000_000  # commit i is dated BASE_DATE + 60 * i, UTC

_home: str | None = None


def git_env(extra: dict | None = None) -> dict:
    """The environment for every git command: this process's, minus GIT_*, plus isolation."""
    global _home
    if _home is None:
        _home = tempfile.mkdtemp(prefix="gatehouse-git-home-")
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update({
        "HOME": _home,
        "XDG_CONFIG_HOME": os.path.join(_home, ".config"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_AUTHOR_NAME": AUTHOR_NAME,
        "GIT_AUTHOR_EMAIL": AUTHOR_EMAIL,
        "GIT_AUTHOR_DATE": f"@{BASE_DATE} +0000",
        "GIT_COMMITTER_NAME": AUTHOR_NAME,
        "GIT_COMMITTER_EMAIL": AUTHOR_EMAIL,
        "GIT_COMMITTER_DATE": f"@{BASE_DATE} +0000",
    })
    env.update(extra or {})
    return env


def run_git(args: list[str], cwd: str | None = None, env: dict | None = None, *,
            protocol_version: int | None = None, check: bool = False, input: bytes | None = None,
            timeout: float = GIT_TIMEOUT) -> subprocess.CompletedProcess:
    """`git [-c protocol.version=N] args...`; stdout/stderr captured as text (bytes if `input`)."""
    command = ["git"]
    if protocol_version is not None:
        command += ["-c", f"protocol.version={protocol_version}"]
    return subprocess.run(command + list(args), cwd=cwd, env=git_env(env), capture_output=True,
                          text=input is None, input=input, timeout=timeout, check=check)


def clone(url: str, dest: str, env: dict | None = None, extra_args: list[str] = (), *,
          protocol_version: int | None = None) -> subprocess.CompletedProcess:
    """`git clone [extra_args] url dest`; check `.returncode` and `.stderr` yourself."""
    return run_git(["clone", *extra_args, url, dest], env=env, protocol_version=protocol_version)


def rev_parse(repo: str, rev: str = "HEAD") -> str:
    """The object id `rev` names in `repo` (a bare repository or a work tree)."""
    return run_git(["rev-parse", rev], cwd=repo, check=True).stdout.strip()


def _init_bare(root: str, name: str) -> str:
    path = os.path.join(root, name if name.endswith(".git") else name + ".git")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    run_git(["init", "--quiet", "--bare", "--initial-branch=main", path], check=True)
    return path


def _fast_import(path: str, stream: bytes) -> None:
    result = run_git(["fast-import", "--quiet", "--done"], cwd=path, input=stream)
    if result.returncode != 0:
        raise RuntimeError(f"git fast-import failed in {path}: {result.stderr.decode(errors='replace')}")


def _data(content: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(content), content)


def _commit(index: int, message: str, changes: list[tuple[str, bytes]]) -> bytes:
    """One fast-import commit on main; each commit follows the previous one on the branch."""
    when = BASE_DATE + 60 * index
    person = f"{AUTHOR_NAME} <{AUTHOR_EMAIL}> {when} +0000".encode()
    parts = [b"commit refs/heads/main\n", b"author " + person + b"\n", b"committer " + person + b"\n",
             _data(message.encode())]
    for path, content in changes:
        parts.append(b"M 100644 inline " + path.encode() + b"\n" + _data(content))
    return b"".join(parts)


def make_bare(root: str, name: str, files: dict[str, str] | None = None, commits: int = 1) -> str:
    """`<root>/<name>.git` with `commits` commits on main; returns its path.

    The first commit adds `files` (default: a README); every commit also rewrites
    `history.txt` with one line per commit so far, so each commit has a change.
    """
    path = _init_bare(root, name)
    files = files if files is not None else {"README.md": f"# {name}\n"}
    stream = []
    for index in range(1, commits + 1):
        changes = [(p, text.encode()) for p, text in files.items()] if index == 1 else []
        history = "".join(f"commit {i}\n" for i in range(1, index + 1))
        changes.append(("history.txt", history.encode()))
        stream.append(_commit(index, f"Commit {index}", changes))
    _fast_import(path, b"".join(stream) + b"done\n")
    return path


def make_large_bare(root: str, name: str, commits: int = 3000, file_count: int = 200) -> str:
    """`<root>/<name>.git` with `commits` commits over `file_count` files; returns its path.

    Commit i rewrites file i % file_count with a few lines mentioning i, so the history has
    real trees and deltas (a realistic clone), built by one fast-import run in seconds.
    """
    path = _init_bare(root, name)
    stream = []
    for index in range(1, commits + 1):
        slot = index % file_count
        content = "".join(f"file {slot} line {line} at commit {index}\n" for line in range(20)).encode()
        stream.append(_commit(index, f"Commit {index} touches src/file{slot:04d}.txt",
                              [(f"src/file{slot:04d}.txt", content)]))
    _fast_import(path, b"".join(stream) + b"done\n")
    return path


def commit_file(repo: str, path: str, text: str, message: str) -> str:
    """Writes `path` in the work tree, commits it with the harness's fixed author; returns the commit."""
    full = os.path.join(repo, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as handle:
        handle.write(text)
    run_git(["add", path], cwd=repo, check=True)
    run_git(["commit", "-q", "-m", message], cwd=repo, check=True)
    return rev_parse(repo)
