#!/usr/bin/env bash
# Builds Gatehouse and runs its self-contained demo (a private PostgreSQL with sample data,
# the dev issuer, the gateway, Azure Blob and Kubernetes stand-ins with sample data). Arguments go to `gatehouse demo`.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v swift >/dev/null || export PATH="$PATH:/opt/swift/usr/bin"

scripts/install-deps.sh
swift build --product gatehouse
exec .build/debug/gatehouse demo --blob-stand-in tests/integration/blob_standin.py --kube-stand-in tests/integration/kube_standin.py "$@"
