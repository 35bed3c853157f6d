#!/bin/bash
# Generated results that depend only on the kernels must match what
# generates them: results/selftest-pmu_unregister-on-base.txt must list
# exactly the cases of the pmu_unregister kselftest in linux/, and its
# header the count it claims. Regenerate with
#   tests/guest/selftest-matrix.sh before results/selftest-pmu_unregister-on-base.txt
# (one boot per case of the before kernel, about 40 s each).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
src=$top/linux/tools/testing/selftests/perf_events/pmu_unregister.c
res=$top/results/selftest-pmu_unregister-on-base.txt
fail=0
cases=$(sed -nE 's/^TEST_F\([a-z_]+, ([a-z0-9_]+)\).*/\1/p; s/^TEST\(([a-z0-9_]+)\).*/\1/p' "$src" | sort)
listed=$(grep -v '^#' "$res" | awk 'NF {print $1}' | sort)
n=$(echo "$cases" | grep -c .)
if [ "$cases" != "$listed" ]; then
	echo "FAIL: ${res#"$top"/} is stale: cases in the kselftest (<) vs in the file (>):"
	diff <(echo "$cases") <(echo "$listed") | grep '^[<>]'
	fail=1
fi
grep -q "all $n pass" "$res" || { echo "FAIL: ${res#"$top"/} does not say \"all $n pass\""; fail=1; }
[ $fail = 1 ] || echo "ok: ${res#"$top"/} lists the $n cases of the kselftest"
exit $fail
