#!/bin/bash
# make stress: perf_pmu_unregister() under concurrent load, then fault
# injection, in the test VM (4 vCPUs); ends with a tally.
#   1. tests/guest/stress.sh: tests/stress/pmu-stress.c (unbind/bind of both
#      test PMUs, event users of every kind, fork storm, CPU hotplug, cgroup
#      moves) and Debian's trinity fuzzing the perf syscalls as "nobody",
#      for DURATION seconds (default 180).
#   2. tests/guest/faultinject.sh: failslab/fail_page_alloc during
#      registration, event creation, inherit and revoke, FAULT_LOOPS times
#      (default 20), then a kmemleak scan (boot with kmemleak=on).
# KCSAN=1 runs step 1 on the KCSAN kernel (build/kcsan) instead and fails on
# a data race in a function the series adds or changes; races elsewhere are
# listed. Any other kernel splat fails the run. Choices are drawn from SEED
# (default 1): a failure is rerun with the SEED it prints.
# KERNEL=mainline runs both steps, unchanged, on the mainline kernel that
# make mainline built (build/mainline, with our test driver ported); the
# kernel is not rebuilt here.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=${DURATION:-180} seed=${SEED:-1} loops=${FAULT_LOOPS:-20}
variant=after; [ "${KCSAN:-0}" = 0 ] || variant=kcsan
[ "${KERNEL:-}" != mainline ] || variant=mainline
out=$top/out/stress-$variant
rm -rf "$out"; mkdir -p "$out" build/stress
gcc -O2 -Wall -static -o build/stress/pmu-stress tests/stress/pmu-stress.c -lpthread || exit 1
if [ $variant = mainline ]; then
	kernel=(--kernel build/mainline/arch/x86/boot/bzImage)
	[ -f "${kernel[1]}" ] || { echo "stress: no ${kernel[1]}: run make mainline first"; exit 1; }
else
	kernel=(--variant $variant)
	scripts/build.sh $variant > "$out/build.log" 2>&1 || { tail -20 "$out/build.log"; exit 1; }
fi
echo "stress: kernel $variant, $secs s, seed $seed (rerun: SEED=$seed make stress)"

bad=0
scripts/vm "${kernel[@]}" --cpus 4 --mem 3G --timeout $((secs + 900)) \
	--out "$out/stress" --env "export VARIANT=$variant" -- \
	tests/guest/stress.sh "$secs" "$seed" > "$out/stress.log" 2>&1
rc=$?
echo "stress: guest exit $rc"
[ $rc = 0 ] || [ $rc = 125 ] || { tail -30 "$out/stress.log"; bad=1; }
python3 scripts/triage.py "$out/stress/console.log" > "$out/splats.txt"
if [ $variant = kcsan ]; then
	python3 - "$out/splats.txt" "$out/stress/console.log" > "$out/races.txt" <<'PY' || bad=1
import re, subprocess, sys
# Functions the series adds or changes: hunk headers and added definitions.
diff = subprocess.run(["git", "-C", "linux", "diff", "-U0", "base..HEAD", "--",
                       "kernel", "include", "lib"], capture_output=True, text=True).stdout
touched = set()
for line in diff.splitlines():
    m = re.match(r"^@@ .* @@.*?(\w+)\(", line) or re.match(r"^\+\S.*?\b(\w+)\(", line)
    if m:
        touched.add(m.group(1))
races = {}
for line in open(sys.argv[2], errors="replace"):
    m = re.search(r"BUG: KCSAN: data-race in (\S+) / (\S+)", line)
    if m:
        races.setdefault((m.group(1), m.group(2)), 0)
        races[(m.group(1), m.group(2))] += 1
other = [l for l in open(sys.argv[1]) if "KCSAN" not in l]
ours = 0
for (a, b), n in sorted(races.items()):
    mine = any(f.split("+")[0] in touched for f in (a, b))
    ours += mine
    print(f"{'SERIES' if mine else 'other '} {n:4d}x {a} / {b}")
print(f"TALLY kcsan_races_series {ours}")
print(f"TALLY kcsan_races_other {len(races) - ours}")
print(f"TALLY splats {len(other)}")
for l in other[:20]:
    print(l, end="")
sys.exit(1 if ours or other else 0)
PY
	cat "$out/races.txt"
	grep -h '^TALLY' "$out/stress/tally.txt" "$out/races.txt" > "$out/tally.txt"
else
	[ -s "$out/splats.txt" ] && { head -20 "$out/splats.txt"; bad=1; }
	# kmemleak makes a TCG boot slow enough to trip the 20 s soft lockup
	# detector; 60 s (watchdog_thresh=30) still catches a real one. It also
	# slows ACPI's interpreter enough that evaluating the PCI routing
	# method (_PRT) hit ACPI's 30 s loop timeout on a loaded host: the
	# virtio devices got no interrupt and the 9p root never mounted. The
	# BIOS's routing table does without AML (pci=noacpi); it also leaves
	# the guest with one CPU (no MADT use), which fault injection does not
	# need.
	scripts/vm "${kernel[@]}" --env "export VARIANT=$variant" --append kmemleak=on --append watchdog_thresh=30 \
		--append pci=noacpi --timeout $((300 + 30 * loops)) \
		--out "$out/faults" -- tests/guest/faultinject.sh "$loops" "$seed" \
		> "$out/faults.log" 2>&1
	rc=$?
	echo "faultinject: guest exit $rc"
	[ $rc = 0 ] || { tail -30 "$out/faults.log"; bad=1; }
	python3 scripts/triage.py "$out/faults/console.log" >> "$out/splats.txt"
	{ cat "$out/stress/tally.txt" "$out/faults/tally.txt" 2>/dev/null
	  echo "TALLY splats $(grep -vc "Call Trace" "$out/splats.txt")"; } | grep '^TALLY' > "$out/tally.txt"
fi
echo "tally (seed $seed, $secs s, kernel $variant):"
awk '{ printf "  %-24s %s\n", $2, $3 }' "$out/tally.txt"
[ $bad = 0 ] && echo "stress: ok" || echo "stress: FAIL (logs in ${out#"$top"/})"
exit $bad
