#!/bin/bash
# Boot the arm64 kernel built by "scripts/build.sh arm64-<variant>" with
# scripts/vm --arch arm64 (qemu-system-aarch64 -M virt, TCG) with three fake CoreSight PMUs in the
# devicetree (tests/arm64/cspmu-nodes.dtsi) and the real arm_cspmu,
# nvidia_cspmu and ampere_cspmu modules in the initramfs; /init is
# tests/arm64/cspmu-test.c, built static on the host.
#   after:  the series; every check must pass, no splat on the console.
#   before: the base; the steps must be refused, then the forced unload
#           under a live event must crash the kernel (a splat is required).
#   CASE=dup: a fourth device, a second NVIDIA SCF PMU that the backend
#           cannot name (tests/arm64/cspmu-dup.dtsi), and /init runs the
#           duplicate-name steps instead (cspmu.mode=dup; after only).
# Usage: [CASE=dup] tests/arm64/run.sh after|before [loops]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
variant=${1:?after|before}
loops=${2:-10}
case=${CASE:-}
b=$top/build/arm64-$variant
out=$top/out/arm64-$variant${case:+-$case}
mode=$variant
[ -z "$case" ] || mode=$case
rm -rf "$out"; mkdir -p "$out"
[ -f "$b/arch/arm64/boot/Image" ] || "$top/scripts/build.sh" "arm64-$variant"

. "$top/tests/arm64/lib.sh"
arm64_init "$out" "$top/tests/arm64/cspmu-test.c"
dtsi=("$top/tests/arm64/cspmu-nodes.dtsi")
[ -z "$case" ] || dtsi+=("$top/tests/arm64/cspmu-$case.dtsi")
arm64_dtb "$out" cspmu "${dtsi[@]}"

{
	arm64_initramfs_head "$out"
	echo "file /sbin/modprobe $out/init 0755 0 0"
	for m in arm_cspmu_module nvidia_cspmu ampere_cspmu; do
		echo "file /lib/modules/$m.ko $b/drivers/perf/arm_cspmu/$m.ko 0644 0 0"
	done
} > "$out/initramfs.list"
"$b/usr/gen_init_cpio" "$out/initramfs.list" > "$out/initramfs.cpio"

regs=()
preset() { regs+=(--device "loader,addr=$(($1 + 0xe00)),data=$2,data-len=4"
		  --device "loader,addr=$(($1 + 0xe08)),data=$3,data-len=4"); }
preset 0x7f000000 0x7f07 0x43b
preset 0x7f001000 0x3f07 0x2cf0036b
preset 0x7f002000 0x3f07 0xa16
[ "$case" != dup ] || preset 0x7f003000 0x3f07 0x2cf0036b

# The runner (scripts/vm --arch arm64) gives the same exit rules as for
# every x86 guest: 0 when /init exited 0 with no splat in the console or in
# the kernel log /init prints at the end; 125 a splat; 124 timeout; 126 the
# guest died before /init finished (what the base kernel must do).
log=$out/console.log
rc=0
"$top/scripts/vm" --arch arm64 --variant "arm64-$variant" --out "$out" --timeout 900 \
	--cpus 2 --mem 1G --dtb "$out/cspmu.dtb" --initrd "$out/initramfs.cpio" "${regs[@]}" \
	--append "cspmu.mode=$mode" --append "cspmu.loops=$loops" || rc=$?
echo "vm exit $rc; console: ${log#"$top"/}"
if [ "$variant" = after ] || [ -n "$case" ]; then
	grep -E '^(not ok|CSPMU-TEST)' "$log" || true
	[ "$rc" = 0 ] || { echo "FAIL: vm exit $rc"; exit 1; }
	grep -q '^CSPMU-TEST: PASS' "$log" || { tail -40 "$log"; echo "FAIL"; exit 1; }
	echo "PASS: $(grep -c '^ok ' "$log") checks, no splat"
	exit 0
fi
[ "$rc" = 126 ] || { echo "FAIL: the base kernel must die in the guest (vm exit 126), got $rc"; exit 1; }

# before: refused, then crashed.
grep -E '^BEFORE' "$log" || true
want=("generic by default: no"
      "rmmod nvidia_cspmu with an event open: Resource temporarily unavailable"
      "sysfs unbind: No such file or directory"
      "forced unload of nvidia_cspmu")
for w in "${want[@]}"; do
	grep -qF "BEFORE: $w" "$log" || { tail -40 "$log"; echo "FAIL: missing \"$w\""; exit 1; }
done
# The crash must be the one the sequence provokes: nothing before the read
# of the event whose module was forced out, then a use-after-free (or a
# fault) in perf's read path or in the driver's code.
mark='BEFORE: rmmod -f: ok; reading the event'
n=$(grep -nF "$mark" "$log" | head -1 | cut -d: -f1)
[ -n "$n" ] || { tail -40 "$log"; echo "FAIL: the forced unload did not happen"; exit 1; }
head -n "$((n - 1))" "$log" > "$out/console-before-read.log"
tail -n "+$n" "$log" > "$out/console-after-read.log"
if ! python3 "$top/scripts/triage.py" "$out/console-before-read.log" > "$out/splats-early.txt"; then
	cat "$out/splats-early.txt"; echo "FAIL: a splat before the forced unload"; exit 1
fi
python3 "$top/scripts/triage.py" "$out/console-after-read.log" > "$out/splats-late.txt" && {
	tail -40 "$log"; echo "FAIL: the base kernel did not crash"; exit 1; }
first=$(head -1 "$out/splats-late.txt")
grep -q 'BEFORE: survived read' "$log" && { echo "FAIL: the read returned"; exit 1; }
if ! echo "$first" | grep -qE 'KASAN: [a-z-]*use-after-free in [_a-z0-9]*perf|KASAN: [a-z-]*use-after-free in arm_cspmu|Unable to handle kernel paging request'; then
	echo "FAIL: not the expected crash: $first"; exit 1
fi
echo "base kernel: refused as expected, then after the forced unload, at the read:"
head -3 "$out/splats-late.txt"
echo "PASS: the base kernel refuses every step, and its only way out (rmmod -f) crashes at the next read"
