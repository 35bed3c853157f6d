#!/usr/bin/env python3
"""Run suites we did not write (tests/guest/regression.sh) on the before and
after kernels and compare: fail if anything that passes on the base fails
with the series. Writes the side-by-side table to results/regression-table.txt.
"""
import pathlib
import subprocess
import sys

TOP = pathlib.Path(__file__).resolve().parent.parent


def run(variant: str) -> dict[str, str]:
    out = TOP / "out" / "regression" / variant
    out.mkdir(parents=True, exist_ok=True)
    (out / "regression.txt").unlink(missing_ok=True)
    rc = subprocess.run([str(TOP / "scripts/vm"), "--variant", variant, "--out", str(out),
                         "--timeout", "1500", "--env", f"export VARIANT={variant}",
                         str(TOP / "tests/guest/regression.sh")]).returncode
    res = {}
    f = out / "regression.txt"
    if f.exists():
        for line in f.read_text().splitlines():
            name, verdict = line.rsplit(" ", 1)
            res[name] = verdict
    if rc not in (0, 1):
        res["(kernel)"] = f"vm-exit-{rc}"
    return res


def main() -> int:
    before, after = run("before"), run("after")
    names = sorted(set(before) | set(after),
                   key=lambda n: (n.split(":")[0], [int(x) if x.isdigit() else x
                                                   for x in n.split(":", 1)[1].split(".")]))
    rows = [("test", "base", "series", "")]
    regressions = 0
    for n in names:
        b, a = before.get(n, "-"), after.get(n, "-")
        mark = ""
        if b == "pass" and a != "pass":
            mark = "REGRESSION"
            regressions += 1
        rows.append((n, b, a, mark))
    w = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f"{r[0]:<{w[0]}}  {r[1]:<{w[1]}}  {r[2]:<{w[2]}}  {r[3]}".rstrip() for r in rows]
    summary = (f"{len(names)} tests; base pass {sum(v == 'pass' for v in before.values())}, "
               f"series pass {sum(v == 'pass' for v in after.values())}; "
               f"{regressions} regressions")
    table = "\n".join(lines + ["", summary]) + "\n"
    (TOP / "results").mkdir(exist_ok=True)
    (TOP / "results" / "regression-table.txt").write_text(table)
    print(table, end="")
    missing = [n for n in names if "missing" in (before.get(n), after.get(n))]
    if missing:
        print("regression: not built: " + ", ".join(missing), file=sys.stderr)
    return 1 if regressions or missing else 0


if __name__ == "__main__":
    sys.exit(main())
