#!/bin/bash
# make mainline: our tests on mainline's own revocation (issue 20).
#
# Downloads Debian's linux-source-7.3 (trixie-backports; fallback
# linux-source-7.2 from unstable) through a private apt configuration
# under build/mainline-apt/ (the machine's apt configuration is not
# touched), creates build/mainline-src/ (a git tree: the pristine source as
# the base commit, tagged "base", then mainline/*.patch applied with git am),
# configures it for x86_64 with configs/{base,debug,test}.config the way
# scripts/build.sh does (merge_config.sh -n on allnoconfig), builds bzImage
# and modules into build/mainline/, builds the pmu_unregister kselftest of
# the patched tree into build/mainline-selftests/, and runs it in the guest
# (scripts/vm --kernel): once with every case in one boot, then each case in
# a boot of its own (pass / fail / splat / hang), then each reproducer of
# mainline/reproducers.txt in a boot of its own, the perf tool scenarios, a
# short make stress (KERNEL=mainline), and the kselftest on our 6.12 kernel
# (build/after) for the "ours" column. The fixed stage does it again with
# mainline/fixes/*.patch applied on top (logs in out/mainline-fixed/).
# Results: results/mainline.txt (with the side-by-side table, reasons from
# mainline/reasons.txt); logs: out/mainline/.
#
# Usage: scripts/mainline.sh [stage...]
#   stages: fetch tree config build selftests run repro perf stress ours fixed
#   (default: all, in order); report rewrites results/mainline.txt from the
#   logs in out/mainline*/. FIXES=1 runs the named stages on the fixed tree;
#   the fixed stage boots each case of kind defect or both in
#   mainline/reasons.txt (FIXED_CASES: others).
#   STRESS_SECONDS, STRESS_LOOPS  the short make stress (90, 6)
#   REPROS="binary.test ..."      the repro stage runs only these
#   TRIES, PERF_TRIES, SEED  the perf tool scenarios (4, 3, 1)
#   PERF_SCENARIOS     a subset of "smoke unbind perf-tool"
#   PERF_TRY_SECONDS   guest timeout per perf-tool try (default 100; make test: 60)
# Environment:
#   MAINLINE_PACKAGE   linux-source-7.3 (default) or linux-source-7.2
#   MAINLINE_VERSION   the package version (default: the newest offered)
#   MATRIX=0           skip the per-case boots (only the single-boot run)
#   SINGLE=0           skip the single boot (only the per-case boots)
#   CASES="a b"        per-case boots of these cases only
#   JOBS               make -j (default: nproc)
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
apt_dir=$top/build/mainline-apt
src=$top/build/mainline-src
out=$top/build/mainline
kst=$top/build/mainline-selftests
logs=$top/out/mainline
fixed_logs=$top/out/mainline-fixed
# FIXES=1: mainline with our fixes for its defects (mainline/fixes/) on
# top of the test patches; same source and build directories (switching
# rewrites only the files the fixes touch), logs of their own.
patches() {
	ls "$top"/mainline/0*.patch
	[ "${FIXES:-0}" = 0 ] || ls "$top"/mainline/fixes/0*.patch
}
[ "${FIXES:-0}" = 0 ] || logs=$fixed_logs
cache=${PMU_SOURCE_CACHE:-/var/cache/pmu-revoke}
package=${MAINLINE_PACKAGE:-linux-source-7.3}
mkdir -p "$logs"

t0=$(date +%s)
say() { printf '[mainline %4ds] %s\n' $(($(date +%s) - t0)) "$*"; }

