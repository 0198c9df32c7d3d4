#!/bin/sh
# Evidence-ledger costs: the Merkle tree at a million leaves (root from entries, which is what a
# full verify does; proof sizes and times), then durable appends to the SQLite ledger store with
# group commit (appends/s and fsyncs/s). Release build in its own scratch path.
#   bash bench/ledger_throughput.sh            # 1,000,000 leaves; 100,000 appends by 8 appenders
set -eu
cd "$(dirname "$0")/.."
swift build -c release --product ledger-benchmark --scratch-path .build-release
swift build -c release --product ledger-store-benchmark --scratch-path .build-release
.build-release/release/ledger-benchmark
.build-release/release/ledger-store-benchmark 100000 8 32
