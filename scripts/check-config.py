#!/usr/bin/env python3
"""Compare the options requested by Kconfig fragments with a resolved .config.

merge_config.sh -m followed by olddefconfig does not report requests that
Kconfig dropped (unmet dependencies).  Fail on every such miss, except for
symbols this tree does not define (e.g. options added by later patches).
"""
import pathlib
import re
import subprocess
import sys


def parse(path: pathlib.Path) -> dict[str, str]:
    opts = {}
    for line in path.read_text().splitlines():
        m = re.match(r"^(CONFIG_\w+)=(.*)$", line)
        if m:
            opts[m.group(1)] = m.group(2)
            continue
        m = re.match(r"^# (CONFIG_\w+) is not set$", line)
        if m:
            opts[m.group(1)] = "n"
    return opts


def defined(src: str, sym: str) -> bool:
    name = sym[len("CONFIG_"):]
    r = subprocess.run(["git", "-C", src, "grep", "-qE", rf"^\s*(menu)?config\s+{name}\s*$",
                        "--", "*Kconfig*"], check=False)
    return r.returncode == 0


def main() -> int:
    src, config, *frags = sys.argv[1:]
    have = parse(pathlib.Path(config))
    bad = 0
    for frag in frags:
        for sym, want in parse(pathlib.Path(frag)).items():
            got = have.get(sym, "n")
            if got == want:
                continue
            if not defined(src, sym):
                continue
            print(f"config: {sym}={want} requested by {pathlib.Path(frag).name}, got {got}",
                  file=sys.stderr)
            bad += 1
    if bad:
        print(f"config: {bad} requested option(s) missing (unmet dependencies?)", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
