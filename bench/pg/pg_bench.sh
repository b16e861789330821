#!/usr/bin/env bash
# The PostgreSQL 15 comparator: a throwaway cluster on loopback, durable settings, and pgbench
# running bench/pg/deduction.sql (one CTE statement = one transaction per deduction).
#
#   pg_bench.sh start DIR VOUCHERS     initdb into DIR/pgdata, start on 127.0.0.1:$PG_PORT,
#                                      create the schema and load VOUCHERS vouchers
#   pg_bench.sh run DIR CLIENTS SECONDS RUN_ID
#                                      one pgbench run; prints one RESULT line (see below)
#   pg_bench.sh quiesce DIR            CHECKPOINT, so PostgreSQL's deferred writes do not
#                                      land on the next system's runs
#   pg_bench.sh stop DIR               stop the cluster (the caller deletes DIR)
#
# RESULT line: the same key=value format as ledger_bench and sqlite_deduct_bench, so
# ledger_bench.sh can put all three side by side. p50/p99 come from pgbench's
# per-transaction log (-l), not from its average.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
# Below the kernel's ephemeral range (32768-60999): a port in it can be held in TIME-WAIT by
# the HTTP benchmark's thousands of loopback connections, and the postmaster fails to bind.
PG_PORT=${PG_PORT:-25432}
HERE=$(cd "$(dirname "$0")" && pwd)

as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

psql_q() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"
}

cmd_start() {
  local dir=$1 vouchers=$2
  mkdir -p "$dir/pgdata" "$dir/sock" "$dir/pglog"
  if [[ $(id -u) -eq 0 ]]; then chown -R postgres: "$dir"; fi
  as_postgres "$PG_BIN/initdb" -D "$dir/pgdata" -U postgres --auth=trust -E UTF8 \
    --locale=C >"$dir/initdb.log"
  # Durable as shipped: fsync, synchronous_commit and full_page_writes stay on. What is tuned
  # is only what helps PostgreSQL here without weakening durability: enough shared buffers to
  # hold the tables, and checkpoints spaced so that none lands inside a 5-second run.
  cat >>"$dir/pgdata/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$dir/sock'
max_connections = 100
fsync = on
synchronous_commit = on
full_page_writes = on
wal_sync_method = fdatasync
shared_buffers = 512MB
wal_buffers = 16MB
max_wal_size = 8GB
checkpoint_timeout = 30min
logging_collector = off
CONF
  as_postgres "$PG_BIN/pg_ctl" -D "$dir/pgdata" -l "$dir/pglog/server.log" -w -t 60 start \
    >/dev/null
  psql_q -f "$HERE/schema.sql"
  psql_q -c "INSERT INTO vouchers SELECT g, 100000000 FROM generate_series(1, $vouchers) g" \
    -c "VACUUM ANALYZE" -c "CHECKPOINT"
}

cmd_run() {
  local dir=$1 clients=$2 seconds=$3 run_id=$4
  local vouchers
  vouchers=$(psql_q -At -c "SELECT count(*) FROM vouchers")
  local logdir="$dir/pgbench-$run_id-$clients"
  rm -rf "$logdir" && mkdir -p "$logdir"
  local threads=$((clients < 2 ? 1 : 2))
  local out
  out=$("$PG_BIN/pgbench" -n -M prepared -h 127.0.0.1 -p "$PG_PORT" -U postgres \
    -c "$clients" -j "$threads" -T "$seconds" -D vouchers="$vouchers" -D run="$run_id" -D n=0 \
    -l --log-prefix="$logdir/tx" -f "$HERE/deduction.sql" postgres 2>&1) || {
    echo "$out" >&2
    return 1
  }
  echo "$out" >"$logdir/pgbench.out"
  local tps failed
  tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' <<<"$out")
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")
  # Column 3 of a pgbench -l line is the transaction's latency in µs.
  cat "$logdir"/tx.* | awk '{print $3}' | sort -n >"$logdir/lat.sorted"
  local n p50 p99
  n=$(wc -l <"$logdir/lat.sorted")
  p50=$(sed -n "$(((n * 50 + 99) / 100))p" "$logdir/lat.sorted")
  p99=$(sed -n "$(((n * 99 + 99) / 100))p" "$logdir/lat.sorted")
  echo "RESULT system=postgres vouchers=$vouchers clients=$clients k=1 seconds=$seconds" \
    "deductions=$n failed=${failed:-0} dps=$tps p50_us=$p50 p99_us=$p99"
  rm -f "$logdir"/tx.*
}

cmd_stop() {
  local dir=$1
  if [[ -f "$dir/pgdata/postmaster.pid" ]]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$dir/pgdata" -m fast -w stop >/dev/null || true
  fi
}

case "${1:-}" in
  start) cmd_start "$2" "$3" ;;
  run) cmd_run "$2" "$3" "$4" "$5" ;;
  quiesce) psql_q -c "CHECKPOINT" ;;
  stop) cmd_stop "$2" ;;
  *) echo "usage: $0 start DIR VOUCHERS | run DIR CLIENTS SECONDS RUN_ID | quiesce DIR | stop DIR" >&2; exit 2 ;;
esac
