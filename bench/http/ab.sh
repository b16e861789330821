#!/usr/bin/env bash
# Alternates two `suanli` binaries under the same wrk load and prints, per run, req/s, p99 and
# the server's CPU µs per request — how the before/after figures in the HTTP commits and
# docs/benchmarks-http.md ("What changed since the 08:14 run") were taken. Alternating old, new,
# old, new… puts a drift of this noisy VM's speed on both alike: read the pairs.
#
#   bench/http/ab.sh OLD_BIN NEW_BIN [SCRIPT.lua] [ROUNDS] [DATA_PARENT]
#
# SCRIPT defaults to bench/http/voucher_read.lua (settle.lua, or a copy with `pace_ms = 50` in
# front for the paced scenario); ROUNDS to 3. The data directory (one voucher, an API key, as
# suanli_bench.sh prepares it) is made once with OLD_BIN and copied fresh for every run, under
# DATA_PARENT (default /var/tmp: a real disk; /dev/shm takes the disk out of the figures).
# Needs wrk, curl, python3. Each run: 2 server threads, wrk -t2 -c256, 2 s warm-up, 8 s measured.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  sed -n '2,14p' "$0" >&2
  exit 2
fi
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OLD=$(realpath "$1") NEW=$(realpath "$2")
SCRIPT=${3:-$HERE/voucher_read.lua} ROUNDS=${4:-3} PARENT=${5:-/var/tmp}
WORK=$(mktemp -d "$PARENT/suanli-ab.XXXXXX")
PID=""
cleanup() {
  [[ -n "$PID" ]] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
# A binary that just linked is ~150 MB of dirty pages; written back ~30 s later, in a run, it
# holds every fsync behind it (a settlement p99 of 100+ ms). Write it back before measuring.
sync

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
serve() {  # serve BIN DATA PORT: starts the server in the background, sets PID, waits for it
  "$1" serve --data "$2" --programs "$REPO/programs" --demo --manual-clock 2024-03-15T09:00:00+08:00 \
    --access-log false --fast-password-hashing --static-dir '' --port "$3" --threads 2 \
    >/dev/null 2>&1 &
  PID=$!
  for _ in $(seq 1 200); do
    curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$3/readyz" 2>/dev/null && return 0
    kill -0 "$PID" 2>/dev/null || { echo "ab.sh: $1 exited" >&2; exit 1; }
    sleep 0.05
  done
  echo "ab.sh: $1 not ready" >&2
  exit 1
}
stop() { kill -TERM "$PID"; wait "$PID" || true; PID=""; }

# The data directory, prepared once through the API.
port=$(free_port)
serve "$OLD" "$WORK/data" "$port"
setup=$(python3 "$HERE/suanli_setup.py" --url "http://127.0.0.1:$port" --vouchers 1)
stop
SUANLI_API_KEY=$(sed -n 's/^api_key=//p' <<<"$setup")
SUANLI_VOUCHER_IDS=$(sed -n 's/^voucher_ids=//p' <<<"$setup")
export SUANLI_API_KEY SUANLI_VOUCHER_IDS

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for round in $(seq 1 "$ROUNDS"); do
  for bin in "$OLD" "$NEW"; do
    rm -rf "$WORK/run"
    cp -r "$WORK/data" "$WORK/run"
    port=$(free_port)
    serve "$bin" "$WORK/run" "$port"
    wrk -t2 -c256 -d2s -s "$SCRIPT" "http://127.0.0.1:$port" >/dev/null
    before=$(cpu_ticks "$PID")
    out=$(wrk -t2 -c256 -d8s --latency -s "$SCRIPT" "http://127.0.0.1:$port")
    after=$(cpu_ticks "$PID")
    stop
    n=$(awk '/requests in/ {print $1}' <<<"$out")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    tick=$(getconf CLK_TCK)
    cpu=$(python3 -c "print(round(($after - $before) * 1e6 / $tick / $n, 2))")
    echo "round $round $( [[ $bin == "$OLD" ]] && echo old || echo new ): req/s $rps, p99 $p99, server CPU $cpu µs/request"
  done
done
