#!/usr/bin/env python3
"""make demo: the unbind-while-perf-runs sequence on the "before" kernel
(base + test driver) and the "after" kernel (whole series), side by side.

Each kernel runs N seeded tries of tests/guest/demo-unbind.sh.  A try that
splats ends its boot (KASAN reports once per boot), so the runner reboots and
goes on with the next try.  Prints one table and writes out/demo/table.txt.

A try counts as a crash only with a KASAN report in its boot's console; a
try whose guest ended without a verdict and without one is "no result", as
is a payload that never ran.  Exit status 0 only if every try on the before
kernel crashed with its KASAN report and every try on the after kernel
passed cleanly.
"""
import argparse
import pathlib
import subprocess
import sys
import threading
import time

TOP = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP / "scripts"))
import triage  # noqa: E402

T0 = time.monotonic()


def elapsed() -> str:
    s = int(time.monotonic() - T0)
    return f"{s // 60}m{s % 60:02d}s"


def say(msg: str) -> None:
    print(f"demo: {msg} [{elapsed()}]", flush=True)


def read_results(path: pathlib.Path) -> dict:
    done = {}
    if path.exists():
        for line in path.read_text().splitlines():
            f = line.split()
            if len(f) == 3 and f[0] == "try":
                done[int(f[1])] = f[2]
    return done


def run_kernel(variant: str, tries: int, seed: int, outdir: pathlib.Path) -> dict:
    res = {"tries": 0, "kasan": 0, "splat": 0, "hang": 0, "bad": 0, "ok": 0,
           "noresult": 0, "first": "", "boots": 0}
    nxt = 1
    while nxt <= tries:
        res["boots"] += 1
        out = outdir / variant / f"boot{res['boots']}"
        out.mkdir(parents=True, exist_ok=True)
        rfile = out / "results.txt"
        rfile.unlink(missing_ok=True)
        timeout = 90 + 15 * (tries - nxt + 1)
        say(f"{variant}: boot {res['boots']}, tries {nxt}-{tries} of {tries}")
        cmd = [str(TOP / "scripts/vm"), "--variant", f"demo-{variant}", "--out", str(out),
               "--timeout", str(timeout), "--env", f"export VARIANT=demo-{variant}",
               str(TOP / "tests/guest/demo-unbind.sh"), str(nxt), str(tries), str(seed)]
        with open(out / "vm.log", "w") as vmlog:
            proc = subprocess.Popen(cmd, stdout=vmlog, stderr=subprocess.STDOUT)
            shown = set()
            while True:
                try:
                    rc = proc.wait(timeout=2)
                except subprocess.TimeoutExpired:
                    rc = None
                for n, v in sorted(read_results(rfile).items()):
                    if n not in shown:
                        shown.add(n)
                        say(f"{variant}: try {n} of {tries}: {v}")
                if rc is not None:
                    break
        if rc == 127:
            say(f"{variant}: the payload did not run (see {out}/vm.log); no result")
            res["noresult"] += tries - nxt + 1
            break
        done = read_results(rfile)
        console = (out / "console.log").read_text(errors="replace").splitlines()
        found = list(triage.splats(console))
        kasan = [ln for ln in found if "KASAN" in ln]
        if found and not res["first"]:
            res["first"] = triage.STAMP.match(found[0]).group(1).strip()
        last = max(done) if done else nxt - 1
        for n, verdict in done.items():
            res["tries"] += 1
            if verdict == "splat" or (verdict == "hang" and n == last and kasan):
                # (A try that hung after the report is a crash too.)
                # Only the use-after-free the demo is about counts as a crash.
                res["kasan" if kasan else "splat"] += 1
            elif verdict == "hang":
                res["hang"] += 1
            elif verdict == "ok":
                res["ok"] += 1
            else:
                res["bad"] += 1
        if last < tries and (not done or done[last] not in ("splat", "hang")):
            # The guest ended inside try last+1: a crash if the try started
            # and its console shows the report, a hang if it was killed,
            # otherwise no result.
            started = any(f"try {last + 1}:" in ln for ln in console)
            if started and kasan:
                res["tries"] += 1
                res["kasan"] += 1
                say(f"{variant}: try {last + 1} of {tries}: crashed (KASAN), guest died")
            elif started and rc == 124:
                res["tries"] += 1
                res["hang"] += 1
                say(f"{variant}: try {last + 1} of {tries}: hang (guest killed)")
            elif started and found:
                res["tries"] += 1
                res["splat"] += 1
                say(f"{variant}: try {last + 1} of {tries}: splat without KASAN, guest died")
            else:
                res["noresult"] += 1
                say(f"{variant}: try {last + 1} of {tries}: no result (vm exit {rc}, see {out})")
            last += 1
        if last < nxt:
            say(f"{variant}: no progress at try {nxt} (vm exit {rc}), see {out}")
            res["noresult"] += tries - nxt + 1
            break
        nxt = last + 1
    return res


