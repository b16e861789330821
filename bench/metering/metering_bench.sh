#!/usr/bin/env bash
# The metering benchmark, each system beside its comparator on the same file
# (docs/benchmarks-metering.md):
#
#   bench/metering/metering_bench.sh BUILD_DIR      (a Release build dir)
#
# 1. Builds ingest_bench in BUILD_DIR and generates a deterministic `sacct --parsable2` file of
#    BENCH_LINES (2,000,000) lines, seed BENCH_SEED (42), with its price file.
# 2. Starts a throwaway PostgreSQL 15 on 127.0.0.1:$PG_PORT (bench/pg/pg_bench.sh's start).
# 3. BENCH_REPEATS (5) rounds, each back to back on the page-cached file:
#      wc -l FILE                                   pinned to core 0 (taskset -c 0)
#      ingest_bench rate FILE                       parse + rate in memory, pinned to core 0
#      ingest_bench durable FILE --data fresh dir   parse + rate + store, fdatasync'd
#      psql \copy into a fresh table with the file's 12 columns (no index)
#      psql \copy into a fresh table with PRIMARY KEY (cluster, jobid), the idempotency key
#      sqlite3 .import into a fresh WAL database, synchronous=FULL, UNIQUE (cluster, jobid):
#      the "obvious first try" for the store, at its best (one transaction, no rating)
#    PostgreSQL is durable as shipped (fsync, synchronous_commit, full_page_writes on); a
#    CHECKPOINT and a sync run before every timed step so no one pays for another's writes.
# 4. Prints the medians and the ratios against the targets (rate ≥ 25 % of wc -l; durable
#    ≥ 5 × \copy) and keeps the raw results in bench/out/metering-<time>/.
# Data lives under BENCH_TMPDIR (/var/tmp: a real disk, not tmpfs) and is deleted at exit.
set -euo pipefail

BUILD_DIR=${1:?usage: bench/metering/metering_bench.sh BUILD_DIR}
LINES=${BENCH_LINES:-2000000}
SEED=${BENCH_SEED:-42}
REPEATS=${BENCH_REPEATS:-5}
export PG_PORT=${PG_PORT:-25442}  # below the ephemeral range, as pg_bench.sh says why
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"

cmake --build "$BUILD_DIR" --target ingest_bench
BENCH="$BUILD_DIR/bench/ingest_bench"

OUT="$ROOT/bench/out/metering-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
RESULTS="$OUT/results.txt"
: >"$RESULTS"

TMP=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/suanli-metering.XXXXXX")
chmod 755 "$TMP"
cleanup() {
  "$ROOT/bench/pg/pg_bench.sh" stop "$TMP/pg" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

FILE="$TMP/sacct.txt"
"$BENCH" generate --lines "$LINES" --seed "$SEED" --out "$FILE" \
  --prices-in "$HERE/prices.toml" --prices-out "$TMP/prices.toml"
chmod 644 "$FILE"
{
  echo "commit: ${BENCH_COMMIT:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)}"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "disk: $(df -h "$TMP" | awk 'NR==2 {print $1}')"
  echo "postgres: $("$PG_BIN/postgres" --version)"
  echo "file: $LINES lines, $(stat -c %s "$FILE") bytes, seed $SEED; repeats: $REPEATS"
} | tee "$OUT/machine.txt"

echo "== PostgreSQL 15: initdb and start on 127.0.0.1:$PG_PORT"
"$ROOT/bench/pg/pg_bench.sh" start "$TMP/pg" 1 >/dev/null
psql_q() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"
}
COLUMNS='jobid text, cluster text, account text, "user" text, partition text,
  submit timestamp, start timestamp, "end" timestamp, elapsedraw bigint, alloctres text,
  state text, exitcode text'

now_ns() { date +%s%N; }
# timed NAME COMMAND...: runs it, appends "RESULT system=NAME seconds=S cpu=C rep=R": wall
# seconds, and the user + system CPU seconds of the command's processes (bash's `time`; for psql
# that is the client only, PostgreSQL's work is in its server processes).
timed() {
  local name=$1
  shift
  local t0 t1
  t0=$(now_ns)
  { TIMEFORMAT='%3U %3S'; time "$@" >"$TMP/last.out" 2>"$TMP/last.err"; } 2>"$TMP/time.out"
  t1=$(now_ns)
  local s cpu
  s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", (b - a) / 1e9}')
  cpu=$(awk 'END {printf "%.3f", $1 + $2}' "$TMP/time.out")
  echo "RESULT system=$name seconds=$s cpu=$cpu rep=$rep" | tee -a "$RESULTS"
}
settle() {
  psql_q -c "CHECKPOINT"
  sync
  sleep 1
}

