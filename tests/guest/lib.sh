# Helpers for guest-side test scripts (sourced; runs inside the test VM).
# The project directory is the host's, visible at the same path.

top=${top:-$(cd "$(dirname "$0")/../.." && pwd)}
variant=${VARIANT:-after}
kbuild=$top/build/$variant
drv=/sys/bus/platform/drivers/test_perf_pmu

log() { echo "[$(date +%T.%3N)] $*"; }

# Kernel splat lines in dmesg so far (empty if none; a triage error counts
# as a splat so that a broken check can never pass a test).
kernel_splats() {
	dmesg > /tmp/dmesg.txt
	python3 "$top/scripts/triage.py" /tmp/dmesg.txt > /tmp/splats.txt
	[ $? -le 1 ] || echo "triage failed on dmesg"
	head -5 /tmp/splats.txt
}

load_test_pmu() {
	if [ ! -d /sys/module/test_perf_pmu ]; then
		insmod "$kbuild/lib/test_perf_pmu.ko" || return 1
	fi
	wait_pmu test_pmu_0 && wait_pmu test_pmu_1
}

# wait_pmu name [seconds]: wait for the PMU to appear in sysfs.
wait_pmu() {
	local i
	for i in $(seq $((${2:-10} * 20))); do
		[ -e "/sys/bus/event_source/devices/$1/type" ] && return 0
		sleep 0.05
	done
	echo "PMU $1 did not appear" >&2
	return 1
}

bind_dev() { [ -e "$drv/test_perf_pmu.$1" ] || echo "test_perf_pmu.$1" > "$drv/bind"; }
unbind_dev() { [ ! -e "$drv/test_perf_pmu.$1" ] || echo "test_perf_pmu.$1" > "$drv/unbind"; }

# rand_ms lo hi: a pseudo-random number of milliseconds from $RANDOM (seeded).
rand_ms() { echo $(($1 + RANDOM % ($2 - $1 + 1))); }
sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }
