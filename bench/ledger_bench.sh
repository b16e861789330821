#!/usr/bin/env bash
# The ledger benchmark and its comparators, side by side in one run (docs/benchmarks.md):
#
#   bench/ledger_bench.sh BUILD_DIR        (what `make bench` runs, with build/release)
#
# 1. Builds ledger_bench, sqlite_deduct_bench and fsync_probe in BUILD_DIR.
# 2. Starts a throwaway PostgreSQL 15 on 127.0.0.1:$PG_PORT (bench/pg/pg_bench.sh).
# 3. BENCH_REPEATS times, for 1, 16 and 64 clients in turn, the three systems back to back
#    (within ~30 s, so the shared disk's mood falls on all three alike): PostgreSQL (pgbench,
#    one CTE statement per deduction), SQLite (one transaction per deduction) and Suanli
#    (K = 1, 16 and 64 deductions per request, BENCH_KS; callback-driven clients on 2 driver
#    threads, then one blocking thread per client); 10^4 vouchers, BENCH_SECONDS per run. Each
#    group opens with fsync_probe, the disk's fdatasync latency at that moment, so a slow disk
#    is told apart from a slow system. Ratios are taken within a group, then the median.
# 4. The scale runs: one Suanli process holding two ledgers, 10^4 and BENCH_VOUCHERS_BIG (10^7)
#    vouchers, runs alternating between them: 64 clients, K = 1 and 16, BENCH_REPEATS times.
# 5. Prints the medians and ratios (bench/summarize.py) and keeps everything in bench/out/.
#
# Data lives in a temp dir on the same disk for all three systems (BENCH_TMPDIR, /var/tmp by
# default; not tmpfs, so every fsync is real) and is deleted at exit. With the defaults the
# whole script takes about 9–11 minutes on the 2-core machine.
set -euo pipefail

BUILD_DIR=${1:?usage: bench/ledger_bench.sh BUILD_DIR}
RUN_SECONDS=${BENCH_SECONDS:-5}
REPEATS=${BENCH_REPEATS:-3}
SMALL=${BENCH_VOUCHERS_SMALL:-10000}
BIG=${BENCH_VOUCHERS_BIG:-10000000}
# Deductions per request in the main runs: 1 (one settlement per request, like the
# comparators), 16 and 64 (a provider's settlement run of that many bills: POST
# /api/v1/settlement-runs takes up to 1,000 and hands them to the ledger as one request).
KS=${BENCH_KS:-1,16,64}
CLIENTS=(1 16 64)
SCALE_CLIENTS=64

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
cd "$ROOT"

cmake --build "$BUILD_DIR" --target ledger_bench sqlite_deduct_bench fsync_probe
LEDGER_BENCH="$BUILD_DIR/bench/ledger_bench"
SQLITE_BENCH="$BUILD_DIR/bench/sqlite_deduct_bench"
FSYNC_PROBE="$BUILD_DIR/bench/fsync_probe"

OUT="$HERE/out/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
RESULTS="$OUT/results.txt"
: >"$RESULTS"

TMP=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/suanli-bench.XXXXXX")
chmod 755 "$TMP"
cleanup() {
  "$HERE/pg/pg_bench.sh" stop "$TMP/pg" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

{
  # BENCH_COMMIT names the commit when the tree is an export without .git (git archive).
  echo "commit: ${BENCH_COMMIT:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)}"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2}') GiB"
  echo "disk: $(df -h "$TMP" | awk 'NR==2 {print $1}')"
  echo "postgres: $(/usr/lib/postgresql/15/bin/postgres --version)"
  echo "sqlite: $(sqlite3 --version | cut -d' ' -f1)"
  echo "seconds per run: $RUN_SECONDS, repeats: $REPEATS"
} | tee "$OUT/machine.txt"

# record PHASE [REP]: append the phase (and the script's repeat) to every RESULT line on
# stdin; summarize.py reads key=value pairs left to right, so an appended key wins.
record() {
  grep '^RESULT ' | sed "s/\$/ phase=$1${2:+ rep=$2}/" | tee -a "$RESULTS"
}

# settle: let the previous system's deferred writes reach the disk before the next one runs.
settle() {
  sync
  sleep 1
}

echo "== PostgreSQL 15: initdb and load $SMALL vouchers"
"$HERE/pg/pg_bench.sh" start "$TMP/pg" "$SMALL"

for rep in $(seq 1 "$REPEATS"); do
  for c in "${CLIENTS[@]}"; do
    echo "== repeat $rep of $REPEATS, $c clients"
    "$FSYNC_PROBE" --file "$TMP/fsync.probe" --seconds 1 | sed "s/clients=1/clients=$c/" |
      record main "$rep"
    "$HERE/pg/pg_bench.sh" run "$TMP/pg" "$c" "$RUN_SECONDS" "$((rep * 1000 + c))" | record main "$rep"
    "$HERE/pg/pg_bench.sh" quiesce "$TMP/pg"
    settle
    "$SQLITE_BENCH" --db "$TMP/sqlite.db" --vouchers "$SMALL" --clients "$c" \
      --seconds "$RUN_SECONDS" --seed "$rep" | record main "$rep"
    rm -f "$TMP"/sqlite.db*
    settle
    "$LEDGER_BENCH" --dir "$TMP/suanli" --vouchers "$SMALL" --clients "$c" --k "$KS" \
      --client-model callback,thread --seconds "$RUN_SECONDS" --seed "$rep" | record main "$rep"
    rm -rf "$TMP/suanli"
    settle
  done
done
"$HERE/pg/pg_bench.sh" stop "$TMP/pg"
rm -rf "$TMP/pg"

echo "== scale: $SMALL and $BIG vouchers in one process, runs alternating, $SCALE_CLIENTS clients"
"$FSYNC_PROBE" --file "$TMP/fsync.probe" --seconds 1 | record scale
"$LEDGER_BENCH" --dir "$TMP/suanli" --vouchers "$SMALL,$BIG" --clients "$SCALE_CLIENTS" --k 1,16 \
  --seconds "$RUN_SECONDS" --repeats "$REPEATS" --seed 7 2> >(tee -a "$OUT/scale.log" >&2) |
  record scale
rm -rf "$TMP/suanli"

python3 "$HERE/summarize.py" "$RESULTS" "$OUT/machine.txt" >"$OUT/summary.md"
cp "$OUT/summary.md" "$HERE/out/latest.md"
echo
cat "$OUT/summary.md"
echo
echo "results: $OUT (summary.md, results.txt)"
