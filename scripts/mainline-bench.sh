#!/bin/bash
# make mainline-bench: the cost of mainline 7.3's own revocation, measured the
# way make bench measures ours.
#
# Kernels (configs/base.config + configs/bench.config, configured by
# scripts/merge-config.sh as make mainline's are: merge_config.sh -n on
# allnoconfig, options 7.3 does not define dropped and listed):
#   build/mainline-bench          Debian's linux-source-7.3 (the tarball named by
#                                 build/mainline-apt/source) + mainline/0001 (the
#                                 test PMU driver), source build/mainline-bench-src
#   build/mainline-bench-notrack  the same with mainline/bench/ablate-tracking-7.3.patch
#                                 (7.3's pmu->events tracking compiled out), source
#                                 build/mainline-bench-notrack-src, built with that
#                                 tree bind-mounted over build/mainline-bench-src in a
#                                 private mount namespace so that ccache serves every
#                                 object but those of kernel/events/core.c
# Then scripts/bench.py on them (--before-dir/--after-dir, icount clock, PAIRS
# pairs): hot paths 7.3-untracked ("before") vs 7.3 ("after"), the
# perf_pmu_unregister() vs close table on 7.3, pahole sizes.
# Results: results/mainline-bench.txt; logs: out/mainline-bench/.
#
# Usage: scripts/mainline-bench.sh [stage...]
#   stages: tree config build bench report (default: tree build bench report);
#   report rewrites results/mainline-bench.txt from out/mainline-bench/tables.txt
#   (and split-tables.txt if there); split (optional, SPLIT=1 in the default
#   run): see split() below
#   PAIRS (3), JOBS (make -j, default 2), SECONDS_PER_BENCH (2)
# Does not touch build/mainline-src or build/mainline (scripts/mainline.sh's).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
src=$top/build/mainline-bench-src
nsrc=$top/build/mainline-bench-notrack-src
ablate=$top/mainline/bench/ablate-tracking-7.3.patch
logs=$top/out/mainline-bench
mkdir -p "$logs"
t0=$(date +%s)
say() { printf '[mainline-bench %4ds] %s\n' $(($(date +%s) - t0)) "$*"; }

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}
export CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
export KBUILD_BUILD_TIMESTAMP="Sat Jan  1 00:00:00 UTC 2000"
export KBUILD_BUILD_USER=pmu KBUILD_BUILD_HOST=workbench
frags=("$top/configs/base.config" "$top/configs/bench.config")

# --- tree: pristine 7.3 (tag base) + mainline/0001; the untracked copy ------
tree() {
	# The tarball make mainline downloads (its fetch stage, if not yet done).
	[ -f "$top/build/mainline-apt/source" ] || "$top/scripts/mainline.sh" fetch
	# shellcheck disable=SC1091
	. "$top/build/mainline-apt/source"
	if [ "$(git -C "$src" log -1 --format=%s base 2>/dev/null)" != "$PACKAGE $VERSION" ]; then
		say "creating build/mainline-bench-src from $PACKAGE $VERSION"
		rm -rf "$src" "$nsrc"
		"$top/scripts/base-commit.sh" "$TARBALL" "$src" "$PACKAGE $VERSION"
	fi
	local want
	want=$(cat "$top"/mainline/0001-*.patch | sha256sum | cut -c1-32)
	if [ "$(cat "$src/.git/mainline-bench-patches" 2>/dev/null)" != "$want" ]; then
		git -C "$src" am --abort > /dev/null 2>&1 || true
		git -C "$src" reset -q --hard base
		GIT_COMMITTER_NAME=mainline GIT_COMMITTER_EMAIL=mainline@localhost \
		GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
			git -C "$src" am -q --no-3way "$top"/mainline/0001-*.patch
		echo "$want" > "$src/.git/mainline-bench-patches"
	fi
	# The untracked tree: a checkout of the same commit with its own index
	# (moving it rewrites only the files that differ), plus the ablation.
	want="$(git -C "$src" rev-parse HEAD) $(sha256sum < "$ablate" | cut -c1-32)"
	if [ "$(cat "$nsrc/.ablate" 2>/dev/null)" != "$want" ]; then
		mkdir -p "$nsrc"
		GIT_INDEX_FILE=$nsrc.index git --git-dir="$src/.git" --work-tree="$nsrc" \
			read-tree -u --reset HEAD
		patch -s -p1 -d "$nsrc" --dry-run < "$ablate" > /dev/null ||
			{ echo "mainline-bench: $ablate does not apply" >&2; exit 1; }
		patch -s -p1 -d "$nsrc" < "$ablate"
		echo "$want" > "$nsrc/.ablate"
	fi
	say "tree: $(git -C "$src" log -1 --format='%h %s') (+ ablation in build/mainline-bench-notrack-src)"
}

