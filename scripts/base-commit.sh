#!/bin/bash
# Unpack a kernel source tarball into a new git tree whose first commit,
# tagged "base", is the pristine source. A fixed identity and date make that
# commit (and so every exported hash and the base-commit line of a cover
# letter) the same on every machine.
# Usage: scripts/base-commit.sh tarball dir "commit subject"
#   dir must not exist; it appears only once complete (built in dir.tmp.PID).
set -e
[ $# = 3 ] || { echo "usage: $0 tarball dir subject" >&2; exit 1; }
tarball=$1 dir=$2 subject=$3
[ ! -e "$dir" ] || { echo "$dir exists" >&2; exit 1; }
tmp=$dir.tmp.$$
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
tar -C "$tmp" --strip-components=1 -xf "$tarball"
export GIT_AUTHOR_NAME="Debian linux-source" GIT_AUTHOR_EMAIL="debian-kernel@lists.debian.org"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
export GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"
git -C "$tmp" init -q -b work
git -C "$tmp" config core.autocrlf false
git -C "$tmp" config gc.auto 0
git -C "$tmp" add -A -f .
git -C "$tmp" commit -q --no-verify -m "$subject"
git -C "$tmp" tag base
mv "$tmp" "$dir"
trap - EXIT
