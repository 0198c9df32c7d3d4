#!/usr/bin/env python3
"""Azure Blob through Gatehouse, side by side with the same requests straight to the account
(issue 18). A benchmark: it prints figures and ratios, it asserts nothing.

    python3 bench/blob_throughput.py                       # 256 MiB download, 64 MiB masked JSON, 64 MiB upload
    python3 bench/blob_throughput.py --download-mib 64 --json-mib 16 --upload-mib 16 --runs 1

The account is the test harness's Blob service stand-in (tests/integration/harness/blob_server.py,
in-process Python: its own speed caps both columns). The client is the unmodified Azure SDK for
Python with `max_concurrency` 4: directly with the account key over http, through Gatehouse with
a dev-issuer token over TLS. Figures are the best of `--runs`:

- download of an unclassified binary blob (streamed through untouched), MB/s and the ratio, also
  against the account over TLS (the client leg through Gatehouse is TLS, the direct one is not);
- download of a classified JSON export (read whole, masked, cut into the SDK's ranges), MB/s of
  masked content, first download (masking included, with the gateway's CPU time for it) and a
  second one (served from the masked copy);
- upload of a text blob without identifiers in 8 MiB blocks, scanned by `upload_scan: reject`.

The gateway is the binary GATEHOUSE_BIN names (default: the debug build); use a release build.
"""

import argparse
import base64
import json
import os
import secrets
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))

from azure.storage.blob import BlobServiceClient  # noqa: E402

from harness import certs  # noqa: E402
from harness.azure_credential import GatehouseToken  # noqa: E402
from harness.blob_server import BlobStandIn  # noqa: E402
from harness.gateway import Gateway, binary  # noqa: E402
from harness.gateway_config import BlobConnection, GatewayConfig  # noqa: E402
from harness.ports import free_port  # noqa: E402
from timing import best, process_cpu_seconds  # noqa: E402

MIB = 1024 * 1024


