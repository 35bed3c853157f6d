#!/bin/bash
# Guest: load the test PMU driver and run the pmu_unregister kselftest.
# The kselftest harness exits 0 when every case passed or skipped; here the
# run passes only if every case the binary lists ran and passed. A case may
# skip only if tests/kselftest-allowed-skips.txt names it with its reason.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/guest/lib.sh"
load_test_pmu || { echo "cannot load test_perf_pmu"; exit 1; }
export TEST_PERF_PMU_KO=$kbuild/lib/test_perf_pmu.ko
bin=$top/build/selftests/pmu_unregister
"$bin" 2>&1 | tee /tmp/kselftest.log
rc=${PIPESTATUS[0]}
# Cases the binary has ("-l": "<fixture> <case>" lines).
want=$("$bin" -l 2>&1 | grep -v '^#\|^---' | grep -c .)
totals=$(grep '^# Totals:' /tmp/kselftest.log | tail -1)
get() { echo "$totals" | sed -n "s/.* $1:\([0-9]*\).*/\1/p"; }
pass=$(get pass) fail=$(get fail) skip=$(get skip) err=$(get error)
echo "selftest: $want cases listed; $totals"
[ "$rc" = 0 ] || { echo "FAIL: kselftest exit $rc"; exit 1; }
[ -n "$pass" ] && [ "$want" -gt 0 ] || { echo "FAIL: no totals or no cases"; exit 1; }
allowed=$(grep -v '^#' "$top/tests/kselftest-allowed-skips.txt" | cut -d'|' -f1 | tr -d ' ')
bad=0
for c in $(sed -n 's/^ok [0-9]* [^.]*\.\([^ ]*\) # SKIP.*/\1/p' /tmp/kselftest.log); do
	if echo "$allowed" | grep -qxF "$c"; then
		echo "skip allowed: $c"
	else
		echo "FAIL: case $c skipped (not in tests/kselftest-allowed-skips.txt)"; bad=1
	fi
done
allowed_skips=$(sed -n 's/^ok [0-9]* [^.]*\.\([^ ]*\) # SKIP.*/\1/p' /tmp/kselftest.log |
	grep -cxF -f <(echo "$allowed") || true)
if [ "$((pass + allowed_skips))" != "$want" ] || [ "$fail" != 0 ] || [ "$err" != 0 ]; then
	echo "FAIL: $want cases, $pass passed, $allowed_skips allowed skips, fail $fail, error $err"
	bad=1
fi
[ $bad = 0 ] && echo "PASS: $pass of $want cases ran and passed"
exit $bad