# --- fetch: the package through a private apt configuration -------------
# The mirror the machine already uses (deb.debian.org unless its sources
# name another Debian mirror).
mirror() {
	local m
	m=$(grep -rhoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
		grep -v security | head -1 | tr -d ' ')
	echo "${m:-http://deb.debian.org/debian}"
}
apt_opts() {
	echo -o "Dir::Etc::sourcelist=$apt_dir/etc/sources.list" -o Dir::Etc::sourceparts=- \
		-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" \
		-o "Dir::Cache::archives=$apt_dir/archives" -o APT::Architectures::=amd64 \
		-o Acquire::Languages=none -o Debug::NoLocking=1
}
fetch() {
	local m ver tarball tmp
	mkdir -p "$apt_dir/etc" "$apt_dir/lists/partial" "$apt_dir/cache" "$apt_dir/archives/partial"
	m=$(mirror)
	cat > "$apt_dir/etc/sources.list.new" <<-EOF
	deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${m%/} trixie-backports main
	deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${m%/} unstable main
	EOF
	mv "$apt_dir/etc/sources.list.new" "$apt_dir/etc/sources.list"
	# shellcheck disable=SC2046
	if [ -z "${MAINLINE_VERSION:-}" ] || [ ! -f "$cache/$package-$MAINLINE_VERSION.tar.xz" ]; then
		apt-get $(apt_opts) -q update > "$logs/apt-update.log" 2>&1 ||
			{ cat "$logs/apt-update.log"; exit 1; }
	fi
	ver=${MAINLINE_VERSION:-}
	if [ -z "$ver" ]; then
		# shellcheck disable=SC2046
		ver=$(apt-cache $(apt_opts) madison "$package" | awk '{print $3}' | sort -V | tail -1)
		if [ -z "$ver" ] && [ "$package" = linux-source-7.3 ]; then
			say "linux-source-7.3 not offered; falling back to linux-source-7.2"
			package=linux-source-7.2
			# shellcheck disable=SC2046
			ver=$(apt-cache $(apt_opts) madison "$package" | awk '{print $3}' | sort -V | tail -1)
		fi
	fi
	[ -n "$ver" ] || { echo "mainline: no $package offered" >&2; exit 1; }
	tarball=$cache/$package-$ver.tar.xz
	if [ ! -f "$tarball" ]; then
		mkdir -p "$cache"
		tmp=$(mktemp -d "$cache/dl.XXXXXX")
		chmod 755 "$tmp"
		! id _apt > /dev/null 2>&1 || [ "$(id -u)" != 0 ] || chown _apt "$tmp"
		say "downloading $package=$ver"
		# shellcheck disable=SC2046
		(cd "$tmp" && apt-get $(apt_opts) -q download "$package=$ver") > "$logs/apt-download.log" 2>&1 ||
			{ cat "$logs/apt-download.log"; rm -rf "$tmp"; exit 1; }
		dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" "./usr/src/$package.tar.xz"
		mv "$tmp/usr/src/$package.tar.xz" "$tarball"
		rm -rf "$tmp"
	fi
	printf 'PACKAGE=%s\nVERSION=%s\nTARBALL=%s\nSHA256=%s\n' "$package" "$ver" "$tarball" \
		"$(sha256sum < "$tarball" | cut -d' ' -f1)" > "$apt_dir/source"
	say "source: $package $ver"
}
source_info() {
	[ -f "$apt_dir/source" ] || fetch
	# shellcheck disable=SC1091
	. "$apt_dir/source"
}

# --- tree: pristine base commit + mainline/*.patch ------------------------
tree() {
	local want
	source_info
	if [ "$(git -C "$src" log -1 --format=%s base 2>/dev/null)" != "$PACKAGE $VERSION" ]; then
		say "creating build/mainline-src from $PACKAGE $VERSION"
		rm -rf "$src"
		"$top/scripts/base-commit.sh" "$TARBALL" "$src" "$PACKAGE $VERSION"
	fi
	# Re-apply when the patch list changed (only the files that differ
	# are rewritten, so make rebuilds only what the patches touch).
	compgen -G "$top/mainline/0*.patch" > /dev/null || { say "no mainline/*.patch"; return 0; }
	want=$(patches | xargs cat | sha256sum | cut -c1-32)
	if [ "$(cat "$src/.git/mainline-patches" 2>/dev/null)" != "$want" ]; then
		git -C "$src" am --abort > /dev/null 2>&1 || true
		git -C "$src" reset -q --hard base
		GIT_COMMITTER_NAME=mainline GIT_COMMITTER_EMAIL=mainline@localhost \
		GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
			# shellcheck disable=SC2046
			git -C "$src" am -q --no-3way $(patches) ||
			{ echo "mainline: a patch of mainline/ does not apply (git -C $src am --show-current-patch)" >&2; exit 1; }
		echo "$want" > "$src/.git/mainline-patches"
		say "applied $(patches | wc -l) patches of mainline/$([ "${FIXES:-0}" = 0 ] || echo " and fixes/")"
	fi
}

