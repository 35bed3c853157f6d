#!/bin/bash
# make test: build what is needed, run every suite, end with one line
# "N passed, N failed".  Exit status is non-zero if anything failed.
# Each suite is a command; its output goes to out/test/<suite>.log.
# A suite whose kernel (or other prerequisite suite) failed is not run and
# counts as failed: it would otherwise boot a stale image.
#
# Counts: the defaults fit CI's budget; FULL=1 uses the full counts (the
# numbers the cover letter quotes). Any one can be set on its own:
#   TRIES (perf stat unbind tries), PERF_TRIES (record/inherit tries),
#   PCI_TRIES, LOOPS (kselftest loops), CSPMU_LOOPS, STRESS_SECONDS,
#   FAULT_LOOPS, DEV_LOOPS, SEED.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/out/test
rm -rf "$out"; mkdir -p "$out"
if [ "${FULL:-0}" = 1 ]; then
	: "${TRIES:=50}" "${PERF_TRIES:=50}" "${PCI_TRIES:=5}" "${LOOPS:=5}"
	: "${CSPMU_LOOPS:=10}" "${STRESS_SECONDS:=120}" "${FAULT_LOOPS:=10}" "${DEV_LOOPS:=5}"
else
	: "${TRIES:=10}" "${PERF_TRIES:=8}" "${PCI_TRIES:=3}" "${LOOPS:=2}"
	: "${CSPMU_LOOPS:=10}" "${STRESS_SECONDS:=90}" "${FAULT_LOOPS:=6}" "${DEV_LOOPS:=2}"
fi
: "${SEED:=1}"
pass=0 fail=0 failed=() n=0 total=0 counting=1 t_start=$SECONDS
declare -A status

