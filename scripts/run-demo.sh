#!/usr/bin/env bash
# `make run`: Suanli's main job. A short prelude (one worked Chengdu quote, step by step), then
# `suanli serve` with the demo in the foreground: the API, the web console (web/dist) and the
# demo logins, on the store in data/server. Ctrl-C stops the server gracefully.
#
# The clock starts at 2024-03-15 09:00 CST and runs from there: the Chengdu 2024 program's
# application window (2024-01-02 to 2024-11-29) is in 2024, so the demo lives in that year.
# SUANLI_PORT / SUANLI_ADDRESS (default 8080 / 127.0.0.1) move the listener.
set -euo pipefail
SUANLI="${1:?usage: run-demo.sh PATH_TO_SUANLI}"
cd "$(dirname "$0")/.."

PROGRAM=programs/chengdu-2024.toml
CASE=programs/cases/chengdu-2024.json
printf '\n\033[1m== A worked quote: %s against %s ==\033[0m\n' "$CASE" "$PROGRAM"
# The quote is JSON with the clause behind every figure; here only its verdict and steps.
set +e
quote="$("$SUANLI" quote --program "$PROGRAM" --case "$CASE")"
set -e
awk -F'"' '
  /^  "eligible":/          { sub(/,$/, "", $0); split($0, a, ": "); printf "eligible: %s", a[2] }
  /^  "amount_display":/    { printf "   amount: %s\n", $4 }
  /^  "steps": \[/          { in_steps = 1; next }
  in_steps && /^  \]/       { in_steps = 0 }
  in_steps && /"name":/     { name = $4 }
  in_steps && /"detail":/   { detail = $4 }
  in_steps && /"value":/    { printf "  %-13s %-11s %s\n", name, $4, detail }
  /"bill":/                 { bill = $4 }
  /"deducted":/             { printf "  bill %-10s voucher pays %s\n", bill, $4 }
' <<<"$quote"
echo "(full JSON: $SUANLI quote --program $PROGRAM --case $CASE)"

printf '\n\033[1m== suanli serve --demo (Ctrl-C stops it) ==\033[0m\n'
exec "$SUANLI" serve --data data/server --demo --clock-start 2024-03-15T09:00:00+08:00 \
  --static-dir web/dist
