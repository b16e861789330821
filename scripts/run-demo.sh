#!/usr/bin/env bash
# `make run`: Suanli's main job until the HTTP server lands (issue 3): list the shipped
# programs (each validated on load), quote a worked Chengdu case step by step, and run the
# ledger on the embedded SQLite store in ./data, then verify its invariants after recovery.
set -euo pipefail
SUANLI="${1:?usage: run-demo.sh PATH_TO_SUANLI}"
cd "$(dirname "$0")/.."
DATA="${SUANLI_DATA:-data/demo-ledger}"

section() { printf '\n\033[1m== %s ==\033[0m\n' "$1"; }

section "Programs shipped in programs/ (each is validated as it loads)"
"$SUANLI" programs --dir programs

# Two worked quotes: Chengdu (the reference program) and Nanning (its bureau's worked example:
# 305/729 of 200,000 -> 8.3676万 -> 30 % = 2.5102万). Every program has a case in programs/cases/.
for id in chengdu-2024 nanning-2025; do
  section "Quote: programs/cases/$id.json against programs/$id.toml"
  "$SUANLI" quote --program "programs/$id.toml" --case "programs/cases/$id.json"
done

section "Ledger on the embedded store ($DATA)"
rm -rf "$DATA"
mkdir -p "$DATA"
"$SUANLI" ledger demo --data "$DATA"

section "Recovery: reopen the store, replay, check every invariant"
"$SUANLI" ledger verify --data "$DATA"
