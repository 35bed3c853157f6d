#!/bin/bash
# Guest side of "make stress", fault injection (boot with kmemleak=on):
# failslab and fail_page_alloc, filtered to the task under test
# (make-it-fail), fail allocations during PMU registration (bind), event
# creation of every kind, inherit at fork, and the revoke path (unbind with
# live events). Every failure must unwind: the next registration works,
# no splat, and kmemleak finds no leak at the end.
# Usage: faultinject.sh LOOPS SEED     (writes /mnt/tally.txt)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/guest/lib.sh"
loops=${1:?loops} seed=${2:?seed}
RANDOM=$seed
dbg=/sys/kernel/debug
# Static, on tmpfs: nothing of it is read over 9p while it fails allocations.
cp "$top/build/stress/pmu-stress" /tmp/pmu-stress
stress=/tmp/pmu-stress
fail() { echo "FAIL: $*"; exit 1; }

load_test_pmu || fail "test_perf_pmu did not load"
[ -e $dbg/kmemleak ] || fail "no kmemleak (boot with kmemleak=on)"
for f in failslab fail_page_alloc; do
	[ -d $dbg/$f ] || fail "no $dbg/$f"
	echo Y > $dbg/$f/task-filter
	echo N > $dbg/$f/ignore-gfp-wait
	echo 0 > $dbg/$f/verbose
	echo -1 > $dbg/$f/times
	echo 1 > $dbg/$f/interval
done
# User pages (GFP_HIGHUSER_MOVABLE) are not failed: a page fault that
# fails for lack of memory is retried forever (no OOM killer steps in),
# and a forked subshell takes copy-on-write faults. Perf allocates its
# pages (ring buffers) with GFP_KERNEL, which stays covered, down to
# order 0.
echo Y > $dbg/fail_page_alloc/ignore-gfp-highmem
echo 0 > $dbg/fail_page_alloc/min-order
probability() { echo "$1" > $dbg/failslab/probability; echo "$1" > $dbg/fail_page_alloc/probability; }
probability 0
# Allocations made so far (boot, module load) are not ours to judge.
echo scan > $dbg/kmemleak; echo clear > $dbg/kmemleak

# faulty_write VALUE FILE: a sysfs write by a subshell whose allocations
# may fail (echo is a builtin: no exec that could fail first).
faulty_write() { (echo 1 > /proc/self/make-it-fail; echo "$1" > "$2") 2>/dev/null; }
bound() { [ -e "$drv/test_perf_pmu.$1" ]; }

reg_failed=0 reg_ok=0 revoke_ok=0
for i in $(seq "$loops"); do
	p=$((RANDOM % 3)); p=$((p == 0 ? 5 : p == 1 ? 30 : 100))
	probability $p
	d=$((RANDOM % 2))

	# registration
	unbind_dev $d
	faulty_write "test_perf_pmu.$d" "$drv/bind"
	if bound $d; then reg_ok=$((reg_ok + 1)); else reg_failed=$((reg_failed + 1)); fi
	unbind_dev $d
	probability 0
	bind_dev $d; bound $d || fail "registration after an injected failure failed"
	wait_pmu test_pmu_$d || fail "test_pmu_$d missing"
	probability $p

	# event creation of every kind, inherit at fork
	# (pmu-stress sets make-it-fail in a child that does the work)
	"$stress" faults 5 >> /tmp/faults.out || fail "pmu-stress faults exited $?"

	# the revoke path: unbind with live events (opened without faults)
	probability 0
	perf stat -e test_pmu_$d/ticks/ -a -- sleep 2 > /dev/null 2>&1 &
	sleep 0.5
	probability $p
	faulty_write "test_perf_pmu.$d" "$drv/unbind"
	bound $d || revoke_ok=$((revoke_ok + 1))
	probability 0
	wait
	bind_dev $d; bound $d || fail "bind after the revoke failed"
	wait_pmu test_pmu_$d || fail "test_pmu_$d missing after the revoke"
done
probability 0

# The kernel is still fine: both PMUs count.
for d in 0 1; do
	bind_dev $d
	perf stat -x, -a -e test_pmu_$d/ns/ -- sleep 0.2 2> /tmp/s.out
	grep -Eq '^[0-9]+,' /tmp/s.out || { cat /tmp/s.out; fail "test_pmu_$d does not count after the faults"; }
done

# kmemleak: two scans, as its documentation advises.
echo scan > $dbg/kmemleak; sleep 6; echo scan > $dbg/kmemleak
cat $dbg/kmemleak > /mnt/kmemleak.txt
leaks=$(grep -c '^unreferenced object' /mnt/kmemleak.txt)
{
	echo "TALLY fault_loops $loops"
	echo "TALLY registrations_failed $reg_failed"
	echo "TALLY registrations_ok $reg_ok"
	echo "TALLY revokes_under_faults $revoke_ok"
	awk '$1 == "TALLY" { s[$2] += $3 } END { for (k in s) print "TALLY", k, s[k] }' /tmp/faults.out
	echo "TALLY kmemleak_leaks $leaks"
} | tee /mnt/tally.txt
[ "$leaks" = 0 ] || { head -40 /mnt/kmemleak.txt; fail "kmemleak: $leaks leaks"; }
[ $((reg_failed + reg_ok)) = "$loops" ] || fail "registration count"
echo "faultinject: ok"
