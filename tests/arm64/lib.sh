# What tests/arm64/run.sh and tests/arm64/devtest.sh share (sourced).

# arm64_init <out> <source.c>: the static /init of the guest.
arm64_init() {
	aarch64-linux-gnu-gcc -static -O2 -Wall -Wno-format-truncation -o "$1/init" "$2"
}

# arm64_dtb <out> <name> <dtsi...>: <out>/<name>.dtb, the devicetree of
# the exact machine scripts/vm boots (QEMU rewrites only /memory and
# /chosen of a -dtb) with the nodes of the .dtsi files added. "&GIC" in
# them stands for the phandle of the machine's interrupt controller.
arm64_dtb() {
	local out=$1 name=$2 gic; shift 2
	qemu-system-aarch64 -nodefaults -M virt -cpu cortex-a72 -smp 2 -m 1G \
		-machine dumpdtb="$out/virt.dtb" -nographic > /dev/null
	dtc -q -I dtb -O dts -o "$out/virt.dts" "$out/virt.dtb"
	gic=$(awk '/intc@/ { n = 1 } n && /phandle = / { gsub(/[<>;]/, ""); print $3; exit }' \
		"$out/virt.dts")
	[ -n "$gic" ] || { echo "FAIL: no GIC phandle in the virt devicetree"; return 1; }
	{ head -n -1 "$out/virt.dts"; cat "$@" | sed "s/&GIC/$gic/g"; echo '};'; } > "$out/$name.dts"
	dtc -q -I dts -O dtb -o "$out/$name.dtb" "$out/$name.dts"
}

# arm64_initramfs_head <out>: the start of a gen_init_cpio list, with /init.
arm64_initramfs_head() {
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "dir /proc 0755 0 0"
	echo "dir /sys 0755 0 0"
	echo "dir /sbin 0755 0 0"
	echo "dir /lib 0755 0 0"
	echo "dir /lib/modules 0755 0 0"
	echo "file /init $1/init 0755 0 0"
}
