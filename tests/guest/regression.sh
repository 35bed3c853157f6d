#!/bin/bash
# Guest: suites we did not write, for the base-vs-series comparison: the
# base tree's perf_events kselftests and a subset of Debian perf's own
# "perf test" that can run in this guest. Writes "suite:test result" lines
# (pass, fail, skip) to /mnt/regression.txt.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/guest/lib.sh"
out=/mnt/regression.txt
: > $out
load_test_pmu || exit 1

for t in sigtrap_threads remove_on_exec watermark_signal mmap; do
	mkdir -p /mnt/logs
	# A test that was not built is a broken harness, not a result.
	[ -x "$top/build/selftests/$t" ] || { echo "kselftest:$t missing" >> $out; continue; }
	timeout 300 "$top/build/selftests/$t" > /mnt/logs/$t.log 2>&1
	case $? in
	0) r=pass ;; 4) r=skip ;; *) r=fail ;;
	esac
	echo "kselftest:$t $r" >> $out
done

# perf test numbers of Debian's perf 6.1 that exercise the kernel and run
# under TCG without a hardware PMU within a few seconds each.
perf_tests="2 3 4 5 6 8 14 15 16 17 20 21 22 23 24 25 28 29 35 50 51"
for n in $perf_tests; do
	timeout 300 perf test "$n" > /tmp/pt.log 2>&1
	cat /tmp/pt.log >> /mnt/logs/perf-test.log
	# one line per (sub)test: " 23.1: Read Only Watchpoint : Ok"
	sed -n 's/^ *\([0-9.:]*\): \(.*\) *: \(Ok\|FAILED!\|Skip.*\)$/\1 \3/p' /tmp/pt.log |
	while read -r id res; do
		case $res in
		Ok) r=pass ;; FAILED!) r=fail ;; *) r=skip ;;
		esac
		echo "perf-test:${id%:} $r" >> $out
	done
done
echo "regression: $(wc -l < $out) results"
