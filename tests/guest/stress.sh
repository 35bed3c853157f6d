#!/bin/bash
# Guest side of "make stress": tests/stress/pmu-stress (unbind/bind, event
# users of every kind, fork storm, CPU hotplug, cgroup moves) and Debian's
# trinity fuzzing the perf syscalls as "nobody", concurrently, for SECONDS.
# Usage: stress.sh SECONDS SEED     (writes /mnt/tally.txt)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/guest/lib.sh"
secs=${1:?seconds} seed=${2:?seed}

load_test_pmu || { echo "FAIL: test_perf_pmu did not load"; exit 1; }
# A KCSAN kernel reports nothing until it is switched on. Its trinity
# never got past filling its pool of perf fds (300 s): it fuzzes the perf
# syscalls without that pool there.
nofds=sockets,pipes,epoll,eventfd,pseudo,timerfd,testfile,memfd,drm
if [ -e /sys/kernel/debug/kcsan ]; then
	echo on > /sys/kernel/debug/kcsan || { echo "FAIL: cannot enable KCSAN"; exit 1; }
	log "KCSAN on"
	nofds=$nofds,perf
fi
echo -1 > /proc/sys/kernel/perf_event_paranoid
cg=/sys/fs/cgroup/pmu-stress
mkdir -p "$cg/a" "$cg/b" || cg=

# trinity wants a writable working directory and drops to nobody (-X).
mkdir -p /tmp/trinity && chmod 1777 /tmp/trinity
(cd /tmp/trinity && exec timeout -k 60 -s INT "$secs" trinity -q -l off -X -s "$seed" -C 2 \
	-N 100000000 --disable-fds=$nofds \
	-c perf_event_open -c ioctl -c read -c close -c mmap -c munmap -c poll \
	-c fcntl -c dup) > /mnt/trinity.log 2>&1 &
trinity=$!

log "pmu-stress $secs s, seed $seed"
"$top/build/stress/pmu-stress" "$secs" "$seed" $cg > /mnt/stress.out 2>&1
rc=$?
wait $trinity
cat /mnt/stress.out
tail -5 /mnt/trinity.log
fuzzed=$(grep -oE 'Ran [0-9]+ syscalls' /mnt/trinity.log | tail -1 | grep -oE '[0-9]+')
{
	grep '^TALLY' /mnt/stress.out
	echo "TALLY syscalls_fuzzed ${fuzzed:-0}"
} > /mnt/tally.txt
[ -n "$fuzzed" ] || { echo "FAIL: trinity did not report its syscalls"; rc=1; }
exit $rc
