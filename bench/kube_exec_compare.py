#!/usr/bin/env python3
"""kubectl exec through Gatehouse, side by side with the same kubectl straight to the API server
(issue 19). A benchmark: it prints figures and ratios, it asserts nothing.

    python3 bench/kube_exec_compare.py                 # cat of a 100 MiB file, 50 interactive round trips
    python3 bench/kube_exec_compare.py --mib 20 --runs 1 --round-trips 20

The API server is the test harness's stand-in (tests/integration/harness/kube_server.py, in-process
Python with a hand-written WebSocket: its own speed caps both columns), run as root (its pods'
commands run chrooted in a busybox sandbox). The client is the installed kubectl. Figures:

- `kubectl exec POD -- cat FILE` of a text file without identifiers (lines like a service's log),
  stdout to /dev/null: MB/s direct and through Gatehouse (every line through the masker), ratio
  (target ≥ 0.7×), best of `--runs`;
- the CPU seconds kubectl, the stand-in and the gateway each spend on one such `cat` (from
  /proc and the children's rusage): on a small machine all three share the cores, so the
  gateway's CPU per MiB bounds the ratio;
- interactive round trip: in `kubectl exec -it POD -- sh`, the time from sending `echo N` to
  seeing its output line, median and p95 of `--round-trips`, direct and through Gatehouse, and the
  time Gatehouse adds.

The gateway is the binary GATEHOUSE_BIN names (default: the debug build); use a release build.
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))

from harness import certs  # noqa: E402
from harness.gateway import Gateway, binary  # noqa: E402
from harness.gateway_config import GatewayConfig, KubeConnection  # noqa: E402
from harness.kube_server import KubePod, KubeStandIn  # noqa: E402
from harness.ports import free_port  # noqa: E402
from timing import best, process_cpu_seconds  # noqa: E402

MIB = 1024 * 1024
NS, POD = "bench", "app-0"


def log_text(size: int) -> bytes:
    line = b"2026-12-07T10:00:00Z INFO request handled path=/orders/1234 status=200 duration_ms=12 region=eu-west\n"
    return (line * (size // len(line) + 1))[:size]


def round_trips(env: dict, count: int) -> list[float]:
    import pexpect
    child = pexpect.spawn("kubectl", ["exec", "-it", "-n", NS, POD, "--", "sh"], env=env, timeout=30)
    try:
        child.sendline("echo READY-$((1 + 1))")
        child.expect("READY-2\r\n")
        samples = []
        for n in range(count):
            start = time.perf_counter()
            child.sendline(f"echo R-$(({n} + 1000))")
            child.expect(f"R-{n + 1000}\r\n")
            samples.append(time.perf_counter() - start)
        child.sendline("exit")
        child.expect(pexpect.EOF)
        return samples
    finally:
        child.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mib", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--round-trips", type=int, default=50)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="gatehouse-kube-bench-")
    os.chmod(workdir, 0o755)
    service_token = secrets.token_urlsafe(32)
    data = log_text(args.mib * MIB)
    standin = KubeStandIn(service_token, pods=[KubePod(NS, POD, files={"/data/app.log": data})],
                          workdir=os.path.join(workdir, "standin")).start()
    gateway = None
    try:
        token_file = os.path.join(workdir, "token")
        with open(token_file, "w") as f:
            f.write(service_token)
        cert, key = certs.write_self_signed(workdir, "gateway")
        config = GatewayConfig(
            data_dir=os.path.join(workdir, "data"), postgres_address="127.0.0.1", postgres_port=free_port(), http_port=free_port(),
            connections=[], http_listener={"tls": {"cert": cert, "key": key}},
            kube_connections=[KubeConnection("bench", standin.url, standin.ca_cert, token_file, namespaces=[NS])])
        gateway = Gateway(os.path.join(workdir, "gw"), config.yaml(), name="gateway-kube-bench").start()
        homes = {name: os.path.join(workdir, f"home-{name}") for name in ("direct", "gatehouse")}
        for home in homes.values():
            os.makedirs(home)
        envs = {
            "direct": dict(os.environ, HOME=homes["direct"], KUBECONFIG=standin.kubeconfig(os.path.join(homes["direct"], "kubeconfig"))),
            "gatehouse": dict(os.environ, HOME=homes["gatehouse"], KUBECONFIG=standin.kubeconfig(
                os.path.join(homes["gatehouse"], "kubeconfig"), token=gateway.token("bench", groups=("engineers",), ttl=3600),
                server=f"https://127.0.0.1:{gateway.http_address[1]}/k8s/bench", ca_cert=cert)),
        }

        def cat(env):
            with open(os.devnull, "wb") as sink:
                subprocess.run(["kubectl", "exec", "-n", NS, POD, "--", "cat", "/data/app.log"], env=env, stdout=sink, check=True)

        def cpu_of_one_cat(env) -> dict:
            """CPU seconds each party spends on one cat (kubectl: a child of this process; the
            stand-in runs in this process)."""
            children, own, gw = os.times(), process_cpu_seconds(os.getpid()), process_cpu_seconds(gateway.process.pid)
            cat(env)
            after = os.times()
            return {"kubectl": (after.children_user + after.children_system) - (children.children_user + children.children_system),
                    "stand-in": process_cpu_seconds(os.getpid()) - own, "gateway": process_cpu_seconds(gateway.process.pid) - gw}

        print(f"kubectl exec, direct vs Gatehouse ({binary()}); best of {args.runs}")
        seconds = {name: best(args.runs, lambda env=env: cat(env)) for name, env in envs.items()}
        print(f"  cat {args.mib} MiB: direct {args.mib / seconds['direct']:7.1f} MB/s, Gatehouse {args.mib / seconds['gatehouse']:7.1f} MB/s, "
              f"ratio {seconds['direct'] / seconds['gatehouse']:.2f}x (target >= 0.7x)")
        for name, env in envs.items():
            cpu = cpu_of_one_cat(env)
            print(f"  CPU for one cat, {name}: " + ", ".join(f"{party} {seconds:.2f} s" for party, seconds in cpu.items())
                  + f" ({cpu['gateway'] * 1000 / args.mib:.1f} ms of gateway CPU per MiB)")
        rtt = {name: round_trips(env, args.round_trips) for name, env in envs.items()}
        median = {name: statistics.median(samples) * 1000 for name, samples in rtt.items()}
        p95 = {name: sorted(samples)[int(0.95 * (len(samples) - 1))] * 1000 for name, samples in rtt.items()}
        print(f"  interactive round trip ({args.round_trips}): direct median {median['direct']:.1f} ms (p95 {p95['direct']:.1f}), "
              f"Gatehouse median {median['gatehouse']:.1f} ms (p95 {p95['gatehouse']:.1f}), added {median['gatehouse'] - median['direct']:.1f} ms")
    finally:
        if gateway:
            gateway.stop()
        standin.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
