#!/bin/bash
# make mutate: the power of the fast suites, measured. Each mutant in
# tests/mutants/ (a small patch that breaks the core on purpose; its first
# line "# mutant: <description>") is applied to an export of linux/ HEAD and
# built (scripts/build.sh mutant: build/mutant, ccache, incremental; build/after
# is not touched), then the fast suites run against that kernel in order
#   kunit      tests/kunit/run.sh (kunit.py exec on build/mutant)
#   kselftest  the pmu_unregister kselftest in the guest (LOOPS loops)
#   perf-tool  Debian's perf across an unbind (PERF_TRIES tries)
# and the first that fails kills the mutant (ALL=1: every suite runs). A
# suite fails on its verdict, a kernel splat, a hang (timeout) or a dead
# guest. Before the mutants the unmutated series runs the same suites once:
# it must pass them all, or nothing could count as killed.
#
# Prints one table (mutant, result, time) and "score: K/N killed", also
# written to results/mutation.txt. Exits non-zero if a mutant survived or
# could not be run (does not apply to HEAD, does not build).
#
# Usage: scripts/mutate.sh [mutant...]   (a name, its number or its file;
#        default all). Environment: MUTANTS (same as the arguments), ALL,
#        LOOPS (1), PERF_TRIES (3), SEED (1), KEEP_GOING (1: no abort on
#        a failed baseline; for debugging the harness only).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
out=$top/out/mutate
: "${ALL:=0}" "${LOOPS:=1}" "${PERF_TRIES:=3}" "${SEED:=1}" "${KEEP_GOING:=0}"
t_start=$SECONDS

fmt() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
say() { echo "$* [$(fmt $((SECONDS - t_start)))]"; }

# The mutants asked for: names, numbers or files.
all=(tests/mutants/*.patch)
[ -e "${all[0]}" ] || { echo "mutate: no tests/mutants/*.patch" >&2; exit 2; }
# shellcheck disable=SC2206
want=(${MUTANTS:-} "$@")
mutants=()
if [ ${#want[@]} = 0 ]; then
	mutants=("${all[@]}")
else
	for w in "${want[@]}"; do
		w=$(basename "$w" .patch)
		m=$(printf '%s\n' "${all[@]}" | grep -E "/($w|$w-[^/]*)\.patch$" | head -1)
		[ -n "$m" ] || { echo "mutate: no mutant $w in tests/mutants/" >&2; exit 2; }
		mutants+=("$m")
	done
fi
n_total=${#mutants[@]}

rm -rf "$out"; mkdir -p "$out" "$top/results"
head_rev=$(git -C linux rev-parse --short HEAD)

# A patch applies exactly (no fuzz, git's rules) to linux/ HEAD, whatever the
# working tree: checked against a scratch index of HEAD.
applies() {
	local idx=$out/.check-index rc
	GIT_INDEX_FILE=$idx git -C linux read-tree HEAD &&
		GIT_INDEX_FILE=$idx git -C linux apply --cached --check "$top/$1" 2>> "$out/apply.log"
	rc=$?
	rm -f "$idx"
	return $rc
}

build() {	# build <patch or empty> <log>
	PMU_MUTANT=${1:+$top/$1} PMU_PROGRESS_EVERY=${PMU_PROGRESS_EVERY:-60} \
		scripts/build.sh mutant > "$2" 2>&1
}

# The fast suites against build/mutant: suite <name> <log>; the status is
# the suite's (0: passed).
suite() {
	local name=$1 log=$2 dir=$out/vm-$1
	case "$name" in
	kunit)	VARIANT=mutant KUNIT_TIMEOUT=600 tests/kunit/run.sh x86_64 ;;
	kselftest)
		scripts/vm --variant mutant --out "$dir" --timeout 900 \
			--env "export VARIANT=mutant LOOPS=$LOOPS SEED=$SEED" -- \
			tests/guest/selftest-pmu-unregister.sh ;;
	perf-tool)
		scripts/vm --variant mutant --out "$dir" --timeout $((120 + 40 * PERF_TRIES)) \
			--env "export VARIANT=mutant" -- \
			tests/guest/perf-tool.sh "$PERF_TRIES" "$SEED" ;;
	esac > "$log" 2>&1
}
suites=(kunit kselftest perf-tool)

# One line of why a suite failed, for the progress output.
why() {
	local log=$1 line
	line=$(grep -m1 -E 'not ok|\[FAILED\]|FAIL|[Ss]plat|vm: (guest|the command)' "$log" |
		sed 's/^[[:space:]]*//' | cut -c1-100)
	echo "${line:-no failure line}"
}

