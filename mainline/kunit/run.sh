#!/bin/bash
# Our KUnit suite (patches/0011, kernel/events/unregister_test.c) ported to
# mainline 7.3's revocation, built and run with 7.3's own kunit.py.
#
# - tree: build/mainline-kunit-src, Debian's linux-source-7.3 (the tarball of
#   build/mainline-apt/source) as the base commit (scripts/base-commit.sh),
#   then mainline/0001 (test PMU driver) and the KUnit port
#   (mainline/kunit/0001-*.patch); re-applied when the patch changed.
# - build: build/mainline-kunit, kernel/events/.kunitconfig plus
#   mainline/kunit/debug.kunitconfig (the debug options of
#   configs/debug.config: KASAN, lockdep, DEBUG_LIST, DEBUG_OBJECTS, ...);
#   nice -n 19, ccache, JOBS (2).
# - run: the whole suite in one boot (QEMU TCG, -smp 2: bin/ wraps
#   qemu-system-x86_64 to drop kunit.py's "-accel kvm"), then each case in
#   a boot of its own (ISOLATE=0 skips these).
# - results/mainline-kunit.txt: one line per case of our 29 (pass, fail with
#   the failed lines, splat, or "not ported: reason"); consoles and
#   kunit.py's output in out/mainline-kunit/.
# Usage: mainline/kunit/run.sh [tree|build|run|table]...  (default: all)
# FIXES=1 also applies mainline/fixes/*.patch on top (same source and build
# directories; logs and the table in out/mainline-kunit-fixed/, results/ is
# not touched); the default tree is restored by a run without it.
# KUNIT_TIMEOUT (600) caps the boot of the whole suite, KUNIT_CASE_TIMEOUT
# (180) that of a single case, in seconds.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/mainline/kunit
. "$top/build/mainline-apt/source"
src=$top/build/mainline-kunit-src
out=$top/build/mainline-kunit
logs=$top/out/mainline-kunit
res=$top/results/mainline-kunit.txt
patch=$here/0001-perf-Add-KUnit-tests-for-perf_pmu_unregister-with-li.patch
fixes=()
if [ "${FIXES:-0}" = 1 ]; then
	fixes=("$top"/mainline/fixes/*.patch)
	logs=$top/out/mainline-kunit-fixed
	res=$logs/results.txt
fi
suite=perf_pmu_unregister
stages=${*:-tree build run table}

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache} CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1
export GIT_AUTHOR_NAME="pmu-revoke" GIT_AUTHOR_EMAIL="pmu-revoke@localhost"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
nice=
kunit() {
	(cd "$src" && PATH=$here/bin:$PATH $nice python3 tools/testing/kunit/kunit.py "$@")
}
kunit_args=(--arch=x86_64 --build_dir="$out"
	    --kunitconfig=kernel/events/.kunitconfig
	    --kunitconfig="$here/debug.kunitconfig")
mkdir -p "$logs"

patch_id() { git patch-id --stable | cut -d' ' -f1; }

stage_tree() {
	if [ ! -d "$src" ]; then
		"$top/scripts/base-commit.sh" "$TARBALL" "$src" "$PACKAGE $VERSION" || exit 1
	fi
	local want=("$top"/mainline/0001-*.patch "$patch" "${fixes[@]}") i n ok=0
	n=${#want[@]}
	if [ "$(git -C "$src" rev-list --count base..HEAD)" = "$n" ]; then
		ok=1
		for i in "${!want[@]}"; do
			[ "$(git -C "$src" show "HEAD~$((n - 1 - i))" | patch_id)" = \
			  "$(patch_id < "${want[$i]}")" ] || { ok=0; break; }
		done
	fi
	if [ $ok = 1 ]; then
		echo "tree: $src up to date"
		return
	fi
	git -C "$src" reset -q --hard base &&
	git -C "$src" am -q "${want[@]}" || exit 1
	echo "tree: $src = base + mainline/0001 + $(basename "$patch")${fixes:+ + mainline/fixes (${#fixes[@]})}"
}

stage_build() {
	local t0=$SECONDS
	nice="nice -n 19" kunit build "${kunit_args[@]}" --jobs="${JOBS:-2}" \
		--make_options 'CC=ccache gcc' > "$logs/build.log" 2>&1
	local rc=$?
	echo "build: rc $rc, $((SECONDS - t0)) s (log: $logs/build.log)"
	echo "$((SECONDS - t0))" > "$logs/build.seconds"
	[ $rc = 0 ] || { tail -30 "$logs/build.log"; exit 1; }
}

# The case names, in the order of the suite, from the patch.
ported_cases() {
	sed -n '/^+static struct kunit_case perf_pmu_unregister_cases/,/^+};/p' "$patch" |
		sed -n 's/^+\tKUNIT_CASE\(_SLOW\)\?(\([a-z0-9_]*\)),$/\2/p'
}

# A boot: kunit.py exec with @glob, console to @log. no_timer_check: under
# TCG on a loaded host the IO-APIC timer check sometimes hangs the boot.
# KASAN reports only the first bad access of a boot (kasan_multi_shot
# floods the console until printk drops the KTAP lines): the boots of
# their own give each case its first report. A boot that never reached the
# suite is tried once more.
exec_one() {	# glob log timeout
	local t0=$SECONDS try
	for try in 1 2; do
		kunit exec "${kunit_args[@]}" --timeout="$3" --qemu_args='-smp 2' \
			--kernel_args=no_timer_check \
			"$1" > "$2.kunit" 2>&1
		cp "$out/test.log" "$2"
		grep -q "# Subtest: $suite" "$2" && break
		echo "exec $1: no KTAP output (boot $try failed)"
	done
	echo "exec $1: $((SECONDS - t0)) s"
}

stage_run() {
	local t0=$SECONDS c
	rm -f "$logs"/console*.log "$logs"/console*.log.kunit
	# Every case in one boot, as tests/kunit/run.sh runs ours...
	exec_one "$suite" "$logs/console.log" "${KUNIT_TIMEOUT:-600}"
	echo "$((SECONDS - t0))" > "$logs/run-suite.seconds"
	# ...then each case in a boot of its own (ISOLATE=0 skips them), so
	# that a splat belongs to its case and no case runs on a kernel that
	# an earlier one left tainted or oopsed.
	if [ "${ISOLATE:-1}" = 1 ]; then
		for c in $(ported_cases); do
			exec_one "$suite.$c" "$logs/console-$c.log" "${KUNIT_CASE_TIMEOUT:-180}"
		done
	fi
	echo "run: $((SECONDS - t0)) s"
	echo "$((SECONDS - t0))" > "$logs/run.seconds"
}

stage_table() {
	python3 "$here/table.py" --top "$top" --patch "$patch" --logs "$logs" \
		--package "$PACKAGE $VERSION" --config "$out/.config" \
		--kunitconfig "$src/kernel/events/.kunitconfig" \
		--kunitconfig "$here/debug.kunitconfig" > "$res"
	local rc=$?
	cat "$res"
	return $rc
}

for s in $stages; do
	"stage_$s" || exit 1
done
