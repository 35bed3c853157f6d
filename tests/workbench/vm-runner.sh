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
# A splat the console does not show (logged at KERN_DEBUG, below the console
# loglevel) is still found: the runner triages the guest's dmesg as well.
expect 125 dmesg-only-splat --timeout 120 -- \
	'echo "<7>WARNING: CPU: 0 PID: 1 at debug-level splat by the runner test" > /dev/kmsg; exit 0'
grep -q "not on the console" "$out/dmesg-only-splat.log" || { echo "FAIL: dmesg backstop not used"; fail=1; }
expect 124 timeout --timeout 45 -- 'sleep 1000'
grep -q "console tail" "$out/timeout.log" || { echo "FAIL: no console tail on timeout"; fail=1; }
# A payload that is not there did not run: never a result of any kind.
expect 127 not-found --timeout 120 -- "$top/tests/guest/no-such-script.sh"
# A first boot that splats and never reaches the payload, then a good boot:
# the run fails, and says that it booted twice.
expect 125 retried-boot-splat --timeout 400 --boot-timeout 60 --test-first-boot-splat -- 'exit 0'
grep -q "boot splat injected" "$out/retried-boot-splat.log" || { echo "FAIL: first boot's splat not shown"; fail=1; }
grep -q "payload reached on boot 2 of" "$out/retried-boot-splat.log" || { echo "FAIL: retry not shown"; fail=1; }
# The arm64 guest (--arch arm64) under the same rules: its /init (the
# cspmu test program, in a mode for this test) reports its status on the
# console, and a splat only in the kernel log it prints at the end fails
# the run.
a64=$out/arm64
mkdir -p "$a64"
aarch64-linux-gnu-gcc -static -O2 -Wall -Wno-format-truncation -o "$a64/init" \
	"$top/tests/arm64/cspmu-test.c"
printf 'dir /dev 0755 0 0\nnod /dev/console 0600 0 0 c 5 1\ndir /proc 0755 0 0\ndir /sys 0755 0 0\nfile /init %s 0755 0 0\n' \
	"$a64/init" > "$a64/initramfs.list"
"$top/build/arm64-after/usr/gen_init_cpio" "$a64/initramfs.list" > "$a64/initramfs.cpio"
expect 3 arm64-status --arch arm64 --variant arm64-after --initrd "$a64/initramfs.cpio" \
	--timeout 120 --append cspmu.mode=status:3
expect 125 arm64-dmesg-only-splat --arch arm64 --variant arm64-after \
	--initrd "$a64/initramfs.cpio" --timeout 120 --append cspmu.mode=splat
grep -q "not on the console" "$out/arm64-dmesg-only-splat.log" ||
	{ echo "FAIL: arm64: dmesg backstop not used"; fail=1; }
expect 124 arm64-timeout --arch arm64 --variant arm64-after --initrd "$a64/initramfs.cpio" \
	--timeout 30 --append cspmu.mode=hang
# No /init: the kernel panics before any payload; the guest died.
expect 126 arm64-died --arch arm64 --variant arm64-after --initrd "$a64/initramfs.cpio" \
	--timeout 120 --append rdinit=/no-such-init
# A checkout under /tmp (covered by tmpfs in the guest) is seen there.
tmp=$(mktemp -d /tmp/pmu-vm-runner.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/scripts" "$tmp/tests/guest"
cp "$top"/scripts/{vm,guest-init,triage.py} "$tmp/scripts/"
printf '#!/bin/sh\necho "checkout under /tmp: $(cat %s/marker)"\n' "$tmp" > "$tmp/tests/guest/hello.sh"
chmod +x "$tmp/tests/guest/hello.sh"; echo visible > "$tmp/marker"
"$tmp/scripts/vm" --kernel "$top/build/after/arch/x86/boot/bzImage" --out "$out/tmp-checkout" \
	--timeout 120 -- "$tmp/tests/guest/hello.sh" > "$out/tmp-checkout.log" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q "checkout under /tmp: visible" "$out/tmp-checkout/console.log"; then
	echo "ok: checkout under /tmp (exit 0)"
else
	echo "FAIL: checkout under /tmp: exit $rc"; sed 's/^/    /' "$out/tmp-checkout.log"; fail=1
fi
exit $fail
