#!/bin/bash
# Install the Debian packages the workbench needs.
# Usage: scripts/deps.sh [demo|all]   (default all; demo: what make demo needs)
# The kernel source itself is not installed: scripts/tree.sh downloads the
# pinned linux-source-6.12 (scripts/fetch-source.sh). Only if the archive no
# longer offers the pinned version is the newest one installed, with a
# warning; the tree's base commit then names the version actually used, and
# so do the demo and test tables.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/BASE"
set_=${1:-all}

demo=(build-essential bc bison flex libelf-dev libssl-dev cpio kmod ccache
      qemu-system-x86 python3 git xz-utils linux-perf)
all=("${demo[@]}" dwarves python3-ply python3-git rsync sparse
     gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
     device-tree-compiler trinity gdb)
case $set_ in
demo) pkgs=("${demo[@]}") ;;
all) pkgs=("${all[@]}") ;;
*) echo "usage: $0 [demo|all]" >&2; exit 1 ;;
esac

stamp=/var/tmp/pmu-revoke-deps.stamp
want="${pkgs[*]} $PACKAGE=$VERSION"
# The full set's stamp covers the demo's too.
if [ -f "$stamp" ] && grep -qxF -e "$want" -e "${all[*]} $PACKAGE=$VERSION" "$stamp"; then
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
echo "deps: installing ${#pkgs[@]} Debian packages ($set_)" >&2
t0=$SECONDS
$sudo apt-get update -q > /dev/null
$sudo apt-get install -y -q --no-install-recommends "${pkgs[@]}" |
	grep --line-buffered -E '^(Get:|Setting up)' | awk '{n++} n % 20 == 0 {print "deps: " n " steps..."; fflush()}' >&2
[ "${PIPESTATUS[0]}" = 0 ] || exit 1
echo "deps: done in $((SECONDS - t0))s" >&2

if ! apt-cache madison "$PACKAGE" | awk '{print $3}' | grep -qxF "$VERSION"; then
	newest=$(apt-cache madison "$PACKAGE" | awk '{print $3}' | sort -V | tail -1)
	echo "##################################################################" >&2
	echo "WARNING: $PACKAGE $VERSION is no longer offered by the archive." >&2
	echo "WARNING: falling back to the newest one: $PACKAGE $newest" >&2
	echo "WARNING: the series was written against $VERSION; BASE is stale." >&2
	echo "WARNING: make rebase VERSION=$newest moves it there." >&2
	echo "##################################################################" >&2
	$sudo apt-get install -y -q "$PACKAGE=$newest"
fi
echo "$want" | $sudo tee -a "$stamp" >/dev/null
