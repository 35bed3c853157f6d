#!/bin/bash
# Guest side of "make stress": tests/stress/pmu-stress (unbind/bind, event
# users of every kind, fork storm, CPU hotplug, cgroup moves) and Debian's
# trinity fuzzing the perf syscalls as "nobody", concurrently, for SECONDS.
# On a KCSAN kernel only pmu-stress runs: trinity's children never issued a
# syscall there within 180 s (its setup alone took over 300 s with its perf
# fd pool), so it would only have slowed the kernel under test.
# Usage: stress.sh SECONDS SEED     (writes /mnt/tally.txt)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/guest/lib.sh"
secs=${1:?seconds} seed=${2:?seed}

load_test_pmu || { echo "FAIL: test_perf_pmu did not load"; exit 1; }
kcsan=0
if [ -e /sys/kernel/debug/kcsan ]; then
	# It reports nothing until it is switched on.
	echo on > /sys/kernel/debug/kcsan || { echo "FAIL: cannot enable KCSAN"; exit 1; }
	log "KCSAN on"
	kcsan=1
fi
echo -1 > /proc/sys/kernel/perf_event_paranoid
cg=/sys/fs/cgroup/pmu-stress
mkdir -p "$cg/a" "$cg/b" || cg=

trinity=
if [ $kcsan = 0 ]; then
	# trinity wants a writable working directory and drops to nobody (-X).
	mkdir -p /tmp/trinity && chmod 1777 /tmp/trinity
	(cd /tmp/trinity && exec timeout -k 60 -s INT "$secs" trinity -q -l off -X -s "$seed" -C 2 \
		-N 100000000 --disable-fds=sockets,pipes,epoll,eventfd,pseudo,timerfd,testfile,memfd,drm \
		-c perf_event_open -c ioctl -c read -c close -c mmap -c munmap -c poll \
		-c fcntl -c dup) > /mnt/trinity.log 2>&1 &
	trinity=$!
fi

log "pmu-stress $secs s, seed $seed"
"$top/build/stress/pmu-stress" "$secs" "$seed" $cg > /mnt/stress.out 2>&1
rc=$?
cat /mnt/stress.out
grep '^TALLY' /mnt/stress.out > /mnt/tally.txt
[ -n "$trinity" ] || exit $rc
wait $trinity
tail -5 /mnt/trinity.log
fuzzed=$(grep -oE 'Ran [0-9]+ syscalls' /mnt/trinity.log | tail -1 | grep -oE '[0-9]+')
echo "TALLY syscalls_fuzzed ${fuzzed:-0}" >> /mnt/tally.txt
[ "${fuzzed:-0}" -gt 0 ] || { echo "FAIL: trinity fuzzed no syscall"; rc=1; }
exit $rc
