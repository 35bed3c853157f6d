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
# a boot of its own (pass / fail / splat / hang). Results:
# results/mainline.txt; logs: out/mainline/.
#
# Usage: scripts/mainline.sh [stage...]
#   stages: fetch tree config build selftests run perf (default: all, in order);
#   report rewrites results/mainline.txt from the logs in out/mainline/
#   TRIES, PERF_TRIES, SEED  the perf tool scenarios (4, 3, 1)
#   PERF_SCENARIOS     a subset of "smoke unbind perf-tool"
#   PERF_TRY_SECONDS   guest timeout per perf-tool try (default 100; make test: 60)
# Environment:
#   MAINLINE_PACKAGE   linux-source-7.3 (default) or linux-source-7.2
#   MAINLINE_VERSION   the package version (default: the newest offered)
#   MATRIX=0           skip the per-case boots (only the single-boot run)
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
	local want tmp
	source_info
	if [ "$(git -C "$src" log -1 --format=%s base 2>/dev/null)" != "$PACKAGE $VERSION" ]; then
		say "creating build/mainline-src from $PACKAGE $VERSION"
		rm -rf "$src" "$src.tmp"
		tmp=$src.tmp
		mkdir -p "$tmp"
		tar -C "$tmp" --strip-components=1 -xf "$TARBALL"
		(
			export GIT_AUTHOR_NAME="Debian linux-source" GIT_AUTHOR_EMAIL="debian-kernel@lists.debian.org"
			export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
			export GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"
			git -C "$tmp" init -q -b work
			git -C "$tmp" config core.autocrlf false
			git -C "$tmp" config gc.auto 0
			git -C "$tmp" add -A -f .
			git -C "$tmp" commit -q --no-verify -m "$PACKAGE $VERSION"
			git -C "$tmp" tag base
		)
		mv "$tmp" "$src"
	fi
	# Re-apply when mainline/*.patch changed (only the files that differ
	# are rewritten, so make rebuilds only what the patches touch).
	compgen -G "$top/mainline/0*.patch" > /dev/null || { say "no mainline/*.patch"; return 0; }
	want=$(cat "$top"/mainline/0*.patch | sha256sum | cut -c1-32)
	if [ "$(cat "$src/.git/mainline-patches" 2>/dev/null)" != "$want" ]; then
		git -C "$src" am --abort > /dev/null 2>&1 || true
		git -C "$src" reset -q --hard base
		GIT_COMMITTER_NAME=mainline GIT_COMMITTER_EMAIL=mainline@localhost \
		GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
			git -C "$src" am -q --no-3way "$top"/mainline/0*.patch ||
			{ echo "mainline: a patch of mainline/ does not apply (git -C $src am --show-current-patch)" >&2; exit 1; }
		echo "$want" > "$src/.git/mainline-patches"
		say "applied $(ls "$top"/mainline/0*.patch | wc -l) patches of mainline/"
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
	local sum f sym name dropped=()
	mkdir -p "$out"
	# Reconfigure only when a fragment or a Kconfig file changed.
	sum=$( (echo merge_config; cat "${frags[@]}"; git -C "$src" ls-tree -r HEAD -- '*Kconfig*') |
		sha256sum | cut -c1-32)
	[ ! -f "$out/.config" ] || [ "$(cat "$out/.frag-sum" 2>/dev/null)" != "$sum" ] || return 0
	# The fragments name options of 6.12 and of our series; those 7.3 does
	# not define are dropped (merge_config.sh would only warn) and listed.
	for f in "${frags[@]}"; do
		for sym in $(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=.*/\1/p' "$f"); do
			name=${sym#CONFIG_}
			git -C "$src" grep -qE "^\s*(menu)?config\s+$name\s*$" -- '*Kconfig*' ||
				dropped+=("$sym")
		done
	done
	printf '%s\n' "${dropped[@]}" > "$out/dropped-options"
	say "config: options 7.3 does not define, dropped: ${dropped[*]:-none}"
	(cd "$src" && ARCH=x86_64 CC="ccache gcc" scripts/kconfig/merge_config.sh \
		-n -O "$out" "${frags[@]}") > "$out/merge_config.log" 2>&1 ||
		{ cat "$out/merge_config.log"; exit 1; }
	"$top/scripts/check-config.py" "$src" "$out/.config" "${frags[@]}"
	echo "$sum" > "$out/.frag-sum"
}

build() {
	local s=$SECONDS
	say "building bzImage and modules in build/mainline (nice 19, ccache)"
	"${mk[@]}" bzImage modules > "$logs/build.log" 2>&1 || { tail -40 "$logs/build.log"; exit 1; }
	"${mk[@]}" headers > /dev/null
	say "built $(cat "$out/include/config/kernel.release") in $((SECONDS - s)) s"
}

selftests() {
	mkdir -p "$kst"
	make -s -C "$src/tools/testing/selftests/perf_events" OUTPUT="$kst" \
		KHDR_INCLUDES="-isystem $out/usr/include" "$kst/pmu_unregister" > "$logs/selftests.log" 2>&1 ||
		{ cat "$logs/selftests.log"; exit 1; }
	say "built build/mainline-selftests/pmu_unregister ($("$kst/pmu_unregister" -l 2>&1 | grep -vc '^#\|^---\|^$') cases)"
}

# --- run in the guest ----------------------------------------------------
vm() {	# vm out-dir timeout command...
	local o=$1 t=$2
	shift 2
	"$top/scripts/vm" --kernel "$out/arch/x86/boot/bzImage" --out "$o" --timeout "$t" \
		--append oops=panic --env "export VARIANT=mainline" -- "$@"
}
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
# The kselftest's failed checks in a log: "pmu_unregister.c:LINE: expression".
failed_checks() {
	sed -n 's/^# \(pmu_unregister\.c:[0-9]*\):[^:]*:\(.*\)$/\1: \2/p' "$1" | sort -t: -k2,2n -u
}
first_splat() { python3 "$top/scripts/triage.py" "$1" 2>/dev/null | head -1 | sed 's/^\[[^]]*\] //'; }

# The kselftest's lines in a guest console (user output, no timestamp).
ks_lines() { grep -aE '^(not )?ok [0-9]+ |^# Totals|^# pmu_unregister\.c:[0-9]+:' "$1" 2>/dev/null; }
# case_result console.log rc [case]: the result word of a case (or the run).
case_result() {
	local log=$1 rc=$2 t=${3:-} r
	r=$(verdict "$rc")
	if [ -n "$t" ]; then
		if ks_lines "$log" | grep -qE "^not ok [0-9]+ [^.]*\.$t( |$)"; then
			r=fail
		elif ks_lines "$log" | grep -qE "^ok [0-9]+ [^.]*\.$t # SKIP"; then
			r=skip
		elif [ "$r" = fail ] && ks_lines "$log" | grep -qE "^ok [0-9]+ [^.]*\.$t( |$)"; then
			r=pass	# the binary failed for another reason; the case passed
		fi
		# The case's verdict, and whether the guest survived it cleanly.
		case $(verdict "$rc") in
		splat) r="$r+splat" ;;
		hang) r="$r+hang" ;;
		died) r="$r+died" ;;
		esac
		# A boot that ended before the case printed its verdict.
		ks_lines "$log" | grep -qE "^(not )?ok [0-9]+ [^.]*\.$t( |$)" || r=$(verdict "$rc")
	fi
	echo "$r"
}
# The failed checks of a case in a console: "pmu_unregister.c:LINE: expression".
failed_checks() {	# failed_checks console.log case
	ks_lines "$1" | sed -n "s/^# \(pmu_unregister\.c:[0-9]*\):$2:\(.*\)$/\1: \2/p" | sort -u
}