def base_name() -> str:
    r = subprocess.run(["git", "-C", str(TOP / "linux"), "log", "-1", "--format=%s", "base"],
                       capture_output=True, text=True)
    return r.stdout.strip() or "unknown"


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--tries", type=int, default=4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--kernels", default="before,after")
    p.add_argument("--build", action="store_true",
                   help="build the kernels too: the before kernel first, then the after "
                        "kernel while the before kernel's tries run")
    args = p.parse_args()
    outdir = TOP / "out" / "demo"
    kernels = args.kernels.split(",")
    results = {}
    # The kernels run side by side: the guests spend most of their time
    # waiting for perf's intervals and the random delays.
    def one(k):
        say(f"{k} kernel, {args.tries} tries, seed {args.seed}")
        results[k] = run_kernel(k, args.tries, args.seed, outdir)
    threads = {k: threading.Thread(target=one, args=(k,)) for k in kernels}
    if args.build:
        # The before kernel first: its tries (a boot each, since every try
        # crashes it) take longest, and run while the after kernel builds.
        order = sorted(kernels, key=lambda k: k != "before")
        for i, k in enumerate(order):
            if subprocess.run([str(TOP / "scripts/build.sh"), f"demo-{k}"]).returncode:
                print(f"demo: the {k} kernel did not build", file=sys.stderr)
                for t in threads.values():
                    if t.is_alive():
                        t.join()
                return 1
            threads[k].start()
    else:
        for t in threads.values():
            t.start()
    for t in threads.values():
        t.join()
    rows = [("", *kernels),
            ("tries", *(str(results[k]["tries"]) for k in kernels)),
            ("crashed (KASAN)", *(str(results[k]["kasan"]) for k in kernels)),
            ("other splat", *(str(results[k]["splat"]) for k in kernels)),
            ("hung", *(str(results[k]["hang"]) for k in kernels)),
            ("bad perf output", *(str(results[k]["bad"]) for k in kernels)),
            ("clean", *(str(results[k]["ok"]) for k in kernels)),
            ("no result", *(str(results[k]["noresult"]) for k in kernels)),
            ("boots", *(str(results[k]["boots"]) for k in kernels)),
            ("first splat", *(results[k]["first"] or "-" for k in kernels))]
    w0 = max(len(r[0]) for r in rows)
    widths = [max(len(r[i]) for r in rows) for i in range(1, len(kernels) + 1)]
    lines = [f"base: {base_name()}"]
    lines += [f"{r[0]:<{w0}}  " + "  ".join(f"{c:<{w}}" for c, w in zip(r[1:], widths))
              for r in rows]
    verdict = []
    b, a = results.get("before"), results.get("after")
    if b is not None and (b["kasan"] != args.tries):
        verdict.append(f"before: {b['kasan']} of {args.tries} tries crashed with a KASAN report")
    if a is not None and a["ok"] != args.tries:
        verdict.append(f"after: {a['ok']} of {args.tries} tries clean")
    lines.append("verdict: " + ("ok (the base crashes every time, the series never)"
                                if not verdict else "FAIL: " + "; ".join(verdict)))
    table = "\n".join(lines)
    print(table)
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / "table.txt").write_text(table + "\n")
    return 1 if verdict else 0


if __name__ == "__main__":
    sys.exit(main())