# --- config and build ---------------------------------------------------
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}
export CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
export KBUILD_BUILD_TIMESTAMP="Sat Jan  1 00:00:00 UTC 2000"
export KBUILD_BUILD_USER=pmu KBUILD_BUILD_HOST=workbench
mk=(nice -n 19 make -s -C "$src" O="$out" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" -j"${JOBS:-$(nproc)}")
frags=("$top/configs/base.config" "$top/configs/debug.config" "$top/configs/test.config")

config() {
	local l
	l=$("$top/scripts/merge-config.sh" "$src" "$out" "${frags[@]}")
	[ -z "$l" ] || say "config: $l"
}

build() {
	local s=$SECONDS
	say "building bzImage and modules in build/mainline (nice 19, ccache)"
	"${mk[@]}" bzImage modules > "$logs/build.log" 2>&1 || { tail -40 "$logs/build.log"; exit 1; }
	"${mk[@]}" headers > /dev/null
	say "built $(cat "$out/include/config/kernel.release") in $((SECONDS - s)) s"
}

# The reproducers: "binary test fix description" lines.
reproducers() { grep -v '^#' "$top/mainline/reproducers.txt" 2>/dev/null | awk 'NF >= 2'; }

selftests() {
	local b
	mkdir -p "$kst"
	for b in pmu_unregister $(reproducers | awk '{print $1}' | sort -u); do
		make -s -C "$src/tools/testing/selftests/perf_events" OUTPUT="$kst" \
			KHDR_INCLUDES="-isystem $out/usr/include" "$kst/$b" > "$logs/selftests.log" 2>&1 ||
			{ cat "$logs/selftests.log"; exit 1; }
	done
	say "built build/mainline-selftests/pmu_unregister ($("$kst/pmu_unregister" -l 2>&1 | grep -vc '^#\|^---\|^$') cases)"
}

# --- run in the guest ----------------------------------------------------
vm() {	# vm out-dir timeout command...
	local o=$1 t=$2
	shift 2
	"$top/scripts/vm" --kernel "$out/arch/x86/boot/bzImage" --out "$o" --timeout "$t" \
		--append oops=panic --env "export VARIANT=mainline" -- "$@" < /dev/null
}
# vm_case out-dir timeout command...: vm, its status in out-dir/rc. A
# splat before the payload started belongs to the boot, not to the case:
# 7.3.4 sometimes reports a KASAN wild-memory-access in handle_edge_irq()
# during identify_cpu() under TCG (2 in 25 boots, no perf code yet). Such
# a boot is listed in $logs/early-splats and run once more.
vm_case() {
	local o=$1 rc try early
	for try in 1 2; do
		rm -rf "$o"
		rc=0
		vm "$@" > "$o.log" 2>&1 || rc=$?
		echo "$rc" > "$o/rc"
		early=$(sed '/pmu-vm: payload start/q' "$o/console.log" 2>/dev/null > "$o.early" &&
			first_splat "$o.early")
		rm -f "$o.early"
		[ -n "$early" ] && [ $try = 1 ] || break
		say "$(basename "$o"): splat before the payload ($early); booting again"
		echo "$early" >> "$logs/early-splats"
	done
}
# What the guest runs before a test binary: the ported test PMU driver.
payload="top=$top; . $top/tests/guest/lib.sh; load_test_pmu || exit 1; export TEST_PERF_PMU_KO=\$kbuild/lib/test_perf_pmu.ko"
verdict() {	# verdict status: the runner's exit status as a result word
	case $1 in
	0) echo pass ;;
	125) echo splat ;;
	124) echo hang ;;
	126) echo died ;;
	127) echo not-run ;;
	*) echo fail ;;
	esac
}
first_splat() { python3 "$top/scripts/triage.py" "$1" 2>/dev/null | head -1 | sed 's/^\[[^]]*\] //'; }