def export_json(size: int) -> bytes:
    """A customer export of about `size` bytes: names, emails and phone numbers in every record."""
    records, total, n = [], 2, 0
    while total < size:
        record = {"id": n, "name": f"Customer {n}", "email": f"customer.{n}@example.com", "phone": f"+49 30 {1000000 + n % 8999999}",
                  "plan": "gold" if n % 3 else "silver", "note": "prefers email, renewal due in spring"}
        text = json.dumps(record)
        records.append(text)
        total += len(text) + 2
        n += 1
    return ("[" + ",\n".join(records) + "]").encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--download-mib", type=int, default=256)
    parser.add_argument("--json-mib", type=int, default=64)
    parser.add_argument("--upload-mib", type=int, default=64)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="gatehouse-blob-bench-")
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    server = BlobStandIn("acme", key, workdir=os.path.join(workdir, "standin")).start()
    tls_server = None
    gateway = None
    try:
        server.create_container("data")
        payload = secrets.token_bytes(args.download_mib * MIB)
        server.put("data", "backups/large.bin", payload)
        export = export_json(args.json_mib * MIB)
        server.put("data", "exports/customers.json", export, content_type="application/json")
        cert, cert_key = certs.write_self_signed(workdir, "gateway")
        config = GatewayConfig(
            data_dir=os.path.join(workdir, "data"), postgres_address="127.0.0.1", postgres_port=free_port(), http_port=free_port(),
            connections=[], http_listener={"tls": {"cert": cert, "key": cert_key}},
            blob_connections=[BlobConnection(
                "data", server.account_url, "acme", "ACME_KEY", read_write_groups=["engineers"], approval={"mode": "never"},
                personal_data=[{"container": "data", "blobs": "exports/**", "category": "contact", "format": "json",
                                "json_fields": {"$[*].name": "name"}}])])
        gateway = Gateway(os.path.join(workdir, "gw"), config.yaml(), env={"ACME_KEY": key}, name="gateway-blob-bench").start()
        token = gateway.token("bench", groups=("engineers",))
        options = dict(max_single_get_size=4 * MIB, max_chunk_get_size=4 * MIB, max_block_size=8 * MIB, max_single_put_size=8 * MIB)
        direct = BlobServiceClient(server.account_url, credential={"account_name": "acme", "account_key": key}, **options)
        through = BlobServiceClient(f"https://127.0.0.1:{gateway.http_address[1]}/blob/data", credential=GatehouseToken(token),
                                    connection_verify=cert, **options)

        def download(client, name: str, expected: int | None = None) -> bytes:
            data = client.get_container_client("data").download_blob(name, max_concurrency=4).readall()
            assert expected is None or len(data) == expected
            return data

        print(f"Azure Blob, direct vs Gatehouse ({binary()}); SDK max_concurrency 4, best of {args.runs}")
        size = len(payload)
        direct_s = best(args.runs, lambda: download(direct, "backups/large.bin", size))
        gateway_s = best(args.runs, lambda: download(through, "backups/large.bin", size))
        # The same account over TLS: what TLS alone costs the client, apart from the gateway.
        tls_cert, tls_key = certs.write_self_signed(workdir, "standin")
        tls_server = BlobStandIn("acme", key, tls_cert=tls_cert, tls_key=tls_key, workdir=os.path.join(workdir, "standin-tls")).start()
        tls_server.create_container("data")
        tls_server.put("data", "backups/large.bin", payload)
        direct_tls = BlobServiceClient(tls_server.account_url, credential={"account_name": "acme", "account_key": key},
                                       connection_verify=tls_cert, **options)
        direct_tls_s = best(args.runs, lambda: download(direct_tls, "backups/large.bin", size))
        tls_server.stop()
        tls_server = None
        print(f"  download {size // MIB} MiB unclassified: direct {size / MIB / direct_s:7.1f} MB/s, "
              f"direct over TLS {size / MIB / direct_tls_s:7.1f} MB/s, Gatehouse (TLS) {size / MIB / gateway_s:7.1f} MB/s, "
              f"ratio {direct_s / gateway_s:.2f}x (to TLS: {direct_tls_s / gateway_s:.2f}x)")

        cpu_before, start = process_cpu_seconds(gateway.process.pid), time.perf_counter()
        masked = download(through, "exports/customers.json")
        first_s = time.perf_counter() - start
        first_cpu = process_cpu_seconds(gateway.process.pid) - cpu_before
        again_s = best(args.runs, lambda: download(through, "exports/customers.json"))
        direct_json_s = best(args.runs, lambda: download(direct, "exports/customers.json", len(export)))
        assert b"@example.com" not in masked
        print(f"  download {len(export) // MIB} MiB classified JSON: direct {len(export) / MIB / direct_json_s:7.1f} MB/s, "
              f"Gatehouse first (fetch + mask) {len(masked) / MIB / first_s:7.1f} MB/s "
              f"({first_cpu:.2f} s of gateway CPU, {first_cpu * 1000 / (len(export) / MIB):.1f} ms per MiB), "
              f"again (masked copy) {len(masked) / MIB / again_s:7.1f} MB/s")

        line = b"quarterly report line without identifiers, revenue and growth figures 12345\n"
        text = (line * (args.upload_mib * MIB // len(line) + 1))[:args.upload_mib * MIB]
        direct_up = best(args.runs, lambda: direct.get_container_client("data").upload_blob(
            "uploads/report.txt", text, overwrite=True, max_concurrency=4))
        gateway_up = best(args.runs, lambda: through.get_container_client("data").upload_blob(
            "uploads/report.txt", text, overwrite=True, max_concurrency=4))
        print(f"  upload {len(text) // MIB} MiB text, scanned: direct {len(text) / MIB / direct_up:7.1f} MB/s, "
              f"Gatehouse {len(text) / MIB / gateway_up:7.1f} MB/s, ratio {direct_up / gateway_up:.2f}x")
        return 0
    finally:
        if gateway:
            gateway.stop()
        if tls_server:
            tls_server.stop()
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
