"""Git smart HTTP through Gatehouse, with the real git client against a real `git http-backend`
upstream that demands its own Basic credential (so every success proves the gateway injected it,
and the agent's token never reached the upstream).

Clone over protocol v2 and v0 (token as Bearer header and as Basic password), a 3,000-commit
repository, pushes that the policy allows (new agent branch, fast-forward) and refuses (main,
forced update), a push carrying planted identifiers refused with the file named and no value
echoed (while the same file with look-alikes passes), bad input, and the evidence in the ledger.
"""

import os
import subprocess

import pytest

from harness import ledger
from harness.events import EventStore
from harness.gateway import binary
from harness.gateway_config import GitConnection
from harness.git_repos import clone, commit_file, git_env, make_bare, make_large_bare, rev_parse, run_git
from harness.git_server import serve_with_credential

UPSTREAM_TOKEN_ENV = "GH_GIT_UPSTREAM_TOKEN"


@pytest.fixture(scope="module")
def upstream_git(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("git-upstream"))
    make_bare(root, "team/app", files={"README.md": "# app\n"}, commits=3)
    make_large_bare(root, "big/history", commits=3000)
    yield from serve_with_credential(root)


@pytest.fixture(scope="module")
def gw(tmp_path_factory, upstream, upstream_git):
    gateway = ledger.LedgerGateway(
        str(tmp_path_factory.mktemp("git-gw")), upstream, name="git-gw",
        git_connections=[GitConnection("code", upstream_git.base_url, token_env=UPSTREAM_TOKEN_ENV, username="svc",
                                       push={"branches": ["agent/*"], "allow_force": False, "scan": "reject"})])
    gateway.env[UPSTREAM_TOKEN_ENV] = upstream_git.password
    gateway.start()
    yield gateway
    gateway.stop()


@pytest.fixture(scope="module")
def token(gw):
    return gw.gateway.token("agent-zed", groups=("engineers",), username="zed", agent="claude-code")


def gateway_url(gw, repo: str, password: str | None = None) -> str:
    host, port = gw.gateway.http_address
    userinfo = f"agent:{password}@" if password else ""
    return f"http://{userinfo}{host}:{port}/git/code/{repo}"


def bearer(token: str) -> list[str]:
    return ["-c", f"http.extraHeader=Authorization: Bearer {token}"]


def git_events(gw, operation: str | None = None) -> list:
    return [e for e in EventStore(gw.data_dir).since(0)
            if e.kind == "git" and (operation is None or e.payload["operation"] == operation)]


def work_clone(gw, token: str, tmp_path, name: str = "work") -> str:
    dest = str(tmp_path / name)
    result = clone(gateway_url(gw, "team/app.git"), dest, extra_args=bearer(token))
    assert result.returncode == 0, result.stderr
    return dest  # commits carry the harness's fixed author (git_env)




def push(repo: str, *refspecs: str, force: bool = False) -> subprocess.CompletedProcess:
    """The clone's config carries the token header (`git clone -c` keeps it in the repository)."""
    return run_git(["push", "--porcelain"] + (["--force"] if force else []) + ["origin", *refspecs], cwd=repo)


def test_clone_over_v2_and_v0_with_the_token_as_bearer_or_password(gw, token, upstream_git, tmp_path):
    upstream_git.clear_requests()
    v2 = clone(gateway_url(gw, "team/app.git"), str(tmp_path / "v2"), extra_args=bearer(token), protocol_version=2)
    assert v2.returncode == 0, v2.stderr
    v0 = clone(gateway_url(gw, "team/app.git", password=token), str(tmp_path / "v0"), protocol_version=0)
    assert v0.returncode == 0, v0.stderr
    assert rev_parse(str(tmp_path / "v2")) == rev_parse(str(tmp_path / "v0")) == rev_parse(os.path.join(upstream_git.root, "team/app.git"), "main")
    seen = upstream_git.requests
    assert seen and all(r.authorization and r.status == 200 for r in seen), seen  # the gateway's own credential, every time
    assert any(r.git_protocol == "version=2" for r in seen) and any(r.git_protocol is None for r in seen)

    fetches = git_events(gw)
    assert {e.payload["operation"] for e in fetches} >= {"advertisement", "fetch"}
    assert all(e.principal["subject"] == "agent-zed" and e.principal.get("agentApplication") == "claude-code" for e in fetches)
    assert any(e.payload["protocolVersion"] == 2 for e in fetches) and any(e.payload["protocolVersion"] == 0 for e in fetches)
    assert any(e.payload["wants"] for e in fetches if e.payload["operation"] == "fetch")


def test_a_three_thousand_commit_repository_clones_through_the_gateway(gw, token, tmp_path):
    result = clone(gateway_url(gw, "big/history.git"), str(tmp_path / "big"), extra_args=bearer(token))
    assert result.returncode == 0, result.stderr
    count = run_git(["rev-list", "--count", "main"], cwd=str(tmp_path / "big"), check=True)
    assert count.stdout.strip() == "3000"


