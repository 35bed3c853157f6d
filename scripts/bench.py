#!/usr/bin/env python3
"""make bench: base (+ test driver) vs series, side by side in one run.

Boots the before and after kernels alternately (A B A B ..., --pairs, same
QEMU settings; --kernels release: build/bench-{before,after}, built from
configs/bench.config without any debugging, the default; --kernels debug:
the KASAN and lockdep test kernels), runs tests/bench/pmu-bench in each (tests/guest/bench.sh),
and prints medians and series/base ratios; on the after kernel it also times
perf_pmu_unregister() (an unbind of test_pmu_0) with N live events against
closing the same N events, and fits both to fixed + N * per-event cost.
pahole gives the structure sizes. The table goes to results/bench.txt.
With --ablate the icount runs also boot build/bench-notrack, the series with
pmu::events tracking compiled out (tests/bench/ablate-tracking.patch), to
attribute the series' cost on event creation and free.

With --before-dir/--after-dir the pair is any two kernels built under build/
(their bzImage and lib/test_perf_pmu.ko; scripts/mainline-bench.sh: mainline
7.3 without and with its own revocation), named --before-label and
--after-label in the tables, not judged against the targets, written to
--output; the unregister table is measured on the after kernel.

With --scale it only measures the cost of unregistering at scale, on the
icount clock and the after kernel (build/bench-after): --scale-boots boots
per (vCPUs, other PMUs) of --scale-cpus x --scale-others (each figure the
median over them, with the spread of the fixed cost), the module loaded
with extra_pmus=<other PMUs> (test_pmu_x*, each carrying 5 events: CPU
events over all CPUs and per-task events of a sleeping task), times the
unbind of test_pmu_0 with 0 and 1000 live events (per-task events of
another sleeping task; the median of --scale-reps unbinds after a warm-up,
tests/bench/pmu-bench.c scale). The fixed cost (N=0) must not grow with
CPUs that hold nothing of the PMU nor with other PMUs and their events:
max/min over the CPU counts, and other PMUs / none, at most SCALE_LIMIT.
The table goes to results/bench-scale.txt.

Two clocks (--clock, both by default):
  icount  QEMU -icount shift=0,sleep=off: one guest instruction is one
          nanosecond of guest time, so a rate is the inverse of the
          instructions a path executes. Independent of the host's load;
          boots repeat within 1% (0.01% for context switches and read()),
          which a 1% target needs; blind to caches, memory and lock
          contention. The targets are judged here.
  wall    multi-threaded TCG in real time: what the guest sees of the host,
          for reference; its run-to-run spread is larger than the targets.
"""
import argparse
import concurrent.futures
import os
import pathlib
import statistics
import subprocess
import sys
import time

TOP = pathlib.Path(__file__).resolve().parent.parent
HOT_TARGET = {"ctxsw": 1.0, "read": 1.0, "open": 1.0, "fork": 3.0}  # percent
STRUCTS = ["perf_event", "pmu", "perf_cpu_pmu_context", "perf_event_pmu_context"]
SCALE_LIMIT = 1.05  # the fixed cost may grow by 5% at most
SCALE_NS = (0, 1000)



def labels(args):
    """The names of the two kernels in the tables (base, series unless given)."""
    return getattr(args, "labels", {"before": "base", "after": "series"})

def run_guest(variant: str, i: int, clock: str, args) -> dict[str, float]:
    kdir = args.dirs.get(variant)
    # A kernel of --before-dir/--after-dir: VARIANT is its directory under
    # build/ (tests/guest/lib.sh loads the test driver from there).
    vmargs = (["--kernel", str(TOP / "build" / kdir / "arch/x86/boot/bzImage")] if kdir
              else ["--variant", args.prefix + variant])
    unreg = " BENCH_UNREGISTER_RUN=1" if kdir and variant == "after" else ""
    variant = kdir or args.prefix + variant
    # Two pairs of kernels sharing one must not share its output directories.
    pair = f"{labels(args)['before']}-vs-{labels(args)['after']}-" if kdir else ""
    out = TOP / "out" / "bench" / f"{clock}-{pair}{variant}-{i}"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.txt").unlink(missing_ok=True)
    env = (f"export VARIANT={variant} BENCH_SECONDS={args.seconds} "
           f"BENCH_UNREGISTER='{args.unregister}'{unreg}")
    icount = ["--icount", "0"] if clock == "icount" else []
    rc = subprocess.run([str(TOP / "scripts/vm"), *vmargs, "--out", str(out),
                         "--timeout", "1800", "--env", env, *icount,
                         str(TOP / "tests/guest/bench.sh")]).returncode
    if rc != 0:
        sys.exit(f"bench: {variant} run {i} failed ({rc}), see {out}/console.log")
    res = {}
    for line in (out / "bench.txt").read_text().splitlines():
        name, value, _unit = line.split(" ", 2)
        res[name] = float(value)
    return res


