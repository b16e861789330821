#!/usr/bin/env bash
# Alternates two ingest_bench binaries on the same file and prints each one's median time, as
# the before/after figures in the metering commits and docs/benchmarks-metering.md were taken.
#
#   bench/metering/ab.sh OLD_BIN NEW_BIN FILE PRICES [rate|durable] [PAIRS]
#
# FILE and PRICES as `ingest_bench generate` writes them (metering_bench.sh shows how). rate
# runs pinned to core 0; durable writes a fresh store under a temporary directory each time.
# Times are ingest_bench's own clock. Runs alternate old, new, old, new…, so a drift in the
# machine's speed (large on this VM) falls on both alike: read the pairs, not only the medians.
set -euo pipefail

if [[ $# -lt 4 ]]; then
  sed -n '2,10p' "$0" >&2
  exit 2
fi
OLD=$1 NEW=$2 FILE=$3 PRICES=$4 MODE=${5:-rate} PAIRS=${6:-7}
case "$MODE" in rate | durable) ;; *) echo "mode must be rate or durable" >&2; exit 2 ;; esac

TMP=$(mktemp -d "${TMPDIR:-/var/tmp}/suanli-ab.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

run() {  # run BIN: prints the seconds of one run
  local out
  if [[ $MODE == rate ]]; then
    out=$(taskset -c 0 "$1" rate "$FILE" --prices "$PRICES")
  else
    rm -rf "$TMP/store"
    sync
    out=$("$1" durable "$FILE" --prices "$PRICES" --data "$TMP/store")
  fi
  sed -n 's/.* seconds=\([0-9.]*\) .*/\1/p' <<<"$out"
}

old_times=() new_times=()
for i in $(seq 1 "$PAIRS"); do
  o=$(run "$OLD")
  n=$(run "$NEW")
  old_times+=("$o") new_times+=("$n")
  echo "pair $i: old $o s, new $n s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
echo "$MODE medians over $PAIRS pairs: old $(median "${old_times[@]}") s, new $(median "${new_times[@]}") s"
