#!/bin/bash
# Host side: the demo's unbind-while-perf-runs sequence, N tries on one
# kernel. Usage: unbind-perf.sh before|after tries seed expect-splat(0|1)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
variant=$1 tries=$2 seed=$3 want_splat=$4
out=$top/out/test/unbind-perf-$variant
rm -rf "$out"; mkdir -p "$out"
"$top/scripts/vm" --variant "$variant" --out "$out" --timeout $((90 + 20 * tries)) \
	--env "export VARIANT=$variant" -- \
	"$top/tests/guest/demo-unbind.sh" 1 "$tries" "$seed"
rc=$?
cat "$out/results.txt" 2>/dev/null
if [ "$want_splat" = 1 ]; then
	# The base kernel must show the use-after-free: the harness sees the bug.
	if [ "$rc" = 0 ] || ! python3 "$top/scripts/triage.py" "$out/console.log" | grep -q KASAN; then
		echo "FAIL: expected a KASAN report on the $variant kernel (vm exit $rc)"
		exit 1
	fi
	echo "ok: $variant kernel reports: $(python3 "$top/scripts/triage.py" "$out/console.log" | head -1)"
	exit 0
fi
[ "$rc" = 0 ] || { echo "FAIL: vm exit $rc"; exit 1; }
n=$(grep -c ' ok$' "$out/results.txt" 2>/dev/null)
[ "$n" = "$tries" ] || { echo "FAIL: $n of $tries tries ok"; exit 1; }
echo "ok: $tries tries, no splat, perf reported counts each time"
