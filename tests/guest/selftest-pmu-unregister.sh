#!/bin/bash
# Guest: load the test PMU driver and run the pmu_unregister kselftest.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/guest/lib.sh"
load_test_pmu || { echo "cannot load test_perf_pmu"; exit 1; }
export TEST_PERF_PMU_KO=$kbuild/lib/test_perf_pmu.ko
"$top/build/selftests/pmu_unregister"
