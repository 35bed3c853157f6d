#!/bin/bash
# Run the series' KUnit suites on the after kernel through the kernel's own
# kunit.py (exec: the kernel is built by scripts/build.sh, with the tests
# built in and disabled by default; kunit.py boots it with kunit.enable=1).
# Fails on any failed test and on any kernel splat in the console.
# Usage: tests/kunit/run.sh [x86_64|arm64] [filter_glob]
# VARIANT=mutant (make mutate) runs them on build/<VARIANT> instead of
# build/after; KUNIT_TIMEOUT (default 900) caps the run in seconds.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
arch=${1:-x86_64}
glob=${2:-perf_pmu_unregister*}
variant=${VARIANT:-after}
out=$top/build/$variant
[ "$arch" = x86_64 ] || out=$top/build/$arch-$variant
python3 "$top/linux/tools/testing/kunit/kunit.py" exec --arch="$arch" \
	--build_dir="$out" --timeout="${KUNIT_TIMEOUT:-900}" --qemu_args='-smp 2' "$glob"
rc=$?
mkdir -p "$top/out"
log=$top/out/kunit-console-$arch.log
[ "$variant" = after ] || log=$top/out/kunit-console-$arch-$variant.log
cp "$out/test.log" "$log" 2>/dev/null
if ! python3 "$top/scripts/triage.py" "$out/test.log"; then
	echo "kernel splat during the KUnit run (above)"
	rc=1
fi
exit $rc