# --- config: scripts/merge-config.sh, as scripts/mainline.sh -------------------
config() {	# config out-dir
	local l
	l=$("$top/scripts/merge-config.sh" "$src" "$1" "${frags[@]}")
	[ -z "$l" ] || say "config $(basename "$1"): $l"
}

# --- build: both kernels, one after the other (nice 19) ----------------------
build_one() {	# build_one name
	local name=$1 out=$top/build/$1 s=$SECONDS
	say "building $name (bzImage, modules; nice 19, ccache, -j${JOBS:-2})"
	nice -n 19 make -s -C "$src" O="$out" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" \
		-j"${JOBS:-2}" bzImage modules > "$logs/build-$name.log" 2>&1 ||
		{ tail -40 "$logs/build-$name.log"; exit 1; }
	echo $((SECONDS - s)) > "$logs/build-$name.seconds"
	[ -f "$out/.first-build-seconds" ] || echo $((SECONDS - s)) > "$out/.first-build-seconds"
	say "built $name: $(cat "$out/include/config/kernel.release") in $((SECONDS - s)) s"
}
build() {
	config "$top/build/mainline-bench"
	build_one mainline-bench
	# The untracked tree at the path of the tracked one, in a private mount
	# namespace: the compiler sees the same paths, ccache hits all but core.c.
	config "$top/build/mainline-bench-notrack"
	unshare -m --propagation private bash -c \
		'mount --bind "$1" "$2" && shift 2 && exec "$@"' _ "$nsrc" "$src" \
		"$top/scripts/mainline-bench.sh" build-notrack-inner
}

# split (optional): 7.3 with only the list tracking compiled out
# (mainline/bench/ablate-list-7.3.patch; the SRCU sections stay), built from
# the tracked tree with kernel/events/core.c replaced by a bind mount in a
# private mount namespace (ccache serves the rest), into
# build/mainline-bench-nolist; then SPLIT_PAIRS pairs of it against 7.3
# (out/mainline-bench/split-tables.txt), so that report can split the cost of
# ablate-tracking-7.3.patch into list tracking and SRCU sections.
split() {
	local core=$top/build/mainline-bench-nolist-core.c
	config "$top/build/mainline-bench-nolist"
	cp "$src/kernel/events/core.c" "$core.new"
	patch -s -p3 "$core.new" < "$top/mainline/bench/ablate-list-7.3.patch"
	cmp -s "$core.new" "$core" 2>/dev/null && rm "$core.new" || mv "$core.new" "$core"
	unshare -m --propagation private bash -c \
		'mount --bind "$1" "$2" && shift 2 && exec "$@"' _ "$core" "$src/kernel/events/core.c" \
		"$top/scripts/mainline-bench.sh" build-nolist-inner
	say "split: ${SPLIT_PAIRS:-1} pairs 7.3-nolist vs 7.3 (log out/mainline-bench/split.log)"
	nice -n 19 "$top/scripts/bench.py" --clock icount --pairs "${SPLIT_PAIRS:-1}" --seconds "${SECONDS_PER_BENCH:-2}" \
		--before-dir build/mainline-bench-nolist --before-label 7.3-nolist \
		--after-dir build/mainline-bench --after-label 7.3 \
		--output out/mainline-bench/split-tables.txt > "$logs/split.log" 2>&1 ||
		{ tail -40 "$logs/split.log"; exit 1; }
}

