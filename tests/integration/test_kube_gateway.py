"""Kubernetes through Gatehouse (docs/kubernetes.md), with the unmodified kubectl installed here.

The upstream is harness/kube_server.py's API server stand-in (no real API server can run here;
test_kube_standin.py shows kubectl treats it like one). It accepts only Gatehouse's own
service-account token, so a request the gateway forwards with anything else fails here. kubectl
talks to the gateway over TLS with the dev issuer's OIDC token; ground truth is read from the
stand-in (its pods' logs, its request log), never from the gateway.
"""

import json
import os
import re
import secrets
import shutil
import ssl
import threading
import time
import urllib.request
import subprocess

import pytest

from harness import certs
from harness.events import EventStore, raw_entries
from harness.gateway import Gateway, binary
from harness.gateway_config import GatewayConfig, KubeConnection
from harness.kube_server import KubePod, KubeStandIn
from harness.ports import free_port

KUBECTL = shutil.which("kubectl") or "kubectl"
SHOP = "shop"
API_POD = "customer-api-7d9f8b6c4-x2k9p"
IDENTIFIER = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}|[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}|\+\d{2} \d")


@pytest.fixture(scope="module")
def cluster(workdir):
    directory = os.path.join(workdir, "kube-gateway")
    os.makedirs(directory, exist_ok=True)
    service_token = secrets.token_urlsafe(32)
    standin = KubeStandIn(service_token, workdir=os.path.join(directory, "standin")).start()
    token_file = os.path.join(directory, "service-account-token")
    with open(token_file, "w") as f:
        f.write(service_token + "\n")
    cert, cert_key = certs.write_self_signed(directory, "gateway")
    config = GatewayConfig(
        data_dir=os.path.join(directory, "data"), postgres_address="127.0.0.1", postgres_port=free_port(),
        http_port=free_port(), connections=[], http_listener={"tls": {"cert": cert, "key": cert_key}},
        kube_connections=[KubeConnection(
            "prod", standin.url, standin.ca_cert, token_file, namespaces=[SHOP], allowed_groups=["engineers", "support"],
            personal_data=[{"namespace": SHOP, "pods": "billing-*", "category": "financial"}],
            commands={"refused": ["env", "printenv*", "*/var/run/secrets/*"]}),
            KubeConnection("held", standin.url, standin.ca_cert, token_file, namespaces=[SHOP],
                           personal_data=[{"namespace": SHOP, "pods": "billing-*", "category": "financial"}],
                           approval={"approver_groups": ["dpo"], "hold_seconds": 30}),
            KubeConnection("labelled", standin.url, standin.ca_cert, token_file, namespaces=[SHOP],
                           personal_data=[{"namespace": SHOP, "labels": {"app": "billing-worker"}, "category": "financial"}],
                           operations=["discovery", "list-pods", "get-pod", "exec", "logs", "attach", "port-forward"],
                           approval={"approver_groups": ["dpo"], "hold_seconds": 1})])
    gateway = Gateway(os.path.join(directory, "gw"), config.yaml(), name="gateway-kube").start()
    yield {"standin": standin, "gateway": gateway, "cert": cert, "directory": directory, "data_dir": config.data_dir,
           "server": f"https://127.0.0.1:{gateway.http_address[1]}/k8s/prod", "service_token": service_token}
    gateway.stop()
    standin.stop()


def kubectl(cluster, *args, token: str | None = None, groups=("engineers",), home: str | None = None, connection: str = "prod"):
    """kubectl with a kubeconfig naming the gateway and the agent's token (alice's by default)."""
    home = home or os.path.join(cluster["directory"], f"home-{connection}-" + "-".join(groups))
    os.makedirs(home, exist_ok=True)
    token = token if token is not None else cluster["gateway"].token("alice", groups=groups)
    server = cluster["server"].rsplit("/", 1)[0] + "/" + connection
    config = cluster["standin"].kubeconfig(os.path.join(home, "kubeconfig"), token=token, server=server, ca_cert=cluster["cert"])
    env = dict(os.environ, HOME=home, KUBECONFIG=config)
    return subprocess.run([KUBECTL, *args], env=env, capture_output=True, text=True, timeout=60)


def upstream_paths(cluster, before: int) -> list[str]:
    return [r.path for r in cluster["standin"].requests[before:]]


def test_get_pods_reaches_the_cluster_with_the_gateways_credential_only(cluster):
    before = len(cluster["standin"].requests)
    result = kubectl(cluster, "get", "pods", "-n", SHOP)
    assert result.returncode == 0, result.stderr
    assert API_POD in result.stdout and "billing-worker-0" in result.stdout and "NAME" in result.stdout
    seen = cluster["standin"].requests[before:]
    assert seen and all(r.authenticated for r in seen), seen
    agent_token = cluster["gateway"].token("alice", groups=("engineers",))
    assert all(agent_token not in str(r) for r in seen)