# A kselftest's lines in a guest console (user output, no timestamp).
ks_lines() { grep -aE '^(not )?ok [0-9]+ |^# Totals|^# [a-z_]+\.c:[0-9]+:' "$1" 2>/dev/null; }
# judge dir case: the result of a case run in its own boot (out dir with
# console.log and rc): pass, fail (a check failed), skip, then +splat (the
# kernel reported a problem), +hang (killed at the timeout), +died (the
# guest crashed); a boot that ended before the case's verdict is its
# runner status alone, and not-run if that status is 0.
judge() {
	local log=$1/console.log t=$2 rc r v
	rc=$(cat "$1/rc" 2>/dev/null || echo 127)
	v=$(verdict "$rc")
	if ! ks_lines "$log" | grep -qE "^(not )?ok [0-9]+ [^.]*\.$t( |$)"; then
		# No verdict of the case: never a pass (a misspelt case, a
		# binary that ran nothing and exited 0). A kernel message can
		# also split the verdict line: the splat still counts.
		[ "$v" != pass ] || v=not-run
		[ "$v" != fail ] || [ -z "$(first_splat "$log")" ] || v=fail+splat
		echo "$v"
		return
	fi
	r=pass
	ks_lines "$log" | grep -qE "^not ok [0-9]+ [^.]*\.$t( |$)" && r=fail
	ks_lines "$log" | grep -qE "^ok [0-9]+ [^.]*\.$t # SKIP" && r=skip
	case $v in
	hang|died) r="$r+$v" ;;
	*) [ "$v" = splat ] || [ -z "$(first_splat "$log")" ] || v=splat
	   [ "$v" != splat ] || r="$r+splat" ;;
	esac
	echo "$r"
}
# The failed checks of a case in a console: "file.c:LINE: expression".
failed_checks() {	# failed_checks console.log case
	ks_lines "$1" | sed -n "s/^# \([a-z_]*\.c:[0-9]*\):$2:\(.*\)$/\1: \2/p" | sort -u
}

run() {
	local bin=$kst/pmu_unregister all t o
	all=$("$bin" -l 2>&1 | awk '/^#|^---/ {next} NF {print $NF}')
	echo "$all" > "$logs/cases"

	# Every case in one boot, as make test runs it on our kernels
	# (SINGLE=0 skips it, e.g. to boot a few CASES again).
	if [ "${SINGLE:-1}" != 0 ]; then
		: > "$logs/early-splats"
		say "kselftest: all cases in one boot"
		vm_case "$logs/all" 900 bash -c "$payload; $bin 2>&1"
		say "single boot: $(verdict "$(cat "$logs/all/rc")")"
	fi

	# Each case in its own boot: a splat or a hang is then the case's own.
	if [ "${MATRIX:-1}" != 0 ]; then
		for t in ${CASES:-$all}; do
			o=$logs/case-$t
			vm_case "$o" 240 bash -c "$payload; $bin -t $t 2>&1"
			say "case $t: $(judge "$o" "$t")"
		done
	fi
	report
}

# Each reproducer of mainline/reproducers.txt in a boot of its own.
repro() {
	local bin t fix desc o
	while read -r bin t fix desc; do
		o=$logs/repro-$bin-$t
		vm_case "$o" 300 bash -c "$payload; $kst/$bin -t $t 2>&1"
		say "reproducer $bin $t: $(judge "$o" "$t")"
	done < <(reproducers | awk -v r="${REPROS:-}" 'r == "" || index(" " r " ", " " $1 "." $2 " ")')
	report
}

# --- the perf tool scenarios of make test, unchanged -------------------------
perf_tool() {
	local tries=${TRIES:-4} ptries=${PERF_TRIES:-3} seed=${SEED:-1} rc r s name
	# PERF_SCENARIOS: a subset (its lines replace those of the last run).
	[ -n "${PERF_SCENARIOS:-}" ] || : > "$logs/perf.txt"
	for name in ${PERF_SCENARIOS:-smoke unbind perf-tool}; do
		rm -rf "${logs:?}/${name:?}"
		rc=0
		case $name in
		smoke)	vm "$logs/$name" 240 "$top/tests/guest/smoke-test-pmu.sh" ;;
		unbind)	vm "$logs/$name" $((90 + 20 * tries)) "$top/tests/guest/demo-unbind.sh" 1 "$tries" "$seed" ;;
		perf-tool) vm "$logs/$name" $((120 + ${PERF_TRY_SECONDS:-100} * ptries)) "$top/tests/guest/perf-tool.sh" "$ptries" "$seed" ;;
		esac > "$logs/$name.log" 2>&1 || rc=$?
		r=$(verdict "$rc")
		s=$(first_splat "$logs/$name/console.log")
		printf '%-40s %-6s %s\n' "$name" "$r" "$s" | tee -a "$logs/perf.txt"
		grep -hE '^(try|record|inherit|aux-record|FAIL|ok)' "$logs/$name/results.txt" "$logs/$name.log" 2>/dev/null |
			sed 's/^/    /' | head -30 >> "$logs/perf.txt"
	done
	report
}

