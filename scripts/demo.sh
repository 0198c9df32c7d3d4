#!/usr/bin/env bash
# Builds Gatehouse and runs its self-contained demo (a private PostgreSQL with sample data,
# the dev issuer, the gateway, an Azure Blob stand-in with sample files). Arguments go to `gatehouse demo`.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v swift >/dev/null || export PATH="$PATH:/opt/swift/usr/bin"

scripts/install-deps.sh
swift build --product gatehouse
exec .build/debug/gatehouse demo --blob-stand-in tests/integration/blob_standin.py "$@"
