#!/usr/bin/env python3
"""Run suites we did not write (tests/guest/regression.sh) on the before and
after kernels and compare: fail if anything that passes on the base fails
with the series. Writes the side-by-side table to results/regression-table.txt.

Also fails when a guest run did not end with status 0 (the payload writes its
results and exits 0; anything else, a kernel splat included, means the
results are not complete), when a kernel produced no results, and when a
test that fails on both kernels is not in tests/regression-known-failures.txt
with its reason (or is listed there but no longer fails on both).
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
    if rc != 0:
        res["guest:exit"] = f"vm-exit-{rc}"
    elif not res:
        res["guest:results"] = "none"
    return res


def known_failures() -> dict[str, str]:
    """name -> reason, from tests/regression-known-failures.txt ("name | reason")."""
    known = {}
    for line in (TOP / "tests" / "regression-known-failures.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.partition("|")
            known[name.strip()] = reason.strip()
    return known


def sort_key(n: str):
    suite, _, rest = n.partition(":")
    return (suite, [int(x) if x.isdigit() else 0 for x in rest.split(".")], rest)


def main() -> int:
    before, after = run("before"), run("after")
    names = sorted(set(before) | set(after), key=sort_key)
    known = known_failures()
    rows = [("test", "base", "series", "")]
    regressions = unexplained = 0
    for n in names:
        b, a = before.get(n, "-"), after.get(n, "-")
        mark = ""
        if n.startswith("guest:"):
            mark = "GUEST RUN FAILED"
            regressions += 1
        elif b == "pass" and a != "pass":
            mark = "REGRESSION"
            regressions += 1
        elif b == "fail" and a == "fail":
            if n in known:
                mark = "known: " + known[n]
            else:
                mark = "FAILS ON BOTH, not in tests/regression-known-failures.txt"
                unexplained += 1
        rows.append((n, b, a, mark))
    stale = [n for n in known if not (before.get(n) == "fail" and after.get(n) == "fail")]
    for n in stale:
        rows.append((n, before.get(n, "-"), after.get(n, "-"),
                     "STALE: listed as failing on both, it does not"))
    w = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f"{r[0]:<{w[0]}}  {r[1]:<{w[1]}}  {r[2]:<{w[2]}}  {r[3]}".rstrip() for r in rows]
    summary = (f"{len(names)} tests; base pass {sum(v == 'pass' for v in before.values())}, "
               f"series pass {sum(v == 'pass' for v in after.values())}; "
               f"{regressions} regressions, {unexplained} unexplained failures on both, "
               f"{len(stale)} stale known failures")
    table = "\n".join(lines + ["", summary]) + "\n"
    (TOP / "results").mkdir(exist_ok=True)
    (TOP / "results" / "regression-table.txt").write_text(table)
    print(table, end="")
    missing = [n for n in names if "missing" in (before.get(n), after.get(n))]
    if missing:
        print("regression: not built: " + ", ".join(missing), file=sys.stderr)
    return 1 if regressions or missing or unexplained or stale else 0


if __name__ == "__main__":
    sys.exit(main())
