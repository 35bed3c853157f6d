#!/bin/bash
# make rebase VERSION=...: move the series to another linux-source-6.12.
# Downloads that version (scripts/fetch-source.sh), rebuilds the pinned base
# with the series in a scratch repository, commits the new source on top of
# the old base and rebases the series onto it with git's 3-way merge. On a
# conflict it names the patch, the files and the conflicting hunks, and
# changes nothing. On success it updates BASE (version and sha256), re-exports
# patches/ from a fresh tree of the new version, and puts that tree in linux/
# (the old one is kept as linux.pre-rebase/).
#   --check   only say whether the series applies (make check's warning)
# Usage: scripts/rebase.sh [--check] VERSION
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. BASE
check=
[ "$1" = --check ] && { check=1; shift; }
new=$1
[ -n "$new" ] || { echo "usage: $0 [--check] VERSION   (offered: $(scripts/fetch-source.sh --list | tr '\n' ' '))" >&2; exit 1; }
if [ "$new" = "$VERSION" ] && [ -z "$check" ]; then
	echo "rebase: the series is already on $VERSION"
	exit 0
fi
old_tar=$(scripts/fetch-source.sh "$VERSION")
new_tar=$(scripts/fetch-source.sh "$new")

work=$(mktemp -d "${TMPDIR:-/tmp}/pmu-rebase.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "rebase: applying the series to $PACKAGE $VERSION (scratch tree)" >&2
TREE_TARBALL=$old_tar TREE_VERSION=$VERSION scripts/tree.sh "$work/old" > "$work/apply.log" 2>&1 ||
	{ cat "$work/apply.log" >&2; echo "rebase: the series does not apply to its own base $VERSION" >&2; exit 1; }
g=(git -C "$work/old")
"${g[@]}" branch -q series HEAD
"${g[@]}" checkout -q -b newbase base
"${g[@]}" rm -q -r --cached . > /dev/null
find "$work/old" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
tar -C "$work/old" --strip-components=1 -xf "$new_tar"
"${g[@]}" add -A -f .
"${g[@]}" -c user.name=rebase -c user.email=rebase@localhost commit -q --allow-empty -m "$PACKAGE $new"
echo "rebase: $VERSION -> $new changes $("${g[@]}" diff --shortstat base newbase)" >&2
touched=$("${g[@]}" diff --name-only base..series | sort)
changed=$("${g[@]}" diff --name-only base newbase | sort)
both=$(comm -12 <(echo "$touched") <(echo "$changed"))
[ -z "$both" ] || echo "rebase: files the series touches that $new changes: $(echo $both)" >&2

"${g[@]}" checkout -q series
if ! "${g[@]}" -c user.name=rebase -c user.email=rebase@localhost \
	rebase -q --onto newbase base series > "$work/rebase.log" 2>&1; then
	patch=$("${g[@]}" log -1 --format=%s REBASE_HEAD 2>/dev/null || echo '?')
	n=$(grep -lF "Subject: [PATCH" patches/[0-9]*.patch patches/drivers/[0-9]*.patch 2>/dev/null | while read -r f; do
		grep -qF "$(echo "$patch" | cut -c1-50)" "$f" && basename "$f"; done | head -1)
	echo "rebase: CONFLICT: ${n:-$patch} does not apply to $new" >&2
	for f in $("${g[@]}" diff --name-only --diff-filter=U); do
		echo "  $f:" >&2
		"${g[@]}" diff -- "$f" | awk '/^@@@/ {h=$0} /^[-+ ]*<<<<<<< / {print "    hunk " h; n++} END {if (!n) print "    (conflict without markers)"}' >&2
	done
	"${g[@]}" rebase --abort > /dev/null 2>&1 || true
	[ -n "$check" ] && exit 1
	echo "rebase: nothing changed; BASE stays $VERSION" >&2
	exit 1
fi
echo "rebase: the series applies to $PACKAGE $new ($("${g[@]}" rev-list --count newbase..series) patches)" >&2
[ -z "$check" ] || exit 0

# A fresh tree of the new version (deterministic base commit) with the
# rebased patches: that is what patches/ and linux/ become.
"${g[@]}" -c core.abbrev=12 format-patch -q --zero-commit -o "$work/rebased" newbase..series
TREE_TARBALL=$new_tar TREE_VERSION=$new TREE_NO_APPLY=1 scripts/tree.sh "$work/new" >&2
for p in "$work"/rebased/*.patch; do
	git -C "$work/new" -c user.name=rebase -c user.email=rebase@localhost \
		am -q --committer-date-is-author-date --keep-cr "$p"
done
sha=$(sha256sum "$new_tar" | cut -d' ' -f1)
sed -i -e "s/^VERSION=.*/VERSION=$new/" -e "s/^SHA256=.*/SHA256=$sha/" BASE
if [ -e linux ]; then
	rm -rf linux.pre-rebase
	mv linux linux.pre-rebase
	echo "rebase: the old tree is linux.pre-rebase/" >&2
fi
mv "$work/new" linux
scripts/export.sh
echo "rebase: BASE is now $PACKAGE $new; commit BASE and patches/, then make deps"
