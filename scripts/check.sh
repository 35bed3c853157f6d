#!/bin/bash
# make check: is the series in patches/ something a maintainer can take?
#   checkpatch   checkpatch.pl --strict on every patch: no error, and no
#                warning unless series/checkpatch-justified.txt gives a reason
#   maintainers  every file the series adds has a MAINTAINERS entry (other
#                than THE REST); get_maintainer.pl per patch is written to
#                series/recipients.txt, which the cover letter quotes
#   kernel-doc   no new kernel-doc -Wall warning in a touched file vs base
#   bisect       every patch builds on its own: the objects it touches, at
#                that patch, for x86_64 and arm64 (and its selftests, if any)
#   warnings     no new W=1 or sparse warning in a touched file vs base
#                (scripts/warnings.sh)
#   base         warns (never fails) when the archive offers a newer
#                linux-source-6.12 than BASE pins, and says whether the series
#                applies to it (scripts/rebase.sh --check; make rebase moves it)
# Usage: scripts/check.sh [check...]   (default: all; ends "N passed, N failed")
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
linux=$top/linux
out=$top/out/check
mkdir -p "$out"
export PYTHONPATH=/usr/lib/python3/dist-packages	# checkpatch's spelling/git helpers
mapfile -t commits < <(git -C "$linux" rev-list --reverse base..HEAD)
# Both series (patches/, then patches/drivers/), without the cover letters.
patches=($(ls "$top"/patches/0*.patch "$top"/patches/drivers/0*.patch 2>/dev/null |
	grep -v '/0000-cover-letter.patch$'))
