#!/usr/bin/env bash
# down.sh LAB_DIR: stops the Slurm lab that up.sh started in LAB_DIR, by PID, and checks that
# nothing of it is left. Works on a half-started lab (it stops whatever exists). Never uses
# pkill/killall: a PID is signalled only when its environment carries this lab's marker, or when
# it is a slurmstepd/slurmscriptd holding a file under the lab (their environ is overwritten by
# setproctitle), or a member of such a slurmstepd's session (the job itself).
# Exit status 0 when everything is gone; 1 when some process survived SIGKILL.
set -uo pipefail

if [[ $# -ne 1 ]]; then echo "usage: $0 LAB_DIR" >&2; exit 2; fi
HERE=$(cd "$(dirname "$0")" && pwd)
LAB=$(realpath -m "$1")
R=$LAB/rt
# shellcheck source=lib.sh
source "$HERE/lib.sh"
[[ -d $R ]] || exit 0
# up.sh's shared directory under /tmp (munge socket, slurm.conf, spool, job output)
S=
if [[ -r $R/shared_dir ]]; then
  S=$(cat "$R/shared_dir")
  [[ $S == /tmp/suanli-slurm.* ]] || S=
fi

# 1. Cancel jobs so slurmstepd and the jobs do not outlive slurmd.
for conf in ${S:+"$S"/*/etc/slurm.conf}; do
  [[ -e $conf ]] || continue
  c=$(basename "$(dirname "$(dirname "$conf")")")
  pidf=$R/pids/$c-slurmctld.pid
  [[ -e $pidf ]] && ours "$(cat "$pidf")" || continue
  ids=$(SLURM_CONF=$conf timeout 10 squeue -h -o %i 2>/dev/null || true)
  [[ -z $ids ]] && continue
  # shellcheck disable=SC2086
  SLURM_CONF=$conf timeout 10 scancel $ids 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    [[ -z $(SLURM_CONF=$conf timeout 5 squeue -h -o %i 2>/dev/null || true) ]] && break
    sleep 0.1
  done
done

# stop PID...: SIGTERM, up to 20 s, then SIGKILL.
stop() {
  local pids=("$@") p left i
  ((${#pids[@]})) || return 0
  kill -TERM "${pids[@]}" 2>/dev/null
  for ((i = 0; i < 200; i++)); do
    left=()
    for p in "${pids[@]}"; do alive "$p" && left+=("$p"); done
    ((${#left[@]})) || return 0
    sleep 0.1
  done
  kill -KILL "${left[@]}" 2>/dev/null
  sleep 0.2
}

# 2. Daemons in reverse order of start, each only if it is ours.
for name in center-b-slurmrestd center-a-slurmrestd center-b-slurmd center-a-slurmd \
  center-b-slurmctld center-a-slurmctld slurmdbd mariadbd munged; do
  f=$R/pids/$name.pid
  [[ -e $f ]] || continue
  pid=$(cat "$f")
  ours "$pid" && stop "$pid"
done

# strays: every live PID that is ours, or a slurmstepd/slurmscriptd holding a file under $R or $S,
# plus the members of those slurmstepd sessions.
strays() {
  local d pid comm sid
  local -A sids=()
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
    if ours "$pid"; then echo "$pid"; continue; fi
    comm=$(cat "$d/comm" 2>/dev/null) || continue
    case $comm in
      slurmstepd | slurmscriptd)
        if ls -l "$d/fd" 2>/dev/null | grep -qF -e "$R/" ${S:+-e "$S/"}; then
          alive "$pid" && echo "$pid"
          sid=$(awk '{ s = $0; sub(/^.*\) /, "", s); split(s, f, " "); print f[4] }' "$d/stat")
          sids[$sid]=1
        fi
        ;;
    esac
  done
  ((${#sids[@]})) || return 0
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    sid=$(awk '{ s = $0; sub(/^.*\) /, "", s); split(s, f, " "); print f[4] }' "$d/stat" 2>/dev/null) || continue
    [[ -n ${sids[$sid]:-} ]] && alive "$pid" && echo "$pid"
  done
}

# 3. Sweep, twice (killing a stepd can orphan its job into a new state).
for round in 1 2; do
  mapfile -t left < <(strays | sort -u)
  ((${#left[@]})) || break
  stop "${left[@]}"
done

# 4. Verify.
mapfile -t left < <(strays | sort -u)
if ((${#left[@]})); then
  echo "slurm-lab: processes survived: ${left[*]}" >&2
  exit 1
fi
# 5. The shared directory, once nothing of the lab runs (logs and state stay under $R).
if [[ -n $S ]]; then
  rm -rf -- "$S"
  rm -f -- "$R/shared_dir"
fi
exit 0