def test_kubectl_as_cannot_borrow_the_gateways_credential_and_only_json_is_asked_for(cluster):
    # Straight to the cluster, --as reaches it (the stand-in sees the headers): the check is not hollow.
    home = os.path.join(cluster["directory"], "home-direct")
    os.makedirs(home, exist_ok=True)
    direct_env = dict(os.environ, HOME=home, KUBECONFIG=cluster["standin"].kubeconfig(os.path.join(home, "kubeconfig")))
    before = len(cluster["standin"].requests)
    subprocess.run([KUBECTL, "get", "pods", "-n", SHOP, "--as", "system:admin", "--as-group", "system:masters"], env=direct_env,
                   capture_output=True, text=True, timeout=60)
    assert any(r.impersonate for r in cluster["standin"].requests[before:])
    # Through Gatehouse, the gateway's own credential never acts as someone else.
    before = len(cluster["standin"].requests)
    result = kubectl(cluster, "get", "pods", "-n", SHOP, "-o", "json", "--as", "system:admin", "--as-group", "system:masters")
    seen = cluster["standin"].requests[before:]
    assert result.returncode == 0 and seen, result.stderr
    assert all(not r.impersonate for r in seen)
    assert all("protobuf" not in (r.accept or "") for r in seen)


def test_pod_details_come_back_with_identifiers_masked(cluster):
    cluster["standin"].add_pod(KubePod(SHOP, "refund-job-1", annotations={
        "owner": "support.desk@example.com", "refund-account": "DE89 3704 0044 0532 0130 00"}))
    result = kubectl(cluster, "get", "pod", "refund-job-1", "-n", SHOP, "-o", "json")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    annotations = shown["metadata"]["annotations"]
    assert set(annotations) == {"owner", "refund-account"}
    assert "support.desk@example.com" not in result.stdout and "DE89 3704" not in result.stdout, annotations
    assert shown["metadata"]["name"] == "refund-job-1" and shown["metadata"]["namespace"] == SHOP


def test_logs_are_masked_against_the_pods_own_log(cluster):
    original = cluster["standin"].log_text(SHOP, API_POD)
    secrets_in_log = IDENTIFIER.findall(original)
    assert len(secrets_in_log) >= 3, original
    result = kubectl(cluster, "logs", API_POD, "-n", SHOP)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == original.count("\n")
    for value in secrets_in_log:
        assert value not in result.stdout, value
    assert "GET /customers/1 200" in result.stdout


@pytest.mark.parametrize("args, mention", [
    (("get", "secrets", "-n", SHOP), "secrets is not allowed on connection prod"),
    (("get", "pods", "-n", "default"), "namespace default is not one connection prod reaches"),
    (("get", "pods", "-A"), "across all namespaces"),
    (("logs", "billing-worker-0", "-n", SHOP), "needs approval (logs reaches shop/billing-worker-0, classified as holding personal "
                                               "data (financial)), but connection prod has no approver groups"),
    (("exec", "billing-worker-0", "-n", SHOP, "--", "cat", "/data/invoices.csv"), "but connection prod has no approver groups"),
    (("exec", API_POD, "-n", SHOP, "--", "env"), "matches the refused pattern 'env'"),
    (("exec", API_POD, "-n", SHOP, "--", "cat", "/var/run/secrets/kubernetes.io/serviceaccount/token"), "refused pattern"),
    (("delete", "pod", API_POD, "-n", SHOP), "(a write)"),
    (("port-forward", API_POD, "-n", SHOP, "18080:80"), "port-forward is not allowed on connection prod"),
    (("attach", API_POD, "-n", SHOP), "attach is not allowed on connection prod"),
])
def test_what_the_connection_does_not_allow_is_refused_with_a_status_and_not_forwarded(cluster, args, mention):
    kubectl(cluster, "get", "pods", "-n", SHOP)  # discovery cached, so only the refused request remains
    before = len(cluster["standin"].requests)
    result = kubectl(cluster, *args)
    assert result.returncode != 0
    assert mention in result.stderr, result.stderr
    # kubectl may look the pod up first (exec and logs do); the refused request itself never arrives.
    forwarded = [p for p in upstream_paths(cluster, before) if p not in ("/version", "/api", "/apis", "/api/v1")
                 and not (args[0] in ("exec", "logs", "attach", "port-forward") and p.endswith("/pods/" + args[1]))]
    assert forwarded == [], forwarded