def scale_key(cpus: int, others: int, n: int) -> str:
    """The name pmu-bench scale prints."""
    return f"scale_cpus{cpus}_other{others}_n{n}"


def run_scale_guest(cpus: int, others: int, boot: int, args) -> dict[str, float]:
    """One boot of bench-after on the icount clock: pmu-bench scale."""
    out = TOP / "out" / "bench" / f"scale-cpus{cpus}-other{others}-boot{boot}"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.txt").unlink(missing_ok=True)
    ns = " ".join(str(n) for n in SCALE_NS)
    env = (f"export VARIANT=bench-after BENCH_SCALE_OTHERS={others} "
           f"BENCH_SCALE_REPS={args.scale_reps} BENCH_SCALE_N='{ns}'")
    rc = subprocess.run([str(TOP / "scripts/vm"), "--variant", "bench-after", "--out", str(out),
                         "--cpus", str(cpus), "--timeout", "1800", "--env", env,
                         "--icount", "0", str(TOP / "tests/guest/bench.sh")]).returncode
    if rc != 0:
        sys.exit(f"bench: scale run cpus={cpus} others={others} failed ({rc}), "
                 f"see {out}/console.log")
    res = {}
    for line in (out / "bench.txt").read_text().splitlines():
        name, value, _unit = line.split(" ", 2)
        res[name] = float(value)
    return res


def scale_section(res, cpus_list, others_list, missed) -> list[str]:
    """The scale table and its two verdicts from the runs res[(cpus, others)]
    (pmu-bench scale's names and ns); appends missed claims to missed."""
    cols = [(c, o) for c in cpus_list for o in others_list]

    def val(c, o, n):
        key = scale_key(c, o, n)
        if key not in res[(c, o)]:
            sys.exit(f"bench: scale run cpus={c} others={o} did not report {key}")
        return res[(c, o)][key]

    rows = [("vCPUs", *[str(c) for c, _ in cols]),
            ("other PMUs", *[str(o) for _, o in cols])]
    for n in SCALE_NS:
        rows.append((f"N={n}", *[f"{val(c, o, n) / 1e3:.2f}" for c, o in cols]))
    lo, hi = SCALE_NS[0], SCALE_NS[-1]
    rows.append(("per event (ns)",
                 *[f"{(val(c, o, hi) - val(c, o, lo)) / (hi - lo):.0f}" for c, o in cols]))
    w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["perf_pmu_unregister() at scale: unbind of test_pmu_0 with N live events "
             "(after kernel, icount clock; medians, us; per event = the difference "
             f"between N={hi} and N={lo} over {hi - lo}):"]
    lines += ["  " + "  ".join(f"{r[i]:<{w[i]}}" if i == 0 else f"{r[i]:>{w[i]}}"
                               for i in range(len(r))) for r in rows]
    lines.append("")

    def claim(key, head, ratio, parts):
        """One verdict line: head, the worst ratio, met or MISSED, the parts."""
        ok = ratio <= SCALE_LIMIT
        if not ok:
            missed.append(key)
        lines.append(f"{head} {ratio:.3f} (must be <= {SCALE_LIMIT:.2f}): "
                     + ("met" if ok else "MISSED") + "; " + parts)

    # Claim 1: the fixed cost does not grow with CPUs, whatever else is there.
    per_others = {o: max(val(c, o, 0) for c in cpus_list) / min(val(c, o, 0) for c in cpus_list)
                  for o in others_list}
    claim("scale_fixed_vs_cpus", "fixed cost vs CPUs: max/min =", max(per_others.values()),
          f"over {', '.join(str(c) for c in cpus_list)} vCPUs with "
          + ", ".join(f"{o} other PMUs {r:.3f}" for o, r in per_others.items()))
    # Claim 2: nor with other PMUs and their events, at any CPU count.
    base, most = min(others_list), max(others_list)
    per_cpus = {c: val(c, most, 0) / val(c, base, 0) for c in cpus_list}
    claim("scale_fixed_vs_pmus", f"fixed cost vs {most} other PMUs with events: ratio",
          max(per_cpus.values()),
          f"{most} / {base} other PMUs at "
          + ", ".join(f"{c} vCPUs {r:.3f}" for c, r in per_cpus.items()))
    return lines


