#!/bin/bash
# The VM runner's contract: the payload's status comes back, a kernel splat
# fails a run whose payload succeeded, and a wedged guest is killed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/out/test/vm-runner
fail=0
expect() {	# expect <want-status> <what> <vm args...>
	local want=$1 what=$2; shift 2
	"$top/scripts/vm" --out "$out/$what" "$@" > "$out/$what.log" 2>&1
	local rc=$?
	if [ "$rc" = "$want" ]; then
		echo "ok: $what (exit $rc)"
	else
		echo "FAIL: $what: exit $rc, want $want"; sed 's/^/    /' "$out/$what.log"
		fail=1
	fi
}
mkdir -p "$out"
expect 3 status --timeout 120 -- 'exit 3'
# A payload that "succeeds" while the kernel reports a problem: the message
# goes through /dev/kmsg, so it is a printk line like any splat.
expect 125 splat --timeout 120 -- \
	'echo "WARNING: CPU: 0 PID: 1 at injected by the runner test" > /dev/kmsg; exit 0'
grep -q "injected by the runner test" "$out/splat.log" || { echo "FAIL: splat line not printed"; fail=1; }
expect 124 timeout --timeout 45 -- 'sleep 1000'
grep -q "console tail" "$out/timeout.log" || { echo "FAIL: no console tail on timeout"; fail=1; }
exit $fail
