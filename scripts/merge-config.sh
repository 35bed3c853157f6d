#!/bin/bash
# Configure a kernel tree that is not linux/ (make mainline, make
# mainline-bench) from our fragments, the way scripts/build.sh configures
# linux/: merge_config.sh -n on allnoconfig, then scripts/check-config.py
# (every option the tree defines must be set as asked). The fragments name
# options of 6.12 and of our series; those the tree does not define are
# dropped (merge_config.sh would only warn), listed in OUT/dropped-options
# and printed. Nothing is done when neither a fragment nor a Kconfig file
# changed since the last run (OUT/.frag-sum).
# Usage: scripts/merge-config.sh SRC OUT FRAGMENT...   (x86_64)
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
src=$1 out=$(realpath -m "$2")
shift 2
frags=()
for f; do frags+=("$(realpath "$f")"); done
set -- "${frags[@]}"
mkdir -p "$out"
sum=$( (echo merge_config; cat "$@"; git -C "$src" ls-tree -r HEAD -- '*Kconfig*') |
	sha256sum | cut -c1-32)
[ ! -f "$out/.config" ] || [ "$(cat "$out/.frag-sum" 2>/dev/null)" != "$sum" ] || exit 0
dropped=()
for f in "$@"; do
	for sym in $(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=.*/\1/p' "$f"); do
		git -C "$src" grep -qE "^\s*(menu)?config\s+${sym#CONFIG_}\s*$" -- '*Kconfig*' ||
			dropped+=("$sym")
	done
done
printf '%s\n' "${dropped[@]}" > "$out/dropped-options"
echo "options the tree does not define, dropped: ${dropped[*]:-none}"
(cd "$src" && ARCH=x86_64 CC="ccache gcc" scripts/kconfig/merge_config.sh -n -O "$out" "$@") \
	> "$out/merge_config.log" 2>&1 || { cat "$out/merge_config.log"; exit 1; }
"$top/scripts/check-config.py" "$src" "$out/.config" "$@"
echo "$sum" > "$out/.frag-sum"
