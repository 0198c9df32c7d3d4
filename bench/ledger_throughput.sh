#!/bin/sh
# Merkle-tree costs at a million leaves: root from entries (what `audit verify` does), proof
# sizes and times. Release build in its own scratch path so it does not disturb the debug .build.
set -eu
cd "$(dirname "$0")/.."
swift build -c release --product ledger-benchmark --scratch-path .build-release
.build-release/release/ledger-benchmark "$@"
