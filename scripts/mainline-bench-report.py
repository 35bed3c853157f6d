#!/usr/bin/env python3
"""results/mainline-bench.txt from scripts/bench.py's tables of mainline 7.3
(scripts/mainline-bench.sh): a header naming the kernels exactly, the tables,
7.3's figures next to ours (parsed from results/bench.txt, icount section),
the bytes 7.3's revocation adds to the structures (pahole members) and the
time taken. Every number comes from a measurement file; none is typed.

Usage: mainline-bench-report.py TABLES OUTPUT  (environment: MB_* from the script)
"""
import os
import pathlib
import re
import subprocess
import sys

TOP = pathlib.Path(__file__).resolve().parent.parent


def kv(path: pathlib.Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
    return out


def hot_rows(text: str, section_start: str) -> dict[str, list[str]]:
    """Rows of the hot-path table in the section that starts with section_start."""
    rows, on, table = {}, False, False
    for line in text.splitlines():
        if line.startswith("== "):
            on = line.startswith(section_start)
            table = False
            continue
        if on and line.startswith("  benchmark"):
            table = True
            continue
        if on and table:
            if not line.startswith("  ") or line.startswith("  run-to-run"):
                table = False
                continue
            f = line.split()
            rows[f[0]] = f
    return rows


def unreg_rows(text: str, section_start: str):
    """{N: (unregister ms, close ms)} and the fit line of a section."""
    rows, fitline, on, table = {}, "", False, False
    for line in text.splitlines():
        if line.startswith("== "):
            on = line.startswith(section_start)
            continue
        if on and line.startswith("perf_pmu_unregister()"):
            table = True
            continue
        if on and table:
            m = re.match(r"\s+(\d+)\s+([\d.]+)\s+([\d.]+)$", line)
            if m:
                rows[int(m[1])] = (float(m[2]), float(m[3]))
            elif line.strip().startswith("fit:"):
                fitline = line.strip()
                table = False
    return rows, fitline


def members(vmlinux: pathlib.Path, struct: str, names: list[str]) -> dict[str, str]:
    """Sizes of the named members of struct (pahole), '-' if absent."""
    r = subprocess.run(["pahole", "-C", struct, str(vmlinux)], capture_output=True, text=True)
    out = {n: "-" for n in names}
    last = None
    for line in r.stdout.splitlines():
        m = re.match(r"\s+.*?\b(\w+)(?:\s+__attribute__\(\(.*?\)\))?;\s+/\*\s+(\d+)\s+(\d+)\s+\*/",
                     line)
        if m:
            last = m[1] if m[1] in names else None
            if last:
                out[last] = m[3]
            continue
        h = re.search(r"XXX (\d+) bytes? hole", line)
        if h and last:
            out[last] += f" (+{h[1]} hole after it)"
        if line.strip():
            last = None
    return out


def main() -> int:
    tables_path, output = pathlib.Path(sys.argv[1]), TOP / sys.argv[2]
    tables = tables_path.read_text()
    env = os.environ
    src = kv(TOP / "build/mainline-apt/source")
    lines = [
        "make mainline-bench: the cost of mainline 7.3's own revocation, measured the way "
        "make bench measures ours (scripts/mainline-bench.sh)",
        "",
        f"source:   {src.get('PACKAGE')} {src.get('VERSION')} (tarball sha256 {src.get('SHA256')})",
        f"          + mainline/0001 (the test PMU driver ported to 7.3): {env.get('MB_HEAD', '?')}",
        f"kernels:  7.3           build/mainline-bench          {env.get('MB_REL_T', '?')}",
        f"          7.3-untracked build/mainline-bench-notrack  {env.get('MB_REL_U', '?')}, "
        f"the same + mainline/bench/ablate-tracking-7.3.patch (sha256 {env.get('MB_ABLATE_SUM', '?')[:16]})",
        "          (pmu->events list add/del under pmu->events_lock and wake_up_var() on event "
        "alloc/free, the SRCU sections the revocation added around event creation, compiled out)",
        f"config:   configs/base.config + configs/bench.config, merge_config.sh -n on allnoconfig, "
        f"x86_64; options 7.3 does not define, dropped: {env.get('MB_DROPPED') or 'none'}",
        f"clock:    icount (QEMU TCG -icount shift=0,sleep=off: one guest instruction = 1 ns); "
        f"{env.get('MB_PAIRS', '?')} pairs (7.3-untracked, 7.3 alternately, two guests at a time), "
        f"{env.get('MB_SECONDS', '?')} s per hot-path benchmark, 2 vCPUs",
        "",
        "---- scripts/bench.py (--before-dir build/mainline-bench-notrack --after-dir build/mainline-bench) ----",
        "",
    ]
    lines += tables.rstrip("\n").splitlines()
    lines += ["", "---- next to ours (results/bench.txt, icount section; 6.12.118 base, "
              "its own pairs) ----", ""]
    ours_text = (TOP / "results/bench.txt").read_text()
    ours = hot_rows(ours_text, "== clock icount")
    ml = hot_rows(tables, "== clock icount")
    head = ("benchmark", "ours series/untracked", "ours series/base", "ours tracking's share",
            "7.3/7.3-untracked")
    rows = [head]
    for k, f in ml.items():
        o = ours.get(k)
        if o and len(o) >= 9:
            # name base series ratio spread ">=" target [MISSED] untracked/base share
            sb = float(o[3])
            rest = o[7:] if o[7] != "MISSED" else o[8:]
            ub, share = float(rest[0]), rest[1]
            rows.append((k, f"{sb / ub:.4f}", f"{sb:.4f}", share, f[3]))
        else:
            rows.append((k, "-", "-", "-", f[3]))
    w = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines.append("Hot paths, throughput ratios (higher is better; 1.0000 = no cost). "
                 "ours series/untracked = (series/base)/(untracked/base): what our pmu::events "
                 "tracking costs, the counterpart of 7.3/7.3-untracked:")
    lines += ["  " + "  ".join(f"{r[i]:<{w[i]}}" for i in range(len(r))).rstrip() for r in rows]
    lines.append("")
    ou, ofit = unreg_rows(ours_text, "== clock icount")
    mu, mfit = unreg_rows(tables, "== clock icount")
    lines += ["perf_pmu_unregister() with N live events vs closing N events (medians, ms):",
              f"  {'N':>6}  {'ours unregister':>15}  {'ours close':>10}  {'7.3 unregister':>14}  {'7.3 close':>9}"]
    for n in sorted(set(ou) | set(mu)):
        a = ou.get(n, (None, None))
        b = mu.get(n, (None, None))
        fmt = lambda x, wd: f"{x:>{wd}.2f}" if x is not None else f"{'-':>{wd}}"  # noqa: E731
        lines.append(f"  {n:>6}  {fmt(a[0], 15)}  {fmt(a[1], 10)}  {fmt(b[0], 14)}  {fmt(b[1], 9)}")
    lines += [f"  ours: {ofit}", f"  7.3:  {mfit}", ""]
    split_path = tables_path.parent / "split-tables.txt"
    if split_path.exists():
        sp = hot_rows(split_path.read_text(), "== clock icount")
        npairs = re.search(r"(\d+) pairs", split_path.read_text())
        srows = [("benchmark", "7.3/7.3-untracked", "7.3/7.3-nolist", "7.3-nolist/7.3-untracked",
                  "list tracking's share", "7.3 main run/split run")]
        for k, f in ml.items():
            if k not in sp:
                continue
            u, a = float(f[1]), float(f[2])          # main run: untracked, 7.3
            n, a2 = float(sp[k][1]), float(sp[k][2])  # split run: nolist, 7.3
            gap = 1 / a - 1 / u
            share = (1 / a2 - 1 / n) / gap if gap * u > 0.002 else None
            srows.append((k, f"{a / u:.4f}", f"{a2 / n:.4f}", f"{(a / u) / (a2 / n):.4f}",
                          f"{share * 100:.0f}%" if share is not None else "-", f"{a / a2:.4f}"))
        w = [max(len(r[i]) for r in srows) for i in range(len(srows[0]))]
        lines.append("Split of 7.3/7.3-untracked (SPLIT: build/mainline-bench-nolist = 7.3 + "
                     "mainline/bench/ablate-list-7.3.patch, only the list tracking compiled out, "
                     f"the SRCU sections kept; {npairs[1] if npairs else '?'} pair(s) of it against 7.3, "
                     "out/mainline-bench/split-tables.txt): 7.3/7.3-nolist = the list tracking, "
                     "7.3-nolist/7.3-untracked = the SRCU sections; list tracking's share = its part "
                     "of the time per operation the ablated code adds, shown when that is over 0.2%; "
                     "the last column compares the same 7.3 kernel between the two runs: a part "
                     "smaller than that difference is noise):")
        lines += ["  " + "  ".join(f"{r[i]:<{w[i]}}" for i in range(len(r))).rstrip() for r in srows]
        lines.append("")
    vm = TOP / "build/mainline-bench/vmlinux"
    pe = members(vm, "perf_event", ["pmu_list"])
    pm = members(vm, "pmu", ["events_lock", "events"])
    lines += ["7.3's revocation fields (pahole members of build/mainline-bench/vmlinux, bytes; "
              "the ablation keeps them, as ours does, so the struct sizes above are equal):",
              f"  perf_event.pmu_list {pe['pmu_list']}, pmu.events {pm['events']}, "
              f"pmu.events_lock {pm['events_lock']}", ""]
    g = lambda k: env.get(k) or "-"  # noqa: E731
    lines.append(f"time: the last run of each stage (s): tree {g('MB_T_TREE')}, build {g('MB_T_BUILD')} "
                 f"(kernels: 7.3 {g('MB_B_T')}, 7.3-untracked {g('MB_B_U')}; their first, cold builds: "
                 f"7.3 {g('MB_B1_T')}, 7.3-untracked {g('MB_B1_U')} with ccache), "
                 f"bench {g('MB_T_BENCH')}, split {g('MB_T_SPLIT')}; this invocation "
                 f"{g('MB_TOTAL')}")
    text = "\n".join(lines) + "\n"
    output.write_text(text)
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