run() {
	local bin=$kst/pmu_unregister all t rc o payload
	all=$("$bin" -l 2>&1 | awk '/^#|^---/ {next} NF {print $NF}')
	echo "$all" > "$logs/cases"
	payload="top=$top; . $top/tests/guest/lib.sh; load_test_pmu || exit 1; export TEST_PERF_PMU_KO=\$kbuild/lib/test_perf_pmu.ko"

	# Every case in one boot, as make test runs it on our kernels.
	rm -rf "$logs/all"
	say "kselftest: all cases in one boot"
	rc=0
	vm "$logs/all" 900 bash -c "$payload; $bin 2>&1" > "$logs/all.log" 2>&1 || rc=$?
	echo "$rc" > "$logs/all/rc"
	say "single boot: $(case_result "$logs/all/console.log" "$rc")"

	# Each case in its own boot: a splat or a hang is then the case's own.
	if [ "${MATRIX:-1}" != 0 ]; then
		for t in ${CASES:-$all}; do
			o=$logs/case-$t
			rm -rf "$o"
			rc=0
			vm "$o" 240 bash -c "$payload; $bin -t $t 2>&1" > "$o.log" 2>&1 || rc=$?
			echo "$rc" > "$o/rc"
			say "case $t: $(case_result "$o/console.log" "$rc" "$t")"
		done
	fi
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

# One line per case: ours (the last make test's single boot, if its console
# is there), mainline in one boot, mainline in the case's own boot.
side_by_side() {
	local ours=$top/out/test/selftest/console.log t a b c
	[ -s "$logs/all/console.log" ] && [ -s "$logs/matrix.txt" ] || return 0
	echo
	echo "## side by side (6.12 + our series: the single boot of the last make test," \
		"out/test/selftest/console.log $( [ -f "$ours" ] && date -u -r "$ours" +%F || echo 'missing')"
	printf '%-40s %-10s %-16s %s\n' "# case" "ours" "mainline-1boot" "mainline-own-boot"
	for t in $(cat "$logs/cases"); do
		a=$(sed -n "s/^.*\] //; s/^\(not ok\|ok\) [0-9]* [^.]*\.$t\( .*\)\{0,1\}$/\1/p" "$ours" 2>/dev/null | head -1)
		b=$(ks_lines "$logs/all/console.log" | sed -n "s/^\(not ok\|ok\) [0-9]* [^.]*\.$t\( .*\)\{0,1\}$/\1/p" | head -1)
		c=$(awk -v t="$t" '$1 == t {print $2}' "$logs/matrix.txt")
		printf '%-40s %-10s %-16s %s\n' "$t" "${a:-?}" "${b:-?}" "${c:--}"
	done
}

# single.txt and matrix.txt from the consoles and exit statuses in out/mainline/.
tabulate() {
	local all t o rc r s
	all=$(cat "$logs/cases" 2>/dev/null)
	: > "$logs/single.txt"
	if [ -f "$logs/all/console.log" ]; then
		rc=$(cat "$logs/all/rc" 2>/dev/null || echo "?")
		s=$(first_splat "$logs/all/console.log")
		{
			echo "boot: $(verdict "$rc") (runner exit $rc)${s:+; first splat: $s}"
			python3 "$top/scripts/triage.py" "$logs/all/console.log" 2>/dev/null |
				grep -E 'BUG|WARNING|Oops|panic|INFO|stall|refcount|corruption' | sed 's/^/  splat: /' | head -20
			ks_lines "$logs/all/console.log" | grep -E '^(not )?ok |^# Totals' | sed 's/^/  /'
		} > "$logs/single.txt"
	fi
	: > "$logs/matrix.txt"
	for t in $all; do
		o=$logs/case-$t
		[ -f "$o/console.log" ] || continue
		rc=$(cat "$o/rc" 2>/dev/null || echo "?")
		r=$(case_result "$o/console.log" "$rc" "$t")
		s=$(first_splat "$o/console.log")
		# The runner reports a splat by its status only when the command
		# succeeded: a failed case with a splat is "fail+splat".
		[ -z "$s" ] || [ "${r#*+}" != "$r" ] || [ "$r" = died ] || [ "$r" = hang ] || r="$r+splat"
		printf '%-40s %-11s %s\n' "$t" "$r" "$s" >> "$logs/matrix.txt"
		failed_checks "$o/console.log" "$t" | sed 's/^/    /' >> "$logs/matrix.txt"
	done
}

report() {
	source_info
	local n
	tabulate
	n=$(grep -c '^[a-z]' "$logs/matrix.txt" || true)
	{
		echo "# make mainline (scripts/mainline.sh): our tests on mainline's own revocation."
		echo "# source:   $PACKAGE $VERSION (Debian, sha256 $SHA256)"
		echo "# kernel:   $(cat "$out/include/config/kernel.release") x86_64, configs/base+debug+test.config"
		echo "#           (KASAN, lockdep, PROVE_RCU, DEBUG_LIST, ...), dropped as not in 7.3:" \
			"$(tr '\n' ' ' < "$out/dropped-options")"
		echo "# patches:  $(cd "$top/mainline" && ls 0*.patch | tr '\n' ' ')"
		echo "# qemu:     $(qemu-system-x86_64 --version | head -1), TCG, 2 vCPUs; guest payload: the host's root"
		echo "# date:     $(date -u +%F)"
		echo
		echo "## pmu_unregister kselftest, all cases in one boot"
		cat "$logs/single.txt"
		echo
		echo "## pmu_unregister kselftest, each case in its own boot ($n cases)"
		echo "# result: pass, fail (checks failed, listed below the case), skip; +splat: the kernel"
		echo "# reported a problem (first report shown), +hang: killed at the timeout, +died: the guest crashed"
		echo "# case                                   result      first splat"
		cat "$logs/matrix.txt"
		side_by_side
		if [ -s "$logs/perf.txt" ]; then
			echo
			echo "## perf tool scenarios (tests/guest: smoke-test-pmu.sh, demo-unbind.sh" \
				"TRIES=${TRIES:-4}, perf-tool.sh PERF_TRIES=${PERF_TRIES:-3}; Debian's perf" \
				"$(perf --version 2>/dev/null | cut -d' ' -f3))"
			cat "$logs/perf.txt"
		fi
	} > "$top/results/mainline.txt"
	say "results/mainline.txt written"
}

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(fetch tree config build selftests run perf)
for st in "${stages[@]}"; do
	case $st in
	fetch) fetch ;;
	tree) tree ;;
	config) tree; config ;;
	build) build ;;
	selftests) selftests ;;
	run) run ;;
	perf) perf_tool ;;
	report) report ;;
	*) echo "usage: $0 [fetch|tree|config|build|selftests|run|perf|report]..." >&2; exit 1 ;;
	esac
done
say "done: ${stages[*]}"
