#!/bin/bash
# Guest: the test PMU driver's contract, with no unbind while events are open.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/guest/lib.sh"

check() { log "check: $*"; }
fail() { echo "FAIL: $*"; exit 1; }

load_test_pmu || fail "module did not load"
for d in 0 1; do
	[ -e "$drv/test_perf_pmu.$d" ] || fail "test_perf_pmu.$d not bound"
	for f in type events/ticks events/ns format/event; do
		[ -e "/sys/bus/event_source/devices/test_pmu_$d/$f" ] || fail "test_pmu_$d/$f missing"
	done
done
grep -qx 'event=0x00' /sys/bus/event_source/devices/test_pmu_0/events/ticks || fail "ticks encoding"

check "per-task counting event advances"
perf stat -x, -e test_pmu_0/ticks/ -- sleep 0.3 2> /tmp/s.out
cat /tmp/s.out
n=$(awk -F, '/test_pmu_0\/ticks\//{print $1}' /tmp/s.out)
[ "${n:-0}" -gt 0 ] 2>/dev/null || fail "no ticks counted: $n"

check "per-CPU events and inherit on a forking workload"
perf stat -x, -a -e test_pmu_0/ns/ -- sh -c 'sleep 0.2 & sleep 0.2; wait' 2> /tmp/s.out
grep -Eq '^[0-9]+,,test_pmu_0/ns/' /tmp/s.out || { cat /tmp/s.out; fail "per-CPU ns"; }

check "group of test_pmu_0 events"
perf stat -x, -e '{test_pmu_0/ticks/,test_pmu_0/ns/}' -- sleep 0.2 2> /tmp/s.out
grep -Eq '^[0-9]+,,test_pmu_0/ns/' /tmp/s.out || { cat /tmp/s.out; fail "group"; }

check "software leader with test_pmu_0 sibling"
perf stat -x, -e '{cpu-clock,test_pmu_0/ticks/}' -- sleep 0.2 2> /tmp/s.out
grep -Eq '^[0-9]+,,test_pmu_0/ticks/' /tmp/s.out || { cat /tmp/s.out; fail "sw-led group"; }

check "system-wide test_pmu_1 on its one CPU"
cat /sys/bus/event_source/devices/test_pmu_1/cpumask
perf stat -x, -a -e test_pmu_1/ticks/ -- sleep 0.2 2> /tmp/s.out
grep -Eq '^[0-9]+,,test_pmu_1/ticks/' /tmp/s.out || { cat /tmp/s.out; fail "test_pmu_1"; }
if perf stat -e test_pmu_1/ticks/ -- true 2>/dev/null; then
	: # perf falls back to system-wide for uncore-like PMUs; fine either way
fi

check "sampling on test_pmu_0 (hrtimer driven)"
perf record -q -o /tmp/perf.data -e test_pmu_0/ticks,period=1000/ -- \
	sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done'
nr=$(perf report -q -i /tmp/perf.data --stdio -F overhead 2>/dev/null | grep -c . || true)
perf script -i /tmp/perf.data 2>/dev/null | head -3
samples=$(perf script -i /tmp/perf.data 2>/dev/null | wc -l)
[ "$samples" -gt 0 ] || fail "no samples"
log "samples: $samples"

check "unbind and bind with no events open"
for i in 1 2 3; do
	unbind_dev 0; unbind_dev 1
	[ ! -e /sys/bus/event_source/devices/test_pmu_0 ] || fail "test_pmu_0 still there after unbind"
	bind_dev 0; bind_dev 1
	wait_pmu test_pmu_0 && wait_pmu test_pmu_1 || fail "rebind"
done
perf stat -x, -e test_pmu_0/ticks/ -- sleep 0.1 2> /tmp/s.out
grep -Eq '^[0-9]+,,test_pmu_0/ticks/' /tmp/s.out || fail "counting after rebind"

check "rmmod and insmod"
rmmod test_perf_pmu || fail "rmmod"
[ ! -e /sys/bus/event_source/devices/test_pmu_0 ] || fail "PMU left after rmmod"
load_test_pmu || fail "reload"
rmmod test_perf_pmu || fail "second rmmod"

s=$(kernel_splats)
[ -z "$s" ] || fail "kernel splat: $s"
echo "PASS"