# The kselftest binary, as make test builds it (lib.mk does not create OUTPUT).
mkdir -p build/selftests
make -s -C linux/tools/testing/selftests/perf_events OUTPUT="$top/build/selftests" \
	> "$out/build-selftests.log" 2>&1 ||
	{ tail -20 "$out/build-selftests.log"; echo "mutate: the kselftests do not build"; exit 2; }

# The unmutated series through the same suites.
say "mutate: baseline (the series at $head_rev, no mutant): building..."
if ! build "" "$out/baseline-build.log"; then
	tail -20 "$out/baseline-build.log"
	echo "mutate: the series does not build (out/mutate/baseline-build.log)"; exit 2
fi
mkdir -p "$out/baseline"
base_ok=1
for s in "${suites[@]}"; do
	say "mutate: baseline: $s..."
	if ! suite "$s" "$out/baseline/$s.log"; then
		echo "mutate: baseline FAILED $s: $(why "$out/baseline/$s.log") (out/mutate/baseline/$s.log)"
		base_ok=0
	fi
	mv "$out/vm-$s" "$out/baseline/vm-$s" 2>/dev/null
done
if [ $base_ok = 0 ] && [ "$KEEP_GOING" != 1 ]; then
	echo "mutate: the unmutated series fails the fast suites: every mutant would look killed; aborting"
	exit 2
fi

declare -a rows=()
killed=0 i=0
for m in "${mutants[@]}"; do
	i=$((i + 1)) t0=$SECONDS
	name=$(basename "$m" .patch) dir=$out/$name
	mkdir -p "$dir"
	desc=$(sed -n '1s/^# mutant: //p' "$m")
	tag="mutant $i/$n_total $name"
	result=
	if ! applies "$m"; then
		result="ERROR: does not apply"
	else
		say "$tag: building... ($desc)"
		build "$m" "$dir/build.log"
		case $? in
		0) ;;
		3) result="ERROR: does not apply" ;;
		*) result="ERROR: does not build" ;;
		esac
	fi
	if [ -z "$result" ]; then
		by=()
		for s in "${suites[@]}"; do
			say "$tag: $s..."
			suite "$s" "$dir/$s.log"
			rc=$?
			mv "$out/vm-$s" "$dir/vm-$s" 2>/dev/null
			if [ $rc = 127 ]; then
				# scripts/vm: the command never ran; no verdict.
				echo "  $s did not run (see $dir/$s.log)"
				[ ${#by[@]} -gt 0 ] || { result="ERROR: $s did not run"; break; }
			elif [ $rc != 0 ]; then
				echo "  $s killed it: $(why "$dir/$s.log")"
				by+=("$s")
				[ "$ALL" = 1 ] || break
			fi
		done
		if [ -z "$result" ]; then
			if [ ${#by[@]} -gt 0 ]; then
				result="killed by $(IFS=,; echo "${by[*]}")"; killed=$((killed + 1))
			else
				result=SURVIVED
			fi
		fi
	fi
	rows+=("$(printf '%-36s %-34s %s' "$name" "$result" "$(fmt $((SECONDS - t0)))")")
	say "$tag: $result"
done

{
	echo "make mutate: $n_total mutants of the core on linux/ HEAD $head_rev" \
		"(suites: ${suites[*]}; ALL=$ALL LOOPS=$LOOPS PERF_TRIES=$PERF_TRIES SEED=$SEED)"
	printf '%-36s %-34s %s\n' mutant result time
	printf '%s\n' "${rows[@]}"
	echo "score: $killed/$n_total killed"
	echo "total time $(fmt $((SECONDS - t_start)))"
} | tee "$out/table.txt"
# The committed result is that of the whole set, not of a selection.
if [ ${#want[@]} = 0 ]; then
	cp "$out/table.txt" "$top/results/mutation.txt"
else
	echo "(a selection: results/mutation.txt not updated)"
fi
[ "$killed" = "$n_total" ]
