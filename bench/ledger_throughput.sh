#!/bin/sh
# Evidence-ledger costs, release build in its own scratch path:
#   1. the Merkle tree at a million leaves in memory (root, proof sizes and times);
#   2. durable appends to the ledger (journal, group commit; SQLite indexed behind): raw entries, then the gateway's
#      recorder (statement and outcome events, sealed), side by side, with their ratio;
#   3. a 1,000,000-entry ledger written by the recorder, then `gatehouse audit verify` over it
#      (every leaf re-hashed, every node rebuilt, every entry decoded, the checkpoint checked).
#   bash bench/ledger_throughput.sh            # as above
#   bash bench/ledger_throughput.sh --quick    # 100,000 entries for the verification
set -eu
cd "$(dirname "$0")/.."
verify_entries=1000000
[ "${1:-}" = "--quick" ] && verify_entries=100000
swift build -c release --product ledger-benchmark --scratch-path .build-release
swift build -c release --product ledger-store-benchmark --scratch-path .build-release
swift build -c release --product gatehouse --scratch-path .build-release
.build-release/release/ledger-benchmark
.build-release/release/ledger-store-benchmark 100000 8 32

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.build-release/release/ledger-store-benchmark "$verify_entries" 8 32 --keep "$work/data"
cat > "$work/gatehouse.yaml" <<YAML
data_dir: $work/data
identity:
  dev_issuer:
    enabled: true
connections:
  - name: shop
    type: postgres
    upstream: {host: 127.0.0.1, database: shop, user: app}
    allowed_groups: [engineers]
YAML
python3 - "$work/gatehouse.yaml" "$verify_entries" <<'PY'
import subprocess, sys, time
start = time.monotonic()
subprocess.run([".build-release/release/gatehouse", "audit", "verify", "--config", sys.argv[1]], check=True)
print(f"audit verify of {int(sys.argv[2]):,} entries: {time.monotonic() - start:.2f} s (target: under 10 s at 1,000,000)")
PY
