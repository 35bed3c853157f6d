#!/bin/bash
# Guest: the benchmarks of scripts/bench.py. Writes /mnt/bench.txt.
# Environment: VARIANT ([bench-]before|after), BENCH_SECONDS, BENCH_ONLY (names of
# hot-path benchmarks to run, default all), BENCH_UNREGISTER (the
# event counts for the unregister benchmark; after kernel only: on the base
# an unbind with live events is the use-after-free this series fixes;
# BENCH_UNREGISTER_RUN=1 runs it on any kernel, scripts/bench.py --after-dir).
# Scale mode (scripts/bench.py --scale, after kernel only): BENCH_SCALE_OTHERS
# set to the number of other test PMUs (the module's extra_pmus=) runs only
# pmu-bench scale, with BENCH_SCALE_N (event counts, default "0 1000") and
# BENCH_SCALE_REPS (unbinds per count, median, default 5).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/guest/lib.sh"
bench=$top/build/bench/pmu-bench
if [ -n "${BENCH_SCALE_OTHERS:-}" ]; then
	[ "${VARIANT#bench-}" = after ] || { echo "bench: scale mode needs the after kernel" >&2; exit 1; }
	others=$BENCH_SCALE_OTHERS
	insmod "$kbuild/lib/test_perf_pmu.ko" extra_pmus="$others" || exit 1
	wait_pmu test_pmu_0 || exit 1
	# An old module ignores the unknown parameter: check that the PMUs exist.
	if [ "$others" -gt 0 ]; then wait_pmu "test_pmu_x$((others - 1))" || exit 1; fi
	# shellcheck disable=SC2086
	setarch "$(uname -m)" -R "$bench" scale "$others" "${BENCH_SCALE_REPS:-5}" \
		${BENCH_SCALE_N:-0 1000} > /mnt/bench.txt || exit 1
	cat /mnt/bench.txt
	exit 0
fi
load_test_pmu || exit 1
bind_dev 0 && wait_pmu test_pmu_0 || exit 1
# No address space randomization: fork and exit costs depend on the layout.
# shellcheck disable=SC2086
setarch "$(uname -m)" -R "$bench" hot "${BENCH_SECONDS:-2}" ${BENCH_ONLY:-} > /mnt/bench.txt || exit 1
if [ "${VARIANT#bench-}" = after ] || [ -n "${BENCH_UNREGISTER_RUN:-}" ]; then
	unbind_dev 0
	# shellcheck disable=SC2086
	"$bench" unregister ${BENCH_UNREGISTER:-0 10 100 1000 10000} >> /mnt/bench.txt || exit 1
fi
cat /mnt/bench.txt
