#!/usr/bin/env bash
# Alternates two ledger_bench binaries in fresh processes and prints each run's throughput and
# latency, as the before/after pairs in the ledger commits and docs/benchmarks.md were taken:
#
#   bench/ledger_ab.sh OLD_BIN NEW_BIN [PAIRS] [ledger_bench options...]
#
# Default options: --vouchers 10000 --clients 64 --k 64 --seconds 4. Keep a copy of the old
# binary before rebuilding (cp build/release/bench/ledger_bench /var/tmp/lb_old). Runs alternate
# old, new, old, new…, each on a fresh data directory, so a drift in the machine's speed (large
# on this VM) falls on both alike: read the pairs, not only the medians.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  sed -n '2,9p' "$0" >&2
  exit 2
fi
OLD=$1 NEW=$2 PAIRS=${3:-4}
shift $(($# < 3 ? $# : 3))
ARGS=("$@")
((${#ARGS[@]})) || ARGS=(--vouchers 10000 --clients 64 --k 64 --seconds 4)

TMP=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/ledger-ab.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

for ((i = 1; i <= PAIRS; i++)); do
  for side in old new; do
    bin=$OLD
    [[ $side == new ]] && bin=$NEW
    rm -rf "$TMP/ledger"
    "$bin" --dir "$TMP/ledger" --repeats 1 "${ARGS[@]}" 2>/dev/null | grep '^RESULT' |
      awk -v side="$side" -v pair="$i" '{
        for (f = 2; f <= NF; f++) { split($f, kv, "="); v[kv[1]] = kv[2] }
        printf "pair %d %-3s k=%s dps=%.0f p50_us=%s p99_us=%s max_us=%s\n",
               pair, side, v["k"], v["dps"], v["p50_us"], v["p99_us"], v["max_us"]
      }'
  done
done