def test_pushes_the_policy_allows_and_refuses(gw, token, upstream_git, tmp_path):
    repo = work_clone(gw, token, tmp_path)
    first = commit_file(repo, "src/fix.txt", "fix 1\n", "Fix the thing")
    allowed = push(repo, "HEAD:refs/heads/agent/fix-1")
    assert allowed.returncode == 0, allowed.stderr
    bare = os.path.join(upstream_git.root, "team/app.git")
    assert rev_parse(bare, "agent/fix-1") == first

    second = commit_file(repo, "src/fix.txt", "fix 2\n", "Fix it better")
    fast_forward = push(repo, "HEAD:refs/heads/agent/fix-1")
    assert fast_forward.returncode == 0, fast_forward.stderr
    assert rev_parse(bare, "agent/fix-1") == second

    main_before = rev_parse(bare, "main")
    to_main = push(repo, "HEAD:refs/heads/main")
    assert to_main.returncode != 0
    assert "branch main is not one agents may push to" in to_main.stdout + to_main.stderr, to_main.stdout + to_main.stderr
    assert rev_parse(bare, "main") == main_before

    run_git(["reset", "-q", "--hard", "HEAD~2"], cwd=repo, check=True)
    rewritten = commit_file(repo, "src/other.txt", "rewritten\n", "Rewrite history")
    forced = push(repo, "HEAD:refs/heads/agent/fix-1", force=True)
    assert forced.returncode != 0
    assert "not a fast-forward" in forced.stdout + forced.stderr, forced.stdout + forced.stderr
    assert rev_parse(bare, "agent/fix-1") == second != rewritten

    pushes = git_events(gw, "push")
    allowed_pushes = [e for e in pushes if e.payload["decision"] == "allowed"]
    refused = [e for e in pushes if e.payload["decision"] == "refused"]
    commits = {c["id"]: c for e in allowed_pushes for c in e.payload["commits"]}
    assert first in commits and second in commits
    author = run_git(["log", "-1", "--format=%an|%ae", first], cwd=repo, check=True).stdout.strip()
    assert f'{commits[first]["authorName"]}|{commits[first]["authorEmail"]}' == author
    assert commits[first]["message"].startswith("Fix the thing")
    assert any("refs/heads/main" in (e.payload["reason"] or "") for e in refused)
    assert any("not a fast-forward" in (e.payload["reason"] or "") for e in refused)
    assert all(e.principal["subject"] == "agent-zed" for e in pushes)


def test_a_push_adding_personal_identifiers_is_refused_naming_the_file(gw, token, upstream_git, tmp_path):
    repo = work_clone(gw, token, tmp_path, "scan")
    email = "maria.lopez@example.com"
    planted = f"id,name,email,card\n1,Maria Lopez,{email},4111 1111 1111 1111\n"
    commit_file(repo, "data/users.csv", planted, "Add a users export")
    refused = push(repo, "HEAD:refs/heads/agent/data-1")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "data/users.csv" in output and "email" in output, output
    assert email not in output and "4111" not in output, output  # the kind and file, never the value
    bare = os.path.join(upstream_git.root, "team/app.git")
    assert run_git(["rev-parse", "--verify", "-q", "agent/data-1"], cwd=bare).returncode != 0

    # The same file with look-alikes only (a card failing Luhn, a spelled-out address) passes.
    run_git(["reset", "-q", "--hard", "HEAD~1"], cwd=repo, check=True)
    commit_file(repo, "data/users.csv", "id,name,email,card\n1,Maria Lopez,maria at example dot com,4111 1111 1111 1112\n",
                "Add a users export (no personal data)")
    passed = push(repo, "HEAD:refs/heads/agent/data-1")
    assert passed.returncode == 0, passed.stdout + passed.stderr

    findings = [f for e in git_events(gw, "push") if e.payload["decision"] == "refused" for f in e.payload["findings"]]
    assert any(f["path"] == "data/users.csv" and f["kind"] == "email" for f in findings), findings


def test_bad_requests_get_clean_errors_and_the_gateway_keeps_serving(gw, token, tmp_path):
    import urllib.error
    import urllib.request
    host, port = gw.gateway.http_address
    base = f"http://{host}:{port}/git/code/team/app.git"

    def post(path: str, body: bytes, headers: dict) -> tuple[int, str, dict]:
        request = urllib.request.Request(base + path, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode(errors="replace"), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), dict(error.headers)

    status, body, headers = post("/git-upload-pack", b"0032want nothing\n0000", {})
    assert status == 401 and "Basic" in headers.get("WWW-Authenticate", ""), (status, body)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/x-git-receive-pack-request"}
    status, body, _ = post("/git-receive-pack", b"zzzz not a pkt-line", auth)
    assert status == 400 and "malformed push" in body, (status, body)
    status, body, _ = post("/git-receive-pack", b"00a0" + b"0" * 40, auth)
    assert status == 400, (status, body)
    outsider = gw.gateway.token("eve", groups=("marketing",))
    status, body, _ = post("/git-upload-pack", b"0000", {"Authorization": f"Bearer {outsider}"})
    assert status == 403 and "not in a group allowed" in body, (status, body)

    result = clone(gateway_url(gw, "team/app.git"), str(tmp_path / "after"), extra_args=bearer(token))
    assert result.returncode == 0, result.stderr


def test_the_evidence_verifies_and_lists_the_pushed_commits(gw, token, upstream_git, tmp_path):
    repo = work_clone(gw, token, tmp_path, "evidence")
    pushed = commit_file(repo, "notes/evidence.txt", "evidence\n", "Evidence commit")
    result = push(repo, "HEAD:refs/heads/agent/evidence")
    assert result.returncode == 0, result.stderr

    verify = subprocess.run([binary(), "audit", "verify", "--config", gw.config_path], capture_output=True, text=True,
                            env={**os.environ, **gw.env}, timeout=120)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    commits = subprocess.run([binary(), "audit", "commits", "--config", gw.config_path, "--repo", "team/app.git"],
                             capture_output=True, text=True, env={**os.environ, **gw.env}, timeout=120)
    assert commits.returncode == 0, commits.stderr
    line = next((line for line in commits.stdout.splitlines() if line.startswith(pushed)), None)
    assert line, commits.stdout
    assert "refs/heads/agent/evidence" in line and "zed" in line and "claude-code" in line, line
