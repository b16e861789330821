#!/usr/bin/env bash
# HTTP benchmark: a server under test and nginx, one after the other on the same machine, with
# wrk driving the same scenarios at the same connection counts; prints per scenario the median
# requests/s, p99 latency, server CPU µs per request and the ratio to nginx.
#
#   bench/http/http_bench.sh \
#     --server-cmd "build/release/bench/hello_server --port {port} --threads {threads}" \
#     --ready-url "http://127.0.0.1:{port}/healthz" \
#     --scenario hello=bench/http/scenarios/hello.lua \
#     [--scenario NAME=LUA ...] [--threads 2] [--connections 256[,64,...]] [--duration 5]
#     [--rounds 3] [--warmup 1] [--wrk-threads 2] [--nginx-body '{"hello":"world"}']
#     [--server-cpus 0] [--wrk-cpus 1] [--no-nginx] [--out FILE.tsv]
#
# {port} (a free loopback port chosen per run) and {threads} are replaced in --server-cmd and
# --ready-url. The command is started with exec, so its PID is the server's; it must listen on
# 127.0.0.1:{port} and answer --ready-url with 2xx once ready. Each scenario is a wrk Lua script
# that sets wrk.method/path/body/headers (or request()); it must not define done(): the harness
# appends report.lua's, which prints one RESULT line per run. nginx gets a generated config in a
# temp dir: worker_processes = --threads, access log off, keep-alive unlimited, and every
# request (any method, any path) answered `return 200` with --nginx-body as application/json.
#
# Order: for each round, the server (fresh process) runs every scenario x connection count,
# then nginx does; each side starts with a --warmup seconds wrk run that is not counted. Server
# CPU is utime+stime from /proc/<pid>/stat (nginx: master and workers) before and after each
# wrk run, divided by the requests wrk completed. --server-cpus/--wrk-cpus pin with taskset.
#
# Adding `suanli serve`: --server-cmd "build/release/src/cli/suanli serve --port {port} ..."
# plus a scenario script per endpoint (a settlement POST, a voucher GET). Requires wrk, nginx
# (scripts/install-deps.sh --bench), curl and python3.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SERVER_CMD=""
READY_URL=""
SCENARIOS=()
THREADS=2
CONNECTIONS="256"
DURATION=5
ROUNDS=3
WARMUP=1
WRK_THREADS=2
NGINX_BODY='{"hello":"world"}'
SERVER_CPUS=""
WRK_CPUS=""
RUN_NGINX=1
OUT_FILE=""

usage() { sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }

while (($#)); do
  case "$1" in
    --server-cmd) SERVER_CMD=$2; shift 2 ;;
    --ready-url) READY_URL=$2; shift 2 ;;
    --scenario) SCENARIOS+=("$2"); shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --connections) CONNECTIONS=${2//,/ }; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --wrk-threads) WRK_THREADS=$2; shift 2 ;;
    --nginx-body) NGINX_BODY=$2; shift 2 ;;
    --server-cpus) SERVER_CPUS=$2; shift 2 ;;
    --wrk-cpus) WRK_CPUS=$2; shift 2 ;;
    --no-nginx) RUN_NGINX=0; shift ;;
    --out) OUT_FILE=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "http_bench: unknown argument $1" >&2; usage ;;
  esac