def scale_main(args) -> int:
    cpus_list = [int(x) for x in args.scale_cpus.split(",")]
    others_list = [int(x) for x in args.scale_others.split(",")]
    if len(cpus_list) < 2 or len(others_list) < 2:
        sys.exit("bench: --scale needs at least two CPU counts and two other-PMU counts")
    t0 = time.time()
    configs = [(c, o) for c in cpus_list for o in others_list]
    jobs = [(c, o, b) for b in range(1, args.scale_boots + 1) for c, o in configs]
    runs: dict[tuple[int, int], list[dict[str, float]]] = {cfg: [] for cfg in configs}
    # icount: guest time does not depend on the host's load, two guests at once.
    with concurrent.futures.ThreadPoolExecutor(min(2, os.cpu_count() or 1)) as pool:
        futures = [pool.submit(run_scale_guest, c, o, b, args) for c, o, b in jobs]
        for i, ((c, o, b), fut) in enumerate(zip(jobs, futures), 1):
            runs[(c, o)].append(fut.result())
            print(f"bench: scale boot {i}/{len(jobs)} (cpus={c} others={o}, boot {b}) done, "
                  f"{time.time() - t0:.0f} s", file=sys.stderr)
    # Each figure is the median over the boots of a configuration; a boot's
    # figure is already the median of its unbinds.
    res = {cfg: {k: statistics.median(r[k] for r in rs) for k in rs[0]}
           for cfg, rs in runs.items()}
    missed: list[str] = []
    lines = [f"make bench SCALE: {len(jobs)} boots of build/bench-after ({args.scale_boots} "
             f"per configuration, median), QEMU TCG -icount "
             f"(one guest instruction, on any vCPU, is one ns), other PMUs test_pmu_x* "
             f"(extra_pmus=) with 5 events each, {args.scale_reps} unbinds per N "
             "after a warm-up", ""]
    lines += scale_section(res, cpus_list, others_list, missed)
    if args.scale_boots > 1:
        spread = {cfg: (max(r[scale_key(*cfg, 0)] for r in rs) - min(r[scale_key(*cfg, 0)] for r in rs))
                  / res[cfg][scale_key(*cfg, 0)] for cfg, rs in runs.items()}
        lines.append("spread of the fixed cost (N=0) between boots, (max-min)/median: "
                     + ", ".join(f"{c} vCPUs/{o} PMUs {100 * v:.1f}%"
                                 for (c, o), v in spread.items()))
    lines += ["", f"bench took {time.time() - t0:.0f} s"
              + (f"; targets missed: {', '.join(missed)}" if missed else "")]
    text = "\n".join(lines) + "\n"
    (TOP / "results").mkdir(exist_ok=True)
    (TOP / "results" / "bench-scale.txt").write_text(text)
    print(text, end="")
    return 0


