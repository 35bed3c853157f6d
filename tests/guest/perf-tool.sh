#!/bin/bash
# Guest: Debian's perf across an unbind of test_pmu_0, N seeded tries of
#   record:  perf record -e test_pmu_0/ticks,period=1000/ on a workload that
#            would run for 120 s: perf must notice the revocation by itself
#            (its fds report POLLHUP|POLLERR, it drops them and stops when
#            none is left, killing its workload) within 20 s, and
#            "perf report" must read the data file
#   inherit: perf stat -e test_pmu_0/ticks/ on a forking workload
#   aux-record: perf record -e test_pmu_aux/ticks/ (the AUX PMU; perf maps
#            no AUX area for it) across an unbind of test_pmu_aux: perf
#            must stop by itself, its file must be readable
# perf must finish on its own (bounded), report what it got before the
# unbind (samples, a count), and the kernel must stay splat-free.
# Usage: perf-tool.sh tries seed
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/guest/lib.sh"
tries=$1 seed=$2
fail=0

busy() { timeout "$1" sh -c 'while :; do :; done'; }

wait_bounded() {	# wait_bounded pid seconds: 0 if it exited in time
	local i
	for i in $(seq $(($2 * 10))); do
		kill -0 "$1" 2>/dev/null || { wait "$1"; return 0; }
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null
	return 1
}

# perf starts slowly under TCG: unbind only once it holds its events.
wait_events_open() {
	local i
	for i in $(seq 200); do
		ls -l /proc/"$1"/fd 2>/dev/null | grep -q 'perf_event' && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# perf forks its workload and execs it once the events are set up; the
# events count from that exec (enable_on_exec). Unbinding before it would
# leave perf nothing to report, which is not what this test is about.
wait_workload() {
	local i f pid comm state ppid
	for i in $(seq 400); do
		for f in /proc/[0-9]*/stat; do
			read -r pid comm state ppid _ < "$f" 2>/dev/null || continue
			[ "$ppid" = "$1" ] && [ "$comm" != "(perf)" ] && return 0
		done
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# across_unbind name out-file delay dev pmu cmd...: run cmd (a perf
# command) in the background, unbind device dev (its PMU is pmu) "delay" ms
# after it opened its events, and wait for it to finish on its own. Fails
# if it does not.
across_unbind() {
	local name=$1 out=$2 delay=$3 dev=$4 pmu=$5 pid
	shift 5
	bind_dev "$dev" && wait_pmu "$pmu" || { echo "try $try $name: bind failed"; return 1; }
	"$@" > "$out" 2>&1 &
	pid=$!
	wait_events_open $pid && wait_workload $pid ||
		echo "try $try $name: workload not started before the unbind"
	sleep_ms "$delay"
	unbind_dev "$dev"
	wait_bounded $pid 20 || { echo "try $try $name: perf did not finish"; return 1; }
}

spin='timeout 1.5 sh -c "while :; do :; done"'
long='timeout 120 sh -c "while :; do :; done"'
load_test_pmu || exit 1
for try in $(seq "$tries"); do
	RANDOM=$((seed * 1000 + try))
	delay=$(rand_ms 0 700)
	bad=0

	across_unbind record /tmp/r.out "$delay" 0 test_pmu_0 \
		perf record -q -o /tmp/r.data -e test_pmu_0/ticks,period=1000/ -- sh -c "$long" ||
		{ echo "try $try record: perf did not stop by itself after the unbind"; fail=1; break; }
	n=$(perf script -i /tmp/r.data 2>/dev/null | grep -c 'test_pmu_0/ticks')
	if [ "$n" -lt 1 ]; then
		echo "try $try record: no samples before the unbind"; cat /tmp/r.out; bad=1
	fi
	if ! perf report -i /tmp/r.data --stdio > /tmp/rep.out 2>&1 ||
	   ! grep -q 'test_pmu_0/ticks' /tmp/rep.out; then
		echo "try $try record: perf report cannot read the data file:"; tail -5 /tmp/rep.out; bad=1
	fi

	across_unbind inherit /tmp/s.out "$delay" 0 test_pmu_0 \
		perf stat -x, -e test_pmu_0/ticks/ -- \
		sh -c "for i in 1 2 3 4; do $spin & done; wait" ||
		{ fail=1; break; }
	c=$(awk -F, '/test_pmu_0\/ticks\//{print $1}' /tmp/s.out)
	if ! [ "${c:-0}" -gt 0 ] 2>/dev/null; then
		echo "try $try inherit: no count before the unbind: $(cat /tmp/s.out)"; bad=1
	fi

	# The AUX PMU (software context, like hisi_ptt). Debian's perf maps an
	# AUX area only for the PMUs it has a decoder for (intel_pt, cs_etm,
	# arm_spe, ...): here it records the event with its data buffer only,
	# which is all a tool without a decoder can do; the AUX area itself
	# across an unbind is the kselftest's (aux_mapped*) and make stress's.
	across_unbind aux-record /tmp/a.out "$delay" 3 test_pmu_aux \
		perf record -q -o /tmp/a.data -e test_pmu_aux/ticks/ -- sh -c "$long" ||
		{ echo "try $try aux-record: perf did not stop by itself after the unbind"; fail=1; break; }
	if ! perf report --header-only -i /tmp/a.data > /tmp/arep.out 2>&1 ||
	   ! grep -q 'test_pmu_aux/ticks/' /tmp/arep.out; then
		echo "try $try aux-record: perf report cannot read the data file:"; tail -5 /tmp/arep.out; bad=1
	fi

	s=$(kernel_splats)
	[ -z "$s" ] || { echo "try $try: kernel splat: $s"; fail=1; break; }
	[ $bad = 0 ] || { fail=1; continue; }
	echo "try $try ok: $n samples, count $c (unbind ${delay}ms after the workload started)"
done
exit $fail
