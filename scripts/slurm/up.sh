#!/usr/bin/env bash
# up.sh LAB_DIR: starts a two-center Slurm 22.05 lab on loopback, everything under LAB_DIR:
# munged, MariaDB (own datadir/socket/port), one slurmdbd shared by both clusters, and for each
# of "center-a" (CPU only) and "center-b" (4 fake GPUs) a slurmctld, a slurmd and a slurmrestd
# (auth/jwt). Ports are chosen free at start, so concurrent labs never collide. Writes
# LAB_DIR/env (shell-sourceable) for tests. Layout and pitfalls: docs/slurm.md and
# ../shared/reference/slurm-on-loopback.md. Stop with down.sh LAB_DIR (also after a failure here).
set -euo pipefail
set +m  # without job control `setsid cmd &` does not fork again, so $! is the daemon's PID

if [[ $# -ne 1 ]]; then echo "usage: $0 LAB_DIR" >&2; exit 2; fi
HERE=$(cd "$(dirname "$0")" && pwd)
LAB=$(realpath -m "$1")
R=$LAB/rt
export SLURMLAB_MARKER=$R
# shellcheck source=lib.sh
source "$HERE/lib.sh"

CENTERS=(center-a center-b)
PARTITION=batch
T0=$(date +%s.%N)

log() { printf 'slurm-lab %6.2fs %s\n' "$(echo "$(date +%s.%N) - $T0" | bc)" "$*"; }
die() {
  echo "slurm-lab: $*" >&2
  for f in "$R"/mysql/mysqld.err "$R"/dbd/slurmdbd.log "$R"/*/log/*.log "$R"/*/log/*.out; do
    [[ -s $f ]] && { echo "--- tail $f" >&2; tail -n 15 "$f" >&2; }
  done
  exit 1
}

for bin in munged mungekey mariadbd mariadb-install-db slurmdbd slurmctld slurmd slurmrestd \
  sacctmgr scontrol sinfo setpriv bc; do
  command -v "$bin" >/dev/null || die "$bin is missing: run scripts/slurm/install.sh"
done
[[ -e /usr/lib/x86_64-linux-gnu/slurm-wlm/auth_jwt.so ]] ||
  die "auth_jwt.so is missing (package slurm-wlm-jwt-plugin): run scripts/slurm/install.sh"
if [[ -d $R/pids ]]; then
  for f in "$R"/pids/*.pid; do
    [[ -e $f ]] && ours "$(cat "$f")" && die "a lab is already running in $LAB: run down.sh first"
  done
fi
if [[ -r $R/shared_dir ]]; then  # a previous lab that was never taken down
  old=$(cat "$R/shared_dir")
  [[ $old == /tmp/suanli-slurm.* ]] && rm -rf -- "$old"
fi
rm -rf "$R"
mkdir -p "$R/pids"

# --- the shared directory ---------------------------------------------------------------------
# Other users must reach some of the lab: munged refuses a socket unless every directory above
# it is a+x (pitfall 2), slurmrestd runs as `slurm` and reads slurm.conf, and jobs run as other
# users (nobody, daemon) from slurmd's spool and write their output to a work directory. A lab
# under a private directory (a `mktemp -d` checkout is 0700) cannot give them that, so those
# parts live in one directory under /tmp, recorded in $R/shared_dir; down.sh removes it. The
# rest (MariaDB, keys, state, logs) stays private under $R.
S=$(mktemp -d /tmp/suanli-slurm.XXXXXX)
chmod 755 "$S"
echo "$S" >"$R/shared_dir"
mkdir -p "$S/work"
chmod 755 "$S/work"
declare -A CONF
for c in "${CENTERS[@]}"; do CONF[$c]=$S/$c/etc/slurm.conf; done

# --- ports: random free loopback ports, distinct from each other ----------------------------
declare -A TAKEN=()
free_port() {
  local used p
  used=$(ss -Htan | awk '{ n = split($4, a, ":"); print a[n] }')
  while :; do
    p=$((20000 + RANDOM % 40000))
    [[ -n ${TAKEN[$p]:-} ]] && continue
    grep -qx "$p" <<<"$used" && continue
    TAKEN[$p]=1
    echo "$p"
    return
  done
}
MYSQL_PORT=$(free_port); TAKEN[$MYSQL_PORT]=1
DBD_PORT=$(free_port); TAKEN[$DBD_PORT]=1
declare -A CTLD_PORT SLURMD_PORT REST_PORT
for c in "${CENTERS[@]}"; do
  CTLD_PORT[$c]=$(free_port); TAKEN[${CTLD_PORT[$c]}]=1
  SLURMD_PORT[$c]=$(free_port); TAKEN[${SLURMD_PORT[$c]}]=1
  REST_PORT[$c]=$(free_port); TAKEN[${REST_PORT[$c]}]=1
done

# start NAME CMD...: a daemon in its own session, output to rt/pids/NAME.out, PID recorded.
start() {
  local name=$1; shift
  setsid "$@" >"$R/pids/$name.out" 2>&1 </dev/null &
  echo $! >"$R/pids/$name.pid"
}

# --- munge (its socket in the shared directory) ------------------------------------------------
mkdir -p "$R/munge/keydir"
chmod 700 "$R/munge/keydir"
mungekey -c -k "$R/munge/keydir/munge.key" >/dev/null 2>&1
MUNGE_SOCK=$S/munge.sock
start munged munged -F --socket="$MUNGE_SOCK" --key-file="$R/munge/keydir/munge.key" \
  --pid-file="$S/munged.pid" --seed-file="$R/munge/keydir/munged.seed"
for ((i = 0; i < 100; i++)); do
  munge -n -S "$MUNGE_SOCK" 2>/dev/null | unmunge -S "$MUNGE_SOCK" >/dev/null 2>&1 && break
  sleep 0.1
done
((i < 100)) || die "munged did not start"
log "munged up"

# --- JWT key (one key for every center and the dbd) ------------------------------------------
mkdir -p "$R/jwt"; chmod 700 "$R/jwt"
JWT_KEY=$R/jwt/jwt_hs256.key
dd if=/dev/urandom of="$JWT_KEY" bs=32 count=1 status=none
chmod 600 "$JWT_KEY"

# --- MariaDB -----------------------------------------------------------------------------------
mkdir -p "$R/mysql/data"
cat >"$R/mysql/my.cnf" <<EOF
[mysqld]
datadir=$R/mysql/data
socket=$R/mysql/mysqld.sock
pid-file=$R/mysql/mysqld.pid
log-error=$R/mysql/mysqld.err
port=$MYSQL_PORT
bind-address=127.0.0.1
user=root
skip-name-resolve
innodb_buffer_pool_size=1024M
innodb_log_file_size=64M
innodb_lock_wait_timeout=900
innodb_flush_log_at_trx_commit=2
max_allowed_packet=16M
[client]
socket=$R/mysql/mysqld.sock
port=$MYSQL_PORT
EOF
mariadb-install-db --defaults-file="$R/mysql/my.cnf" --skip-test-db \
  --auth-root-authentication-method=socket >"$R/mysql/install.out" 2>&1 ||
  die "mariadb-install-db failed (see $R/mysql/install.out)"
start mariadbd mariadbd --defaults-file="$R/mysql/my.cnf"
for ((i = 0; i < 300; i++)); do
  mariadb-admin --defaults-file="$R/mysql/my.cnf" ping >/dev/null 2>&1 && break
  sleep 0.1
done
((i < 300)) || die "MariaDB did not start"
mariadb --defaults-file="$R/mysql/my.cnf" -e "
  CREATE USER 'slurm'@'127.0.0.1' IDENTIFIED BY 'slurmpw';
  CREATE USER 'slurm'@'localhost' IDENTIFIED BY 'slurmpw';
  GRANT ALL ON \`slurm\_%\`.* TO 'slurm'@'127.0.0.1';
  GRANT ALL ON \`slurm\_%\`.* TO 'slurm'@'localhost';"
log "MariaDB up on $MYSQL_PORT"

# --- slurmdbd (finds slurmdbd.conf in the directory of $SLURM_CONF) --------------------------
mkdir -p "$R/dbd"
cat >"$R/dbd/slurmdbd.conf" <<EOF
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCK
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$JWT_KEY
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$DBD_PORT
SlurmUser=root
DebugLevel=info
LogFile=$R/dbd/slurmdbd.log
PidFile=$R/dbd/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$MYSQL_PORT
StorageUser=slurm
StoragePass=slurmpw
StorageLoc=slurm_acct_db
EOF
chmod 600 "$R/dbd/slurmdbd.conf"
SLURM_CONF=$R/dbd/slurm.conf start slurmdbd slurmdbd -D
wait_tcp "$DBD_PORT" 30 || die "slurmdbd did not listen on $DBD_PORT"
log "slurmdbd up on $DBD_PORT"

# --- cluster configuration ------------------------------------------------------------------
write_center_conf() {
  local c=$1 gpus=$2 d=$R/$1 shared=$S/$1
  # shared: etc (slurmrestd reads slurm.conf), spool (jobs run their script from it), work
  mkdir -p "$d/state" "$d/log" "$d/fakedev" "$shared/etc" "$shared/spool" "$S/work/$c"
  chmod -R 755 "$shared"
  ln -s "$shared/etc" "$d/etc"  # $R/<center>/etc/slurm.conf keeps working for root's tools
  chmod 1777 "$S/work/$c"  # per center: job ids (so slurm-%j.out names) repeat across centers
  local gres_node=""
  if ((gpus > 0)); then gres_node="Gres=gpu:$gpus"; fi
  cat >"${CONF[$c]}" <<EOF
# $c: single-node Slurm 22.05 cluster on loopback (generated by scripts/slurm/up.sh)
ClusterName=$c
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=${CTLD_PORT[$c]}
SlurmdPort=${SLURMD_PORT[$c]}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCK
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$JWT_KEY
StateSaveLocation=$d/state
SlurmdSpoolDir=$shared/spool
SlurmctldPidFile=$d/state/slurmctld.pid
SlurmdPidFile=$shared/spool/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
# the default batch_sched_delay=3 defers back-to-back jobs by ~3 s; 0 = schedule at submit
SchedulerParameters=batch_sched_delay=0
# accept the configured (fake) CPUs/memory instead of draining the node for "low" hardware
SlurmdParameters=config_overrides
ReturnToService=2
MinJobAge=300
KillWait=5
DefMemPerCPU=1024
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=10
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=$DBD_PORT
# dbd connections take the munge socket from AccountingStoragePass, not AuthInfo
AccountingStoragePass=$MUNGE_SOCK
AccountingStorageTRES=gres/gpu
AccountingStorageEnforce=associations,limits,qos
GresTypes=gpu
NodeName=$c-n1 NodeAddr=127.0.0.1 CPUs=32 Boards=1 SocketsPerBoard=2 CoresPerSocket=16 ThreadsPerCore=1 RealMemory=128000 $gres_node State=UNKNOWN
PartitionName=$PARTITION Nodes=$c-n1 Default=YES MaxTime=INFINITE State=UP
EOF
  {
    echo "# fake GPUs: File= must be a char device, so symlinks to /dev/null; no NVML here"
    echo "AutoDetect=off"
    if ((gpus > 0)); then
      for ((g = 0; g < gpus; g++)); do ln -s /dev/null "$d/fakedev/nvidia$g"; done
      echo "NodeName=$c-n1 Name=gpu File=$d/fakedev/nvidia[0-$((gpus - 1))]"
    fi
  } >"$shared/etc/gres.conf"
}
write_center_conf center-a 0
write_center_conf center-b 4

export SLURM_CONF=${CONF[center-a]}
sacctmgr -i add cluster "$(IFS=,; echo "${CENTERS[*]}")" >"$R/dbd/sacctmgr.out" 2>&1 ||
  die "sacctmgr add cluster failed: $(cat "$R/dbd/sacctmgr.out")"
log "clusters registered"

for c in "${CENTERS[@]}"; do
  conf=${CONF[$c]}
  SLURM_CONF=$conf start "$c-slurmctld" slurmctld -D -f "$conf"
  SLURM_CONF=$conf start "$c-slurmd" slurmd -D -N "$c-n1" -f "$conf"
done
for c in "${CENTERS[@]}"; do
  export SLURM_CONF=${CONF[$c]}
  for ((i = 0; i < 600; i++)); do
    state=$(sinfo -h -o %T 2>/dev/null || true)
    [[ $state == idle ]] && break
    sleep 0.1
  done
  [[ $state == idle ]] || die "$c did not reach idle (sinfo: '$state')"
done
log "slurmctld + slurmd idle on ${CENTERS[*]}"

# --- slurmrestd (refuses root; needs SLURM_JWT=daemon, pitfalls 7 and 8) ---------------------
for c in "${CENTERS[@]}"; do
  conf=${CONF[$c]}
  SLURM_CONF=$conf SLURM_JWT=daemon start "$c-slurmrestd" \
    setpriv --reuid=slurm --regid=slurm --init-groups \
    slurmrestd -f "$conf" -a rest_auth/jwt -s openapi/v0.0.38,openapi/dbv0.0.38 \
    "127.0.0.1:${REST_PORT[$c]}"
done
for c in "${CENTERS[@]}"; do
  wait_tcp "${REST_PORT[$c]}" 30 || die "slurmrestd of $c did not listen on ${REST_PORT[$c]}"
done
log "slurmrestd up"

# --- env for tests -------------------------------------------------------------------------
upper() { tr 'a-z-' 'A-Z_' <<<"$1"; }
{
  echo "# Slurm lab in $LAB (scripts/slurm/up.sh); source this file."
  echo "SUANLI_SLURM_LAB=$LAB"
  echo "SUANLI_SLURM_RT=$R"
  echo "SUANLI_SLURM_CLUSTERS=\"${CENTERS[*]}\""
  echo "SUANLI_SLURM_PARTITION=$PARTITION"
  echo "SUANLI_SLURM_WORK_DIR=$S/work"
  echo "SUANLI_SLURM_SHARED=$S"
  echo "SUANLI_SLURM_JWT_KEY=$JWT_KEY"
  echo "SUANLI_SLURM_MUNGE_SOCKET=$MUNGE_SOCK"
  echo "SUANLI_SLURM_MYSQL_PORT=$MYSQL_PORT"
  echo "SUANLI_SLURM_DBD_PORT=$DBD_PORT"
  for c in "${CENTERS[@]}"; do
    u=$(upper "$c")
    tok=$(SLURM_CONF=${CONF[$c]} scontrol token username=root lifespan=172800 |
      sed -n 's/^SLURM_JWT=//p')
    [[ -n $tok ]] || die "scontrol token failed on $c"
    echo "SUANLI_SLURM_${u}_CONF=${CONF[$c]}"
    echo "SUANLI_SLURM_${u}_WORK_DIR=$S/work/$c"
    echo "SUANLI_SLURM_${u}_REST_URL=http://127.0.0.1:${REST_PORT[$c]}"
    echo "SUANLI_SLURM_${u}_TOKEN=$tok"
    echo "SUANLI_SLURM_${u}_TOKEN_USER=root"
    echo "SUANLI_SLURM_${u}_CTLD_PORT=${CTLD_PORT[$c]}"
    echo "SUANLI_SLURM_${u}_SLURMD_PORT=${SLURMD_PORT[$c]}"
    echo "SUANLI_SLURM_${u}_REST_PORT=${REST_PORT[$c]}"
  done
} >"$LAB/env.tmp"
mv "$LAB/env.tmp" "$LAB/env"
log "ALL UP: source $LAB/env"