def fit(points):
    """Least squares y = a + b x over (x, y): (fixed, per-item)."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    b = sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0
    return my - b * mx, b


def pahole(variant: str) -> dict[str, str]:
    sizes = {}
    vmlinux = TOP / "build" / variant / "vmlinux"  # variant has the prefix (or is a --*-dir)
    for s in STRUCTS:
        r = subprocess.run(["pahole", "-C", s, str(vmlinux)], capture_output=True, text=True)
        size = "-"
        for line in r.stdout.splitlines():
            if "/* size:" in line:
                size = line.split("size:")[1].split(",")[0].strip()
        sizes[s] = size
    return sizes


CLOCKS = {
    "icount": "clock icount: guest time counts instructions (1 ns each)",
    "wall": "clock wall: multi-threaded TCG, real time",
}


def section(clock: str, runs, args, missed) -> list[str]:
    """The tables of one clock; appends missed targets to missed (if given)."""
    lines = [f"== {CLOCKS[clock]}; "
             + ("targets judged here" if missed is not None else "for reference, not judged"), ""]
    hot = [k for k in runs["before"][0] if not k.startswith(("unregister_", "close_"))]
    ablate = "notrack" in runs
    bl, al = labels(args)["before"], labels(args)["after"]
    rows = [("benchmark", bl, al, f"{al}/{bl}", f"{bl} spread", "target")]
    if ablate:
        rows[0] += ("untracked/base", "tracking's share")
    for k in hot:
        bv = [r[k] for r in runs["before"]]
        b = statistics.median(bv)
        a = statistics.median(r[k] for r in runs["after"])
        ratio = a / b if b else float("nan")
        extra: tuple[str, ...] = ()
        if ablate:
            u = statistics.median(r[k] for r in runs["notrack"])
            # Of the time per operation the series adds, the part that
            # goes away without the tracking.
            gap = 1 / a - 1 / b
            share = (1 / a - 1 / u) / gap if gap * b > 0.002 else None
            extra = (f"{u / b:.4f}", f"{share * 100:.0f}%" if share is not None else "-")
        tgt = next(v for key, v in HOT_TARGET.items() if k.startswith(key))
        ok = ratio >= 1 - tgt / 100
        verdict = f">= {1 - tgt / 100:.2f}"
        if missed is not None and not ok:
            missed.append(k)
            verdict += " MISSED"
        rows.append((k, f"{b:.0f}", f"{a:.0f}", f"{ratio:.4f}",
                     f"{(max(bv) - min(bv)) / b * 100:.2f}%", verdict) + extra)
    w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines += ["Hot paths (medians, operations per second; higher is better; "
              f"{bl} spread = (max-min)/median of the {bl} runs"
              + ("; untracked = the series without pmu::events tracking, tracking's share"
                 " = the part of the time per operation the series adds that the"
                 " tracking accounts for, shown when the series adds over 0.2%" if ablate else "")
              + "):"]
    lines += ["  " + "  ".join(f"{r[i]:<{w[i]}}" for i in range(len(r))).rstrip() for r in rows]
    spread = []
    for k in hot:
        for v in ("before", "after"):
            vals = [r[k] for r in runs[v]]
            spread.append((max(vals) - min(vals)) / statistics.median(vals) * 100)
    lines += [f"  run-to-run spread (max-min)/median, all benchmarks and kernels: "
              f"median {statistics.median(spread):.2f}%, max {max(spread):.2f}%", ""]

    ns = [int(x) for x in args.unregister.split()]
    lines += ["perf_pmu_unregister() with N live events vs closing N events "
              f"({al} only; medians, ms):",
              f"  {'N':>6}  {'unregister':>10}  {'close':>10}"]
    upts, cpts = [], []
    for n in ns:
        u = statistics.median(r[f"unregister_n{n}"] for r in runs["after"]) / 1e6
        c = statistics.median(r[f"close_n{n}"] for r in runs["after"]) / 1e6
        upts.append((n, u))
        cpts.append((n, c))
        lines.append(f"  {n:>6}  {u:>10.2f}  {c:>10.2f}")
    ua, ub = fit(upts)
    ca, cb = fit(cpts)
    ok = not cb or ub <= cb
    if missed is not None and not ok:
        missed.append("unregister_per_event")
    lines += [f"  fit: unregister {ua:.2f} ms fixed + {ub * 1e3:.2f} us/event; "
              f"close {ca:.2f} ms fixed + {cb * 1e3:.2f} us/event; "
              f"per-event revoke/close = {ub / cb:.2f} (target <= 1"
              + (")" if ok or missed is None else ", MISSED)") if cb else "", ""]
    return lines


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pairs", type=int, default=3)
    p.add_argument("--seconds", type=float, default=2.0, help="per hot-path benchmark")
    p.add_argument("--unregister", default="0 10 100 1000 10000")
    p.add_argument("--kernels", choices=["release", "debug"], default="release")
    p.add_argument("--ablate", action="store_true",
                   help="also run build/bench-notrack on the judged clock (release kernels)")
    p.add_argument("--clock", default="icount,wall",
                   help="icount, wall or both (icount,wall); targets are judged on icount")
    p.add_argument("--scale", action="store_true",
                   help="only the cost of unregistering at scale (bench-after, icount)")
    p.add_argument("--scale-cpus", default="1,2,4", help="vCPU counts (--scale)")
    p.add_argument("--scale-others", default="0,200",
                   help="other test PMUs registered, at most 256 (--scale)")
    p.add_argument("--scale-boots", type=int, default=3,
                   help="boots per configuration, median (--scale)")
    p.add_argument("--scale-reps", type=int, default=5,
                   help="unbinds per configuration and N, median (--scale)")
    p.add_argument("--before-dir", help="the before kernel from build/<dir> (default by --kernels)")
    p.add_argument("--after-dir", help="the after kernel from build/<dir> (default by --kernels)")
    p.add_argument("--before-label", default="base", help="its name in the tables (base)")
    p.add_argument("--after-label", default="series", help="its name in the tables (series)")
    p.add_argument("--output", default="results/bench.txt", help="the table (results/bench.txt)")
    args = p.parse_args()
    args.prefix = "bench-" if args.kernels == "release" else ""
    args.dirs = {v: d.removeprefix("build/").rstrip("/")
                 for v, d in (("before", args.before_dir), ("after", args.after_dir)) if d}
    args.labels = {"before": args.before_label, "after": args.after_label}
    if args.dirs and (len(args.dirs) != 2 or args.ablate or args.scale):
        sys.exit("bench: --before-dir and --after-dir go together, without --ablate or --scale")
    if args.ablate and args.kernels != "release":
        sys.exit("bench: --ablate needs --kernels release")

    bench = TOP / "build" / "bench" / "pmu-bench"
    bench.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["gcc", "-O2", "-Wall", "-o", str(bench),
                    str(TOP / "tests/bench/pmu-bench.c")], check=True)
    if args.scale:
        if args.kernels != "release":
            sys.exit("bench: --scale runs on the release after kernel (--kernels release)")
        return scale_main(args)

    t0 = time.time()
    if args.dirs:
        rel = {v: (TOP / "build" / d / "include/config/kernel.release").read_text().strip()
               for v, d in args.dirs.items()}
        lines = [f"scripts/bench.py: {args.pairs} pairs ({labels(args)['before']}, "
                 f"{labels(args)['after']} alternately) per clock, {args.seconds:g} s per "
                 "hot-path benchmark, QEMU TCG, 2 vCPUs"]
        lines += [f"  {v:<6} {labels(args)[v]}: build/{d}, {rel[v]}" for v, d in args.dirs.items()]
        lines.append("")
    else:
        lines = [f"make bench: {args.pairs} pairs (before, after alternately) per clock, "
                 f"{args.seconds:g} s per hot-path benchmark, QEMU TCG, 2 vCPUs, "
                 + ("kernels without debugging (configs/bench.config)" if args.kernels == "release"
                    else "debug kernels (KASAN, lockdep)"), ""]
    missed: list[str] = []
    clocks = args.clock.split(",")
    judged = "icount" if "icount" in clocks else clocks[0]
    for clock in clocks:
        runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
        kernels = ["before", "after"]
        if args.ablate and clock == judged:
            kernels.append("notrack")
            runs["notrack"] = []
        # Guest time on the icount clock does not depend on the host's load:
        # boot two guests at once there. Real time needs the host to itself.
        jobs = [(i, v) for i in range(args.pairs) for v in kernels]
        workers = min(2, os.cpu_count() or 1) if clock == "icount" else 1
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            futures = [pool.submit(run_guest, v, i, clock, args) for i, v in jobs]
            for (i, v), fut in zip(jobs, futures):
                runs[v].append(fut.result())
                print(f"bench: {clock} pair {i + 1}/{args.pairs} {v} done", file=sys.stderr)
        lines += section(clock, runs, args,
                         missed if clock == judged and not args.dirs else None)

    pb = pahole(args.dirs.get("before", args.prefix + "before"))
    pa = pahole(args.dirs.get("after", args.prefix + "after"))
    bl, al = labels(args)["before"], labels(args)["after"]
    wb, wa = max(6, len(bl)), max(7, len(al) + 1)
    lines += ["Structure sizes (pahole, bytes, this config):",
              f"  {'struct':<26} {bl:>{wb}} {al:>{wa}} {'delta':>6}"]
    for s in STRUCTS:
        d = (int(pa[s]) - int(pb[s])) if pa[s].isdigit() and pb[s].isdigit() else "-"
        lines.append(f"  {s:<26} {pb[s]:>{wb}} {pa[s]:>{wa}} {d:>6}")
    if not args.dirs:
        grow = int(pa["perf_event"]) - int(pb["perf_event"]) if pa["perf_event"].isdigit() else None
        if grow is None or grow > 16:
            missed.append("perf_event_size")
        lines.append(f"  per-event growth target <= 16 bytes: "
                     + ("met" if grow is not None and grow <= 16 else "MISSED"))
    lines += ["", f"bench took {time.time() - t0:.0f} s"
              + (f"; targets missed: {', '.join(missed)}" if missed else "")]
    text = "\n".join(lines) + "\n"
    output = TOP / args.output
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
