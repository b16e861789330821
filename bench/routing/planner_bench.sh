#!/usr/bin/env bash
# The batch planner against GLPK on the same instance: planner_bench writes the instance
# (deterministic from --seed) as a CPLEX LP file, glpsol solves it under a time limit, then
# PlanBatch runs --runs times on the same instance. Prints GLPK's status, objective, best bound
# and time, the planner's objective and median time, and the two ratios. GLPK does not prove
# optimality on these instances within minutes; then the cost ratio is against its best integer
# solution and the gap is against its best bound (a lower bound on the optimum), and its time is
# the limit it ran to — all printed as such.
#
#   bench/routing/planner_bench.sh BUILD_DIR [--jobs 150] [--centers 15] [--load-percent 110]
#                                  [--seed 1] [--tmlim 100] [--runs 7]
#                                  [--glpk-options "--cuts --pcost"]
#
# GLPK runs with all its cut generators and the hybrid pseudocost branching by default: on these
# instances that proves the optimum 10-50x sooner than glpsol's defaults (which still prove
# nothing on most of them within 100 s), so it is the stronger comparator. Pass
# --glpk-options "" for glpsol's defaults.
#
# BUILD_DIR must hold bench/planner_bench (cmake --build BUILD_DIR --target planner_bench).
# Needs glpsol (glpk-utils: scripts/install-deps.sh --bench), awk.
set -euo pipefail

BUILD=${1:?usage: planner_bench.sh BUILD_DIR [--jobs N] [--centers M] [--load-percent P] [--seed S] [--tmlim SECONDS] [--runs K] [--glpk-options OPTS]}
shift
JOBS=150
CENTERS=15
LOAD=110
SEED=1
TMLIM=100
RUNS=7
GLPK_OPTIONS="--cuts --pcost"
while (($#)); do
  case "$1" in
    --jobs) JOBS=$2; shift 2 ;;
    --centers) CENTERS=$2; shift 2 ;;
    --load-percent) LOAD=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --tmlim) TMLIM=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --glpk-options) GLPK_OPTIONS=$2; shift 2 ;;
    *) echo "planner_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

BIN="$BUILD/bench/planner_bench"
[[ -x "$BIN" ]] || { echo "planner_bench.sh: $BIN missing (build the planner_bench target)" >&2; exit 2; }
command -v glpsol >/dev/null || { echo "planner_bench.sh: glpsol missing (apt-get install glpk-utils)" >&2; exit 2; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
ARGS=(--jobs "$JOBS" --centers "$CENTERS" --load-percent "$LOAD" --seed "$SEED")

"$BIN" "${ARGS[@]}" --write-lp "$TMP/plan.lp"

echo "glpsol --lp plan.lp $GLPK_OPTIONS --tmlim $TMLIM (time limit ${TMLIM} s) ..."
start_ns=$(date +%s%N)
# shellcheck disable=SC2086 # the options are words
glpsol --lp "$TMP/plan.lp" $GLPK_OPTIONS --tmlim "$TMLIM" -o "$TMP/plan.sol" > "$TMP/glpsol.log" 2>&1 || true
end_ns=$(date +%s%N)
glpk_s=$(awk -v a="$start_ns" -v b="$end_ns" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
status=$(awk '/^Status:/ { $1 = ""; sub(/^ +/, ""); print; exit }' "$TMP/plan.sol")
glpk_obj=$(awk '/^Objective:/ { print $4; exit }' "$TMP/plan.sol")
# The last progress line: "+ N: mip = <best integer> >= <best bound> <gap> (...)".
# When GLPK proves optimality the last line reads ">= tree is empty": no numeric bound, none needed.
glpk_bound=$(awk '/mip =/ && />=/ { for (i = 1; i <= NF; i++) if ($i == ">=") b = $(i + 1) } END { print b }' "$TMP/glpsol.log")
[[ "$glpk_bound" =~ ^[-+0-9.eE]+$ ]] || glpk_bound=
echo "GLPK: status '$status', objective $glpk_obj fen, best bound ${glpk_bound:-n/a}, ${glpk_s} s"

output=$("$BIN" "${ARGS[@]}" --runs "$RUNS")
echo "$output"
result=$(echo "$output" | awk '/^RESULT/')
get() { echo "$result" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }
plan_obj=$(get objective_fen)
plan_ms=$(get median_ms)
greedy_obj=$(get greedy_objective_fen)

awk -v p="$plan_obj" -v g="$glpk_obj" -v b="$glpk_bound" -v pm="$plan_ms" -v gs="$glpk_s" \
    -v gr="$greedy_obj" -v st="$status" 'BEGIN {
  printf "planner: objective %d fen, median %.1f ms over the runs\n", p, pm
  printf "cost ratio planner/GLPK %s = %.4f (target <= 1.01)\n", (st ~ /NON-OPTIMAL/ ? "best integer" : "optimum"), p / g
  if (b != "") printf "gap to GLPK best bound = %.2f %% (the optimum lies between the bound and both solutions)\n", (p - b) / b * 100
  printf "time ratio planner/GLPK = %.4f (target <= 0.01)\n", (pm / 1000) / gs
  printf "greedy (index order) objective %d fen: planner saves %.2f %%\n", gr, (gr - p) / gr * 100
}'
