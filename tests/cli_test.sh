#!/usr/bin/env bash
# End-to-end checks of the `suanli` command as a user meets it: exit codes, JSON on stdout,
# errors naming the field on stderr, and a ledger that survives a reopen. Run by CTest with
# the binary's path; runs from the repository root. Prints "N passed, M failed".
set -uo pipefail
SUANLI="${1:?usage: cli_test.sh PATH_TO_SUANLI}"
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."

json_field() { python3 -c "import json,sys; print(json.load(open('$1'))['$2'])"; }

# Every shipped program loads, and every shipped case quotes as eligible with its amount.
check "programs list" 0 "$SUANLI" programs --dir programs
for p in programs/*.toml; do
  id=$(basename "$p" .toml)
  check "quote $id" 0 "$SUANLI" quote --program "$p" --case "programs/cases/$id.json"
  expect_in "quote $id eligible" "$tmp/out" '"eligible": true'
done

# The worked figures, through the command line.
check "chengdu quote" 0 "$SUANLI" quote --program programs/chengdu-2024.toml \
  --case programs/cases/chengdu-2024.json
[[ $(json_field "$tmp/out" amount) == "10000.00" ]] && pass=$((pass + 1)) ||
  { fail=$((fail + 1)); echo "FAIL chengdu amount"; }
check "nanning quote" 0 "$SUANLI" quote --program programs/nanning-2025.toml \
  --case programs/cases/nanning-2025.json
[[ $(json_field "$tmp/out" amount) == "25102.00" ]] && pass=$((pass + 1)) ||
  { fail=$((fail + 1)); echo "FAIL nanning amount"; }

# Standard input, and a business "no" (revenue one fen under 10,000,000) exits 1.
sed 's/"prior_year_revenue": "12000000.00"/"prior_year_revenue": "9999999.99"/' \
  programs/cases/chengdu-2024.json >"$tmp/poor.json"
check "not eligible via stdin" 1 bash -c "\"$SUANLI\" quote --program programs/chengdu-2024.toml --case - <\"$tmp/poor.json\""
expect_in "revenue reason" "$tmp/out" '"min_revenue"'

# Bad input exits 2 and names the field.
printf '{"as_of": ' >"$tmp/trunc.json"
check "malformed json" 2 "$SUANLI" quote --program programs/chengdu-2024.toml --case "$tmp/trunc.json"
sed 's/"fee": "20000.00"/"fee": "-1.00"/' programs/cases/chengdu-2024.json >"$tmp/neg.json"
check "negative fee" 2 "$SUANLI" quote --program programs/chengdu-2024.toml --case "$tmp/neg.json"
expect_in "negative fee field" "$tmp/err" '"field":"contract.fee"'
sed 's/"fee": "20000.00"/"fee": "99999999999999999999.00"/' programs/cases/chengdu-2024.json >"$tmp/big.json"
check "overflowing fee" 2 "$SUANLI" quote --program programs/chengdu-2024.toml --case "$tmp/big.json"
sed 's/"fee": "20000.00"/"fee": 20000/' programs/cases/chengdu-2024.json >"$tmp/num.json"
check "fee as number" 2 "$SUANLI" quote --program programs/chengdu-2024.toml --case "$tmp/num.json"
sed 's/91510100MA61R1234W/91510100MA61R1234X/' programs/cases/chengdu-2024.json >"$tmp/uscc.json"
check "bad uscc" 2 "$SUANLI" quote --program programs/chengdu-2024.toml --case "$tmp/uscc.json"
expect_in "bad uscc field" "$tmp/err" '"field":"organisation.uscc"'
sed 's/"signed_on": "2024-03-01"/"signed_on": "2024-02-30"/' programs/cases/chengdu-2024.json >"$tmp/date.json"
check "impossible date" 2 "$SUANLI" quote --program programs/chengdu-2024.toml --case "$tmp/date.json"
check "missing case file" 2 "$SUANLI" quote --program programs/chengdu-2024.toml --case "$tmp/none.json"

# A broken program file is refused with the field named.
for f in src/policy/testdata/broken/*.toml; do
  check "broken $(basename "$f")" 2 "$SUANLI" quote --program "$f" --case programs/cases/chengdu-2024.json
done
check "broken unknown key" 2 "$SUANLI" programs show src/policy/testdata/broken/unknown_key.toml
expect_in "broken field named" "$tmp/err" "grant.caps[0].ammount"

# Nanjing's weekly draw: at least 2,400 hours, each voucher 24-96 hours, replayable by seed.
seq -f "org-%03g" 1 60 >"$tmp/entrants.txt"
check "draw" 0 "$SUANLI" draw --program programs/nanjing-experience.toml --entrants "$tmp/entrants.txt" --seed 7
cp "$tmp/out" "$tmp/draw1.json"
if python3 - "$tmp/draw1.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
hours = [w["hours"] for w in d["winners"]]
assert d["total_hours"] == sum(hours) >= 2400, d["total_hours"]
assert all(24 <= h <= 96 for h in hours), hours
assert len({w["entrant"] for w in d["winners"]}) == len(hours)
PY
then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL draw figures"; fi
check "draw replays" 0 "$SUANLI" draw --program programs/nanjing-experience.toml --entrants - --seed 7 <"$tmp/entrants.txt"
cmp -s "$tmp/out" "$tmp/draw1.json" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL draw replay differs"; }
printf 'org-1\norg-1\n' >"$tmp/dup.txt"
check "draw duplicate entrant" 2 "$SUANLI" draw --program programs/nanjing-experience.toml --entrants "$tmp/dup.txt" --seed 7
check "draw without experience rule" 2 "$SUANLI" draw --program programs/chengdu-2024.toml --entrants "$tmp/entrants.txt" --seed 7

# The ledger: a voucher's life on SQLite, then a reopen that replays and checks invariants.
check "ledger demo" 0 "$SUANLI" ledger demo --data "$tmp/ledger"
expect_in "ledger demo invariants" "$tmp/out" "Invariants: all hold"
expect_in "ledger demo duplicate" "$tmp/out" "duplicate: original result"
check "ledger verify" 0 "$SUANLI" ledger verify --data "$tmp/ledger"
expect_in "ledger verify invariants" "$tmp/out" "invariants: all hold"
# A stored settlement raised on disk (CRC recomputed) breaks the voucher's balance on replay:
# verify fails with the batch named, and does not abort (it used to, exit 134).
cp -r "$tmp/ledger" "$tmp/ledger-tampered"
python3 - "$tmp/ledger-tampered/ledger.db" <<'PY'
import sqlite3, sys, zlib
db = sqlite3.connect(sys.argv[1])
body, = db.execute("SELECT body FROM batches WHERE seq = 7").fetchone()
b = bytearray(body)
def var(p):
    v = s = 0
    while True:
        x = b[p]; p += 1; v |= (x & 0x7f) << s; s += 7
        if x < 0x80: return v, p
def enc(v):
    out = bytearray()
    while v >= 0x80: out.append((v & 0x7f) | 0x80); v >>= 7
    out.append(v); return bytes(out)
assert b[0] == 1 and b[1] == 2, "batch 7 is one transfer"
n, p = var(2); p += n                     # the key
for _ in range(3): _, p = var(p)          # flags, debit, credit
a0 = p; _, p = var(p); _, p = var(p)      # amount, requested amount (zigzag)
big = 125_000_00 << 1
nb = bytes(b[:a0]) + enc(big) + enc(big) + bytes(b[p:])
db.execute("UPDATE batches SET body = ?, crc = ? WHERE seq = 7", (nb, zlib.crc32(nb))); db.commit()
PY
check "ledger verify tampered" 1 "$SUANLI" ledger verify --data "$tmp/ledger-tampered"
expect_in "ledger verify tampered names the batch" "$tmp/err" "batch 7 is corrupt: invariant broken"

finish
