#!/bin/bash
# make export twice from a fresh tree built from patches/: patches/ must not change.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Work on a copy of the project so the real patches/ and linux/ stay untouched.
mkdir -p "$tmp/p"
cp -r "$top/BASE" "$top/scripts" "$top/series" "$top/patches" "$tmp/p/"
cd "$tmp/p"
git clone -q --shared --no-checkout "$top/linux" linux
git -C linux tag -f base "$(git -C "$top/linux" rev-parse base)" >/dev/null
# Only the files the series touches need to be checked out for git am, and
# .gitattributes for the hunk headers (diff=cpp) to come out the same.
git -C linux sparse-checkout set --no-cone /.gitattributes \
	$(cat patches/*.patch $(ls patches/drivers/*.patch 2>/dev/null) |
		sed -n 's|^diff --git a/\([^ ]*\) .*|/\1|p' | sort -u)
git -C linux checkout -q --detach base
scripts/apply.sh linux
scripts/export.sh
diff -r "$top/patches" patches
scripts/export.sh
diff -r "$top/patches" patches
echo "export is idempotent: $(find patches -type f | wc -l) files unchanged after apply + export twice"
