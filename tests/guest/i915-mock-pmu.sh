#!/bin/bash
# Guest: i915's mock selftest of its PMU (no GPU): register the PMU of a
# mock device, unregister it with events open, free the device under the
# events, register again (drivers/gpu/drm/i915/selftests/i915_pmu.c).
# Then i915 must unload: revoked events hold no module reference.
# The VM runner fails the run on any splat (KASAN, lockdep, ...).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/guest/lib.sh"
root=$kbuild/modroot
rel=$(uname -r)
ko=$(find "$root/lib/modules/$rel" -name i915.ko)
[ -n "$ko" ] || { echo "FAIL: no i915.ko for $rel under $root"; exit 1; }

# The selftest's module parameter carries its line in the list of tests.
param=$(modinfo -p "$ko" | sed -n 's/^\(igt__[0-9]*__mock_pmu\):.*/\1/p')
[ -n "$param" ] || { echo "FAIL: i915 has no mock pmu selftest"; exit 1; }

log "modprobe i915 mock_selftests=-1 $param=1"
modprobe -d "$root" i915 mock_selftests=-1 "$param=1" || { echo "FAIL: modprobe"; exit 1; }
# -ENOTTY: every selected test passed and the driver did not register.
res=$(cat /sys/module/i915/parameters/mock_selftests)
dmesg | grep -E 'i915.*(igt_pmu|pmu|mock)' | tail -20
[ "$res" = -25 ] || { echo "FAIL: mock selftests returned $res"; exit 1; }
dmesg | grep -q 'events revoked and read after their device was freed' ||
	{ echo "FAIL: the pmu selftest did not run to its end"; exit 1; }

log "rmmod i915"
refs=$(cat /sys/module/i915/refcnt)
rmmod i915 || { echo "FAIL: rmmod i915 (refcnt $refs)"; exit 1; }
s=$(kernel_splats)
[ -z "$s" ] || { echo "FAIL: kernel splat: $s"; exit 1; }
echo "PASS: i915 mock pmu selftest, module unloaded"
