#!/usr/bin/env bash
# `suanli usage ingest` end to end: a good file is ingested with its rated total (exit 0), the
# same file again changes nothing (exit 0, "already ingested", the log unchanged), bad lines are
# reported with line, column and reason (exit 2) and never billed, a bad price file exits 2.
# Run by CTest with the binary's path; runs from the repository root.
set -uo pipefail
SUANLI="${1:?usage: usage_cli_test.sh PATH_TO_SUANLI}"
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
PRICES=bench/metering/prices.toml

H='JobID|Cluster|Account|User|Partition|Submit|Start|End|ElapsedRaw|AllocTRES|State|ExitCode'
cat >"$tmp/good.txt" <<TXT
$H
1001|cdai|uni-ai|alice|ascend|2024-03-15T08:59:00|2024-03-15T09:00:00|2024-03-15T19:00:00|36000|billing=8,cpu=64,gres/npu=8,mem=256G,node=1|COMPLETED|0:0
1001.batch|cdai|uni-ai|||2024-03-15T08:59:00|2024-03-15T09:00:00|2024-03-15T19:00:00|36000|cpu=64,gres/npu=8,mem=256G,node=1|COMPLETED|0:0
1001.extern|cdai|uni-ai|||2024-03-15T08:59:00|2024-03-15T09:00:00|2024-03-15T19:00:00|36000|cpu=64,gres/npu=8,mem=256G,node=1|COMPLETED|0:0
77|cdhpc|lab|bob|cpu|2024-05-06T07:00:00|2024-05-06T08:00:00|2024-05-06T18:00:00|36000|cpu=4,mem=8G,node=1|COMPLETED|0:0
78|cdhpc|acme|carol|gpu|2024-05-06T07:00:00|2024-05-06T08:00:00|2024-05-06T10:00:00|7200|cpu=64,gres/gpu=8,mem=512G|COMPLETED|0:0
TXT

# A good file: 8 cards × 10 h × ¥12.50 × 50 % = ¥500.00; 4 cores × 10 h × ¥0.05 × 30 % = ¥0.60;
# 208 billing units × 2 h × ¥0.10 = ¥41.60. Total ¥542.20.
check "good file" 0 "$SUANLI" usage ingest "$tmp/good.txt" --data "$tmp/d" --prices "$PRICES"
expect_in "good counts" "$tmp/out" "6 lines: 5 ingested (3 billed, 2 steps, 0 never ran), 0 already ingested, 0 rejected"
expect_in "good amount" "$tmp/out" "¥542.20 (54220 fen)"
size1=$(stat -c %s "$tmp/d/usage.log")

# The same file again: nothing changes.
check "re-ingest" 0 "$SUANLI" usage ingest "$tmp/good.txt" --data "$tmp/d" --prices "$PRICES"
expect_in "re-ingest counts" "$tmp/out" "0 ingested (0 billed, 0 steps, 0 never ran), 5 already ingested, 0 rejected"
expect_in "re-ingest amount" "$tmp/out" "(0 fen)"
size2=$(stat -c %s "$tmp/d/usage.log")
if [[ $size1 -eq $size2 ]]; then pass=$((pass + 1)); else
  fail=$((fail + 1)); echo "FAIL re-ingest grew the log: $size1 → $size2"; fi

# Bad lines: each reported with its line, column and reason; the good line is still stored.
cat >"$tmp/bad.txt" <<TXT
$H
2001|cdai|ghost|eve|ascend|2024-03-15T08:59:00|2024-03-15T09:00:00|2024-03-15T10:00:00|3600|gres/npu=8|COMPLETED|0:0
2002|cdai|uni-ai|alice|ascend|2024-03-15T08:59:00|2024-03-15T09:00:00|2024-03-15T10:00:00|-5|gres/npu=8|COMPLETED|0:0
2003|xinjiang|uni-ai|alice|ascend|2024-03-15T08:59:00|2024-03-15T09:00:00|2024-03-15T10:00:00|3600|gres/npu=8|COMPLETED|0:0
2004|cdai|uni-ai|alice|ascend|2024-03-15T08:59:00|2024-03-15T09:00:00|Unknown|3600|gres/npu=8|RUNNING|0:0
2005|cdai|uni-ai|alice|ascend|2024-03-15T08:59:00|2024-03-15T09:00:00|2024-03-15T10:00:00|3600|gres/npu=8|COMPLETED|0:0
2006|cdai|uni-ai|alice|asc
TXT
check "bad lines" 2 "$SUANLI" usage ingest "$tmp/bad.txt" --data "$tmp/d" --prices "$PRICES"
expect_in "unknown account" "$tmp/out" "line 2: Account: unknown account ('ghost' on 'cdai'"
expect_in "negative duration" "$tmp/out" "line 3: ElapsedRaw: negative duration (-5 s)"
expect_in "unregistered center" "$tmp/out" "line 4: Cluster: unregistered center ('xinjiang'"
expect_in "not final" "$tmp/out" "line 5: State: not final (job is RUNNING"
expect_in "truncated" "$tmp/out" "line 7: malformed line (truncated: 5 of 12 fields)"
expect_in "bad counts" "$tmp/out" "7 lines: 1 ingested (1 billed, 0 steps, 0 never ran), 0 already ingested, 5 rejected"
expect_in "bad amount" "$tmp/out" "¥50.00 (5000 fen)"

# Without a Cluster column, --cluster names it.
printf '%s\n%s\n' 'JobID|Account|User|Partition|Submit|Start|End|ElapsedRaw|AllocTRES|State|ExitCode' \
  '90|lab|bob|cpu|2024-05-06T07:00:00|2024-05-06T08:00:00|2024-05-06T09:00:00|3600|cpu=10|COMPLETED|0:0' \
  >"$tmp/nocluster.txt"
check "--cluster" 0 "$SUANLI" usage ingest "$tmp/nocluster.txt" --data "$tmp/d" --prices "$PRICES" --cluster cdhpc
expect_in "--cluster amount" "$tmp/out" "(15 fen)"

# A dry run stores nothing.
check "dry run" 0 "$SUANLI" usage ingest "$tmp/good.txt" --data "$tmp/dry" --prices "$PRICES" --dry-run
expect_in "dry run counts" "$tmp/out" "5 ingested"
if [[ ! -e "$tmp/dry/usage.log" ]]; then pass=$((pass + 1)); else
  fail=$((fail + 1)); echo "FAIL dry run wrote a log"; fi

# Bad price files and inputs: exit 2 with the field named.
printf 'centers = ["c"]\n[[classes]]\nid = "A"\nshare = "20%%"\n' >"$tmp/floor.toml"
check "class below floor" 2 "$SUANLI" usage ingest "$tmp/good.txt" --data "$tmp/e" --prices "$tmp/floor.toml"
expect_in "class below floor names field" "$tmp/err" "classes[0].share"
check "no price file" 2 "$SUANLI" usage ingest "$tmp/good.txt" --data "$tmp/e"
expect_in "no price file message" "$tmp/err" "prices.toml"
check "missing input" 2 "$SUANLI" usage ingest "$tmp/nonexistent.txt" --data "$tmp/e" --prices "$PRICES"
check "no FILE" 2 "$SUANLI" usage ingest

finish
