#!/bin/bash
# Print the path of the kernel source tarball of one linux-source-6.12
# version, downloading the Debian package into a cache first if needed.
# Several versions can be kept side by side (make rebase compares two); the
# installed package, if any, is not touched.
# Usage: scripts/fetch-source.sh VERSION     (e.g. 6.12.118-1~deb12u1)
#        scripts/fetch-source.sh --list      (versions the archive offers, newest last)
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/BASE"
cache=${PMU_SOURCE_CACHE:-/var/cache/pmu-revoke}

if [ "$1" = --list ]; then
	apt-cache madison "$PACKAGE" | awk '{print $3}' | sort -uV
	exit
fi
version=$1
[ -n "$version" ] || { echo "usage: $0 VERSION | --list" >&2; exit 1; }
tarball=$cache/$PACKAGE-$version.tar.xz
if [ ! -f "$tarball" ]; then
	# The installed package of that version already has it.
	if [ "$(dpkg-query -W -f='${Version}' "$PACKAGE" 2>/dev/null)" = "$version" ] &&
	   [ -f "$TARBALL" ]; then
		echo "$TARBALL"
		exit
	fi
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/dl.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	# apt's _apt user downloads into it (else apt warns, as root, that
	# it downloads unsandboxed)
	chmod 755 "$tmp"
	! id _apt > /dev/null 2>&1 || [ "$(id -u)" != 0 ] || chown _apt "$tmp"
	echo "fetch: downloading $PACKAGE=$version" >&2
	(cd "$tmp" && apt-get download -q "$PACKAGE=$version" >&2) || {
		echo "fetch: $PACKAGE $version is not offered by the archive; it has:" >&2
		apt-cache madison "$PACKAGE" | awk '{print "  " $3}' >&2
		exit 1
	}
	dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" "./usr/src/$(basename "$TARBALL")"
	mv "$tmp/usr/src/$(basename "$TARBALL")" "$tarball"
fi
echo "$tarball"