fmt() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# suite <name> <needs: comma-separated suites, or -> <command...>
suite() {
	local name=$1 needs=$2; shift 2
	if [ $counting = 1 ]; then total=$((total + 1)); return; fi
	n=$((n + 1))
	local t0=$SECONDS dep missing=
	printf '[%2d/%d %7s] %-36s ' "$n" "$total" "$(fmt $((SECONDS - t_start)))" "$name"
	for dep in ${needs//,/ }; do
		[ "$dep" = - ] || [ "${status[$dep]:-}" = ok ] || missing+=" $dep"
	done
	if [ -n "$missing" ]; then
		status[$name]=fail; fail=$((fail + 1)); failed+=("$name")
		echo "FAIL (not run: needs$missing)" | tee "$out/$name.log"
		return
	fi
	if "$@" > "$out/$name.log" 2>&1; then
		status[$name]=ok; pass=$((pass + 1)); echo "ok   ($((SECONDS - t0))s)"
	else
		status[$name]=fail; fail=$((fail + 1)); failed+=("$name")
		echo "FAIL ($((SECONDS - t0))s, out/test/$name.log)"
		tail -15 "$out/$name.log" | sed 's/^/    /'
	fi
}

plan() {
# Host-side checks of the workbench itself.
suite workbench-triage - python3 tests/workbench/test_triage.py
suite workbench-bench - python3 tests/workbench/test_bench.py
suite workbench-insn-profile - python3 tests/workbench/test_insn_profile.py
suite workbench-build-progress - python3 tests/workbench/test_build_progress.py
suite workbench-export - tests/workbench/export-idempotent.sh
# make mutate's mutants still apply to the series (a core change can break one).
suite workbench-mutants-apply - tests/workbench/mutants-apply.sh
suite workbench-results-fresh - tests/workbench/results-fresh.sh

# Kernels (PMU_PROGRESS_EVERY: a progress line per minute in the logs).
suite build-after - scripts/build.sh after
suite build-before - scripts/build.sh before
suite build-i915 build-after scripts/build.sh i915
suite build-arm64-after - scripts/build.sh arm64-after
suite build-arm64-before - scripts/build.sh arm64-before

# Series hygiene (make check): checkpatch, MAINTAINERS, kernel-doc, no new
# W=1/sparse warnings, every patch builds.
suite check-series-hygiene - scripts/check.sh checkpatch maintainers kernel-doc
suite check-warnings-w1-sparse build-after,build-before,build-i915 scripts/warnings.sh
suite check-bisect-x86_64-arm64 build-after,build-i915,build-arm64-after scripts/check.sh bisect

# The VM runner's own contract (exit status, splat in any boot, timeout,
# a payload that did not run, a checkout under /tmp).
suite workbench-vm-runner build-after,build-arm64-after tests/workbench/vm-runner.sh

# KUnit, through the kernel's kunit.py, on the after kernel.
suite kunit-perf-pmu-unregister build-after tests/kunit/run.sh x86_64
# The same suites on arm64: the core patches on a second architecture.
suite kunit-arm64-perf-pmu-unregister build-arm64-after tests/kunit/run.sh arm64

# Guest suites.
# lib.mk does not create OUTPUT itself (a clean clone has no build/selftests).
suite build-selftests - bash -c 'mkdir -p "$1" &&
	make -s -C linux/tools/testing/selftests/perf_events OUTPUT="$1"' - "$top/build/selftests"
suite guest-selftest-pmu-unregister build-after,build-selftests \
	scripts/vm --out out/test/selftest --timeout 900 \
	--env "export LOOPS=$LOOPS SEED=$SEED" -- tests/guest/selftest-pmu-unregister.sh
suite guest-test-pmu-smoke build-after scripts/vm --out out/test/smoke --timeout 240 -- \
	tests/guest/smoke-test-pmu.sh
# The harness must see the bug on the base: one try, a KASAN report.
suite guest-before-unbind-uaf build-before tests/guest/unbind-perf.sh before 1 "$SEED" 1
suite guest-after-unbind-perf build-after tests/guest/unbind-perf.sh after "$TRIES" "$SEED" 0
# The PMU of a PCI device (QEMU edu): sysfs remove/rescan and ACPI
# hot-unplug through QMP device_del/device_add while perf stat runs.
suite guest-after-pci-remove-unplug build-after scripts/vm --out out/test/pci \
	--device edu,id=edu0,addr=0x5 --timeout $((120 + 60 * PCI_TRIES)) -- \
	tests/guest/pci-hotplug.sh "$PCI_TRIES" "$SEED"
# i915's mock selftest of its PMU (no GPU), under KASAN, then rmmod i915.
suite guest-i915-mock-pmu build-i915 scripts/vm --variant i915 --out out/test/i915 \
	--timeout 600 --env "export VARIANT=i915" -- tests/guest/i915-mock-pmu.sh
# Suites we did not write, base vs series (results/regression-table.txt).
suite regression-base-vs-series build-after,build-before,build-selftests scripts/regression.py
suite guest-after-perf-record-inherit build-after scripts/vm --out out/test/perf-tool \
	--timeout $((120 + 60 * PERF_TRIES)) -- \
	tests/guest/perf-tool.sh "$PERF_TRIES" "$SEED"
# perf record -s: a child's exit writes its PERF_RECORD_READ (patch 1; the
# base writes none).
suite guest-after-inherit-stat-read build-after scripts/vm --out out/test/inherit-stat \
	--timeout 240 -- tests/guest/inherit-stat-read.sh

# arm64 (qemu-system-aarch64, TCG): the real arm_cspmu driver on three fake
# CoreSight PMUs; backends come and go, sysfs unbind/bind, with events open.
suite guest-arm64-after-cspmu build-arm64-after tests/arm64/run.sh after "$CSPMU_LOOPS"
# The base refuses those steps; forced (rmmod -f), it crashes at the next read.
suite guest-arm64-before-cspmu build-arm64-before tests/arm64/run.sh before
# A fourth device, a second NVIDIA SCF PMU whose backend name is taken: it
# stays bound generically, across backend loads and unloads (on the base
# it is left unbound).
suite guest-arm64-after-cspmu-dup build-arm64-after env CASE=dup tests/arm64/run.sh after
# The other arm64 PMU drivers that the second series converts, on fake
# devices (tests/arm64/devices.conf: SMMUv3 PMCG, i.MX8/i.MX9 DDR, CN10K
# DDR and TAD, RK3568 DFI): unbind, bind and rmmod with events open
# (DEV_LOOPS rounds); the base must refuse the unbind and the rmmod.
suite guest-arm64-after-devices build-arm64-after tests/arm64/devtest.sh after "$DEV_LOOPS"
suite guest-arm64-before-devices build-arm64-before tests/arm64/devtest.sh before

# A short "make stress" (4 vCPUs): unbind/bind, event users of every kind,
# fork storm, CPU hotplug, cgroup moves and trinity for STRESS_SECONDS,
# then fault injection with a kmemleak scan. Longer soaks: make stress.
suite stress-short build-after env DURATION="$STRESS_SECONDS" FAULT_LOOPS="$FAULT_LOOPS" \
	SEED="$SEED" KCSAN=0 scripts/stress.sh
}

plan
counting=0
echo "make test: $total suites on $(git -C linux log -1 --format=%s base 2>/dev/null || echo '?')" \
	"(TRIES=$TRIES PERF_TRIES=$PERF_TRIES PCI_TRIES=$PCI_TRIES LOOPS=$LOOPS" \
	"CSPMU_LOOPS=$CSPMU_LOOPS DEV_LOOPS=$DEV_LOOPS STRESS_SECONDS=$STRESS_SECONDS FAULT_LOOPS=$FAULT_LOOPS SEED=$SEED)"
plan
echo "total time $(fmt $((SECONDS - t_start)))"
[ $fail = 0 ] || echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
