#!/usr/bin/env python3
"""Per-case table of the KUnit port on mainline 7.3 (mainline/kunit/run.sh).

Reads out/mainline-kunit/console.log (the whole suite in one boot) and the
console-<case>.log of the cases that were run again alone, and prints one
line per case of our 29: pass, fail (with the failed lines of
unregister_test.c), splat (the kernel reported a problem during the case,
by scripts/triage.py's patterns), crashed (no result), or not ported.
"""
import argparse
import datetime
import os
import re
import sys

# Our suite, in its order (linux/kernel/events/unregister_test.c).
OURS = """revoke_cpu_counter revoke_task_counter revoke_disabled_counter
unregister_twice unmapped_pmu_is_busy mapped_pmu_is_busy
busy_pmu_keeps_its_place reregister_same_name duplicate_name_refused
exclusive_pmu revoke_child_of_failed_fork busy_pmu_keeps_inheriting
revoke_while_sibling_freed revoke_after_last_closed
revoke_child_released_by_parent stale_type_not_reused
revoke_sw_sibling_of_hw_leader revoke_group_of_two_sw_pmus
revoke_sw_sibling_of_cpu_clock revoke_orphaned_sw_sibling
revoke_orphaned_sw_sibling_task unregister_skips_unused_cpus
unregister_waits_for_parked_creator no_event_init_while_going
fork_while_going_inherits_nothing race_unregister_create
race_unregister_read race_unregister_enable_disable
race_unregister_task_exit""".split()

NOT_PORTED = {
    "revoke_child_of_failed_fork":
        "needs our perf_event_revoke() static stub (the KUnit hook in our "
        "revocation) to run perf_event_free_task() after unregister took "
        "its reference on the child event and before it revokes it; 7.3's "
        "pmu_detach_event() has no hook, and the interleaving cannot be "
        "forced from the test without changing core.c",
    "revoke_after_last_closed":
        "needs our perf_event_revoke() static stub (closes B between the "
        "revocations of C and A) and checks our retired pmu context "
        "(epc->pmu = perf_revoked_pmu, our stub PMU)",
    "no_event_init_while_going":
        "tests our PMU lifecycle state (pmu->state LIVE/GOING under "
        "pmus_lock and pmu->events_lock, PERF_PMU_STATE_GOING): 7.3 has no "
        "per-PMU state, it hides a going PMU by taking it out of pmu_idr "
        "and pmus, so a GOING PMU still found by a creator cannot be made",
    "fork_while_going_inherits_nothing":
        "needs our perf_event_revoke() static stub to fork between GOING "
        "and the revocation of the parent, and checks our PMU lifecycle "
        "state (pmu->state == PERF_PMU_STATE_GOING)",
}

PORT_NOTES = {
    "revoke_cpu_counter": "perf_cpc_arrays_freed checks dropped (our counter)",
    "revoke_task_counter": "perf_cpc_arrays_freed check dropped (our counter)",
}

RESULT = re.compile(r"^(?:\s*\[\s*\d+\.\d+\]\s?)?\s*(not ok|ok) \d+ (\w+)")
FAILED_AT = re.compile(r"(?:EXPECTATION|ASSERTION) FAILED at "
                       r"\S*kernel/events/unregister_test\.c:(\d+)")
RELEASE = re.compile(r"Linux version (\S+)")


def cases_of(patch):
    names = []
    inside = False
    for line in open(patch, errors="replace"):
        if line.startswith("+static struct kunit_case perf_pmu_unregister_cases"):
            inside = True
        elif inside and line.startswith("+};"):
            break
        elif inside:
            m = re.match(r"^\+\tKUNIT_CASE(?:_SLOW)?\((\w+)\),$", line)
            if m:
                names.append(m.group(1))
    return names


STAMPED = re.compile(r"^\s*\[\s*\d+\.\d+\]\s?")
DUMP_HEAD = re.compile(r"^(CPU: |Tainted: |Hardware name: |Call Trace:)")


def summarize(chunk, splat):
    """Put first the line that says what a splat is: a dump_stack() (as
    sysfs_warn_dup() does) has only "Call Trace:" among the patterns."""
    if not splat or not splat[0].strip().endswith("Call Trace:"):
        return splat
    i = chunk.index(splat[0])
    while i > 0 and DUMP_HEAD.match(STAMPED.sub("", chunk[i])):
        i -= 1
    if i < chunk.index(splat[0]):
        return [chunk[i]] + splat
    return splat


