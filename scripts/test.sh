#!/usr/bin/env bash
# Everything, in order: dependencies, build, Swift unit tests, real-client integration tests.
# Extra arguments go to pytest (e.g. scripts/test.sh -k psql). Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

command -v swift >/dev/null || export PATH="$PATH:/opt/swift/usr/bin"

scripts/install-deps.sh || { echo "test.sh: installing dependencies failed"; exit 1; }
swift build || { echo "test.sh: swift build failed"; exit 1; }

status=0
swift test || { echo "test.sh: swift test failed"; status=1; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
python3 -m pytest -q tests/integration "$@" 2>&1 | tee "$log"
pytest_status=${PIPESTATUS[0]}
[ "$pytest_status" -eq 0 ] || status=1

# The summary line again, last, so it is easy to find under the Swift output.
summary=$(grep -E "[0-9]+ (passed|failed|error)|no tests ran" "$log" | tail -1)
echo "integration: ${summary:-no pytest summary (pytest exit $pytest_status)}"
exit $status
