"""`gatehouse demo --kube-stand-in` (what scripts/demo.sh runs): the demo's Kubernetes connection,
used the way its printed instructions show (`gatehouse kubeconfig`, then kubectl). Ground truth
is the stand-in's sample pods (harness/kube_server.py's `sample_pods()`)."""

import os
import re
import shutil
import subprocess
import time

import pytest

from harness.demo import running_demo
from harness.gateway import binary
from harness.kube_server import CUSTOMERS_CSV

HERE = os.path.dirname(os.path.abspath(__file__))
KUBECTL = shutil.which("kubectl") or "kubectl"
API_POD = "customer-api-7d9f8b6c4-x2k9p"

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("kubectl"),
                                reason="the Kubernetes stand-in runs pod commands chrooted (root) and needs kubectl")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with running_demo("--kube-stand-in", os.path.join(HERE, "kube_standin.py")) as running:
        assert "Kubernetes: connection `cluster`" in running["output"], running["output"]
        config = os.path.join(running["data_dir"], "gatehouse.yaml")
        home = tmp_path_factory.mktemp("kube-demo-home")
        # The printed command, run as pasted into a shell whose PATH does not hold the binary: the
        # demo names the binary by its path when `gatehouse` is not what PATH finds.
        printed = re.search(r"^ *(\S+ kubeconfig --config .*?\\\n.*?> alice\.kubeconfig)$", running["output"], re.M | re.S)
        assert printed, running["output"]
        assert printed.group(1).startswith(os.path.realpath(binary()) + " kubeconfig"), printed.group(1)
        made = subprocess.run(["bash", "-c", printed.group(1)], cwd=home, capture_output=True, text=True, timeout=60,
                              env=dict(os.environ, PATH="/usr/bin:/bin"))
        assert made.returncode == 0, made.stderr
        yield dict(os.environ, HOME=str(home), KUBECONFIG=str(home / "alice.kubeconfig"), GATEHOUSE_DEMO_CONFIG=config)


def kubectl(env, *args):
    return subprocess.run([KUBECTL, *args], env=env, capture_output=True, text=True, timeout=60)


def test_the_printed_kubectl_commands_work_masked_and_refused_as_described(demo):
    listed = kubectl(demo, "get", "pods")
    assert listed.returncode == 0 and API_POD in listed.stdout, listed.stderr
    shown = kubectl(demo, "exec", API_POD, "--", "cat", "/data/customers.csv")
    assert shown.returncode == 0, shown.stderr
    emails = re.findall(r"[\w.+-]+@[\w.-]+\.\w+", CUSTOMERS_CSV)
    assert emails and not any(email in shown.stdout for email in emails), shown.stdout
    assert shown.stdout.splitlines()[0] == CUSTOMERS_CSV.splitlines()[0]
    copied = kubectl(demo, "cp", f"{API_POD}:/data/customers.csv", os.path.join(demo["HOME"], "customers.csv"))
    assert copied.returncode == 0, copied.stderr
    with open(os.path.join(demo["HOME"], "customers.csv")) as f:
        assert f.read() == shown.stdout
    for args, mention in ((("exec", API_POD, "--", "env"), "refused pattern 'env'"),
                          (("get", "secrets"), "secrets is not allowed")):
        refused = kubectl(demo, *args)
        assert refused.returncode != 0 and mention in refused.stderr, refused.stderr


def test_the_billing_workers_logs_wait_for_an_approver(demo):
    config = demo["GATEHOUSE_DEMO_CONFIG"]
    bob = subprocess.run([binary(), "token", "--config", config, "--sub", "bob@example.com", "--groups", "engineers,approvers"],
                         capture_output=True, text=True, check=True).stdout.strip()
    held = subprocess.Popen([KUBECTL, "logs", "billing-worker-0"], env=demo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        env = dict(demo, GATEHOUSE_TOKEN=bob)
        deadline = time.monotonic() + 20
        listed = ""
        while "apr_" not in listed and time.monotonic() < deadline:
            time.sleep(0.3)
            listed = subprocess.run([binary(), "approvals", "list", "--config", config], env=env, capture_output=True, text=True).stdout
        request = re.search(r"apr_[0-9a-f]+", listed).group(0)
        approved = subprocess.run([binary(), "approvals", "approve", request, "--config", config, "--reason", "demo test"],
                                  env=env, capture_output=True, text=True)
        assert approved.returncode == 0, approved.stdout + approved.stderr
        out, err = held.communicate(timeout=30)
    finally:
        held.kill()
    assert held.returncode == 0 and "INV-1001" in out and "DE89 3704" not in out, out + err
