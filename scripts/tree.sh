#!/bin/bash
# Create the ignored kernel tree linux/: the pristine base as the first
# commit (tagged "base"), then the series from patches/ applied with git am.
# Usage: scripts/tree.sh [dir]   (default: linux)
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/BASE"
dir=${1:-linux}
cd "$top"

usage() { echo "usage: $0 [dir]" >&2; exit 1; }
[ $# -le 1 ] || usage

if [ -e "$dir" ]; then
	echo "$dir/ exists; remove it first (rm -rf $dir) to recreate it" >&2
	exit 1
fi

# The pinned version: the installed package if it is that version, else the
# package downloaded into the source cache; if the archive no longer offers
# it, the installed one (make deps falls back to the newest), named in the
# base commit so that every table can say which base it ran on.
# TREE_TARBALL/TREE_VERSION override both (make rebase).
installed=$(dpkg-query -W -f='${Version}' "$PACKAGE" 2>/dev/null || true)
if [ -n "${TREE_TARBALL:-}" ]; then
	tarball=$TREE_TARBALL version=$TREE_VERSION
elif [ "$installed" = "$VERSION" ] || ! tarball=$("$top/scripts/fetch-source.sh" "$VERSION"); then
	tarball=$TARBALL version=$installed
else
	version=$VERSION
fi
if [ "$version" = "$VERSION" ]; then
	echo "$SHA256  $tarball" | sha256sum -c --quiet - || {
		echo "error: $tarball does not match the sha256 pinned in BASE" >&2
		exit 1
	}
elif [ -z "${TREE_TARBALL:-}" ]; then
	echo "WARNING: base is $PACKAGE $version, not the pinned $VERSION" >&2
fi

"$top/scripts/base-commit.sh" "$tarball" "$dir" "$PACKAGE $version"

[ -n "${TREE_NO_APPLY:-}" ] || "$top/scripts/apply.sh" "$dir"