bench() {
	say "bench: ${PAIRS:-3} pairs on the icount clock (log out/mainline-bench/bench.log)"
	nice -n 19 "$top/scripts/bench.py" --clock icount --pairs "${PAIRS:-3}" --seconds "${SECONDS_PER_BENCH:-2}" \
		--before-dir build/mainline-bench-notrack --before-label 7.3-untracked \
		--after-dir build/mainline-bench --after-label 7.3 \
		--output out/mainline-bench/tables.txt > "$logs/bench.log" 2>&1 ||
		{ tail -40 "$logs/bench.log"; exit 1; }
}

# results/mainline-bench.txt: header, the tables, next to ours, time taken.
report() {
	# shellcheck disable=SC1091
	. "$top/build/mainline-apt/source"
	MB_HEAD=$(git -C "$src" log -1 --format='%h %s') \
	MB_REL_T=$(cat "$top/build/mainline-bench/include/config/kernel.release") \
	MB_REL_U=$(cat "$top/build/mainline-bench-notrack/include/config/kernel.release") \
	MB_ABLATE_SUM=$(sha256sum < "$ablate" | cut -d' ' -f1) \
	MB_DROPPED=$(tr '\n' ' ' < "$top/build/mainline-bench/dropped-options" | sed 's/ *$//') \
	MB_PAIRS=${PAIRS:-3} MB_SECONDS=${SECONDS_PER_BENCH:-2} \
	MB_TOTAL=$(($(date +%s) - t0)) \
	MB_T_TREE=$(cat "$logs/stage-tree.seconds" 2>/dev/null) MB_T_BUILD=$(cat "$logs/stage-build.seconds" 2>/dev/null) \
	MB_T_BENCH=$(cat "$logs/stage-bench.seconds" 2>/dev/null) MB_T_SPLIT=$(cat "$logs/stage-split.seconds" 2>/dev/null) \
	MB_B_T=$(cat "$logs/build-mainline-bench.seconds" 2>/dev/null) \
	MB_B_U=$(cat "$logs/build-mainline-bench-notrack.seconds" 2>/dev/null) \
	MB_B1_T=$(cat "$top/build/mainline-bench/.first-build-seconds" 2>/dev/null) \
	MB_B1_U=$(cat "$top/build/mainline-bench-notrack/.first-build-seconds" 2>/dev/null) \
		"$top/scripts/mainline-bench-report.py" "$logs/tables.txt" results/mainline-bench.txt
}

stages=("$@")
if [ ${#stages[@]} = 0 ]; then
	stages=(tree build bench)
	[ "${SPLIT:-0}" = 0 ] || stages+=(split)
	stages+=(report)
fi
for st in "${stages[@]}"; do
	s=$(date +%s)
	case $st in
	tree) tree ;;
	config) config "$top/build/mainline-bench"; config "$top/build/mainline-bench-notrack" ;;
	build) build ;;
	build-notrack-inner) build_one mainline-bench-notrack; exit 0 ;;	# inside the namespace
	build-nolist-inner) build_one mainline-bench-nolist; exit 0 ;;	# inside the namespace
	split) split ;;
	bench) bench ;;
	report) report ;;
	*) echo "usage: $0 [tree|config|build|bench|split|report]..." >&2; exit 1 ;;
	esac
	declare "T_$st=$(($(date +%s) - s))"
	[ "$st" = report ] || echo $(($(date +%s) - s)) > "$logs/stage-$st.seconds"
	say "$st: $(($(date +%s) - s)) s"
done
say "done"
