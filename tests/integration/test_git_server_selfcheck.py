"""The Git smart-HTTP upstream (`harness/git_server.py`) checked with real git, no gateway.

Gatehouse's Git tests are only meaningful if the upstream alone does everything a forge does:
protocol v2 and v0 fetches, pushes (new branch, fast-forward, forced), Basic auth, a history
of thousands of commits and a push large enough that git sends a chunked body.
"""

import os
import random

import pytest

from harness.git_repos import clone, make_bare, make_large_bare, rev_parse, run_git
from harness.git_server import GitHTTPServer


@pytest.fixture(scope="module")
def git_root(tmp_path_factory):
    return str(tmp_path_factory.mktemp("git-root"))


@pytest.fixture(scope="module")
def git_server(git_root):
    server = GitHTTPServer(git_root).start()
    yield server
    server.stop()


def _ok(result):
    """Assert a git command succeeded, showing its output when not."""
    assert result.returncode == 0, f"git failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result


def _commit_file(work: str, path: str, content: bytes, message: str) -> str:
    with open(os.path.join(work, path), "wb") as f:
        f.write(content)
    _ok(run_git(["add", path], cwd=work))
    _ok(run_git(["commit", "--quiet", "-m", message], cwd=work))
    return rev_parse(work)


def _requests_for(server, repo):
    return [r for r in server.requests if r.path.startswith(f"/{repo}/")]


def test_clone_over_protocol_v2(git_server, git_root, tmp_path):
    make_bare(git_root, "team/app", files={"README.md": "hello\n", "src/main.txt": "code\n"}, commits=3)
    _ok(clone(git_server.url("team/app.git"), str(tmp_path / "app"), protocol_version=2))
    assert open(tmp_path / "app" / "src" / "main.txt").read() == "code\n"
    assert _ok(run_git(["rev-list", "--count", "HEAD"], cwd=str(tmp_path / "app"))).stdout.strip() == "3"
    requests = _requests_for(git_server, "team/app.git")
    assert requests and all(r.git_protocol == "version=2" for r in requests), requests
    assert [(r.method, r.path.rsplit("/", 1)[1]) for r in requests] == [
        ("GET", "refs"), ("POST", "git-upload-pack"), ("POST", "git-upload-pack")], requests
    assert requests[0].query == "service=git-upload-pack"
    assert all(r.status == 200 for r in requests)


def test_clone_over_protocol_v0(git_server, git_root, tmp_path):
    make_bare(git_root, "v0", commits=2)
    _ok(clone(git_server.url("v0.git"), str(tmp_path / "v0"), protocol_version=0))
    requests = _requests_for(git_server, "v0.git")
    assert [r.method for r in requests] == ["GET", "POST"], requests
    assert all(r.git_protocol is None and r.status == 200 for r in requests), requests


def test_push_new_branch_and_fast_forward(git_server, git_root, tmp_path):
    bare = make_bare(git_root, "pushes", commits=1)
    work = str(tmp_path / "work")
    _ok(clone(git_server.url("pushes.git"), work))
    feature = _commit_file(work, "feature.txt", b"feature\n", "Add feature")
    _ok(run_git(["push", "origin", "HEAD:refs/heads/feature"], cwd=work))
    assert rev_parse(bare, "refs/heads/feature") == feature
    _ok(run_git(["push", "origin", "HEAD:main"], cwd=work))
    assert rev_parse(bare, "refs/heads/main") == feature
    receive = [r for r in _requests_for(git_server, "pushes.git") if r.path.endswith("/git-receive-pack")]
    assert len(receive) == 2 and all(r.status == 200 for r in receive), receive


def test_forced_push_is_accepted_upstream(git_server, git_root, tmp_path):
    bare = make_bare(git_root, "forced", commits=3)
    work = str(tmp_path / "work")
    _ok(clone(git_server.url("forced.git"), work))
    _ok(run_git(["reset", "--hard", "--quiet", "HEAD~2"], cwd=work))
    rewritten = _commit_file(work, "rewrite.txt", b"history rewritten\n", "Rewrite history")
    rejected = run_git(["push", "origin", "HEAD:main"], cwd=work)
    assert rejected.returncode != 0 and "non-fast-forward" in rejected.stderr + rejected.stdout
    _ok(run_git(["push", "--force", "origin", "HEAD:main"], cwd=work))
    assert rev_parse(bare, "refs/heads/main") == rewritten


def test_basic_auth(git_root, tmp_path):
    make_bare(git_root, "private", commits=1)
    with GitHTTPServer(git_root, username="alice", password="s3cret") as server:
        anonymous = clone(server.url("private.git"), str(tmp_path / "anonymous"))
        assert anonymous.returncode != 0
        assert [(r.status, r.authorization) for r in server.requests] == [(401, False)]
        wrong = clone(server.url("private.git").replace("://", "://alice:wrong@"), str(tmp_path / "wrong"))
        assert wrong.returncode != 0
        server.clear_requests()
        _ok(clone(server.url("private.git").replace("://", "://alice:s3cret@"), str(tmp_path / "authorized")))
        served = [r for r in server.requests if r.status == 200]
        assert served and all(r.authorization for r in served), server.requests
        assert all(r.status in (200, 401) for r in server.requests)


def test_large_history_clone(git_server, git_root, tmp_path):
    make_large_bare(git_root, "large", commits=3000)
    work = str(tmp_path / "large")
    _ok(clone(git_server.url("large.git"), work, protocol_version=2))
    assert _ok(run_git(["rev-list", "--count", "main"], cwd=work)).stdout.strip() == "3000"


def test_push_of_a_large_file_is_chunked(git_server, git_root, tmp_path):
    bare = make_bare(git_root, "bigpush", commits=1)
    work = str(tmp_path / "work")
    _ok(clone(git_server.url("bigpush.git"), work))
    # Incompressible bytes: the pack stays ~20 MB, beyond http.postBuffer (1 MiB), so git
    # streams the receive-pack body with Transfer-Encoding: chunked.
    pushed = _commit_file(work, "blob.bin", random.Random(7).randbytes(20 * 1024 * 1024), "Add a large file")
    _ok(run_git(["push", "origin", "HEAD:main"], cwd=work))
    assert rev_parse(bare, "refs/heads/main") == pushed
    receive = [r for r in _requests_for(git_server, "bigpush.git") if r.path.endswith("/git-receive-pack")]
    assert any(r.chunked and r.status == 200 for r in receive), receive
    assert _ok(run_git(["cat-file", "-s", f"{pushed}:blob.bin"], cwd=bare)).stdout.strip() == str(20 * 1024 * 1024)