def test_exec_output_is_masked_against_the_pods_own_file_and_the_exit_code_kept(cluster):
    original = cluster["standin"].file(SHOP, API_POD, "/data/customers.csv").decode()
    identifiers = IDENTIFIER.findall(original)
    assert len(identifiers) >= 3, original
    result = kubectl(cluster, "exec", API_POD, "-n", SHOP, "--", "cat", "/data/customers.csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == original.count("\n") and result.stdout.splitlines()[0] == original.splitlines()[0]
    for value in identifiers:
        assert value not in result.stdout, value
    failed = kubectl(cluster, "exec", API_POD, "-n", SHOP, "--", "sh", "-c", "echo to stderr >&2; exit 3")
    assert failed.returncode == 3 and "to stderr" in failed.stderr, failed.stderr


def test_identifiers_the_agent_puts_after_numbers_are_still_masked(cluster):
    """The agent reformats the pod's file so that each identifier follows a number (`7 +49 30 …`,
    `0 DE89 …`): the detectors read them on their own, ground truth from the pod's own file."""
    original = cluster["standin"].file(SHOP, API_POD, "/data/customers.csv").decode()
    identifiers = IDENTIFIER.findall(original)
    script = ('while IFS=, read -r id name email phone iban city; do echo "$id $phone 0 $iban 3 $email"; '
              'echo "qty 3 $phone, 2026-12-07T10:00:00Z $iban"; done < /data/customers.csv')
    result = kubectl(cluster, "exec", API_POD, "-n", SHOP, "--", "sh", "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 2 * original.count("\n")
    for value in identifiers:
        assert value not in result.stdout, value
    people = original.count("\n") - 1
    assert (result.stdout.count("[PHONE]"), result.stdout.count("[IBAN]"), result.stdout.count("[EMAIL]")) == (2 * people, 2 * people, people), \
        result.stdout


def test_an_identifier_printed_a_character_at_a_time_is_still_masked(cluster):
    # One character per WebSocket message: no message ever holds the address whole.
    script = "for c in a n n a . s c h m i d t @ e x a m p l e . c o m; do printf %s $c; sleep 0.01; done; echo"
    result = kubectl(cluster, "exec", API_POD, "-n", SHOP, "--", "sh", "-c", script)
    assert result.returncode == 0, result.stderr
    assert "anna.schmidt@example.com" not in result.stdout and result.stdout.strip() == "[EMAIL]", repr(result.stdout) + repr(result.stderr)


def test_exec_with_stdin_reaches_the_pod_and_is_counted(cluster):
    before = len(cluster["standin"].requests)
    result = subprocess.run([KUBECTL, "exec", "-i", API_POD, "-n", SHOP, "--", "wc", "-c"], input="twelve bytes",
                            env=kube_env(cluster), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "12", result.stdout + result.stderr
    assert cluster["standin"].stdin_received(SHOP, API_POD).endswith(b"twelve bytes")
    execs = [r for r in cluster["standin"].requests[before:] if r.subprotocol]
    assert len(execs) == 1 and execs[0].authenticated and execs[0].subprotocol == "v5.channel.k8s.io"


def kube_env(cluster, groups=("engineers",)) -> dict:
    home = os.path.join(cluster["directory"], "home-" + "-".join(groups))
    os.makedirs(home, exist_ok=True)
    token = cluster["gateway"].token("alice", groups=groups)
    config = cluster["standin"].kubeconfig(os.path.join(home, "kubeconfig"), token=token, server=cluster["server"], ca_cert=cluster["cert"])
    return dict(os.environ, HOME=home, KUBECONFIG=config)


def exec_session(cluster, seq: int) -> str:
    """The ledger session of the exec that ended after `seq`."""
    recorded = EventStore(cluster["data_dir"]).wait_for(
        lambda evs: any(e.kind == "kubernetes" and e.payload.get("operation") == "exec" and e.payload.get("phase") == "response"
                        for e in evs), seq=seq)
    return next(e.session_id for e in recorded if e.kind == "kubernetes" and e.payload.get("operation") == "exec"
                and e.payload.get("phase") == "response")


def replay(cluster, session: str, path) -> tuple[dict, list]:
    """`gatehouse audit replay`'s asciicast v2 file: its header and its events."""
    gateway = cluster["gateway"]
    result = subprocess.run([binary(), "audit", "replay", "--config", gateway.config_path, "--session", session, "-o", str(path)],
                            capture_output=True, text=True, timeout=60, env=gateway.env)
    assert result.returncode == 0, result.stderr
    lines = path.read_text().splitlines()
    return json.loads(lines[0]), [json.loads(line) for line in lines[1:]]


def test_an_interactive_shell_works_with_resize_and_its_output_is_masked(cluster, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    import io
    notes = cluster["standin"].file(SHOP, API_POD, "/home/app/notes.txt").decode()
    seq = EventStore(cluster["data_dir"]).last_seq()
    child = pexpect.spawn(KUBECTL, ["exec", "-it", "-n", SHOP, API_POD, "--", "sh"], env=kube_env(cluster),
                          dimensions=(30, 100), timeout=15)
    seen = io.BytesIO()
    child.logfile_read = seen
    try:
        child.sendline("echo SIZE=$(stty size)")
        child.expect(r"SIZE=(\d+) (\d+)")
        assert child.match.groups() == (b"30", b"100")
        child.setwinsize(40, 120)
        child.sendline("echo SIZE=$(stty size)")
        child.expect(r"SIZE=40 120")
        child.sendline("cat /home/app/notes.txt; echo END-OF-$((40 + 2))")  # the echoed command line holds no "END-OF-42"
        child.expect("END-OF-42\r\n")
        shown = child.before.decode(errors="replace")
        child.sendline("exit 4")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 4
    assert "Call back" in shown and "[EMAIL]" in shown, shown
    for value in IDENTIFIER.findall(notes):
        assert value not in shown, value

    # The recorded session plays back what the agent's terminal got, with what it typed and the resize.
    session = exec_session(cluster, seq)
    header, events = replay(cluster, session, tmp_path / "session.cast")
    assert header["version"] == 2 and (header["width"], header["height"]) == (100, 30) and header["command"] == "sh", header
    times = [event[0] for event in events]
    assert times == sorted(times) and times[-1] > 0
    output = "".join(data for _, code, data in events if code == "o")
    typed = "".join(data for _, code, data in events if code == "i")
    assert len(output) > 100 and output in seen.getvalue().decode(errors="replace"), (output, seen.getvalue())
    assert "cat /home/app/notes.txt" in typed and "exit 4" in typed, typed
    assert "120x40" in [data for _, code, data in events if code == "r"]
    cast = (tmp_path / "session.cast").read_text()
    assert "[EMAIL]" in cast and not any(value in cast for value in IDENTIFIER.findall(notes))


def test_a_command_replays_exactly_what_kubectl_printed_and_each_chunk_is_recorded_before_it_is_sent(cluster, tmp_path):
    events = EventStore(cluster["data_dir"])
    seq = events.last_seq()
    result = kubectl(cluster, "exec", API_POD, "-n", SHOP, "--", "cat", "/data/customers.csv")
    assert result.returncode == 0 and "[EMAIL]" in result.stdout, result.stderr
    session = exec_session(cluster, seq)
    header, played = replay(cluster, session, tmp_path / "cat.cast")
    assert header["command"] == "cat /data/customers.csv" and (header["width"], header["height"]) == (80, 24)
    # No terminal: the player needs "\r\n", the content is what kubectl printed, byte for byte.
    assert "".join(data for _, code, data in played if code == "o").replace("\r\n", "\n") == result.stdout
    recorded = [e for e in events.since(seq) if e.session_id == session]
    phases = [e.payload["phase"] for e in recorded if e.kind == "kubernetes"]
    assert phases[0] == "request" and phases[-1] == "response" and set(phases[1:-1]) == {"stream"}, phases
    chunks = [e for e in recorded if e.payload.get("phase") == "stream"]
    assert "".join(e.payload["data"] for e in chunks) == result.stdout
    assert sum(e.payload.get("maskedValues", 0) for e in chunks) >= 3 and all(e.payload["channel"] == "stdout" for e in chunks)
    # Output is sealed in the ledger: its clear text has neither the masked rows nor whom they named.
    stored = raw_entries(cluster["data_dir"])
    raw = b"".join(stored[e.seq - 1] for e in chunks)
    assert b"[EMAIL]" not in raw and b'"channel":"stdout"' in raw
    # An unknown session is a clear error.
    unknown = subprocess.run([binary(), "audit", "replay", "--config", cluster["gateway"].config_path, "--session", "nope"],
                             capture_output=True, text=True, timeout=60, env=cluster["gateway"].env)
    assert unknown.returncode != 0 and "no exec session recorded" in unknown.stderr, unknown.stderr


def kubectl_cp(cluster, source: str, target: str):
    return subprocess.run([KUBECTL, "cp", source, target], env=kube_env(cluster), capture_output=True, text=True, timeout=60)


def test_kubectl_cp_out_of_a_pod_gives_the_files_masked(cluster, tmp_path):
    standin = cluster["standin"]
    original = standin.file(SHOP, API_POD, "/data/customers.csv").decode()
    target = tmp_path / "customers.csv"
    result = kubectl_cp(cluster, f"{SHOP}/{API_POD}:/data/customers.csv", str(target))
    assert result.returncode == 0, result.stderr
    copied = target.read_text()
    # The same masked text exec shows, line for line; none of the pod's identifiers.
    shown = kubectl(cluster, "exec", API_POD, "-n", SHOP, "--", "cat", "/data/customers.csv").stdout
    assert copied == shown and copied.splitlines()[0] == original.splitlines()[0] and copied.count("\n") == original.count("\n")
    for value in IDENTIFIER.findall(original):
        assert value not in copied, value
    # A directory: every file in it, masked; names too (a file may be named after someone).
    standin.write_file(SHOP, API_POD, "/home/app/anna.schmidt@example.com.txt", "IBAN DE89 3704 0044 0532 0130 00\n")
    folder = tmp_path / "app"
    result = kubectl_cp(cluster, f"{SHOP}/{API_POD}:/home/app", str(folder))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in folder.iterdir())
    # (The detector reads "anna.schmidt@example.com.txt" as one address, so the name is all mask.)
    assert "notes.txt" in names and "[EMAIL]" in names and not any("anna.schmidt" in n for n in names), names
    assert "Call back" in (folder / "notes.txt").read_text() and "DE89" not in (folder / "[EMAIL]").read_text()
    for value in IDENTIFIER.findall(standin.file(SHOP, API_POD, "/home/app/notes.txt").decode()):
        assert value not in (folder / "notes.txt").read_text(), value


def test_kubectl_cp_of_a_binary_file_out_of_a_pod_is_stopped_with_the_reason(cluster, tmp_path):
    cluster["standin"].write_file(SHOP, API_POD, "/data/export.bin", bytes(range(256)) * 4 + b"anna.schmidt@example.com")
    target = tmp_path / "export.bin"
    result = kubectl_cp(cluster, f"{SHOP}/{API_POD}:/data/export.bin", str(target))
    assert result.returncode != 0 and "is a binary file, which Gatehouse cannot mask" in result.stderr, result.stderr
    assert not target.exists() or b"anna.schmidt" not in target.read_bytes()
    # Any other command writing binary output ends its session too.
    dumped = kubectl(cluster, "exec", API_POD, "-n", SHOP, "--", "cat", "/data/export.bin")
    assert dumped.returncode != 0 and "binary output" in dumped.stderr, dumped.stderr


@pytest.mark.parametrize("command", [["tar", "czf", "-", "/data/customers.csv"], ["sh", "-c", "tar cf - /data/customers.csv | cat"]])
def test_a_tar_stream_gatehouse_cannot_rewrite_never_leaves_the_pod(cluster, tmp_path, command):
    # Ground truth: straight to the API server, the command does hand out the file (compressed,
    # or as a tar under another command).
    import gzip
    import io
    import tarfile
    home = tmp_path / "direct"
    home.mkdir()
    direct = subprocess.run([KUBECTL, "exec", API_POD, "-n", SHOP, "--", *command], capture_output=True, timeout=60,
                            env=dict(os.environ, HOME=str(home), KUBECONFIG=cluster["standin"].kubeconfig(str(home / "kubeconfig"))))
    assert direct.returncode == 0, direct.stderr
    archive = gzip.decompress(direct.stdout) if command[1] == "czf" else direct.stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        leaked = tar.extractfile(tar.getmembers()[0]).read().decode()
    identifiers = IDENTIFIER.findall(leaked)
    assert identifiers, leaked
    # Through Gatehouse: the session ends with the reason, and none of it reaches the agent.
    through = subprocess.run([KUBECTL, "exec", API_POD, "-n", SHOP, "--", *command], capture_output=True, timeout=60,
                             env=kube_env(cluster))
    assert through.returncode != 0, through.stderr
    reason = "the pod's tar stream" if command[0] == "tar" else "binary output"
    assert reason in through.stderr.decode(), through.stderr
    assert b"\x1f\x8b" not in through.stdout and not any(value.encode() in through.stdout for value in identifiers)


def test_kubectl_cp_into_a_pod_passes_clean_files_and_stops_at_personal_data(cluster, tmp_path):
    standin = cluster["standin"]
    clean = tmp_path / "config.txt"
    clean.write_text("retries: 3\ntimeout: 30s\n" * 200)
    result = kubectl_cp(cluster, str(clean), f"{SHOP}/{API_POD}:/tmp/config.txt")
    assert result.returncode == 0, result.stderr
    assert standin.file(SHOP, API_POD, "/tmp/config.txt") == clean.read_bytes()
    # A binary file is not read (as for a Git push) and passes as it is.
    blob = tmp_path / "tool.bin"
    blob.write_bytes(bytes(range(256)) * 100)
    result = kubectl_cp(cluster, str(blob), f"{SHOP}/{API_POD}:/tmp/tool.bin")
    assert result.returncode == 0 and standin.file(SHOP, API_POD, "/tmp/tool.bin") == blob.read_bytes(), result.stderr
    # A directory whose second file holds identifiers: the first arrives, the second never does.
    folder = tmp_path / "upload"
    folder.mkdir()
    (folder / "a-readme.txt").write_text("nothing personal here\n")
    (folder / "b-contacts.csv").write_text("name,email,iban\nAnna,anna.schmidt@example.com,DE89 3704 0044 0532 0130 00\n")
    result = kubectl_cp(cluster, str(folder), f"{SHOP}/{API_POD}:/tmp/upload")
    assert result.returncode != 0, result.stdout
    assert "'upload/b-contacts.csv' holds personal identifiers (1 email, 1 iban)" in result.stderr, result.stderr
    assert not standin.file_exists(SHOP, API_POD, "/tmp/upload/b-contacts.csv")
    assert standin.file(SHOP, API_POD, "/tmp/upload/a-readme.txt") == b"nothing personal here\n"
    # The refusal is recorded as the end of the session (kubectl may have exited a moment before
    # the gateway closed the session and recorded it).
    def refusals(events):
        return [e for e in events if e.kind == "kubernetes" and e.payload.get("phase") == "response"
                and "holds personal identifiers" in (e.payload.get("reason") or "")]
    ended = refusals(EventStore(cluster["data_dir"]).wait_for(lambda events: refusals(events), seq=0))
    assert ended and ended[-1].payload["status"] == 403


def test_gatehouse_kubeconfig_gives_kubectl_the_gateway_and_a_token_per_run(cluster, tmp_path):
    gateway = cluster["gateway"]
    made = subprocess.run([binary(), "kubeconfig", "--config", gateway.config_path, "--connection", "prod", "--sub", "carol@example.com",
                           "--groups", "engineers", "--namespace", SHOP], capture_output=True, text=True, timeout=60, env=gateway.env)
    assert made.returncode == 0, made.stderr
    config = json.loads(made.stdout)
    assert config["clusters"][0]["cluster"]["server"] == cluster["server"]
    assert config["users"][0]["user"]["exec"]["args"][-1] == "--exec-credential"
    path = tmp_path / "kubeconfig"
    path.write_text(made.stdout)
    env = dict(os.environ, HOME=str(tmp_path), KUBECONFIG=str(path))
    listed = subprocess.run([KUBECTL, "get", "pods"], env=env, capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and API_POD in listed.stdout, listed.stderr
    ran = subprocess.run([KUBECTL, "exec", API_POD, "--", "cat", "/home/app/notes.txt"], env=env, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0 and "Call back" in ran.stdout and "@example.com" not in ran.stdout, ran.stdout + ran.stderr
    # Who ran it is the subject the plugin minted for, as recorded.
    events = EventStore(cluster["data_dir"]).since(0, kind="kubernetes")
    assert any(e.subject == "carol@example.com" and e.payload.get("operation") == "exec" for e in events)
    # Any exec credential plugin (here gatehouse's own, named as an Entra ID plugin such as kubelogin would be).
    plugin = f"{binary()} token --config {gateway.config_path} --sub dave@example.com --groups engineers --exec-credential"
    made = subprocess.run([binary(), "kubeconfig", "--config", gateway.config_path, "--connection", "prod", "--exec-plugin", plugin,
                           "--namespace", SHOP], capture_output=True, text=True, timeout=60, env=gateway.env)
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["users"][0]["user"]["exec"]["command"] == binary()
    path.write_text(made.stdout)
    listed = subprocess.run([KUBECTL, "get", "pods"], env=env, capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and API_POD in listed.stdout, listed.stderr
    # Unknown connection, and no way to get a token: clear errors.
    unknown = subprocess.run([binary(), "kubeconfig", "--config", gateway.config_path, "--connection", "nope", "--token", "x"],
                             capture_output=True, text=True, timeout=60, env=gateway.env)
    assert unknown.returncode == 1 and "no Kubernetes connection named 'nope' (there are: prod, held, labelled)" in unknown.stderr
    tokenless = subprocess.run([binary(), "kubeconfig", "--config", gateway.config_path, "--connection", "prod"],
                               capture_output=True, text=True, timeout=60, env={k: v for k, v in gateway.env.items() if k != "GATEHOUSE_TOKEN"})
    assert tokenless.returncode == 1 and "give --token" in tokenless.stderr


def raw_upgrade(cluster, path: str, headers: dict, method: str = "GET", connection: str = "prod") -> bytes:
    """Sends one upgrade request to the gateway over TLS; everything it answers until it closes (or 3 s)."""
    import socket
    port = cluster["gateway"].http_address[1]
    context = ssl.create_default_context(cafile=cluster["cert"])
    context.check_hostname = False
    lines = [f"{method} /k8s/{connection}{path} HTTP/1.1", "Host: gatehouse", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock, context.wrap_socket(sock) as tls:
        tls.sendall("\r\n".join(lines).encode())
        received = b""
        try:
            while chunk := tls.recv(65536):
                received += chunk
        except (TimeoutError, ssl.SSLError, OSError):
            pass
    return received


EXEC_PATH = f"/api/v1/namespaces/{SHOP}/pods/{API_POD}/exec?command=ls&stdout=true"
WEBSOCKET = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
             "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Protocol": "v5.channel.k8s.io"}


def test_spdy_and_refused_upgrades_get_a_status_not_a_dropped_connection(cluster):
    before = len(cluster["standin"].requests)
    token = cluster["gateway"].token("alice", groups=("engineers",))
    # kubectl's SPDY fallback (and older kubectl's only way): a 403 Status saying why.
    spdy = raw_upgrade(cluster, EXEC_PATH, {"Authorization": f"Bearer {token}", "Connection": "Upgrade", "Upgrade": "SPDY/3.1",
                                            "X-Stream-Protocol-Version": "v4.channel.k8s.io", "Content-Length": "0"}, method="POST")
    head, _, body = spdy.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 403") and b"SPDY is not relayed" in body, spdy
    assert json.loads(body)["kind"] == "Status"
    # An exec WebSocket with a bad token is accepted only to carry its 401 Status on the error channel.
    bad = raw_upgrade(cluster, EXEC_PATH, {"Authorization": "Bearer not-a-token", **WEBSOCKET})
    assert bad.startswith(b"HTTP/1.1 101") and b"token rejected" in bad and b'"code":401' in bad.replace(b" ", b""), bad
    # attach over a WebSocket: a plain 403 Status.
    attach = raw_upgrade(cluster, f"/api/v1/namespaces/{SHOP}/pods/{API_POD}/attach?stdout=true",
                         {"Authorization": f"Bearer {token}", **WEBSOCKET})
    assert attach.startswith(b"HTTP/1.1 403") and b"attach is not allowed on connection prod" in attach, attach
    assert upstream_paths(cluster, before) == []


def test_callers_without_a_valid_token_in_an_allowed_group_are_refused(cluster):
    before = len(cluster["standin"].requests)
    for token, groups in (("not-a-token", ("engineers",)), (None, ("marketing",))):
        result = kubectl(cluster, "get", "pods", "-n", SHOP, token=token, groups=groups)
        assert result.returncode != 0
    assert upstream_paths(cluster, before) == []
    # The stand-in's own service-account token is no way in either: the gateway validates OIDC tokens.
    result = kubectl(cluster, "get", "pods", "-n", SHOP, token=cluster["service_token"])
    assert result.returncode != 0 and upstream_paths(cluster, before) == []


def test_every_request_is_recorded_before_and_after(cluster):
    events = EventStore(cluster["data_dir"])
    seq = events.last_seq()
    result = kubectl(cluster, "logs", API_POD, "-n", SHOP)
    assert result.returncode == 0, result.stderr
    recorded = events.wait_for(lambda evs: any(e.kind == "kubernetes" and e.payload.get("phase") == "response"
                                               and e.payload.get("operation") == "logs" for e in evs), seq=seq)
    logs = [e for e in recorded if e.kind == "kubernetes" and e.payload.get("operation") == "logs"]
    request = next(e for e in logs if e.payload["phase"] == "request")
    response = next(e for e in logs if e.payload["phase"] == "response")
    assert request.seq < response.seq and request.payload["decision"] == "allowed" and request.payload["pod"] == API_POD
    assert response.payload["status"] == 200 and response.payload["maskedValues"] >= 3 and len(response.payload["sha256"]) == 64
    assert response.payload.get("subjects"), "whom the log named is recorded (sealed), for access requests"
    refused = [e for e in events.since(0, kind="kubernetes") if e.payload.get("decision") == "refused"]
    assert refused and all(e.payload.get("reason") for e in refused)


def test_an_exec_session_is_recorded_with_its_command_sealed_and_its_exit_code(cluster):
    events = EventStore(cluster["data_dir"])
    seq = events.last_seq()
    result = kubectl(cluster, "exec", API_POD, "-n", SHOP, "--", "sh", "-c", "grep -c anna.schmidt /home/app/notes.txt; exit 3")
    assert result.returncode == 3 and result.stdout.strip() == "1", result.stdout + result.stderr
    recorded = events.wait_for(lambda evs: any(e.kind == "kubernetes" and e.payload.get("operation") == "exec"
                                               and e.payload.get("phase") == "response" for e in evs), seq=seq)
    execs = [e for e in recorded if e.kind == "kubernetes" and e.payload.get("operation") == "exec"]
    request = next(e for e in execs if e.payload["phase"] == "request")
    response = next(e for e in execs if e.payload["phase"] == "response")
    assert request.payload["command"] == "sh -c 'grep -c anna.schmidt /home/app/notes.txt; exit 3'" and request.payload["tty"] is False
    assert response.payload["exitCode"] == 3 and response.payload["stdinBytes"] == 0 and len(response.payload["sha256"]) == 64
    # The command may name someone: it is sealed, not in the entry's clear text.
    raw = raw_entries(cluster["data_dir"])[request.seq - 1]
    assert b"anna.schmidt" not in bytes(raw) and b'"operation":"exec"' in bytes(raw)


# --- approval -------------------------------------------------------------------------------------

def approvals_api(cluster, method: str, path: str, body: dict | None = None):
    """The approvals REST API as bob, an approver (group dpo)."""
    token = cluster["gateway"].token("bob", groups=("dpo",))
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"https://127.0.0.1:{cluster['gateway'].http_address[1]}{path}", data=data, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, context=ssl.create_default_context(cafile=cluster["cert"]), timeout=30) as response:
        return json.loads(response.read() or b"null")


def decide_when_held(cluster, verb: str, reason: str, found: list) -> threading.Thread:
    """Decides the first pending Kubernetes request that appears (`approve` or `deny`)."""
    def run():
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            pending = [r for r in approvals_api(cluster, "GET", "/api/v1/approvals") if r.get("pods")]
            if pending:
                found.append(pending[0])
                approvals_api(cluster, "POST", f"/api/v1/approvals/{pending[0]['id']}/{verb}", {"reason": reason})
                return
            time.sleep(0.2)
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_an_exec_into_a_classified_pod_waits_for_approval_is_told_so_and_then_runs_masked(cluster):
    events = EventStore(cluster["data_dir"])
    seq = events.last_seq()
    found = []
    approver = decide_when_held(cluster, "approve", "invoice check INC-7", found)
    result = kubectl(cluster, "exec", "billing-worker-0", "-n", SHOP, "--", "cat", "/data/invoices.csv", connection="held")
    approver.join(30)
    assert result.returncode == 0, result.stderr
    request = found[0]
    assert request["pods"] == [f"{SHOP}/billing-worker-0"] and request["operations"] == ["exec"]
    assert "cat /data/invoices.csv" in request["maskedStatement"] and request["categories"] == ["financial"]
    assert f"request {request['id']}" in result.stderr and "waits for an approver" in result.stderr
    invoices = cluster["standin"].file(SHOP, "billing-worker-0", "/data/invoices.csv").decode()
    assert result.stdout.splitlines()[0] == invoices.splitlines()[0]
    for value in IDENTIFIER.findall(invoices):
        assert value not in result.stdout, value
    recorded = events.wait_for(lambda evs: any(e.kind == "kubernetes" and e.payload.get("phase") == "response" for e in evs), seq=seq)
    steps = [(e.kind, e.payload.get("step") or e.payload.get("phase")) for e in recorded
             if e.kind == "approval" or (e.kind == "kubernetes" and e.payload.get("operation") == "exec")]
    # requested → approved → grant_used → the exec session: its request, each chunk of output, its end.
    steps = [step for index, step in enumerate(steps) if step != ("kubernetes", "stream") or steps[index - 1] != step]
    assert steps[:6] == [("approval", "requested"), ("approval", "approved"), ("approval", "grant_used"),
                         ("kubernetes", "request"), ("kubernetes", "stream"), ("kubernetes", "response")], steps
    allowed = next(e for e in recorded if e.kind == "kubernetes" and e.payload.get("operation") == "exec"
                   and e.payload.get("phase") == "request")
    assert allowed.payload["approval"] == request["id"] and allowed.payload["decision"] == "allowed"


def test_a_denied_exec_ends_with_the_reason_and_nothing_runs(cluster):
    before = len(cluster["standin"].execs)
    found = []
    approver = decide_when_held(cluster, "deny", "no ticket", found)
    result = kubectl(cluster, "exec", "billing-worker-0", "-n", SHOP, "--", "cat", "/data/invoices.csv", connection="held")
    approver.join(30)
    assert result.returncode != 0
    assert f"approval request {found[0]['id']} was denied by bob: no ticket" in result.stderr, result.stderr
    assert cluster["standin"].execs[before:] == []


def test_a_label_rule_holds_exactly_the_pods_whose_labels_the_api_server_reports(cluster):
    standin = cluster["standin"]
    before = len(standin.requests)
    # customer-api's labels (app=customer-api) do not match: it runs at once, no approval asked.
    free = kubectl(cluster, "exec", API_POD, "-n", SHOP, "--", "cat", "/home/app/notes.txt", connection="labelled")
    assert free.returncode == 0 and "Call back" in free.stdout and "waits for an approver" not in free.stderr, free.stderr
    # billing-worker-0 carries app=billing-worker: held (and, with nobody deciding, refused after 1 s).
    held = kubectl(cluster, "exec", "billing-worker-0", "-n", SHOP, "--", "cat", "/data/invoices.csv", connection="labelled")
    assert held.returncode != 0 and "holds personal data: this exec waits for an approver" in held.stderr, held.stderr
    assert not any(r.subprotocol for r in standin.requests[before:] if r.path.endswith("/billing-worker-0/exec"))
    # The labels were read with the gateway's credential, from the pod itself.
    reads = [r for r in standin.requests[before:] if r.method == "GET" and r.path == f"/api/v1/namespaces/{SHOP}/pods/billing-worker-0"]
    assert reads and all(r.authenticated for r in reads)
    # Listed or not, attach and port-forward are not relayed: a Status says why.
    for args, mention in ((("attach", API_POD, "-n", SHOP), "attach is not relayed by Gatehouse"),
                          (("port-forward", API_POD, "-n", SHOP, "18081:80"), "port-forward is not relayed by Gatehouse")):
        refused = kubectl(cluster, *args, connection="labelled")
        assert refused.returncode != 0 and mention in refused.stderr, refused.stderr


def test_a_purpose_header_reaches_the_approver(cluster):
    # kubectl cannot add headers; API clients can (client-go, the Python client): here a raw exec upgrade.
    token = cluster["gateway"].token("alice", groups=("engineers",))
    found = []
    approver = decide_when_held(cluster, "deny", "not now", found)
    path = f"/api/v1/namespaces/{SHOP}/pods/billing-worker-0/exec?command=cat&command=/data/invoices.csv&stdout=true"
    answer = raw_upgrade(cluster, path, {"Authorization": f"Bearer {token}", "Gatehouse-Purpose": "TICKET-42 refund check", **WEBSOCKET},
                         connection="held")
    approver.join(30)
    assert found and found[0]["purpose"]["text"] == "TICKET-42 refund check", found
    assert b"was denied by bob: not now" in answer


def test_held_logs_are_released_by_an_approval(cluster):
    found = []
    approver = decide_when_held(cluster, "approve", "debugging INC-8", found)
    result = kubectl(cluster, "logs", "billing-worker-0", "-n", SHOP, connection="held")
    approver.join(30)
    assert result.returncode == 0 and "INV-1001" in result.stdout and "DE89 3704" not in result.stdout, result.stdout + result.stderr
    assert found and found[0]["operations"] == ["logs"]