# --- a short make stress on the mainline kernel (scripts/stress.sh, unchanged) --
stress() {
	local rc=0 secs=${STRESS_SECONDS:-90} loops=${STRESS_LOOPS:-6}
	say "make stress on mainline: $secs s of load, $loops fault-injection loops"
	KERNEL=mainline DURATION=$secs FAULT_LOOPS=$loops SEED=${SEED:-1} \
		"$top/scripts/stress.sh" > "$logs/stress.log" 2>&1 || rc=$?
	echo "$rc KERNEL=mainline DURATION=$secs FAULT_LOOPS=$loops SEED=${SEED:-1}" > "$logs/stress.rc"
	stress_summary
	say "stress: $(head -1 "$logs/stress.txt")"
	report
}
# stress.txt from the logs of the last stress stage.
stress_summary() {
	local rc how
	read -r rc how < "$logs/stress.rc"
	{
		echo "result: $([ "$rc" = 0 ] && echo pass || echo "fail (exit $rc)") ($how scripts/stress.sh)"
		grep -E '^(stress|faultinject): guest exit' "$logs/stress.log" | sed 's/^/    /'
		sed -n 's/^  \([a-z_0-9]*\) *\([0-9]*\)$/    \1 \2/p' "$logs/stress.log"
		# What pmu-stress found against the revoked-event contract, by kind.
		cat "$top/out/stress-mainline/stress/stress.out" "$top/out/stress-mainline/faults/console.log" 2>/dev/null |
			grep -aoE 'VIOLATION: .*|FAIL: .*' | sed -E 's/(event|fd) [0-9]+/\1 N/g; s/[0-9]+ of [0-9]+/N of M/' |
			sort | uniq -c | sort -rn | head -8 | sed 's/^ */    x/'
		grep -v "Call Trace" "$top/out/stress-mainline/splats.txt" 2>/dev/null |
			sed 's/^\[[^]]*\] //' | sort | uniq -c | sort -rn | head -8 | sed 's/^ */    splat x/'
	} > "$logs/stress.txt"
}

# --- ours: the same kselftest on 6.12 + our series, for the table --------
ours() {
	local rc=0 o=$top/out/mainline/ours
	say "ours: build/after and build/selftests (make test's), the kselftest in one boot"
	"$top/scripts/build.sh" after > "$top/out/mainline/ours-build.log" 2>&1 ||
		{ tail -20 "$top/out/mainline/ours-build.log"; exit 1; }
	mkdir -p "$top/build/selftests"
	make -s -C "$top/linux/tools/testing/selftests/perf_events" OUTPUT="$top/build/selftests" \
		>> "$top/out/mainline/ours-build.log" 2>&1 || { tail -20 "$top/out/mainline/ours-build.log"; exit 1; }
	rm -rf "$o"
	"$top/scripts/vm" --out "$o" --timeout 900 --env "export LOOPS=1 SEED=${SEED:-1}" -- \
		tests/guest/selftest-pmu-unregister.sh > "$o.log" 2>&1 < /dev/null || rc=$?
	echo "$rc" > "$o/rc"
	say "ours: $(verdict "$rc")"
	report
}

