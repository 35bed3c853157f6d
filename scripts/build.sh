#!/bin/bash
# Configure and build one test kernel out of tree (O=build/<variant>) with ccache.
#   before: the pristine base plus the first patch of the series (test driver)
#   after:  the whole series (linux/ as it is now)
# Usage: scripts/build.sh before|after [extra make targets]
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
usage() { echo "usage: $0 before|after [targets]" >&2; exit 1; }
variant=$1; shift || usage
[ -n "$PMU_BUILD_NS" ] || [ -e "$top/linux/.git" ] || "$top/scripts/tree.sh"

# The before tree: a plain export of linux/ at the first patch of the series.
prepare_before() {
	local first
	src=$top/build/src-before
	first=$(git -C "$top/linux" rev-list --reverse base..HEAD | head -1)
	[ -n "$first" ] || first=base
	first=$(git -C "$top/linux" rev-parse "$first")
	if [ "$(cat "$src/.export-commit" 2>/dev/null)" != "$first" ]; then
		rm -rf "$src"
		mkdir -p "$src"
		git -C "$top/linux" archive "$first" | tar -x -C "$src"
		echo "$first" > "$src/.export-commit"
	fi
	# Build it with its sources bind-mounted over linux/ in a private mount
	# namespace: every path the compiler sees is then the same as for the
	# after kernel, so ccache serves every file the series does not touch.
	if [ -z "$PMU_BUILD_NS" ] && [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
		exec unshare -m --propagation private env PMU_BUILD_NS=1 bash -c \
			'mount --bind "$1/build/src-before" "$1/linux" && exec "$2" before "${@:3}"' \
			_ "$top" "$0" "$@"
	fi
	# Without a private mount namespace, build it where it is.
}

case "$variant" in
after)
	src=$top/linux ;;
before)
	if [ -n "$PMU_BUILD_NS" ]; then
		src=$top/linux	# build/src-before, mounted here (see below)
	else
		prepare_before "$@"
	fi
	;;
*)	usage ;;
esac
out=$top/build/$variant

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}
export CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
export KBUILD_BUILD_TIMESTAMP="Sat Jan  1 00:00:00 UTC 2000"
export KBUILD_BUILD_USER=pmu KBUILD_BUILD_HOST=workbench
jobs=${JOBS:-$(nproc)}
mk=(make -s -C "$src" O="$out" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" -j"$jobs")

mkdir -p "$out"
frags=("$top"/configs/base.config "$top"/configs/debug.config "$top"/configs/test.config)
# Reconfigure only when a fragment or a Kconfig file changed.
sum=$( (echo merge_config; cat "${frags[@]}" "$top/configs/late.config"; cd "$src" && find . -name 'Kconfig*' -not -path './.git/*' -print0 |
	sort -z | xargs -0 cat) | sha256sum | cut -c1-32)
if [ ! -f "$out/.config" ] || [ "$(cat "$out/.frag-sum" 2>/dev/null)" != "$sum" ]; then
	# The kernel's merge_config.sh on allnoconfig (-n): nothing we did not
	# ask for. It only warns about requests that did not make it; the
	# check below fails on them.
	(cd "$src" && ARCH=x86_64 CC="ccache gcc" scripts/kconfig/merge_config.sh \
		-n -O "$out" "${frags[@]}") > "$out/merge_config.log" 2>&1 ||
		{ cat "$out/merge_config.log"; exit 1; }
	(cd "$src" && ARCH=x86_64 CC="ccache gcc" scripts/kconfig/merge_config.sh \
		-m -O "$out" "$out/.config" "$top/configs/late.config" &&
		"${mk[@]}" olddefconfig) >> "$out/merge_config.log" 2>&1 ||
		{ cat "$out/merge_config.log"; exit 1; }
	"$top"/scripts/check-config.py "$src" "$out/.config" "${frags[@]}" "$top/configs/late.config"
	echo "$sum" > "$out/.frag-sum"
fi

if [ -n "${PMU_TARGETS:-}" ]; then
	# Only the given targets (scripts/warnings.sh: single objects, W=1 C=2).
	"${mk[@]}" $PMU_TARGETS
	exit
fi
echo "building $variant kernel in ${out#"$top"/}"
"${mk[@]}" bzImage modules "$@"
# A module tree for modprobe -d in the guest (i915 and its dependencies).
rm -rf "$out/modroot"
"${mk[@]}" INSTALL_MOD_PATH="$out/modroot" modules_install > /dev/null
