#!/bin/sh
# Masking engine throughput (MB/s) on text without identifiers and on text dense with them.
# Release build in its own scratch path so it does not disturb the debug .build.
set -eu
cd "$(dirname "$0")/.."
swift build -c release --product masking-benchmark --scratch-path .build-release
.build-release/release/masking-benchmark "$@"