# --- report: results/mainline.txt from out/mainline*/ ------------------------
# matrix dir: one line per case of a run (its own boot each), failed checks below.
matrix() {
	local t o
	for t in $(cat "$top/out/mainline/cases" 2>/dev/null); do
		o=$1/case-$t
		[ -f "$o/console.log" ] || continue
		printf '%-40s %-11s %s\n' "$t" "$(judge "$o" "$t")" "$(first_splat "$o/console.log")"
		failed_checks "$o/console.log" "$t" | sed 's/^/    /'
	done
}
single() {	# single dir: the one-boot run
	local rc s
	[ -f "$1/all/console.log" ] || return 0
	rc=$(cat "$1/all/rc" 2>/dev/null || echo "?")
	s=$(first_splat "$1/all/console.log")
	echo "boot: $(verdict "$rc") (runner exit $rc)${s:+; first splat: $s}"
	python3 "$top/scripts/triage.py" "$1/all/console.log" 2>/dev/null |
		grep -E 'BUG|WARNING|Oops|panic|INFO|stall|refcount|corruption' | sed 's/^/  splat: /' | head -20
	ks_lines "$1/all/console.log" | grep -E '^(not )?ok |^# Totals' | sed 's/^/  /'
}
# ours_case case: pass/fail of a case in the one boot of our kernel, +splat
# when that boot reported any.
ours_case() {
	local log=$top/out/mainline/ours/console.log r
	r=$(ks_lines "$log" | sed -n "s/^\(not ok\|ok\) [0-9]* [^.]*\.$1\( .*\)\{0,1\}$/\1/p" | head -1)
	case $r in ok) r=pass ;; "not ok") r=fail ;; *) echo "-"; return ;; esac
	[ -z "$(first_splat "$log")" ] || r="$r+splat"
	echo "$r"
}
# reason case field: kind (2), codes (3) or reason (4) of mainline/reasons.txt.
reason() { awk -F' [|] ' -v t="$1" -v f="$2" '$1 == t { print $f }' "$top/mainline/reasons.txt"; }
side_by_side() {	# side_by_side [compact]
	local t a b c
	if [ -n "${1:-}" ]; then
		echo "  case                               ours 7.3.4      +fixes     why"
	else
		echo "# case                                ours        7.3.4       7.3.4+fixes  kind      reason"
	fi
	for t in $(cat "$top/out/mainline/cases"); do
		a=$(ours_case "$t")
		b=$([ -f "$logs_p/case-$t/console.log" ] && judge "$logs_p/case-$t" "$t" || echo -)
		c=$([ -f "$fixed_logs/case-$t/console.log" ] && judge "$fixed_logs/case-$t" "$t" || echo -)
		if [ -n "${1:-}" ]; then
			printf '  %-34s %-4s %-10s %-10s %s\n' "$t" "$a" "$b" "$c" "$(reason "$t" 3)"
		else
			printf '%-37s %-11s %-11s %-12s %-9s %s\n' "$t" "$a" "$b" "$c" "$(reason "$t" 2)" "$(reason "$t" 4)"
		fi
	done > "$logs_p/side-by-side${1:+-$1}.txt"
	cat "$logs_p/side-by-side${1:+-$1}.txt"
	[ -z "${1:-}" ] || return 0
	# Totals per column, and of the kinds of difference.
	awk '{ for (i = 2; i <= 4; i++) { n[i, $i]++; k[$i] = 1 } ; kind[$5]++ }
	     END { split("ours 7.3.4 7.3.4+fixes", h, " ")
		   for (i = 2; i <= 4; i++) { line = "# " h[i - 1] ":"
			for (r in k) if (n[i, r]) line = line " " r " " n[i, r]; print line }
		   line = "# kinds:"; for (r in kind) line = line " " r " " kind[r]; print line }' \
		"$logs_p/side-by-side.txt" | sort
}
repro_table() {
	local bin t fix desc b c
	echo "# reproducer                                      7.3.4        7.3.4+fixes  fix (mainline/fixes/)"
	while read -r bin t fix desc; do
		b=$([ -f "$logs_p/repro-$bin-$t/console.log" ] && judge "$logs_p/repro-$bin-$t" "$t" || echo -)
		c=$([ -f "$fixed_logs/repro-$bin-$t/console.log" ] && judge "$fixed_logs/repro-$bin-$t" "$t" || echo -)
		printf '%-49s %-12s %-12s %s\n' "$bin.$t" "$b" "$c" "$fix"
		printf '    %s\n' "$desc"
	done < <(reproducers)
}

