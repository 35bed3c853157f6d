#!/bin/bash
# Apply patches/*.patch, then patches/drivers/*.patch (the second series,
# on top of the first; not the cover letters) onto the tree with git am.
# On failure, name the patch and the hunk that does not apply.
# Usage: scripts/apply.sh dir [last-patch-number]  (counted across both)
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$1
upto=${2:-9999}
[ -n "$dir" ] || { echo "usage: $0 dir [n]" >&2; exit 1; }

git -C "$dir" config user.name >/dev/null || git -C "$dir" config user.name "pmu-revoke workbench"
git -C "$dir" config user.email >/dev/null || git -C "$dir" config user.email "workbench@localhost"
i=0
for p in "$top"/patches/[0-9][0-9][0-9][0-9]-*.patch "$top"/patches/drivers/[0-9][0-9][0-9][0-9]-*.patch; do
	[ -e "$p" ] || continue
	[ "$(basename "$p" | cut -c1-4)" = 0000 ] && continue
	i=$((i + 1))
	[ "$i" -le "$upto" ] || break
	if ! git -C "$dir" am -q --committer-date-is-author-date --keep-cr "$p" 2>/tmp/am.err.$$; then
		echo "error: $(basename "$p") does not apply:" >&2
		git -C "$dir" am --show-current-patch=diff >/dev/null 2>&1 || true
		git -C "$dir" apply --check -v "$p" 2>&1 | grep -E '^(error|Checking|Hunk|Falling)' | head -20 >&2 || true
		cat /tmp/am.err.$$ >&2
		git -C "$dir" am --abort || true
		rm -f /tmp/am.err.$$
		exit 1
	fi
	rm -f /tmp/am.err.$$
done
echo "$dir: $(git -C "$dir" rev-list --count base..HEAD) patches on base"
