#!/bin/bash
# Configure and build one test kernel out of tree (O=build/<dir>) with ccache.
#   after:    the whole series (linux/ as it is now)            -> build/after
#   before:   the base plus the patches up to the test PMU driver -> build/before
#   patch-N:  the tree at patch N of the series (bisect checks) -> build/bisect
#   i915-patch-N: the same with the i915 configuration       -> build/bisect-i915
#   i915:     after plus DRM and i915 with its mock selftests (configs/i915.config,
#             configs/late.config), for the i915 suite        -> build/i915
#   demo-after, demo-before: after and before with configs/demo.config
#             alone on base.config (KASAN, the test PMU), for make demo
#                                                            -> build/demo-<name>
#   kcsan:    the whole series with KCSAN instead of KASAN     -> build/kcsan
#   bench-after, bench-before: after and before without any debugging
#             (configs/bench.config), for make bench  -> build/bench-<name>
#   bench-notrack: bench-after with tests/bench/ablate-tracking.patch (pmu::events
#             tracking compiled out), for make bench's attribution -> build/bench-notrack
#   mutant:   after with the patch PMU_MUTANT (a tests/mutants/*.patch; none:
#             the series as it is) applied to an export of HEAD, for make mutate
#                                                            -> build/mutant
#   arm64-<any of the above>: the same tree for arm64 (configs/arm64.config,
#             cross-compiled; QEMU virt with a DT)          -> build/arm64-<name>
# Usage: scripts/build.sh [arm64-]after|before|patch-N [extra make targets]
# PMU_TARGETS="..." builds only those targets (no bzImage, no modules).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
usage() { echo "usage: $0 [arm64-]after|before|patch-N|i915|i915-patch-N|demo-after|demo-before|kcsan|bench-after|bench-before|bench-notrack|mutant [targets]" >&2; exit 1; }
variant=$1; shift || usage
arch=x86_64 prefix= kv=$variant
case "$variant" in arm64-*) arch=arm64 prefix=arm64- kv=${variant#arm64-} ;; esac
[ -n "$PMU_BUILD_NS" ] || [ -e "$top/linux/.git" ] || "$top/scripts/tree.sh"

# A variant other than "after" is a plain export of one commit of linux/,
# bind-mounted over linux/ in a private mount namespace: every path the
# compiler sees is then the same as for the after kernel, so ccache serves
# every file that commit shares with it.
prepare_export() {	# prepare_export commit name [make targets]
	local rev=$1 name=$2 src=$top/build/src-$2
	shift 2
	rev=$(git -C "$top/linux" rev-parse "$rev")
	if [ "$(cat "$src/.export-commit" 2>/dev/null)" != "$rev" ]; then
		# A checkout with its own index: moving it to another commit
		# rewrites only the files that differ, so make rebuilds only them.
		[ -f "$src.index" ] || rm -rf "$src"
		mkdir -p "$src"
		GIT_INDEX_FILE=$src.index git --git-dir="$top/linux/.git" \
			--work-tree="$src" read-tree -u --reset "$rev"
		echo "$rev" > "$src/.export-commit"
	fi
	if [ -n "$ablate" ] || [ "$name" = mutant ]; then
		# Once per commit and patch: restore the files the previous patch
		# changed and those this one changes, patch them. A mutant
		# (possibly none) must apply exactly: no fuzz.
		local want files
		want="$rev ${ablate:+$(sha256sum < "$ablate" | cut -c1-32)}"
		if [ "$(cat "$src/.ablate" 2>/dev/null)" != "$want" ]; then
			files=$( { cat "$src/.ablate-files" 2>/dev/null
				[ -z "$ablate" ] || sed -n 's|^+++ b/||p' "$ablate"; } | sort -u)
			# shellcheck disable=SC2086
			[ -z "$files" ] || GIT_INDEX_FILE=$src.index git --git-dir="$top/linux/.git" \
				--work-tree="$src" checkout-index -f -- $files
			rm -f "$src/.ablate" "$src/.ablate-files"
			if [ -n "$ablate" ]; then
				# All or nothing: a dry run first, no .rej/.orig files.
				local p=(patch -s -p1 ${fuzz:+--fuzz=$fuzz} -d "$src")
				"${p[@]}" --dry-run < "$ablate" > /dev/null 2>&1 ||
					{ echo "build: $ablate does not apply to $rev" >&2; exit 3; }
				sed -n 's|^+++ b/||p' "$ablate" > "$src/.ablate-files"
				"${p[@]}" < "$ablate"
			fi
			echo "$want" > "$src/.ablate"
		fi
	fi
	if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
		exec unshare -m --propagation private env PMU_BUILD_NS=1 bash -c \
			'mount --bind "$1" "$2/linux" && exec "$3" "${@:4}"' \
			_ "$src" "$top" "$0" "$variant" "$@"
	fi
	echo "build: cannot bind-mount (not root?); building $name where it is" >&2
	srcdir=$src
}

# In the namespace linux/ is the export (no .git): the name is enough.
[ -n "$PMU_BUILD_NS" ] || patches=$(git -C "$top/linux" rev-list --reverse base..HEAD)
rev= ablate= fuzz=
case "$kv" in
after)		name=after ;;
kcsan)		name=kcsan ;;	# the after tree, configs/kcsan.config
i915)		name=i915 ;;	# the after tree, + configs/i915.config
bench-after|demo-after)	name=$kv ;;
bench-notrack)	name=bench-notrack; rev=HEAD; ablate=$top/tests/bench/ablate-tracking.patch ;;
# make mutate: the series with one mutant of the core (scripts/mutate.sh).
mutant)		name=mutant; rev=HEAD fuzz=0
		ablate=${PMU_MUTANT:+$(realpath "$PMU_MUTANT")} ;;
