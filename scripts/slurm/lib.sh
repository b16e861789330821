# Shared helpers of up.sh and down.sh (sourced, not run). Every process the lab starts carries
# SLURMLAB_MARKER=$R in its environment, so a PID is only ever signalled when it is provably
# ours (PID reuse), and strays can be found by PID without pkill/killall.

# alive PID: true when PID exists and is not a zombie (PID 1 here reaps orphans lazily, so a
# plain kill -0 is fooled by <defunct> entries).
alive() {
  local pid=$1 line rest
  # Builtins only: down.sh calls this for every PID on the machine, and a fork per call made a
  # sweep take minutes on a loaded 2-core machine.
  { read -r line <"/proc/$pid/stat"; } 2>/dev/null || return 1
  rest=${line##*) }
  [[ -n $rest && ${rest:0:1} != Z && ${rest:0:1} != X ]]
}

# ours PID: alive and started by this lab (the marker is in its environment).
ours() {
  local pid=$1
  alive "$pid" || return 1
  grep -qzxF "SLURMLAB_MARKER=$R" "/proc/$pid/environ" 2>/dev/null
}

# wait_tcp PORT SECONDS: until something accepts on 127.0.0.1:PORT.
wait_tcp() {
  local port=$1 limit_s=$2 i
  for ((i = 0; i < limit_s * 10; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}
