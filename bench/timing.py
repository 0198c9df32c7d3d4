"""Timing shared by the benchmark scripts."""

import time


def best(runs: int, action) -> float:
    """The shortest wall time, in seconds, of `runs` runs of `action`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)
