#!/usr/bin/env bash
# Where a ledger_bench run spends its time, thread by thread (docs/benchmarks.md, "Where K=64's
# time goes"):
#
#   bench/ledger_profile.sh BUILD_DIR [ledger_bench options...]
#
# Runs BUILD_DIR/bench/ledger_bench under `perf record` (default: 10^4 vouchers, 64 clients,
# K = 64, 5 s) and prints each thread's share of all samples (the ledger's threads are named
# ledger-writer, ledger-commit and ledger-answer; the segment pre-toucher inherits the writer's
# name, so threads are told apart by id), then the top symbols of the busiest thread, which is
# the writer. perf samples on a timer here (the VM has no PMU): shares, not cycles.
set -euo pipefail
BUILD_DIR=${1:?usage: bench/ledger_profile.sh BUILD_DIR [ledger_bench options...]}
shift
ARGS=("$@")
((${#ARGS[@]})) || ARGS=(--vouchers 10000 --clients 64 --k 64 --seconds 5 --repeats 1)
TMP=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/ledger-profile.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
perf record -q -F 4000 -o "$TMP/perf.data" "$BUILD_DIR/bench/ledger_bench" --dir "$TMP/ledger" \
  "${ARGS[@]}" | grep '^RESULT'
# "comm tid ip symbol…" (the symbol needs the ip field to be printed at all); the ip is dropped.
perf script -i "$TMP/perf.data" -F comm,tid,ip,sym 2>/dev/null | awk '{$3 = ""; print}' >"$TMP/samples.txt"
echo
echo "samples by thread (name, id): share of all samples"
awk '{n[$1" "$2]++; t++} END {for (k in n) printf "%6.2f%%  %s\n", 100*n[k]/t, k}' \
  "$TMP/samples.txt" | sort -rn | head -8
busiest=$(awk '{n[$2]++} END {for (k in n) print n[k], k}' "$TMP/samples.txt" | sort -rn | head -1)
echo
echo "top symbols of thread ${busiest#* } (${busiest% *} samples): samples, symbol"
awk -v tid="${busiest#* }" '$2 == tid {$1 = ""; $2 = ""; n[$0]++} END {for (k in n) print n[k], k}' \
  "$TMP/samples.txt" | sort -rn | head -15
