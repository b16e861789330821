#!/usr/bin/env bash
# Installs what Suanli's C++ build and its tests need on Debian 12 (and, with --bench, the
# benchmarks' comparators), idempotently: a package already present is not touched, and nothing
# is installed when all are present. The web console's packages are scripts/install-web.sh's,
# the Slurm lab's are scripts/slurm/install.sh's.
# Boost is named by its 1.81 packages on purpose: 1.74's -dev packages conflict with them
# (../shared/reference/cpp-stack-notes.md).
set -euo pipefail

BUILD_PKGS=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libfmt-dev libspdlog-dev libcli11-dev libtomlplusplus-dev
  libsqlite3-dev sqlite3 libgtest-dev libgmock-dev zlib1g-dev
  libssl-dev libargon2-dev libxlsxwriter-dev
  python3   # tests: tests/http/*.py and the CLI tests' JSON checks (standard library only)
)
# Comparators for bench/ only (PostgreSQL and pgbench; nginx and wrk for the HTTP benchmark).
BENCH_PKGS=(postgresql postgresql-contrib wrk nginx-light glpk-utils)

want=("${BUILD_PKGS[@]}")
if [[ "${1:-}" == "--bench" ]]; then want+=("${BENCH_PKGS[@]}"); fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq -o DPkg::Lock::Timeout=600
$SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}"
