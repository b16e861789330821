# shellcheck shell=bash
# The end-to-end CLI tests' harness (sourced by tests/*_test.sh, not run). Sets up a temporary
# directory $tmp (removed on exit) and the pass/fail counters; `finish` prints
# "N passed, M failed" and is the script's exit status.
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {  # check NAME EXPECTED_RC COMMAND...  (stdout → $tmp/out, stderr → $tmp/err)
  local name=$1 want=$2
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [[ $got -eq $want ]]; then pass=$((pass + 1)); else
    fail=$((fail + 1))
    echo "FAIL $name: exit $got, wanted $want"
    head -5 "$tmp/out" "$tmp/err"
  fi
}

expect_in() {  # expect_in NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then pass=$((pass + 1)); else
    fail=$((fail + 1))
    echo "FAIL $1: '$3' not in $2:"
    head -8 "$2"
  fi
}

finish() {
  echo "$pass passed, $fail failed"
  [[ $fail -eq 0 ]]
}
