#!/bin/bash
# Every mutant of make mutate (tests/mutants/NN-name.patch) has its one-line
# description ("# mutant: ...") as its first line, changes something, and
# applies exactly (git apply, no fuzz) to linux/ HEAD, so that a change of
# the core that breaks a mutant fails here and not hours into make mutate.
# Checked against a scratch index of HEAD: the working tree does not matter.
# So is make bench's ablation patch.
# results/mutation.txt, if there, must list exactly these mutants.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
idx=$(mktemp)
trap 'rm -f "$idx"' EXIT
head=$(git -C "$top/linux" rev-parse --short HEAD) || exit 1
n=0 bad=0
for m in "$top"/tests/mutants/*.patch; do
	[ -e "$m" ] || { echo "FAIL: no tests/mutants/*.patch"; exit 1; }
	name=$(basename "$m")
	n=$((n + 1))
	if ! [[ $name =~ ^[0-9][0-9]-[a-z0-9-]+\.patch$ ]]; then
		echo "FAIL: $name: not named NN-short-name.patch"; bad=1
	fi
	if ! head -1 "$m" | grep -qE '^# mutant: [^ ].{9,}$'; then
		echo "FAIL: $name: the first line is not '# mutant: <description>'"; bad=1
	fi
	if ! grep -q '^+++ b/' "$m" || ! grep -qE '^[-+][^-+]' "$m"; then
		echo "FAIL: $name: no change"; bad=1; continue
	fi
	GIT_INDEX_FILE=$idx git -C "$top/linux" read-tree HEAD || exit 1
	if ! out=$(GIT_INDEX_FILE=$idx git -C "$top/linux" apply --cached --check "$m" 2>&1); then
		echo "FAIL: $name does not apply to linux/ HEAD ($head):"
		echo "$out" | sed 's/^/    /'
		bad=1
	fi
done
# make bench's ablation patch (scripts/build.sh bench-notrack) as well.
abl=$top/tests/bench/ablate-tracking.patch
GIT_INDEX_FILE=$idx git -C "$top/linux" read-tree HEAD || exit 1
if ! out=$(GIT_INDEX_FILE=$idx git -C "$top/linux" apply --cached --check "$abl" 2>&1); then
	echo "FAIL: tests/bench/ablate-tracking.patch does not apply to linux/ HEAD ($head):"
	echo "$out" | sed 's/^/    /'
	bad=1
fi
# results/mutation.txt, once make mutate wrote it, covers exactly these.
res=$top/results/mutation.txt
if [ -f "$res" ]; then
	have=$(awk '/^[0-9][0-9]-/ {print $1}' "$res" | sort)
	want=$(cd "$top/tests/mutants" && ls -- *.patch | sed 's/\.patch$//' | sort)
	if [ "$have" != "$want" ]; then
		echo "FAIL: results/mutation.txt is stale (rerun make mutate): mutants (<) vs table (>):"
		diff <(echo "$want") <(echo "$have") | grep '^[<>]'
		bad=1
	fi
fi
[ $bad = 0 ] && echo "$n mutants, each with a description, apply to linux/ HEAD ($head)"
exit $bad
