#!/bin/bash
# make test: build what is needed, run every suite, end with one line
# "N passed, N failed".  Exit status is non-zero if anything failed.
# Each suite is a command; its output goes to out/test/<suite>.log.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/out/test
rm -rf "$out"; mkdir -p "$out"
pass=0 fail=0 failed=()

suite() {
	local name=$1; shift
	local t0=$SECONDS
	printf '%-40s ' "$name"
	if "$@" > "$out/$name.log" 2>&1; then
		pass=$((pass + 1)); echo "ok   ($((SECONDS - t0))s)"
	else
		fail=$((fail + 1)); failed+=("$name"); echo "FAIL ($((SECONDS - t0))s, out/test/$name.log)"
		tail -15 "$out/$name.log" | sed 's/^/    /'
	fi
}

# Host-side checks of the workbench itself.
suite workbench-triage python3 tests/workbench/test_triage.py
suite workbench-export tests/workbench/export-idempotent.sh

# Kernels.  A failed build fails every suite that needs it.
suite build-after scripts/build.sh after
suite build-before scripts/build.sh before

# Guest suites (each boots the VM; see tests/guest/).
for t in tests/guest/t-*.sh; do
	suite "$(basename "$t" .sh)" "$t"
done

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