cat "$FILE" >/dev/null  # into the page cache, for everyone alike
for rep in $(seq 1 "$REPEATS"); do
  echo "== round $rep of $REPEATS"
  timed wc_l taskset -c 0 wc -l "$FILE"
  timed suanli_rate taskset -c 0 "$BENCH" rate "$FILE" --prices "$TMP/prices.toml"
  grep '^RESULT' "$TMP/last.out" | sed "s/\$/ rep=$rep inner=1/" >>"$RESULTS"

  rm -rf "$TMP/usage"
  settle
  timed suanli_durable "$BENCH" durable "$FILE" --prices "$TMP/prices.toml" --data "$TMP/usage"
  grep '^RESULT' "$TMP/last.out" | sed "s/\$/ rep=$rep inner=1/" >>"$RESULTS"

  psql_q -c "DROP TABLE IF EXISTS usage" -c "CREATE TABLE usage ($COLUMNS)"
  settle
  timed pg_copy psql_q -c "\\copy usage FROM '$FILE' WITH (FORMAT text, DELIMITER '|', HEADER true, NULL 'None')"

  psql_q -c "DROP TABLE IF EXISTS usage" \
    -c "CREATE TABLE usage ($COLUMNS, PRIMARY KEY (cluster, jobid))"
  settle
  timed pg_copy_pk psql_q -c "\\copy usage FROM '$FILE' WITH (FORMAT text, DELIMITER '|', HEADER true, NULL 'None')"
  rows=$(psql_q -At -c "SELECT count(*) FROM usage")
  echo "   PostgreSQL holds $rows rows"

  rm -f "$TMP/usage.db" "$TMP/usage.db-wal" "$TMP/usage.db-shm"
  sqlite3 "$TMP/usage.db" "PRAGMA journal_mode=WAL;" \
    "CREATE TABLE usage (jobid TEXT, cluster TEXT, account TEXT, user TEXT, partition TEXT,
       submit TEXT, start TEXT, end_ TEXT, elapsedraw INTEGER, alloctres TEXT, state TEXT,
       exitcode TEXT, UNIQUE (cluster, jobid));" >/dev/null
  settle
  timed sqlite_import_unique sqlite3 -cmd "PRAGMA synchronous=FULL" -cmd ".mode list" \
    -cmd ".separator |" "$TMP/usage.db" ".import --skip 1 $FILE usage"
done

python3 - "$RESULTS" "$LINES" <<'PY' | tee "$OUT/summary.md"
import statistics, sys
rows = [dict(kv.split("=", 1) for kv in l.split()[1:]) for l in open(sys.argv[1])]
wall = lambda s: statistics.median(float(r["seconds"]) for r in rows
                                   if r["system"] == s and "inner" not in r)
inner = lambda s: statistics.median(float(r["seconds"]) for r in rows
                                    if r["system"] == s and "inner" in r)
n = int(sys.argv[2])
wc, rate, dur, pg, pgpk, lite = (wall(s) for s in
                           ("wc_l", "suanli_rate", "suanli_durable", "pg_copy", "pg_copy_pk",
                            "sqlite_import_unique"))
print("| step | median wall s | lines/s |")
print("|---|---:|---:|")
for name, s in (("wc -l (core 0)", wc), ("suanli parse+rate, in memory (core 0)", rate),
                ("suanli durable ingest", dur), ("PostgreSQL \\copy, no index", pg),
                ("PostgreSQL \\copy, PRIMARY KEY (cluster, jobid)", pgpk),
                ("SQLite .import, UNIQUE (cluster, jobid), synchronous=FULL", lite)):
    print(f"| {name} | {s:.3f} | {n / s:,.0f} |")
print()
print(f"in-process time (ingest_bench's own clock): rate {inner('suanli_rate'):.3f} s, "
      f"durable {inner('suanli_durable'):.3f} s")
print()
cpu = lambda s: statistics.median(float(r["cpu"]) for r in rows
                                  if r["system"] == s and "inner" not in r and "cpu" in r)
try:
    print(f"CPU seconds (user + system, median): wc -l {cpu('wc_l'):.3f}, "
          f"parse+rate {cpu('suanli_rate'):.3f}, durable {cpu('suanli_durable'):.3f}")
    print()
except statistics.StatisticsError:
    pass
# Within-round ratios (each pair ran back to back), then their median and range over rounds.
def ratios(num, den):
    by = {}
    for r in rows:
        if "inner" not in r:
            by.setdefault(r["rep"], {})[r["system"]] = float(r["seconds"])
    v = sorted(d[num] / d[den] for d in by.values() if num in d and den in d)
    return statistics.median(v), v[0], v[-1]
def show(label, num, den, pct, target):
    m, lo, hi = ratios(num, den)
    f = (lambda x: f"{x * 100:.1f} %") if pct else (lambda x: f"{x:.2f}x")
    print(f"{label}: {f(m)} (rounds {f(lo)}–{f(hi)}){target}")
show("parse+rate / wc -l throughput", "wc_l", "suanli_rate", True, " (target >= 25 %)")
try:
    print(f"  the same on CPU time: {cpu('wc_l') / cpu('suanli_rate') * 100:.1f} %")
except statistics.StatisticsError:
    pass
show("durable ingest vs \\copy (no index)", "pg_copy", "suanli_durable", False, " (target >= 5x)")
show("durable ingest vs \\copy (primary key)", "pg_copy_pk", "suanli_durable", False, "")
show("SQLite .import with UNIQUE vs \\copy (no index)", "pg_copy", "sqlite_import_unique", False, "")
PY
echo "results: $OUT"
