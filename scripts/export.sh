#!/bin/bash
# Regenerate patches/ (and patches/drivers/) from base..HEAD of linux/.
# Reproducible: --zero-commit hides commit hashes, dates are the commits'
# author dates, and the cover letters' dates and texts come from
# series/cover-letter.txt and series/drivers-cover-letter.txt, so running it
# twice changes nothing.
# Usage: scripts/export.sh
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
tree=$top/linux
cd "$top"

[ -d "$tree/.git" ] || { echo "no linux/ tree; run make tree" >&2; exit 1; }
if [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
	echo "warning: linux/ has uncommitted changes; they are not exported" >&2
fi
n=$(git -C "$tree" rev-list --count base..HEAD)
[ "$n" -gt 0 ] || { echo "no commits on base" >&2; exit 1; }

# Two series: the core (with its two in-tree users, i915 and arm_cspmu) in
# patches/, and the conversion of the other drivers in patches/drivers/,
# which applies on top of it. series/core-patches says how many of the
# commits on base belong to the first.
core=$(cat "$top/series/core-patches")
[ "$core" -le "$n" ] || { echo "series/core-patches says $core, linux/ has $n commits" >&2; exit 1; }
split=$(git -C "$tree" rev-parse "HEAD~$((n - core))")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# format_series <range> <cover-letter.txt> <outdir> <prefix>
format_series() {
	local range=$1 cover=$2 dir=$3 prefix=$4 subject date
	mkdir -p "$dir"
	git -C "$tree" -c core.abbrev=12 -c diff.renames=true format-patch -q \
		--zero-commit --no-signature --cover-letter --base=base --no-thread \
		--subject-prefix="$prefix" -o "$dir" "$range"
	# The cover letter: subject from the first line of the .txt, body
	# from the rest; its date is the date of the newest patch.
	subject=$(head -1 "$cover")
	date=$(git -C "$tree" log -1 --format=%aD "${range#*..}")
	python3 - "$dir/0000-cover-letter.patch" "$cover" "$subject" "$date" <<'PY'
import sys, re
path, cover, subject, date = sys.argv[1:]
text = open(path).read()
body = open(cover).read().split("\n", 1)[1].strip("\n")
text = text.replace("*** SUBJECT HERE ***", subject)
text = text.replace("*** BLURB HERE ***", body)
text = re.sub(r"^Date: .*$", "Date: " + date, text, count=1, flags=re.M)
open(path, "w").write(text)
PY
}

format_series "base..$split" "$top/series/cover-letter.txt" "$tmp/core" PATCH
rm -f "$top"/patches/*.patch "$top"/patches/drivers/*.patch
mkdir -p "$top/patches"
cp "$tmp"/core/*.patch "$top/patches/"
if [ "$core" -lt "$n" ]; then
	format_series "$split..HEAD" "$top/series/drivers-cover-letter.txt" "$tmp/drivers" \
		"PATCH drivers"
	mkdir -p "$top/patches/drivers"
	cp "$tmp"/drivers/*.patch "$top/patches/drivers/"
fi
echo "exported $core + $((n - core)) patches (+ cover letters) to patches/ and patches/drivers/"