def parse(path, triage):
    """{case: (ok, [failed lines], [splat lines])} and the kernel release."""
    res, chunk, release = {}, [], None
    if not os.path.exists(path):
        return res, release, []
    lines = open(path, errors="replace").read().splitlines()
    started = False
    for line in lines:
        if release is None:
            m = RELEASE.search(line)
            if m:
                release = m.group(1)
        if "# Subtest: perf_pmu_unregister" in line:
            started, chunk = True, []
            continue
        if not started:
            continue
        m = RESULT.match(line)
        if m and m.group(2) != "perf_pmu_unregister":
            failed = sorted({int(x) for l in chunk for x in FAILED_AT.findall(l)})
            res[m.group(2)] = (m.group(1) == "ok", failed,
                               summarize(chunk, list(triage.splats(chunk))))
            chunk = []
        else:
            chunk.append(line)
    # Whatever followed the last result: the case that did not report.
    return res, release, (summarize(chunk, list(triage.splats(chunk)))
                          if started else [])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", required=True)
    ap.add_argument("--patch", required=True)
    ap.add_argument("--logs", required=True)
    ap.add_argument("--package", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--kunitconfig", action="append", default=[])
    a = ap.parse_args()
    sys.path.insert(0, os.path.join(a.top, "scripts"))
    import triage

    ported = cases_of(a.patch)
    whole, release, tail_splats = parse(os.path.join(a.logs, "console.log"), triage)
    alone = {}
    for c in ported:
        r, rel, t = parse(os.path.join(a.logs, "console-%s.log" % c), triage)
        if c in r or rel:
            alone[c] = (r.get(c), t)
            release = release or rel

    out = []
    p = out.append
    p("# Our KUnit suite (kernel/events/unregister_test.c, 29 cases) ported to mainline")
    p("package: %s" % a.package)
    p("kernel:  %s (x86_64, QEMU TCG -smp 2, 7.3's kunit.py)" % (release or "?"))
    p("config:  kunit.py (x86_64 defaults) + %s" % " + ".join(
        os.path.relpath(k, a.top) if k.startswith(a.top) else k
        for k in a.kunitconfig))
    cfg = open(a.config).read() if os.path.exists(a.config) else ""
    keys = ["CONFIG_KASAN", "CONFIG_KASAN_INLINE", "CONFIG_PROVE_LOCKING",
            "CONFIG_PROVE_RCU", "CONFIG_DEBUG_LIST", "CONFIG_DEBUG_OBJECTS",
            "CONFIG_DEBUG_ATOMIC_SLEEP", "CONFIG_SMP",
            "CONFIG_PERF_PMU_UNREGISTER_KUNIT_TEST"]
    def val(k):
        m = re.search(r"^%s=(.*)$" % k, cfg, re.M)
        return m.group(1) if m else "n"
    p("         %s" % " ".join("%s=%s" % (k[7:], val(k)) for k in keys))
    p("date:    %s" % datetime.datetime.now(datetime.timezone.utc)
      .strftime("%Y-%m-%d %H:%M UTC"))
    p("runs:    out/mainline-kunit/console.log (whole suite, one boot), "
      "console-<case>.log (each case in its own boot: %d)" % len(alone))
    p("")
    def describe(r, splat):
        """Result word and text of one boot's (ok, failed, splats)."""
        if r is None:
            return "crashed", "crashed (no result)", splat
        ok, failed, splat = r
        word = ("pass" if ok else "fail") + ("+splat" if splat else "")
        text = word
        if failed:
            text += " (unregister_test.c:%s)" % ",".join(map(str, failed))
        return word, text, splat

    counts = {}
    all_splats = []
    p("%-36s %s" % ("case", "own boot [whole-suite boot if different]"))
    for c in OURS:
        if c not in ported:
            word = "not-ported"
            text = "not ported: " + NOT_PORTED.get(c, "missing from the port (?)")
        elif c in alone:
            r, t = alone[c]
            word, text, splat = describe(r, t)
            w1, t1, s1 = describe(whole.get(c), tail_splats)
            if w1 != word:
                text += " [whole suite: %s]" % t1
        else:
            word, text, splat = describe(whole.get(c), tail_splats)
            text += " [whole-suite boot only]"
        if c in ported and splat:
            first = re.sub(r"^\s*\[\s*\d+\.\d+\]\s?", "", splat[0])
            text += "; splat: %s" % first.strip()
            all_splats.append((c, splat))
        if c in PORT_NOTES:
            text += "; port: %s" % PORT_NOTES[c]
        counts[word] = counts.get(word, 0) + 1
        p("%-36s %s" % (c, text))
    p("")
    p("totals: %s (of %d)" % (", ".join("%s %d" % kv for kv in sorted(counts.items())),
                             len(OURS)))
    p("")
    if all_splats:
        p("splats (kernel lines by triage.py patterns, per case, own boot):")
        for c, s in all_splats:
            p("  %s:" % c)
            for l in s[:12]:
                p("    %s" % l.strip())
            if len(s) > 12:
                p("    ... %d more" % (len(s) - 12))
    else:
        p("splats: none")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