report() {
	source_info
	local logs_p=$top/out/mainline n
	n=$(matrix "$logs_p" | grep -c '^[a-z]' || true)
	{
		echo "# make mainline (scripts/mainline.sh): our tests on mainline's own revocation."
		echo "# source:   $PACKAGE $VERSION (Debian, sha256 $SHA256)"
		echo "# kernel:   $(cat "$out/include/config/kernel.release") x86_64, configs/base+debug+test.config"
		echo "#           (KASAN, lockdep, PROVE_RCU, DEBUG_LIST, ...), dropped as not in 7.3:" \
			"$(tr '\n' ' ' < "$out/dropped-options")"
		echo "# tests:    $(cd "$top/mainline" && ls 0*.patch | tr '\n' ' ')"
		echo "# fixes:    $(cd "$top/mainline/fixes" 2>/dev/null && ls 0*.patch | tr '\n' ' ')(column 7.3.4+fixes)"
		echo "# ours:     $(git -C "$top/linux" log -1 --format='%h %s' 2>/dev/null) (build/after)"
		echo "# qemu:     $(qemu-system-x86_64 --version | head -1), TCG, 2 vCPUs; guest payload: the host's root"
		echo "# date:     $(date -u +%F)"
		echo
		echo "## side by side: the pmu_unregister kselftest, each case in its own boot on mainline"
		echo "# ours: 6.12 + our series, every case in one boot; 7.3.4: mainline as released;"
		echo "# 7.3.4+fixes: with mainline/fixes/. pass, fail (a check failed), +splat, +hang,"
		echo "# +died; kind and reason from mainline/reasons.txt (poll: EPOLLERR without EPOLLHUP)"
		side_by_side
		echo
		echo "## the same, compact (the cover letter's table; why: the codes of mainline/reasons.txt)"
		side_by_side compact
		echo
		echo "## reproducers (mainline/reproducers.txt), each in its own boot"
		repro_table
		echo
		echo "## boots run again: a splat before the payload started (not perf; see vm_case)"
		for n in "$logs_p" "$fixed_logs"; do
			[ -f "$n/early-splats" ] || continue
			echo "${n#"$top"/}: $(grep -c . "$n/early-splats") boot(s)$(sort -u "$n/early-splats" | sed 's/^/; /' | tr -d '\n')"
		done
		echo
		echo "## 7.3.4: pmu_unregister kselftest, all cases in one boot"
		single "$logs_p"
		echo
		echo "## 7.3.4: pmu_unregister kselftest, each case in its own boot ($n cases), failed checks"
		echo "# case                                   result      first splat"
		matrix "$logs_p"
		if [ -f "$fixed_logs/all/console.log" ]; then
			echo
			echo "## 7.3.4+fixes: pmu_unregister kselftest, all cases in one boot"
			single "$fixed_logs"
		fi
		if [ -s "$logs_p/perf.txt" ]; then
			echo
			echo "## 7.3.4: perf tool scenarios (tests/guest: smoke-test-pmu.sh, demo-unbind.sh" \
				"TRIES=${TRIES:-4}, perf-tool.sh PERF_TRIES=${PERF_TRIES:-3}; Debian's perf" \
				"$(perf --version 2>/dev/null | cut -d' ' -f3))"
			cat "$logs_p/perf.txt"
		fi
		if [ -s "$logs_p/stress.txt" ]; then
			echo
			echo "## 7.3.4: short make stress"
			cat "$logs_p/stress.txt"
		fi
		if [ -s "$fixed_logs/stress.txt" ]; then
			echo
			echo "## 7.3.4+fixes: short make stress"
			cat "$fixed_logs/stress.txt"
		fi
	} > "$top/results/mainline.txt"
	say "results/mainline.txt written"
}

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(fetch tree config build selftests run repro perf stress ours fixed)
for st in "${stages[@]}"; do
	case $st in
	fetch) fetch ;;
	tree) tree ;;
	config) tree; config ;;
	build) build ;;
	selftests) selftests ;;
	run) run ;;
	repro) repro ;;
	perf) perf_tool ;;
	stress) stress ;;
	stress-summary) stress_summary ;;
	ours) ours ;;
	# The same kernel again with mainline/fixes/ applied, then the kselftest
	# in one boot, the cases mainline/reasons.txt calls a defect in their own
	# boots (FIXED_CASES: others), the reproducers and the short stress.
	fixed) FIXES=1 CASES="${FIXED_CASES:-$(awk -F' [|] ' '$2 ~ /^(defect|both)$/ {print $1}' \
		"$top/mainline/reasons.txt" | tr '\n' ' ')}" "$0" tree config build selftests run repro stress ;;
	report) report ;;
	*) echo "usage: $0 [fetch|tree|config|build|selftests|run|repro|perf|stress|ours|fixed|report]..." >&2; exit 1 ;;
	esac
done
say "done: ${stages[*]}"
