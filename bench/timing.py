"""Timing shared by the benchmark scripts."""

import os
import time


def best(runs: int, action) -> float:
    """The shortest wall time, in seconds, of `runs` runs of `action`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (its threads included)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
