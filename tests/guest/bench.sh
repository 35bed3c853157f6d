#!/bin/bash
# Guest: the benchmarks of scripts/bench.py. Writes /mnt/bench.txt.
# Environment: VARIANT ([bench-]before|after), BENCH_SECONDS, BENCH_ONLY (names of
# hot-path benchmarks to run, default all), BENCH_UNREGISTER (the
# event counts for the unregister benchmark; after kernel only: on the base
# an unbind with live events is the use-after-free this series fixes).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/guest/lib.sh"
bench=$top/build/bench/pmu-bench
load_test_pmu || exit 1
bind_dev 0 && wait_pmu test_pmu_0 || exit 1
# No address space randomization: fork and exit costs depend on the layout.
# shellcheck disable=SC2086
setarch "$(uname -m)" -R "$bench" hot "${BENCH_SECONDS:-2}" ${BENCH_ONLY:-} > /mnt/bench.txt || exit 1
if [ "${VARIANT#bench-}" = after ]; then
	unbind_dev 0
	# shellcheck disable=SC2086
	"$bench" unregister ${BENCH_UNREGISTER:-0 10 100 1000 10000} >> /mnt/bench.txt || exit 1
fi
cat /mnt/bench.txt
