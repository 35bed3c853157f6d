#!/usr/bin/env python3
"""make demo: the unbind-while-perf-runs sequence on the "before" kernel
(base + test driver) and the "after" kernel (whole series), side by side.

Each kernel runs N seeded tries of tests/guest/demo-unbind.sh.  A try that
splats ends its boot (KASAN reports once per boot), so the runner reboots and
goes on with the next try.  Prints one table and writes out/demo/table.txt.
"""
import argparse
import pathlib
import subprocess
import sys

TOP = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP / "scripts"))
import triage  # noqa: E402


def run_kernel(variant: str, tries: int, seed: int, outdir: pathlib.Path) -> dict:
    res = {"tries": 0, "splat": 0, "hang": 0, "bad": 0, "first": "", "boots": 0}
    nxt = 1
    while nxt <= tries:
        res["boots"] += 1
        out = outdir / variant / f"boot{res['boots']}"
        out.mkdir(parents=True, exist_ok=True)
        (out / "results.txt").unlink(missing_ok=True)
        timeout = 90 + 15 * (tries - nxt + 1)
        cmd = [str(TOP / "scripts/vm"), "--variant", variant, "--out", str(out),
               "--timeout", str(timeout), "--env", f"export VARIANT={variant}",
               str(TOP / "tests/guest/demo-unbind.sh"), str(nxt), str(tries), str(seed)]
        rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        done = {}
        rfile = out / "results.txt"
        if rfile.exists():
            for line in rfile.read_text().splitlines():
                _, n, verdict = line.split()
                done[int(n)] = verdict
        last = max(done) if done else nxt - 1
        for verdict in done.values():
            res["tries"] += 1
            res["splat"] += verdict == "splat"
            res["hang"] += verdict == "hang"
            res["bad"] += verdict in ("bad-output", "bind-failed")
        console = (out / "console.log").read_text(errors="replace").splitlines()
        found = list(triage.splats(console))
        if found and not res["first"]:
            res["first"] = triage.STAMP.match(found[0]).group(1).strip()
        if last < tries and (not done or done[last] not in ("splat", "hang")):
            # The guest died or wedged inside try last+1.
            res["tries"] += 1
            if rc == 124:
                res["hang"] += 1
            else:
                res["splat"] += 1
            last += 1
        if last < nxt:
            print(f"demo: {variant}: no progress at try {nxt} (vm exit {rc}), see {out}",
                  file=sys.stderr)
            break
        nxt = last + 1
    return res


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--tries", type=int, default=6)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--kernels", default="before,after")
    args = p.parse_args()
    outdir = TOP / "out" / "demo"
    kernels = args.kernels.split(",")
    results = {}
    for k in kernels:
        print(f"demo: {k} kernel, {args.tries} tries, seed {args.seed} ...", flush=True)
        results[k] = run_kernel(k, args.tries, args.seed, outdir)
    rows = [("", *kernels),
            ("tries", *(str(results[k]["tries"]) for k in kernels)),
            ("splatted", *(str(results[k]["splat"]) for k in kernels)),
            ("hung", *(str(results[k]["hang"]) for k in kernels)),
            ("bad perf output", *(str(results[k]["bad"]) for k in kernels)),
            ("boots", *(str(results[k]["boots"]) for k in kernels)),
            ("first splat", *(results[k]["first"] or "-" for k in kernels))]
    w0 = max(len(r[0]) for r in rows)
    widths = [max(len(r[i]) for r in rows) for i in range(1, len(kernels) + 1)]
    lines = [f"{r[0]:<{w0}}  " + "  ".join(f"{c:<{w}}" for c, w in zip(r[1:], widths))
             for r in rows]
    table = "\n".join(lines)
    print(table)
    (outdir / "table.txt").write_text(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
