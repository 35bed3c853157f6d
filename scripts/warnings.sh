#!/bin/bash
# No new compiler (W=1) or sparse (C=2) warnings in the kernel C files the
# series touches, measured against the base: each touched object that the
# test config builds is compiled in the before tree (base + test driver)
# and in the after tree, and the warnings are compared with line numbers
# stripped. Files #included by another .c file (the KUnit suite, the i915
# selftest) are checked through the file that includes them.
# Usage: scripts/warnings.sh [path/to/file.c ...]  (default: the series)
# Output: out/warnings/{before,after}.log, the new warnings on stdout.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/out/warnings
mkdir -p "$out"

if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <(git -C "$top/linux" diff --name-only base..HEAD -- '*.c' |
		grep -v '^tools/')
fi

objs=() i915_objs=()
for f in "${files[@]}"; do
	o=${f%.c}.o
	# Built in this config (an object from an earlier build exists).
	if [ -e "$top/build/after/$o" ]; then
		objs+=("$o")
	elif [ -e "$top/build/i915/$o" ]; then
		# Only the i915 variant builds DRM; there is no base build of
		# it, so these must compile without any warning at all.
		i915_objs+=("$o")
	fi
done
[ ${#objs[@]} -gt 0 ] || { echo "warnings: no touched object is built"; exit 1; }

collect() {	# collect variant objects...: normalised warning lines
	local v=$1 o; shift
	# Compile for real: an object already built with these flags would
	# print nothing.
	for o in "$@"; do rm -f "$top/build/$v/$o"; done
	PMU_TARGETS="W=1 C=2 $*" "$top/scripts/build.sh" "$v" > "$out/$v.log" 2>&1 ||
		{ echo "warnings: $v build failed:"; tail -20 "$out/$v.log"; return 1; }
	sed -nE 's/^(.*):[0-9]+:[0-9]+: (warning|error): (.*)$/\1: \2: \3/p' "$out/$v.log" |
		sed -E "s|^($top/)?(\.\./)*(linux/)?||" | sort
}

# The before tree (scripts/build.sh before) has only the files that exist
# at the patch that adds the test driver.
before_rev=$("$top/scripts/before-rev") || exit 1
before_objs=()
for o in "${objs[@]}"; do
	git -C "$top/linux" cat-file -e "$before_rev:${o%.o}.c" 2>/dev/null && before_objs+=("$o")
done

after=$(collect after "${objs[@]}") || exit 1
before=
if [ ${#before_objs[@]} -gt 0 ]; then
	before=$(collect before "${before_objs[@]}") || exit 1
fi
new=$(diff <(echo "$before" | sed '/^$/d') <(echo "$after" | sed '/^$/d') | sed -n 's/^> //p')

if [ ${#i915_objs[@]} -gt 0 ]; then
	i915=$(collect i915 "${i915_objs[@]}") || exit 1
	echo "objects (i915 variant, no warning allowed): ${i915_objs[*]}"
	if [ -n "$i915" ]; then
		echo "warnings in the i915 objects:"
		echo "$i915" | sed 's/^/  /'
		exit 1
	fi
fi
echo "objects: ${objs[*]}"
printf 'warnings: base %d, series %d, new %d\n' \
	"$(echo "$before" | grep -c .)" "$(echo "$after" | grep -c .)" "$(echo "$new" | grep -c .)"
if [ -n "$new" ]; then
	echo "new warnings:"
	echo "$new" | sed 's/^/  /'
	exit 1
fi
