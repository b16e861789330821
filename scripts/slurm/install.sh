#!/usr/bin/env bash
# Installs the Slurm 22.05 lab's packages on Debian 12, idempotently: only what is missing is
# installed, nothing is upgraded (--no-upgrade), and apt waits for another apt's lock.
# Package choice follows ../shared/reference/slurm-on-loopback.md §1; slurm-wlm-jwt-plugin is
# separate because auth/jwt is not in slurm-wlm-basic-plugins (its pitfall 1).
set -euo pipefail

PKGS=(
  slurm-wlm slurmctld slurmd slurm-client slurmdbd slurmrestd slurm-wlm-jwt-plugin
  munge mariadb-server mariadb-client
  procps iproute2 util-linux   # ps/pgrep-free PID checks, ss for free ports, setpriv/setsid
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "slurm/install.sh: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq -o DPkg::Lock::Timeout=600
$SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends --no-upgrade \
  "${missing[@]}"
