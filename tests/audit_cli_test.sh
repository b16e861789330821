#!/usr/bin/env bash
# End-to-end checks of `suanli audit`: a demo data directory verifies intact; each kind of
# tampering done with the sqlite3 command line (an edited field, a deleted entry, two entries
# swapped, the last entries cut, a forged entry whose hash is recomputed from docs/audit.md's
# definition) makes `verify` exit 1 naming the seq; bad input exits 2. Run by CTest with the
# binary's path. Prints "N passed, M failed".
set -uo pipefail
SUANLI="${1:?usage: audit_cli_test.sh PATH_TO_SUANLI}"
command -v sqlite3 >/dev/null || { echo "sqlite3 CLI not installed"; exit 1; }
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

fresh() {  # fresh NAME: a new data directory with the demo's six entries and its anchor
  rm -rf "$tmp/$1"
  "$SUANLI" audit demo --data "$tmp/$1" >/dev/null || { echo "demo failed"; exit 1; }
  echo "$tmp/$1"
}
sql() { sqlite3 "$1/platform.db" "$2"; }
verify_tampered() {  # verify_tampered NAME DIR EXPECTED_PROBLEM_TEXT
  check "$1 exits 1" 1 "$SUANLI" audit verify --data "$2"
  expect_in "$1 says tampered" "$tmp/out" "TAMPERED"
  expect_in "$1 names the problem" "$tmp/out" "$3"
}

# Intact: exit 0, human and JSON.
d=$(fresh intact)
check "intact" 0 "$SUANLI" audit verify --data "$d"
expect_in "intact summary" "$tmp/out" "intact (6 entries checked, head seq 6"
check "intact json" 0 "$SUANLI" audit verify --data "$d" --json
[[ $(python3 -c "import json; r=json.load(open('$tmp/out')); print(r['ok'], r['entries_checked'], r['anchor']['seq'])") == "True 6 6" ]] &&
  pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL intact json fields"; cat "$tmp/out"; }

# list: filters, limit and the cursor.
check "list actor" 0 "$SUANLI" audit list --data "$d" --actor user:3
[[ $(wc -l <"$tmp/out") -eq 2 ]] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL list actor"; cat "$tmp/out"; }
expect_in "list actor shows the approval" "$tmp/out" "application.approve"
check "list action" 0 "$SUANLI" audit list --data "$d" --action voucher.grant
expect_in "list action" "$tmp/out" "voucher/7"
check "list limit" 0 "$SUANLI" audit list --data "$d" --limit 4
expect_in "list cursor" "$tmp/out" "more: --after 4"
check "list next page" 0 "$SUANLI" audit list --data "$d" --after 4 --json
[[ $(python3 -c "import json; r=json.load(open('$tmp/out')); print([e['seq'] for e in r['entries']], r['next_after_seq'])") == "[5, 6] None" ]] &&
  pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL list next page"; cat "$tmp/out"; }
check "list bad limit" 2 "$SUANLI" audit list --data "$d" --limit 0
expect_in "list bad limit names it" "$tmp/err" '"field":"limit"'

# An edited field.
d=$(fresh edited)
sql "$d" "UPDATE audit_log SET detail = '{\"reason\":\"waived\"}' WHERE seq = 3"
verify_tampered "edited" "$d" "seq 3: edited"

# A deleted entry in the middle.
d=$(fresh removed)
sql "$d" "DELETE FROM audit_log WHERE seq = 4"
verify_tampered "removed" "$d" "seq 4: removed"

# Two entries swapped (their seqs rewritten).
d=$(fresh swapped)
sql "$d" "UPDATE audit_log SET seq = -2 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3;
          UPDATE audit_log SET seq = 3 WHERE seq = -2;"
verify_tampered "swapped" "$d" "seq 2: relinked"
expect_in "swapped edited" "$tmp/out" "seq 3: edited"

# The last entries deleted: a valid shorter chain, caught by the anchor only.
d=$(fresh truncated)
sql "$d" "DELETE FROM audit_log WHERE seq >= 5"
verify_tampered "truncated" "$d" "seq 5..6: truncated"
rm "$d/audit.anchor"
check "truncated without anchor" 0 "$SUANLI" audit verify --data "$d"
expect_in "missing anchor warned" "$tmp/out" "warning: no audit.anchor"
check "require anchor" 1 "$SUANLI" audit verify --data "$d" --require-anchor
echo "not an anchor" >"$d/audit.anchor"
verify_tampered "garbled anchor" "$d" "audit.anchor: not an audit anchor"
# An anchor of the empty log over a log with entries vouches for none of them.
printf '{"seq":0,"hash":"%064d"}\n' 0 >"$d/audit.anchor"
check "seq-0 anchor required" 1 "$SUANLI" audit verify --data "$d" --require-anchor
expect_in "seq-0 anchor named" "$tmp/out" "audit.anchor anchors no entry (seq 0)"

# A timestamp rewritten as text: its numeric prefix still hashes right, raw readers see the forgery.
d=$(fresh textts)
sql "$d" "UPDATE audit_log SET at_us = CAST(at_us AS TEXT) || ' (backdated)' WHERE seq = 3"
verify_tampered "text timestamp" "$d" "seq 3: edited (a field is stored as another type"

# A forged entry 3, linked to 2 and hashed per docs/audit.md: 3 checks out, 4's link breaks.
d=$(fresh forged)
python3 - "$d/platform.db" <<'PY' || { fail=$((fail + 1)); echo "FAIL forging"; }
import hashlib, sqlite3, struct, sys
db = sqlite3.connect(sys.argv[1])
def entry_hash(row):  # docs/audit.md: each field as 8-byte little-endian length, then bytes
    h = hashlib.sha256()
    for f in row:
        b = str(f).encode()
        h.update(struct.pack("<Q", len(b)) + b)
    return h.hexdigest()
cols = "seq, at_us, actor, action, object, before_sha256, after_sha256, detail, prev_hash"
rows = {r[0]: r for r in db.execute(f"SELECT {cols}, hash FROM audit_log")}
# The documented hash reproduces every stored one.
assert all(entry_hash(r[:9]) == r[9] for r in rows.values()), "docs/audit.md hash differs"
forged = list(rows[3][:9])
forged[2] = "user:666"
forged[7] = '{"reason":"approved by nobody"}'
forged[8] = rows[2][9]
db.execute("DELETE FROM audit_log WHERE seq = 3")
db.execute(f"INSERT INTO audit_log ({cols}, hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
           forged + [entry_hash(forged)])
db.commit()
PY
verify_tampered "forged" "$d" "seq 4: relinked"
if grep -qF "seq 3:" "$tmp/out"; then fail=$((fail + 1)); echo "FAIL forged: seq 3 itself flagged"; else pass=$((pass + 1)); fi

# Bad input: exit 2 with a JSON error naming --data.
check "no directory" 2 "$SUANLI" audit verify --data "$tmp/nowhere"
expect_in "no directory named" "$tmp/err" "no such directory"
mkdir -p "$tmp/empty"
check "no database" 2 "$SUANLI" audit verify --data "$tmp/empty"
expect_in "no database named" "$tmp/err" "no platform database"
[[ ! -e "$tmp/empty/platform.db" ]] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL verify created a database"; }
echo "garbage" >"$tmp/empty/platform.db"
check "not a database" 2 "$SUANLI" audit verify --data "$tmp/empty"
check "list no directory" 2 "$SUANLI" audit list --data "$tmp/nowhere"

finish