# The base with the patches up to the one that adds the test PMU: the
# stable fixes the series starts with and the driver, none of the core.
before|bench-before|demo-before) name=$kv
		[ -n "$PMU_BUILD_NS" ] || rev=$("$top/scripts/before-rev") || exit 1 ;;
patch-[0-9]*)	name=bisect; rev=$(echo "$patches" | sed -n "${kv#patch-}p")
		[ -n "$PMU_BUILD_NS" ] || [ -n "$rev" ] || usage ;;
# The same export with the i915 configuration (make check's bisect compiles
# the i915 objects of a patch here).
i915-patch-[0-9]*) name=bisect-i915; rev=$(echo "$patches" | sed -n "${kv#i915-patch-}p")
		[ -n "$PMU_BUILD_NS" ] || [ -n "$rev" ] || usage ;;
*)		usage ;;
esac
src=$top/linux
[ -z "$rev" ] || [ -n "$PMU_BUILD_NS" ] || prepare_export "$rev" "$(echo "$name" | sed 's/^bench-\|^demo-\|-i915$//')" "$@"
src=${srcdir:-$src}
out=$top/build/$prefix$name

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}
export CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
export KBUILD_BUILD_TIMESTAMP="Sat Jan  1 00:00:00 UTC 2000"
export KBUILD_BUILD_USER=pmu KBUILD_BUILD_HOST=workbench
jobs=${JOBS:-$(nproc)}
cc=gcc cross=
[ "$arch" = x86_64 ] || { cross=aarch64-linux-gnu-; cc=${cross}gcc; }
mk=(make -s -C "$src" O="$out" ARCH=$arch CROSS_COMPILE=$cross CC="ccache $cc" HOSTCC="ccache gcc" -j"$jobs")

mkdir -p "$out"
frags=("$top"/configs/base.config "$top"/configs/debug.config "$top"/configs/test.config)
late=()
[ "$name" != i915 ] && [ "$name" != bisect-i915 ] || { frags+=("$top/configs/i915.config"); late=("$top/configs/late.config"); }
[ "$arch" = x86_64 ] || { frags=("$top/configs/$arch.config"); late=(); }
[ "$name" != kcsan ] || { frags=("$top/configs/base.config" "$top/configs/kcsan.config"); late=(); }
case "$name" in
bench-*) frags=("$top/configs/base.config" "$top/configs/bench.config"); late=() ;;
demo-*) frags=("$top/configs/demo.config"); late=() ;;
esac
# Reconfigure only when a fragment or a Kconfig file changed.
sum=$( (echo merge_config; cat "${frags[@]}" "${late[@]}"; cd "$src" && find . -name 'Kconfig*' -not -path './.git/*' -print0 |
	sort -z | xargs -0 cat) | sha256sum | cut -c1-32)
if [ ! -f "$out/.config" ] || [ "$(cat "$out/.frag-sum" 2>/dev/null)" != "$sum" ]; then
	# The kernel's merge_config.sh on allnoconfig (-n): nothing we did not
	# ask for. It only warns about requests that did not make it; the
	# check below fails on them.
	(cd "$src" && ARCH=$arch CROSS_COMPILE=$cross CC="ccache $cc" scripts/kconfig/merge_config.sh \
		-n -O "$out" "${frags[@]}") > "$out/merge_config.log" 2>&1 ||
		{ cat "$out/merge_config.log"; exit 1; }
	if [ ${#late[@]} -gt 0 ]; then
		(cd "$src" && ARCH=$arch CC="ccache $cc" scripts/kconfig/merge_config.sh \
			-m -O "$out" "$out/.config" "${late[@]}" &&
			"${mk[@]}" olddefconfig) >> "$out/merge_config.log" 2>&1 ||
			{ cat "$out/merge_config.log"; exit 1; }
	fi
	"$top"/scripts/check-config.py "$src" "$out/.config" "${frags[@]}" "${late[@]}"
	echo "$sum" > "$out/.frag-sum"
fi

if [ -n "${PMU_TARGETS:-}" ]; then
	# Only the given targets (scripts/warnings.sh: single objects, W=1 C=2).
	"${mk[@]}" $PMU_TARGETS
	exit
fi
image=bzImage; [ "$arch" = x86_64 ] || image="Image Image.gz"	# kunit.py boots Image.gz
"$top/scripts/build-progress" "$variant" "$out" -- "${mk[@]}" $image modules "$@"
# A module tree for modprobe -d in the guest (i915 and its dependencies);
# the other suites insmod the test PMU from the build directory.
if [ "$name" = i915 ]; then
	rm -rf "$out/modroot"
	"${mk[@]}" INSTALL_MOD_PATH="$out/modroot" modules_install > /dev/null
fi
