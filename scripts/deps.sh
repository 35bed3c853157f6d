#!/bin/bash
# Install the Debian packages the workbench needs and the pinned kernel source.
# Usage: scripts/deps.sh
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/BASE"

pkgs=(build-essential bc bison flex libelf-dev libssl-dev dwarves cpio kmod
      ccache qemu-system-x86 python3 python3-ply python3-git rsync git linux-perf
      sparse gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
      device-tree-compiler trinity gdb)

stamp=/var/tmp/pmu-revoke-deps.stamp
want="${pkgs[*]} $PACKAGE=$VERSION"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$TARBALL" ]; then
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${pkgs[@]}"

if apt-cache madison "$PACKAGE" | awk '{print $3}' | grep -qxF "$VERSION"; then
	$sudo apt-get install -y -q --allow-downgrades "$PACKAGE=$VERSION"
else
	newest=$(apt-cache madison "$PACKAGE" | awk '{print $3}' | sort -V | tail -1)
	echo "##################################################################" >&2
	echo "WARNING: $PACKAGE $VERSION is no longer offered by the archive." >&2
	echo "WARNING: falling back to the newest one: $PACKAGE $newest" >&2
	echo "WARNING: the series was written against $VERSION; BASE is stale." >&2
	echo "##################################################################" >&2
	$sudo apt-get install -y -q "$PACKAGE=$newest"
fi
echo "$want" | $sudo tee "$stamp" >/dev/null
