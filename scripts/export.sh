#!/bin/bash
# Regenerate patches/ from base..HEAD of linux/.  Reproducible: --zero-commit
# hides commit hashes, dates are the commits' author dates, and the cover
# letter's date and text come from series/cover-letter.txt, so running it
# twice changes nothing.
# Usage: scripts/export.sh
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
tree=$top/linux
cover=$top/series/cover-letter.txt
cd "$top"

[ -d "$tree/.git" ] || { echo "no linux/ tree; run make tree" >&2; exit 1; }
if [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
	echo "warning: linux/ has uncommitted changes; they are not exported" >&2
fi
n=$(git -C "$tree" rev-list --count base..HEAD)
[ "$n" -gt 0 ] || { echo "no commits on base" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$tree" -c core.abbrev=12 -c diff.renames=true format-patch -q \
	--zero-commit --no-signature --cover-letter --base=base --no-thread \
	--subject-prefix=PATCH -o "$tmp" base..HEAD

# The cover letter: subject from the first line of cover-letter.txt, body
# from the rest; its date is the date of the newest patch.
subject=$(head -1 "$cover")
date=$(git -C "$tree" log -1 --format=%aD HEAD)
python3 - "$tmp/0000-cover-letter.patch" "$cover" "$subject" "$date" <<'PY'
import sys, re
path, cover, subject, date = sys.argv[1:]
text = open(path).read()
body = open(cover).read().split("\n", 1)[1].strip("\n")
text = text.replace("*** SUBJECT HERE ***", subject)
text = text.replace("*** BLURB HERE ***", body)
text = re.sub(r"^Date: .*$", "Date: " + date, text, count=1, flags=re.M)
open(path, "w").write(text)
PY

rm -f "$top"/patches/*.patch
mkdir -p "$top/patches"
cp "$tmp"/*.patch "$top/patches/"
echo "exported $n patches (+ cover letter) to patches/"
