#!/bin/bash
# Guest: does a child task's exit emit PERF_RECORD_READ for an inherit_stat
# event (perf record -s)? Mainline fixed its absence in 02a4984a3596 ("perf/
# core: Fix missing read event generation on task exit", Dec 2025): the
# exit path marks the context TASK_TOMBSTONE before sync_child_event(),
# which then skips the read event. Prints the number of READ records for a
# workload that forks 4 children; exit 0 if there is at least one per child.
set -u
cd /tmp
perf record -q -s -e cpu-clock -o /tmp/is.data -- \
	sh -c 'for i in 1 2 3 4; do (i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done) & done; wait' \
	> /tmp/rec.log 2>&1 || { cat /tmp/rec.log; echo "perf record failed"; exit 2; }
n=$(perf script -D -i /tmp/is.data 2>/dev/null | grep -c 'PERF_RECORD_READ')
echo "inherit-stat: $n PERF_RECORD_READ records for 4 exited children"
[ "$n" -ge 4 ]