done
[[ -n "$SERVER_CMD" && -n "$READY_URL" && ${#SCENARIOS[@]} -gt 0 ]] || usage
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "http_bench: $tool not found" >&2; exit 1; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if ((RUN_NGINX)) && [[ ! -x "$NGINX" ]]; then
  echo "http_bench: nginx not found (scripts/install-deps.sh --bench)" >&2; exit 1
fi

TMP=$(mktemp -d /tmp/suanli-http-bench.XXXXXX)
RAW="$TMP/raw.tsv"
: >"$RAW"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# Scenario scripts with the report appended.
declare -A SCRIPT
for s in "${SCENARIOS[@]}"; do
  name=${s%%=*}
  file=${s#*=}
  [[ -f "$file" ]] || { echo "http_bench: scenario script $file not found" >&2; exit 1; }
  cat "$file" "$HERE/report.lua" >"$TMP/$name.lua"
  SCRIPT[$name]="$TMP/$name.lua"
done

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# utime+stime in clock ticks of a process and its direct children (nginx workers).
cpu_ticks() {
  local pid=$1 total=0 p
  for p in "$pid" $(ps -o pid= --ppid "$pid" 2>/dev/null); do
    if [[ -r /proc/$p/stat ]]; then
      # Fields after the ")" that ends comm: utime is the 12th, stime the 13th.
      total=$((total + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
    fi
  done
  echo "$total"
}

pin() { # pin CPUS CMD...: exec CMD (pinned when CPUS is set). Exec, so that a pin run in the
         # background (&) has CMD's PID in $!, not a subshell's.
  local cpus=$1; shift
  if [[ -n "$cpus" ]]; then exec taskset -c "$cpus" "$@"; else exec "$@"; fi
}

wait_ready() { # URL PID
  local i
  for i in $(seq 1 200); do
    kill -0 "$2" 2>/dev/null || { echo "http_bench: server exited early" >&2; return 1; }
    curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "http_bench: $1 not ready after 10 s" >&2
  return 1
}

start_server() { # PORT
  local cmd=${SERVER_CMD//\{port\}/$1}
  cmd=${cmd//\{threads\}/$THREADS}
  pin "$SERVER_CPUS" bash -c "exec $cmd" >"$TMP/server.out" 2>"$TMP/server.err" &
  SERVER_PID=$!
  local url=${READY_URL//\{port\}/$1}
  wait_ready "${url//\{threads\}/$THREADS}" "$SERVER_PID"
}

start_nginx() { # PORT
  mkdir -p "$TMP/nginx"
  local body=${NGINX_BODY//\\/\\\\}
  body=${body//\'/\\\'}
  cat >"$TMP/nginx/nginx.conf" <<CONF
worker_processes $THREADS;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 60s;
  client_body_temp_path $TMP/nginx/body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  server {
    listen 127.0.0.1:$1;
    location / {
      default_type application/json;
      return 200 '$body';
    }
  }
}
CONF
  pin "$SERVER_CPUS" "$NGINX" -c "$TMP/nginx/nginx.conf" -p "$TMP/nginx" \
    >"$TMP/nginx/out" 2>&1 &
  SERVER_PID=$!
  wait_ready "http://127.0.0.1:$1/" "$SERVER_PID"
  sleep 0.2  # let every worker come up before measuring its CPU
}

stop_side() {
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

run_wrk() { # SIDE ROUND NAME CONNS PORT
  local side=$1 round=$2 name=$3 conns=$4 port=$5
  local before after out line
  before=$(cpu_ticks "$SERVER_PID")
  out=$(pin "$WRK_CPUS" wrk -t "$WRK_THREADS" -c "$conns" -d "${DURATION}s" --timeout 5s \
          -s "${SCRIPT[$name]}" "http://127.0.0.1:$port")
  after=$(cpu_ticks "$SERVER_PID")
  line=$(grep '^RESULT ' <<<"$out" || true)
  if [[ -z "$line" ]]; then
    echo "http_bench: wrk gave no RESULT line for $side/$name:" >&2
    echo "$out" >&2
    return 1
  fi
  local tck
  tck=$(getconf CLK_TCK)
  python3 - "$side" "$round" "$name" "$conns" "$((after - before))" "$tck" "$line" >>"$RAW" <<'PY'
import sys
side, rnd, name, conns, ticks, tck, line = sys.argv[1:]
kv = dict(p.split("=") for p in line.split()[1:])
req = int(kv["requests"])
cpu_us = int(ticks) * 1e6 / int(tck)
errors = sum(int(kv[k]) for k in kv if k.startswith("err_"))
print("\t".join([side, rnd, name, conns, kv["rps"], kv["p99_us"],
                 "%.2f" % (cpu_us / req if req else 0), str(errors)]))
PY
  echo "  $side round $round $name c=$conns: $(tail -1 "$RAW" | cut -f5-8 | tr '\t' ' ')" \
       "(rps p99_us cpu_us/req errors)" >&2
}

run_side() { # SIDE ROUND
  local side=$1 round=$2 port name conns first
  port=$(free_port)
  if [[ $side == server ]]; then start_server "$port"; else start_nginx "$port"; fi
  first=${SCENARIOS[0]%%=*}
  if ((WARMUP > 0)); then
    wrk -t "$WRK_THREADS" -c "${CONNECTIONS%% *}" -d "${WARMUP}s" -s "${SCRIPT[$first]}" \
      "http://127.0.0.1:$port" >/dev/null
  fi
  for s in "${SCENARIOS[@]}"; do
    name=${s%%=*}
    for conns in $CONNECTIONS; do run_wrk "$side" "$round" "$name" "$conns" "$port"; done
  done
  stop_side
}

echo "http_bench: $(nproc) cores; server threads $THREADS; wrk -t$WRK_THREADS; ${DURATION}s x" \
     "$ROUNDS rounds; connections: $CONNECTIONS" >&2
for round in $(seq 1 "$ROUNDS"); do
  run_side server "$round"
  if ((RUN_NGINX)); then run_side nginx "$round"; fi
done

[[ -n "$OUT_FILE" ]] && cp "$RAW" "$OUT_FILE"
python3 - "$RAW" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by = {}
for side, rnd, name, conns, rps, p99, cpu, err in rows:
    d = by.setdefault((name, int(conns)), {}).setdefault(side, {"rps": [], "p99": [], "cpu": [], "err": 0})
    d["rps"].append(float(rps)); d["p99"].append(float(p99)); d["cpu"].append(float(cpu))
    d["err"] += int(err)
hdr = ("scenario", "conns", "server rps", "nginx rps", "ratio", "server p99", "nginx p99",
       "server µs/req", "nginx µs/req", "cpu ratio", "errors")
print("| " + " | ".join(hdr) + " |")
print("|" + "---|" * len(hdr))
med = statistics.median
for (name, conns), sides in sorted(by.items()):
    s, n = sides.get("server"), sides.get("nginx")
    def f(d, k, fmt):
        return fmt % med(d[k]) if d else "-"
    ratio = "%.2f" % (med(s["rps"]) / med(n["rps"])) if s and n else "-"
    cpu_ratio = "%.2f" % (med(s["cpu"]) / med(n["cpu"])) if s and n and med(n["cpu"]) else "-"
    errs = (s["err"] if s else 0) + (n["err"] if n else 0)
    print("| " + " | ".join([name, str(conns), f(s, "rps", "%.0f"), f(n, "rps", "%.0f"), ratio,
                             f(s, "p99", "%.0f µs"), f(n, "p99", "%.0f µs"), f(s, "cpu", "%.1f"),
                             f(n, "cpu", "%.1f"), cpu_ratio, str(errs)]) + " |")
PY
