"""A result far larger than memory should allow streams through with bounded gateway memory:
the gateway stops reading from the server while the client is slow (backpressure)."""

import time

import psycopg

GIGABYTE = 1_000_000_000
ROW_BYTES = 1000  # repeat('x', 999) plus the newline COPY adds


def _peak_rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM in /proc status")


def test_one_gigabyte_copy_out_keeps_gateway_memory_bounded(gateway):
    pid = gateway.gateway.process.pid
    before = _peak_rss_kib(pid)
    received = 0
    with psycopg.connect(gateway.dsn("shop"), autocommit=True) as conn:
        with conn.cursor().copy(
                f"COPY (SELECT repeat('x', {ROW_BYTES - 1}) FROM generate_series(1, {GIGABYTE // ROW_BYTES})) TO STDOUT") as copy:
            stalled = False
            for chunk in copy:
                received += len(chunk)
                if not stalled and received > 50 * 2**20:
                    # A slow client: the server keeps producing (~100 MB/s here), so a gateway
                    # that did not stop reading upstream would now buffer hundreds of MB.
                    time.sleep(3)
                    stalled = True
    assert received == GIGABYTE
    growth_mib = (_peak_rss_kib(pid) - before) / 1024
    print(f"gateway peak RSS grew by {growth_mib:.1f} MiB while relaying {received / 2**20:.0f} MiB")
    assert growth_mib < 64, f"gateway peak memory grew by {growth_mib:.1f} MiB relaying 1 GB"
