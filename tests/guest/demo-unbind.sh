#!/bin/bash
# The unbind crash with the real perf tool, one try after another:
# bind, wait for the PMU, start "perf stat -I 1000" on it (single event or a
# group), unbind while perf runs, kill perf after a random delay.
# Writes one line per try to results.txt: "try <n> ok|splat|hang|bad-output".
# Stops at the first splat: KASAN reports only once per boot, and a kernel
# that has crashed says nothing about the next try.
# Usage: demo-unbind.sh first-try last-try seed
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/guest/lib.sh"
first=$1 last=$2 seed=$3
res=/mnt/results.txt

load_test_pmu || exit 1
for try in $(seq "$first" "$last"); do
	RANDOM=$((seed * 1000 + try))
	if [ $((try % 2)) = 1 ]; then
		ev=test_pmu_0/ticks/
	else
		ev='{test_pmu_0/ticks/,test_pmu_0/ticks/}:S'
	fi
	bind_dev 0 && wait_pmu test_pmu_0 || { echo "try $try bind-failed" >> $res; exit 1; }
	run_ms=$(rand_ms 0 1500) kill_ms=$(rand_ms 0 2000)
	log "try $try: perf stat -I 1000 -e '$ev', unbind ${run_ms}ms after its first interval, kill ${kill_ms}ms later"
	perf stat -I 1000 -x, -e "$ev" > /tmp/perf.out 2>&1 &
	pid=$!
	# perf starts slowly under TCG: unbind only once its events are open.
	for i in $(seq 150); do
		grep -q 'test_pmu_0/ticks/' /tmp/perf.out && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	sleep_ms "$run_ms"
	unbind_dev 0
	sleep_ms "$kill_ms"
	kill -INT $pid 2>/dev/null
	# Wait for perf to exit; a kernel report ends the try at once (on the
	# base, perf often never exits after the use-after-free).
	for i in $(seq 100); do
		kill -0 $pid 2>/dev/null || break
		[ $((i % 10)) != 0 ] || [ -z "$(kernel_splats)" ] || break
		sleep 0.1
	done
	s=$(kernel_splats)
	if [ -n "$s" ]; then
		sed 's/^/  perf: /' /tmp/perf.out | head -20
		echo "try $try splat" >> $res
		exit 0
	fi
	if kill -0 $pid 2>/dev/null; then
		kill -KILL $pid
		sleep 2
		if kill -0 $pid 2>/dev/null; then
			echo "try $try hang" >> $res
			exit 1
		fi
	fi
	wait $pid 2>/dev/null
	sed 's/^/  perf: /' /tmp/perf.out | head -20
	s=$(kernel_splats)
	if [ -n "$s" ]; then
		echo "try $try splat" >> $res
		exit 0
	fi
	# perf must have reported counts for the time before the unbind.
	if ! grep -Eq '^ *[0-9.]+,[0-9]+,,test_pmu_0/ticks/' /tmp/perf.out; then
		echo "try $try bad-output" >> $res
		continue
	fi
	echo "try $try ok" >> $res
done
