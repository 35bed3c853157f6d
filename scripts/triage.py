#!/usr/bin/env python3
"""Find kernel splats in a guest console log.

Only kernel lines count: with CONFIG_PRINTK_TIME every printk line starts with
a "[   12.345678]" stamp, so a test program that prints "WARNING:" itself does
not fail the run.  Usage: triage.py console.log  (exit 1 and print the lines
if there is a splat).
"""
import re
import sys

STAMP = re.compile(r"^\s*(?:<\d+>)?\[\s*\d+\.\d+\]\s?(?:\[\s*[CT]\d+\]\s?)?(.*)$")
# A kernel line that the serial console glued after user output that had no
# newline yet ("perf: 1234[   12.345678] BUG: ...").
GLUED = re.compile(r"\[\s*\d+\.\d{6}\]\s?(?:\[\s*[CT]\d+\]\s?)?(.*)$")

SPLATS = [
    r"BUG:",
    r"WARNING:",
    r"KASAN",
    r"UBSAN",
    r"general protection fault",
    r"Oops",
    r"kernel BUG at",
    r"Kernel panic",
    r"Unable to handle kernel",
    r"possible circular locking dependency",
    r"possible recursive locking",
    r"inconsistent lock state",
    r"DEBUG_LOCKS_WARN_ON",
    r"suspicious RCU usage",
    r"INFO: trying to register non-static key",
    r"rcu: INFO: .*detected stalls",
    r"rcu_.*self-detected stall",
    r"refcount_t:",
    r"list_add corruption",
    r"list_del corruption",
    r"list corruption",
    r"INFO: task .* blocked for more than",
    r"ODEBUG:",
    r"soft lockup",
    r"hard LOCKUP",
    r"unreferenced object",
    r"kmemleak: \d+ new suspected memory leaks",
    r"Call [Tt]race:",
]
SPLAT = re.compile("|".join(f"(?:{p})" for p in SPLATS))


def splats(lines):
    """Yield the kernel console lines that report a splat."""
    for line in lines:
        m = STAMP.match(line) or GLUED.search(line)
        if m and SPLAT.search(m.group(1)):
            yield line.rstrip("\n")


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: triage.py console.log", file=sys.stderr)
        return 2
    with open(sys.argv[1], errors="replace") as f:
        found = list(splats(f))
    try:
        for line in found:
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (head) has what it wanted; the verdict still stands.
        sys.stdout = None
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
