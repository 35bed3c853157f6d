#!/bin/bash
# Guest side of "make stress", fault injection (boot with kmemleak=on):
# failslab and fail_page_alloc, filtered to the task under test
# (make-it-fail), fail allocations during PMU registration (bind), event
# creation of every kind, inherit at fork, and the revoke path (unbind with
# live events). Every failure must unwind: the next registration works,
# no splat, and kmemleak finds no leak at the end. Not vacuous: each phase
# must have had faults injected (counted by failslab's and
# fail_page_alloc's "times"), a probe must have failed inside the
# registration, an open and a fork must have failed, and every event held
# across the revoke step must be revoked, with the revoked contract.
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
# Injected faults are counted by "times": each injected failure decrements
# it (lib/fault-inject.c; -1 would mean unlimited and is never decremented),
# and a billion is never reached. injected prints the total so far.
fi_times=1000000000
for f in failslab fail_page_alloc; do
	[ -d $dbg/$f ] || fail "no $dbg/$f"
	echo Y > $dbg/$f/task-filter
	echo N > $dbg/$f/ignore-gfp-wait
	echo 0 > $dbg/$f/verbose
	echo $fi_times > $dbg/$f/times
	echo 1 > $dbg/$f/interval
done
injected() {
	local a b
	read -r a < $dbg/failslab/times; read -r b < $dbg/fail_page_alloc/times
	echo $((2 * fi_times - a - b))
}
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
# Probes of the test PMU that failed (an injected failure inside the
# registration, not in the sysfs write before it): the driver core logs them.
probe_failures() { dmesg | grep -c 'probe with driver test_perf_pmu failed'; }
# sum NAME: total of "TALLY NAME n" lines pmu-stress printed so far.
sum() { awk -v k="$1" '$1 == "TALLY" && $2 == k { s += $3 } END { print s + 0 }' /tmp/faults.out; }
: > /tmp/faults.out

reg_failed=0 reg_ok=0 probe_failed=0 revoke_faulty=0 revoke_clean=0
inj_reg=0 inj_open=0 inj_inherit=0 inj_revoke=0

# register D P: bind test_perf_pmu.D with faults at probability P, then
# check that a clean registration works.
register() {
	local d=$1 t0 pf
	unbind_dev $d
	pf=$(probe_failures) t0=$(injected)
	probability $2
	faulty_write "test_perf_pmu.$d" "$drv/bind"
	probability 0
	inj_reg=$((inj_reg + $(injected) - t0))
	probe_failed=$((probe_failed + $(probe_failures) - pf))
	if bound $d; then reg_ok=$((reg_ok + 1)); else reg_failed=$((reg_failed + 1)); fi
	unbind_dev $d
	bind_dev $d; bound $d || fail "registration after an injected failure failed"
	wait_pmu test_pmu_$d || fail "test_pmu_$d missing"
}

for i in $(seq "$loops"); do
	p=$((RANDOM % 3)); p=$((p == 0 ? 5 : p == 1 ? 30 : 100))
	d=$((RANDOM % 2))

	# registration
	register $d $p

	# event creation of every kind, then inherit at fork
	# (pmu-stress sets make-it-fail in a child that does the work)
	t0=$(injected)
	probability $p
	"$stress" faults 5 open >> /tmp/faults.out; rc=$?
	probability 0
	[ $rc = 0 ] || fail "pmu-stress faults open exited $rc"
	t1=$(injected)
	probability $p
	"$stress" faults 5 inherit >> /tmp/faults.out; rc=$?
	probability 0
	[ $rc = 0 ] || fail "pmu-stress faults inherit exited $rc"
	t2=$(injected)
	inj_open=$((inj_open + t1 - t0)) inj_inherit=$((inj_inherit + t2 - t1))

	# the revoke path: unbind with live events of every kind (opened
	# without faults) by a writer whose allocations fail. At 100% the
	# write fails before it reaches the driver: 30% there. The write is
	# retried until the device is unbound (a clean unbind after 30).
	rm -f /tmp/held
	"$stress" hold $d 60 /tmp/held >> /tmp/faults.out &
	holder=$!
	for w in $(seq 1200); do
		[ -e /tmp/held ] && break
		kill -0 $holder 2> /dev/null || break
		sleep 0.05
	done
	[ -e /tmp/held ] || { wait $holder; tail -5 /tmp/faults.out; fail "revoke: the events on test_pmu_$d were not opened"; }
	t0=$(injected)
	probability $((p == 100 ? 30 : p))
	for w in $(seq 30); do
		faulty_write "test_perf_pmu.$d" "$drv/unbind"
		bound $d || break
	done
	probability 0
	inj_revoke=$((inj_revoke + $(injected) - t0))
	if bound $d; then
		revoke_clean=$((revoke_clean + 1))
		unbind_dev $d
	else
		revoke_faulty=$((revoke_faulty + 1))
	fi
	# It checks that every event it held was revoked, with the contract.
	wait $holder; rc=$?
	[ $rc = 0 ] || { tail -20 /tmp/faults.out; fail "revoke: pmu-stress hold $d exited $rc"; }
	bind_dev $d; bound $d || fail "bind after the revoke failed"
	wait_pmu test_pmu_$d || fail "test_pmu_$d missing after the revoke"
done
# A registration that failed inside the probe is what this step is for; if
# the draws above never produced one, keep trying at 5% (the sysfs write
# allocates a few times before the probe, the registration many times).
for i in $(seq 40); do
	[ $probe_failed -gt 0 ] && break
	register $((i % 2)) 5
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
	echo "TALLY registration_probes_failed $probe_failed"
	echo "TALLY faults_injected_registration $inj_reg"
	echo "TALLY faults_injected_open $inj_open"
	echo "TALLY faults_injected_inherit $inj_inherit"
	echo "TALLY faults_injected_revoke $inj_revoke"
	echo "TALLY revokes_under_faults $revoke_faulty"
	echo "TALLY revokes_clean_fallback $revoke_clean"
	awk '$1 == "TALLY" { s[$2] += $3 } END { for (k in s) print "TALLY", k, s[k] }' /tmp/faults.out
	echo "TALLY kmemleak_leaks $leaks"
} | tee /mnt/tally.txt
[ "$leaks" = 0 ] || { head -40 /mnt/kmemleak.txt; fail "kmemleak: $leaks leaks"; }
# Each phase had faults injected and they made something fail, and the
# revoke step revoked what it held (pmu-stress hold already failed on any
# event not revoked or not behaving as revoked).
bad=
for v in inj_reg inj_open inj_inherit inj_revoke probe_failed revoke_faulty; do
	[ "${!v}" -gt 0 ] || bad="$bad $v=0"
done
[ "$(sum fault_open_failed)" -gt 0 ] || bad="$bad fault_open_failed=0"
[ "$(sum fault_fork_failed)" -gt 0 ] || bad="$bad fault_fork_failed=0"
[ "$(sum revoke_events_revoked)" -ge $((loops * 3)) ] || bad="$bad revoke_events_revoked=$(sum revoke_events_revoked)"
[ "$(sum revoke_events_revoked)" = "$(sum revoke_events_open)" ] || bad="$bad revoked_not_all"
[ "$(sum revoke_contract_violations)" = 0 ] || bad="$bad revoke_contract_violations=$(sum revoke_contract_violations)"
[ -z "$bad" ] || fail "vacuous or broken:$bad"
echo "faultinject: ok"
