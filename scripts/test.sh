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
suite workbench-bench python3 tests/workbench/test_bench.py
suite workbench-insn-profile python3 tests/workbench/test_insn_profile.py
suite workbench-export tests/workbench/export-idempotent.sh

# Kernels.  A failed build fails every suite that needs it.
suite build-after scripts/build.sh after
suite build-before scripts/build.sh before
suite build-arm64-after scripts/build.sh arm64-after
suite build-arm64-before scripts/build.sh arm64-before

# Series hygiene (make check): checkpatch, MAINTAINERS, kernel-doc, no new
# W=1/sparse warnings, every patch builds.
suite check-series-hygiene scripts/check.sh checkpatch maintainers kernel-doc
suite check-warnings-w1-sparse scripts/warnings.sh
suite check-bisect-x86_64-arm64 scripts/check.sh bisect

# The VM runner's own contract (exit status, splat, timeout).
suite workbench-vm-runner tests/workbench/vm-runner.sh

# KUnit, through the kernel's kunit.py, on the after kernel.
suite kunit-perf-pmu-unregister tests/kunit/run.sh x86_64
# The same suites on arm64: the core patches on a second architecture.
suite kunit-arm64-perf-pmu-unregister tests/kunit/run.sh arm64

# Guest suites.
mkdir -p "$top/build/selftests"
suite build-selftests make -s -C linux/tools/testing/selftests/perf_events \
	OUTPUT="$top/build/selftests"
suite guest-selftest-pmu-unregister scripts/vm --out out/test/selftest --timeout 900 \
	--env "export LOOPS=${LOOPS:-5} SEED=${SEED:-1}" -- tests/guest/selftest-pmu-unregister.sh
suite guest-test-pmu-smoke scripts/vm --out out/test/smoke --timeout 240 -- \
	tests/guest/smoke-test-pmu.sh
# The harness must see the bug on the base: one try, a KASAN report.
suite guest-before-unbind-uaf tests/guest/unbind-perf.sh before 1 "${SEED:-1}" 1
suite guest-after-unbind-perf tests/guest/unbind-perf.sh after "${TRIES:-50}" "${SEED:-1}" 0
# The PMU of a PCI device (QEMU edu): sysfs remove/rescan and ACPI
# hot-unplug through QMP device_del/device_add while perf stat runs.
suite guest-after-pci-remove-unplug scripts/vm --out out/test/pci \
	--device edu,id=edu0,addr=0x5 --timeout $((120 + 60 * ${PCI_TRIES:-5})) -- \
	tests/guest/pci-hotplug.sh "${PCI_TRIES:-5}" "${SEED:-1}"
# i915's mock selftest of its PMU (no GPU), under KASAN, then rmmod i915.
suite guest-i915-mock-pmu scripts/vm --out out/test/i915 --timeout 600 -- \
	tests/guest/i915-mock-pmu.sh
# Suites we did not write, base vs series (results/regression-table.txt).
suite regression-base-vs-series scripts/regression.py
suite guest-after-perf-record-inherit scripts/vm --out out/test/perf-tool \
	--timeout $((120 + 30 * ${PERF_TRIES:-50})) -- \
	tests/guest/perf-tool.sh "${PERF_TRIES:-50}" "${SEED:-1}"

# arm64 (qemu-system-aarch64, TCG): the real arm_cspmu driver on three fake
# CoreSight PMUs; backends come and go, sysfs unbind/bind, with events open.
suite guest-arm64-after-cspmu tests/arm64/run.sh after "${CSPMU_LOOPS:-10}"
# The base refuses those steps, and crashes when forced.
suite guest-arm64-before-cspmu tests/arm64/run.sh before

# A short "make stress" (4 vCPUs): unbind/bind, event users of every kind,
# fork storm, CPU hotplug, cgroup moves and trinity for STRESS_SECONDS,
# then fault injection with a kmemleak scan. Longer soaks: make stress.
suite stress-short env DURATION="${STRESS_SECONDS:-120}" FAULT_LOOPS="${FAULT_LOOPS:-10}" \
	SEED="${SEED:-1}" KCSAN=0 scripts/stress.sh

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
