"""Just-in-time approval for Git, with the real git client through Gatehouse against a real
`git http-backend`: a clone of a repository classified as holding personal data waits until an
approver decides through the REST API (the same broker, API and grants as PostgreSQL); approved,
it completes; denied, git stops with the approver's reason and the upstream never serves the pack.
A push to a classified repository is held, and a time-boxed grant then covers the next push
without a hold. Under `scan: hold`, a push adding personal identifiers is held with the files and
kinds shown to the approver (never the values) and lands once approved. Every step is in the
ledger, the `git` entries name the approval, `audit commits` shows it, and `audit verify` passes.
"""

import json
import os
import signal
import subprocess
import threading
import time

import pytest

from harness import ledger
from harness.approvals_api import api
from harness.events import EventStore
from harness.gateway import binary
from harness.gateway_config import GitConnection
from harness.git_repos import clone, commit_file, git_env, make_bare, rev_parse, run_git
from harness.git_server import serve_with_credential

UPSTREAM_TOKEN_ENV = "GH_GIT_APPROVAL_UPSTREAM_TOKEN"
HOLD_SECONDS = 20
PURPOSE = "HR-42 fix the payroll export"


@pytest.fixture(scope="module")
def upstream_git(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("git-approval-upstream"))
    make_bare(root, "team/app", files={"README.md": "# app\n"}, commits=2)
    make_bare(root, "hr/people", files={"README.md": "# people tooling\n"}, commits=2)
    yield from serve_with_credential(root)


@pytest.fixture(scope="module")
def gw(tmp_path_factory, upstream, upstream_git):
    connection = GitConnection(
        "code", upstream_git.base_url, token_env=UPSTREAM_TOKEN_ENV, username="svc",
        push={"branches": ["agent/*"], "scan": "hold"},
        personal_data_repositories=[{"path": "hr/**", "categories": ["employee"]}],
        approval={"approver_groups": ["approvers"], "hold_seconds": HOLD_SECONDS, "max_grant_minutes": 30})
    gateway = ledger.LedgerGateway(str(tmp_path_factory.mktemp("git-approval-gw")), upstream, name="git-approval-gw",
                                   git_connections=[connection])
    gateway.env[UPSTREAM_TOKEN_ENV] = upstream_git.password
    gateway.start()
    yield gateway
    gateway.stop()


@pytest.fixture(scope="module")
def tokens(gw):
    run = gw.gateway
    return {
        "agent": run.token("agent-zed", groups=("engineers",), username="zed", agent="claude-code"),
        "approver": run.token("dpo-bob", groups=("engineers", "approvers"), username="bob"),
        # Another agent: the first's time-boxed push grant does not cover it.
        "second_agent": run.token("agent-yan", groups=("engineers",), username="yan", agent="claude-code"),
    }


def git_args(token: str) -> list[str]:
    return ["-c", f"http.extraHeader=Authorization: Bearer {token}",
            "-c", f"http.extraHeader=Gatehouse-Purpose: {PURPOSE}"]


def gateway_url(gw, repo: str) -> str:
    host, port = gw.gateway.http_address
    return f"http://{host}:{port}/git/code/{repo}"




