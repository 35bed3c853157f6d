#!/bin/bash
# Run each pmu_unregister kselftest case in its own boot of one kernel, so
# that a case that crashes the kernel does not hide the others.
# Prints "case result" lines: pass, fail, splat (the kernel reported a
# problem), died (the guest crashed or hung).
# Usage: selftest-matrix.sh before|after [out-file]
# CASES="a b": run only those cases and merge their lines into out-file,
# which keeps the other cases' lines from its last full run (in the order
# of the kselftest's list).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
variant=$1 outfile=${2:-/dev/stdout}
bin=$top/build/selftests/pmu_unregister
out=$top/out/matrix-$variant
rm -rf "$out"; mkdir -p "$out"
: > "$out/table"
all=$("$bin" -l 2>&1 | awk '/^#|^---/ {next} NF {print $NF}')
for t in ${CASES:-$all}; do
	"$top/scripts/vm" --variant "$variant" --out "$out/$t" --timeout 150 --append oops=panic \
		--env "export VARIANT=$variant" -- \
		bash -c "top=$top; . $top/tests/guest/lib.sh; load_test_pmu && TEST_PERF_PMU_KO=\$kbuild/lib/test_perf_pmu.ko $bin -t $t" \
		> "$out/$t.log" 2>&1
	case $? in
	0)	r=pass ;;
	125)	r=splat ;;
	124|126) r=died ;;
	*)	r=fail ;;
	esac
	s=$(python3 "$top/scripts/triage.py" "$out/$t/console.log" | head -1 | sed 's/^\[[^]]*\] //')
	printf '%-40s %-6s %s\n' "$t" "$r" "$s" | tee -a "$out/table"
done
if [ -n "${CASES:-}" ] && [ -f "$outfile" ]; then
	for t in $all; do
		grep -m1 "^$t " "$out/table" || grep -m1 "^$t " "$outfile"
	done > "$out/merged"
	mv "$out/merged" "$out/table"
fi
n=$(grep -c . "$out/table")
{
	echo "# pmu_unregister kselftest, each case in its own boot of the $variant kernel"
	echo "# (tests/guest/selftest-matrix.sh $variant). With the series all $n pass in one boot, no"
	echo "# splat, no skip (make test: guest-selftest-pmu-unregister)."
	cat "$out/table"
} > "$out/table.txt"
[ "$outfile" = /dev/stdout ] || cp "$out/table.txt" "$outfile"
