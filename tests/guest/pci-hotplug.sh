#!/bin/bash
# Guest: the test PMU on QEMU's edu PCI device (started with
# --device edu,id=edu0,addr=0x5) leaves while "perf stat -I" runs on it:
#   remove:  echo 1 > /sys/bus/pci/devices/<bdf>/remove, then rescan
#   unplug:  QMP device_del (ACPI hot-unplug), then device_add
# N seeded tries of each. perf must report counts before the removal and
# exit when killed; the kernel must stay splat-free.
# Usage: pci-hotplug.sh tries seed
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/guest/lib.sh"
tries=$1 seed=$2
bdf=0000:00:05.0
pmu=test_pmu_pci5
qmp() { echo "pmu-vm-qmp: $*" > /dev/console; }

wait_gone() {	# wait_gone path seconds
	local i
	for i in $(seq $(($2 * 10))); do
		[ -e "$1" ] || return 0
		sleep 0.1
	done
	return 1
}

load_test_pmu || exit 1
wait_pmu $pmu || { lspci 2>/dev/null; ls /sys/bus/pci/devices; exit 1; }
for try in $(seq "$tries"); do
	RANDOM=$((seed * 1000 + try))
	for how in remove unplug; do
		wait_pmu $pmu 30 || { echo "try $try $how: $pmu not back"; exit 1; }
		perf stat -I 1000 -x, -e $pmu/ticks/ -a > /tmp/p.out 2>&1 &
		pid=$!
		for i in $(seq 150); do
			grep -q "$pmu/ticks/" /tmp/p.out && break
			sleep 0.1
		done
		sleep_ms "$(rand_ms 0 1000)"
		if [ $how = remove ]; then
			echo 1 > /sys/bus/pci/devices/$bdf/remove
		else
			qmp '{"execute": "device_del", "arguments": {"id": "edu0"}}'
		fi
		wait_gone /sys/bus/event_source/devices/$pmu 30 ||
			{ echo "try $try $how: $pmu did not go"; exit 1; }
		sleep_ms "$(rand_ms 0 1000)"
		kill -INT $pid; sleep 0.5; kill -KILL $pid 2>/dev/null
		wait $pid 2>/dev/null
		grep -Eq "^ *[0-9.]+,[0-9]+,,$pmu/ticks/" /tmp/p.out ||
			{ echo "try $try $how: no counts"; cat /tmp/p.out; exit 1; }
		if [ $how = remove ]; then
			echo 1 > /sys/bus/pci/rescan
		else
			wait_gone /sys/bus/pci/devices/$bdf 30 ||
				{ echo "try $try: $bdf still there"; exit 1; }
			qmp '{"execute": "device_add", "arguments": {"driver": "edu", "id": "edu0", "bus": "pci.0", "addr": "0x5"}}'
		fi
		s=$(kernel_splats)
		[ -z "$s" ] || { echo "try $try $how: kernel splat: $s"; exit 1; }
		echo "try $try $how ok"
	done
done
