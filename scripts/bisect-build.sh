#!/bin/bash
# Build the test kernel at every patch of the series (bisectability), each
# from an export of that commit bind-mounted over linux/ in a private mount
# namespace so that ccache serves what did not change. Output dir
# build/bisect. Usage: scripts/bisect-build.sh [first-patch-number]
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
first=${1:-1}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}
export CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
export KBUILD_BUILD_TIMESTAMP="Sat Jan  1 00:00:00 UTC 2000"
export KBUILD_BUILD_USER=pmu KBUILD_BUILD_HOST=workbench
n=0
mkdir -p "$top/build/bisect"
for c in $(git -C "$top/linux" rev-list --reverse base..HEAD); do
	n=$((n + 1))
	[ "$n" -ge "$first" ] || continue
	src=$top/build/src-bisect
	rm -rf "$src"; mkdir -p "$src"
	git -C "$top/linux" archive "$c" | tar -x -C "$src"
	echo "== patch $n: $(git -C "$top/linux" log -1 --format=%s "$c")"
	if ! unshare -m --propagation private bash -c '
		mount --bind "$1/build/src-bisect" "$1/linux" &&
		cd "$1/linux" && ARCH=x86_64 scripts/kconfig/merge_config.sh -n \
			-O "$1/build/bisect" "$1"/configs/*.config > /dev/null 2>&1 &&
		make -s O="$1/build/bisect" ARCH=x86_64 CC="ccache gcc" \
			-j"$(nproc)" bzImage modules 2>&1 | grep -E "warning|error" ; exit ${PIPESTATUS[0]}' _ "$top"; then
		echo "patch $n does not build"
		exit 1
	fi
done
echo "all $n patches build"