# A patch's name in the output and in series/checkpatch-justified.txt:
# its number, "drivers/" first for the second series.
pname() { local d; d=$(basename "$(dirname "$1")"); [ "$d" = drivers ] && echo "drivers/$(basename "$1" | cut -c1-4)" || basename "$1" | cut -c1-4; }
[ ${#patches[@]} = ${#commits[@]} ] ||
	{ echo "patches/ has ${#patches[@]} patches, linux/ ${#commits[@]} commits: run make export"; exit 1; }

check_checkpatch() {
	local p n r line bad=0 justified=$top/series/checkpatch-justified.txt
	for p in "${patches[@]}"; do
		n=$(pname "$p")
		r=$(cd "$linux" && scripts/checkpatch.pl --strict --terse --no-summary \
			--no-tree --root=. "$p" 2>&1 | sed "s|^$p:||")
		[ -n "$r" ] || { echo "$n clean"; continue; }
		while IFS= read -r line; do
			if [[ $line != *WARNING:* && $line != *CHECK:* ]] ||
			   ! grep -v '^#' "$justified" | awk -F' [|] ' -v n="$n" -v l="$line" \
				'$1 == n && index(l, $2) { found = 1 } END { exit !found }'; then
				echo "$n $line"; bad=1
			else
				echo "$n justified: $line"
			fi
		done <<< "$r"
	done
	return $bad
}

check_maintainers() {
	local c f s bad=0 rec=$top/series/recipients.txt
	for c in "${commits[@]}"; do
		for f in $(git -C "$linux" diff --name-only --diff-filter=A "$c^" "$c"); do
			s=$(cd "$linux" && scripts/get_maintainer.pl --no-git --no-git-fallback \
				--subsystem --no-email --no-l --no-m --no-r -f "$f" 2>/dev/null | grep -v '^THE REST$')
			if [ -z "$s" ]; then
				echo "$f: no MAINTAINERS entry"; bad=1
			else
				echo "$f: $(echo $s | tr '\n' ' ')"
			fi
		done
	done
	# Recipients, per patch and for the whole series (cover letter).
	{
		echo "# get_maintainer.pl --no-git --no-git-fallback, per patch (make check)"
		for p in "${patches[@]}"; do
			echo "${p#"$top"/patches/}:"
			(cd "$linux" && scripts/get_maintainer.pl --no-git --no-git-fallback \
				--no-rolestats "$p" 2>/dev/null) | sed 's/^/  /'
		done
	} > "$rec.tmp"
	mv "$rec.tmp" "$rec"
	echo "recipients: $(grep -c '^  ' "$rec") lines in series/recipients.txt"
	# Each cover letter's "Recipients" section is the union for its series.
	local series cover
	for series in core drivers; do
		cover=$top/series/cover-letter.txt
		[ $series = core ] || cover=$top/series/drivers-cover-letter.txt
		[ $series = core ] || [ -d "$top/patches/drivers" ] || continue
		if ! diff <(awk -v s=$series '/^[^ ]/ { d = ($1 ~ /^drivers\//) } \
				/^  / && (s == "drivers") == d' "$rec" | sort -u) \
			<(sed -n '/^Recipients$/,$p' "$cover" | grep '^  ') \
			> "$out/recipients-$series.diff"; then
			echo "${cover#"$top"/}: Recipients differ from get_maintainer.pl:"
			cat "$out/recipients-$series.diff"; bad=1
		fi
	done
	return $bad
}

check_kernel_doc() {
	local f before after new bad=0
	for f in $(git -C "$linux" diff --name-only base..HEAD -- '*.c' '*.h' | grep -v '^tools/'); do
		after=$(cd "$linux" && scripts/kernel-doc -none -Wall "$f" 2>&1 |
			sed -E 's/^[^:]*:[0-9]+: //' | sort)
		before=
		if git -C "$linux" cat-file -e "base:$f" 2>/dev/null; then
			git -C "$linux" show "base:$f" > "$out/kdoc.tmp"
			before=$(cd "$linux" && scripts/kernel-doc -none -Wall "$out/kdoc.tmp" 2>&1 |
				sed -E 's/^[^:]*:[0-9]+: //' | sort)
		fi
		new=$(diff <(echo "$before" | sed '/^$/d') <(echo "$after" | sed '/^$/d') | sed -n 's/^> //p')
		if [ -n "$new" ]; then
			echo "$f: new kernel-doc warnings:"; echo "$new" | sed 's/^/  /'; bad=1
		else
			echo "$f: ok ($(echo "$after" | grep -c .) warnings, as in base)"
		fi
	done
	return $bad
}

# For header $1, one object of the after build in $2 (build/after or
# build/arm64-after) that #includes it, per directory the series touches:
# the series' own .c file there if it includes the header, else the first
# includer. One per directory keeps "make check" within CI's budget
# (perf_event.h alone has 28 includers there) and still compiles the
# header in each context the series changes.
header_users() {
	local h=$1 b=$2 d cmd own users
	for d in $(git -C "$linux" diff --name-only base..HEAD -- '*.c' | xargs -n1 dirname | sort -u); do
		own=$(git -C "$linux" diff --name-only base..HEAD -- "$d/*.c" | sed 's/\.c$/.o/')
		users=()
		for cmd in "$b/$d"/.*.o.cmd; do
			[ -e "$cmd" ] || continue
			grep -qF "/linux/$h " "$cmd" || continue	# absolute or ../../linux/
			cmd=${cmd#"$b"/}; cmd=${cmd/\/./\/}; users+=("${cmd%.cmd}")
		done
		[ ${#users[@]} -gt 0 ] || continue
		printf '%s\n' "${users[@]}" | grep -xF -f <(echo "$own") | head -1 | grep . ||
			echo "${users[0]}"
	done
}

check_bisect() {
	local i c f a objs sel log bad=0
	for i in "${!commits[@]}"; do
		c=${commits[$i]}
		printf 'patch %2d: %s\n' $((i + 1)) "$(git -C "$linux" log -1 --format=%s "$c")"
		# Each architecture compiles the touched files its test config
		# builds (and that are not only #included).
		for a in x86_64 arm64; do
			local pre=; [ $a = x86_64 ] || pre=$a-
			# x86_64 twice: the test config, then the objects only the
			# i915 config builds (build/i915), with that config.
			local cfg cfgs=(""); [ $a = arm64 ] || cfgs+=(i915)
			for cfg in "${cfgs[@]}"; do
			local b=$top/build/${pre}after vpre=$pre
			[ -z "$cfg" ] || { b=$top/build/i915; vpre=i915-; }
			objs=() sel=
			for f in $(git -C "$linux" diff --name-only "$c^" "$c"); do
				case $f in
				tools/testing/selftests/*/*) sel=${f%/*} ;;
				*.c)	[ -e "$b/${f%.c}.o" ] && objs+=("${f%.c}.o") ;;
				# A header-only change compiles what includes it.
				*.h)	objs+=($(header_users "$f" "$b")) ;;
				esac
			done
			# The i915 pass compiles only what the test config lacks.
			[ -z "$cfg" ] || objs=($(for f in "${objs[@]}"; do
				[ -e "$top/build/after/$f" ] || echo "$f"; done))
			[ ${#objs[@]} -eq 0 ] || objs=($(printf '%s\n' "${objs[@]}" | sort -u))
			[ ${#objs[@]} -gt 0 ] || continue
			echo "  $a${cfg:+ ($cfg)}: ${objs[*]}"
			log=$out/bisect-$((i + 1))-$a$cfg.log
			PMU_TARGETS="${objs[*]}" "$top/scripts/build.sh" "${vpre}patch-$((i + 1))" \
				> "$log" 2>&1 ||
				{ echo "  FAIL (${log#"$top"/}):"; tail -15 "$log"; bad=1; }
			done
		done
		if [ -n "$sel" ]; then
			echo "  selftests: $sel"
			rm -rf "$out/selftests"; mkdir -p "$out/selftests/bin"
			git -C "$linux" archive "$c" tools include scripts Makefile |
				tar -x -C "$out/selftests"
			make -s -C "$out/selftests/$sel" OUTPUT="$out/selftests/bin" \
				> "$out/bisect-$((i + 1))-selftests.log" 2>&1 ||
				{ echo "  FAIL (out/check/bisect-$((i + 1))-selftests.log)"; bad=1; }
		fi
	done
	return $bad
}

check_base() {
	. "$top/BASE"
	local newest
	newest=$("$top/scripts/fetch-source.sh" --list | tail -1)
	if [ -z "$newest" ]; then
		echo "WARNING: the archive offers no $PACKAGE (apt-get update?)"
	elif dpkg --compare-versions "$newest" le "$VERSION"; then
		echo "base $VERSION is the newest $PACKAGE offered"
	elif "$top/scripts/rebase.sh" --check "$newest" > "$out/rebase-check.log" 2>&1; then
		echo "WARNING: $PACKAGE $newest is offered (BASE pins $VERSION);" \
			"the series applies to it: make rebase VERSION=$newest"
	else
		echo "WARNING: $PACKAGE $newest is offered (BASE pins $VERSION);" \
			"the series does NOT apply to it:"
		grep -E 'CONFLICT|^  ' "$out/rebase-check.log"
	fi
	return 0
}

check_warnings() {
	"$top/scripts/warnings.sh"
}

checks=("$@")
[ ${#checks[@]} -gt 0 ] || checks=(checkpatch maintainers kernel-doc warnings bisect base)
pass=0 fail=0
for c in "${checks[@]}"; do
	fn=check_${c//-/_}
	declare -F "$fn" > /dev/null || { echo "unknown check $c"; exit 2; }
	echo "== $c"
	if "$fn"; then
		pass=$((pass + 1)); echo "== $c: ok"
	else
		fail=$((fail + 1)); echo "== $c: FAIL"
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