class InBackground:
    """Runs a git command in the background, reading its stderr as it comes, so the test can
    see what git prints while it waits and decide meanwhile."""

    def __init__(self, args: list[str], cwd: str | None = None):
        # Its own process group, so `interrupt` reaches git's HTTP helper too, as Ctrl-C would;
        # SIGINT at its default, since a suite started in the background inherits it ignored.
        self.process = subprocess.Popen(["git", *args], cwd=cwd, env=git_env(None), text=True, start_new_session=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.stderr_lines: list[str] = []
        self.result: subprocess.CompletedProcess | None = None
        self.thread = threading.Thread(target=self._collect, daemon=True)
        self.thread.start()

    def _collect(self) -> None:
        reading = threading.Thread(target=lambda: self.stderr_lines.extend(iter(self.process.stderr.readline, "")), daemon=True)
        reading.start()
        stdout = self.process.stdout.read()
        reading.join()
        self.result = subprocess.CompletedProcess(self.process.args, self.process.wait(), stdout, "".join(self.stderr_lines))

    @property
    def done(self) -> bool:
        return not self.thread.is_alive()

    def printed(self, text: str) -> bool:
        return any(text in line for line in list(self.stderr_lines))

    def interrupt(self) -> None:
        os.killpg(self.process.pid, signal.SIGINT)

    def join(self, timeout: float = 60) -> subprocess.CompletedProcess:
        self.thread.join(timeout)
        assert self.result is not None, "the git command never finished"
        return self.result


def pending_for(gw, token: str, repository: str, operation: str) -> dict:
    def find():
        status, body = api(gw, token, "GET", "/api/v1/approvals")
        assert status == 200, body
        return next((r for r in body if r["repositories"] == [repository] and r["operations"] == [operation]), None)
    request = ledger.wait_until(find, timeout=20)
    assert request, f"no pending {operation} request for {repository}"
    return request


def events(gw, kind: str) -> list:
    return [e for e in EventStore(gw.data_dir).since(0) if e.kind == kind]


def approval_steps(gw, request_id: str) -> list:
    return [e for e in events(gw, "approval") if e.payload["requestID"] == request_id]


def upload_pack_posts(upstream_git, repository: str) -> list:
    return [r for r in upstream_git.requests if r.method == "POST" and r.path.endswith(f"{repository}/git-upload-pack")]




def test_an_unclassified_repository_is_not_held(gw, tokens, tmp_path):
    started = time.monotonic()
    result = clone(gateway_url(gw, "team/app.git"), str(tmp_path / "app"), extra_args=git_args(tokens["agent"]))
    assert result.returncode == 0, result.stderr
    fetches = [e for e in events(gw, "git") if e.payload["repository"] == "team/app.git" and e.payload["operation"] == "fetch"]
    assert fetches and all("approval" not in e.payload for e in fetches)
    print(f"unheld clone: {time.monotonic() - started:.2f} s")


@pytest.mark.parametrize("protocol", [2, 0])
def test_a_clone_of_a_classified_repository_waits_for_approval(gw, tokens, upstream_git, tmp_path, protocol):
    upstream_git.clear_requests()
    dest = str(tmp_path / "people")
    held = InBackground(["-c", f"protocol.version={protocol}", "clone", *git_args(tokens["agent"]), gateway_url(gw, "hr/people.git"), dest])
    # v2 lists refs with an ls-refs POST (never held); v0 lists them in the GET advertisement.
    listing_posts = 1 if protocol == 2 else 0
    request = pending_for(gw, tokens["approver"], "hr/people.git", "fetch")
    assert not held.done, "the clone finished before anyone approved it"
    # git tells its user, while it waits, which request holds the clone and where it is decided.
    assert ledger.wait_until(lambda: held.printed(f"remote: gatehouse: approval request {request['id']} holds this fetch"),
                             timeout=10), held.stderr_lines
    assert held.printed(f"/ui/approvals/{request['id']}") and not held.done, held.stderr_lines
    assert len(upload_pack_posts(upstream_git, "hr/people.git")) == listing_posts, "the pack was fetched upstream before approval"
    assert request["requester"]["subject"] == "agent-zed" and request["purpose"]["text"] == PURPOSE
    assert request["categories"] == ["employee"] and request["maskedStatement"].startswith("git fetch hr/people.git: want ")
    assert any("classified as holding personal data" in reason for reason in request["reasons"]), request["reasons"]

    # Four-eyes: the requester cannot approve its own clone.
    status, body = api(gw, tokens["agent"], "POST", f"/api/v1/approvals/{request['id']}/approve",
                       {"reason": "mine", "grant": {"kind": "one-time"}})
    assert status in (403, 404), body
    status, body = api(gw, tokens["approver"], "POST", f"/api/v1/approvals/{request['id']}/approve",
                       {"reason": "export fix reviewed", "grant": {"kind": "one-time"}})
    decided_at = time.monotonic()
    assert status == 200, body
    result = held.join()
    print(f"decision to finished clone: {(time.monotonic() - decided_at) * 1000:.0f} ms")
    assert result.returncode == 0, result.stderr
    assert rev_parse(dest) == rev_parse(f"{upstream_git.root}/hr/people.git", "main")
    assert len(upload_pack_posts(upstream_git, "hr/people.git")) == listing_posts + 1  # then the approved fetch

    steps = approval_steps(gw, request["id"])
    assert [s.payload["step"] for s in steps] == ["requested", "approved", "grant_used"], steps
    requested, approved, used = steps
    assert requested.payload["repositories"] == ["hr/people.git"] and requested.payload["purpose"] == PURPOSE
    assert approved.principal["subject"] == "dpo-bob" and approved.payload["comment"] == "export fix reviewed"
    assert used.payload["grant"]["kind"] == "one-time" and used.payload["grant"]["repositories"] == ["hr/people.git"]
    fetch = next(e for e in events(gw, "git")
                 if e.session_id == requested.session_id and e.payload["operation"] == "fetch")
    assert fetch.payload["approval"] == request["id"] and fetch.payload["decision"] == "allowed"
    assert fetch.seq > approved.seq  # recorded after the decision, before it was forwarded


@pytest.mark.parametrize("protocol", [2, 0])
def test_a_denied_clone_stops_with_the_reason_and_fetches_nothing(gw, tokens, upstream_git, tmp_path, protocol):
    upstream_git.clear_requests()
    held = InBackground(["-c", f"protocol.version={protocol}", "clone", *git_args(tokens["agent"]), gateway_url(gw, "hr/people.git"),
                         str(tmp_path / "denied")])
    request = pending_for(gw, tokens["approver"], "hr/people.git", "fetch")
    # A clone's answer opens the same way whatever the decision (v2 `packfile`, v0 `NAK`): told at once.
    assert ledger.wait_until(lambda: held.printed(f"approval request {request['id']} holds this fetch"), timeout=10), held.stderr_lines
    status, body = api(gw, tokens["approver"], "POST", f"/api/v1/approvals/{request['id']}/deny", {"reason": "no ticket"})
    assert status == 200, body
    result = held.join()
    assert result.returncode != 0
    assert "remote: gatehouse refused this fetch: " in result.stderr and "denied by bob: no ticket" in result.stderr, result.stderr
    # v2: the ls-refs POST only; v0 lists refs in the GET advertisement: no POST at all. No pack either way.
    assert len(upload_pack_posts(upstream_git, "hr/people.git")) == (1 if protocol == 2 else 0)
    refused = [e for e in events(gw, "git") if e.payload.get("approval") == request["id"]]
    assert [e.payload["decision"] for e in refused] == ["refused"]


def test_a_push_to_a_classified_repository_is_held_and_a_time_boxed_grant_covers_the_next(gw, tokens, upstream_git, tmp_path):
    repo = str(tmp_path / "work")
    cloning = InBackground(["clone", *git_args(tokens["agent"]), gateway_url(gw, "hr/people.git"), repo])
    request = pending_for(gw, tokens["approver"], "hr/people.git", "fetch")
    status, body = api(gw, tokens["approver"], "POST", f"/api/v1/approvals/{request['id']}/approve",
                       {"reason": "clone for the fix", "grant": {"kind": "one-time"}})
    assert status == 200, body
    assert cloning.join().returncode == 0

    first = commit_file(repo, "tools/export.py", "print('export')\n", "Fix the export")
    pushing = InBackground(["push", "--porcelain", "origin", "HEAD:refs/heads/agent/export-fix"], cwd=repo)
    push_request = pending_for(gw, tokens["approver"], "hr/people.git", "push")
    assert "refs/heads/agent/export-fix" in push_request["maskedStatement"]
    # git tells its user, while it waits, which request holds the push and where it is decided.
    assert ledger.wait_until(lambda: pushing.printed(f"remote: gatehouse: approval request {push_request['id']} holds this push"),
                             timeout=10), pushing.stderr_lines
    assert pushing.printed(f"/ui/approvals/{push_request['id']}") and not pushing.done, pushing.stderr_lines
    status, body = api(gw, tokens["approver"], "POST", f"/api/v1/approvals/{push_request['id']}/approve",
                       {"reason": "fix reviewed", "grant": {"kind": "time-boxed", "minutes": 5}})
    assert status == 200, body
    result = pushing.join()
    assert result.returncode == 0, result.stderr
    assert rev_parse(f"{upstream_git.root}/hr/people.git", "agent/export-fix") == first

    # The time-boxed grant covers the next push at once: no new request is made.
    second = commit_file(repo, "tools/export.py", "print('export v2')\n", "Fix the export again")
    result = run_git(["push", "--porcelain", "origin", "HEAD:refs/heads/agent/export-fix"], cwd=repo, timeout=HOLD_SECONDS - 5)
    assert result.returncode == 0, result.stderr
    assert rev_parse(f"{upstream_git.root}/hr/people.git", "agent/export-fix") == second
    used = [e for e in approval_steps(gw, push_request["id"]) if e.payload["step"] == "grant_used"]
    assert len(used) == 2 and used[-1].payload["grant"] == {
        "kind": "time-boxed", "expires": used[-1].payload["grant"]["expires"], "relations": [], "repositories": ["hr/people.git"]}
    pushes = [e for e in events(gw, "git") if e.payload["operation"] == "push" and e.payload.get("approval") == push_request["id"]]
    assert [p.payload["commits"][0]["id"] for p in pushes] == [first, second]

    commits = subprocess.run([binary(), "audit", "commits", "--config", gw.config_path, "--repo", "hr/people.git", "--json"],
                             capture_output=True, text=True, timeout=60)
    assert commits.returncode == 0, commits.stderr
    listed = {line["commit"]["id"]: line for line in json.loads(commits.stdout)["commits"]}
    assert listed[first]["approval"] == listed[second]["approval"] == push_request["id"], listed


def test_a_denied_push_is_told_why_and_a_push_whose_client_left_is_cancelled(gw, tokens, upstream_git, tmp_path):
    repo = str(tmp_path / "deny-work")
    cloning = InBackground(["clone", *git_args(tokens["second_agent"]), gateway_url(gw, "hr/people.git"), repo])
    request = pending_for(gw, tokens["approver"], "hr/people.git", "fetch")
    assert api(gw, tokens["approver"], "POST", f"/api/v1/approvals/{request['id']}/approve",
               {"reason": "clone", "grant": {"kind": "one-time"}})[0] == 200
    assert cloning.join().returncode == 0
    upstream_repo = f"{upstream_git.root}/hr/people.git"

    # Denied while git waits: the answer comes in the same response, ref by ref, with the reason.
    commit_file(repo, "notes.txt", "denied\n", "To be denied")
    pushing = InBackground(["push", "--porcelain", "origin", "HEAD:refs/heads/agent/denied"], cwd=repo)
    denied = pending_for(gw, tokens["approver"], "hr/people.git", "push")
    assert ledger.wait_until(lambda: pushing.printed(f"approval request {denied['id']} holds this push"), timeout=10), pushing.stderr_lines
    assert api(gw, tokens["approver"], "POST", f"/api/v1/approvals/{denied['id']}/deny", {"reason": "no ticket"})[0] == 200
    result = pushing.join()
    assert result.returncode != 0, result.stdout
    assert f"approval request {denied['id']} was denied by bob: no ticket" in result.stdout + result.stderr, result.stdout + result.stderr
    assert run_git(["rev-parse", "--verify", "-q", "refs/heads/agent/denied"], cwd=upstream_repo).returncode != 0

    # The client gives up while held: the gateway notices at its next keepalive and cancels the
    # request, so a later approval cannot push what nobody waits for.
    commit_file(repo, "notes.txt", "abandoned\n", "To be abandoned")
    pushing = InBackground(["push", "--porcelain", "origin", "HEAD:refs/heads/agent/abandoned"], cwd=repo)
    abandoned = pending_for(gw, tokens["approver"], "hr/people.git", "push")
    assert ledger.wait_until(lambda: pushing.printed("holds this push"), timeout=10), pushing.stderr_lines
    pushing.interrupt()
    pushing.join()
    steps = ledger.wait_until(lambda: [e.payload["step"] for e in approval_steps(gw, abandoned["id"])][-1:] == ["cancelled"], timeout=10)
    assert steps, [e.payload["step"] for e in approval_steps(gw, abandoned["id"])]
    status, body = api(gw, tokens["approver"], "POST", f"/api/v1/approvals/{abandoned['id']}/approve",
                       {"reason": "too late", "grant": {"kind": "one-time"}})
    assert status != 200, body
    assert run_git(["rev-parse", "--verify", "-q", "refs/heads/agent/abandoned"], cwd=upstream_repo).returncode != 0


def test_scan_hold_shows_kinds_not_values_and_lands_once_approved(gw, tokens, upstream_git, tmp_path):
    repo = str(tmp_path / "app-work")
    assert clone(gateway_url(gw, "team/app.git"), repo, extra_args=git_args(tokens["agent"])).returncode == 0
    email = "maria.jensen@example.com"
    pushed = commit_file(repo, "data/contacts.csv", f"name,email\nMaria,{email}\n", "Add contact fixture")
    pushing = InBackground(["push", "--porcelain", "origin", "HEAD:refs/heads/agent/fixture"], cwd=repo)
    request = pending_for(gw, tokens["approver"], "team/app.git", "push")
    assert not pushing.done
    assert "data/contacts.csv: email x1" in request["maskedStatement"], request["maskedStatement"]
    assert any(reason.startswith("push scan: ") for reason in request["reasons"]), request["reasons"]
    assert email not in json.dumps(request)
    status, body = api(gw, tokens["approver"], "POST", f"/api/v1/approvals/{request['id']}/approve",
                       {"reason": "synthetic fixture", "grant": {"kind": "one-time"}})
    assert status == 200, body
    result = pushing.join()
    assert result.returncode == 0, result.stderr
    assert rev_parse(f"{upstream_git.root}/team/app.git", "agent/fixture") == pushed
    entry = next(e for e in events(gw, "git") if e.payload.get("approval") == request["id"])
    assert entry.payload["decision"] == "allowed" and entry.payload["findings"] == [
        {"count": 1, "kind": "email", "path": "data/contacts.csv"}]


def test_a_refused_branch_is_not_put_to_an_approver(gw, tokens, tmp_path):
    repo = str(tmp_path / "app-main")
    assert clone(gateway_url(gw, "team/app.git"), repo, extra_args=git_args(tokens["agent"])).returncode == 0
    commit_file(repo, "data/more.csv", "email\nole@example.com\n", "On main")
    result = run_git(["push", "--porcelain", "origin", "HEAD:refs/heads/main"], cwd=repo, timeout=HOLD_SECONDS - 5)
    assert result.returncode != 0 and "branch main is not one agents may push to" in result.stdout + result.stderr
    status, body = api(gw, tokens["approver"], "GET", "/api/v1/approvals")
    assert status == 200 and body == [], body


def test_the_evidence_verifies(gw):
    verify = subprocess.run([binary(), "audit", "verify", "--config", gw.config_path], capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0, verify.stdout + verify.stderr
