#!/bin/bash
# Full build (bzImage + modules, the test config) of the kernel at every
# patch of the series, in build/bisect. Slower than "make check", which
# builds only what each patch touches. Usage: scripts/bisect-build.sh [first]
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
n=$(git -C "$top/linux" rev-list --count base..HEAD)
for i in $(seq "${1:-1}" "$n"); do
	echo "== patch $i: $(git -C "$top/linux" log -1 --format=%s "HEAD~$((n - i))")"
	"$top/scripts/build.sh" "patch-$i" 2>&1 | grep -E "warning|error" || true
	[ "${PIPESTATUS[0]}" = 0 ] || { echo "patch $i does not build"; exit 1; }
done
echo "all $n patches build"
