#!/usr/bin/env python3
"""Unit tests of scripts/triage.py against recorded and synthetic console logs."""
import pathlib
import sys
import unittest

TOP = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TOP / "scripts"))
import triage  # noqa: E402

DATA = pathlib.Path(__file__).resolve().parent / "data"


def found(text: str) -> list[str]:
    return list(triage.splats(text.splitlines()))


class Triage(unittest.TestCase):
    def test_arm64_call_trace_glued_and_kmemleak(self):
        self.assertEqual(len(found("[   3.000000] Call trace:\n")), 1)
        self.assertEqual(len(found("  perf: 1,234,,ticks[   12.345678] BUG: KASAN: "
                                   "slab-use-after-free in x+0x1/0x2\n")), 1)
        self.assertEqual(len(found("[  100.000000] kmemleak: 2 new suspected memory leaks "
                                   "(see /sys/kernel/debug/kmemleak)\n")), 1)
        # user output with a bracket but no kernel stamp stays quiet
        self.assertEqual(found("test [1.5] WARNING: user text\n"), [])

    def test_clean_boot_has_no_splat(self):
        self.assertEqual(found("[    0.000000] Linux version 6.12.57\n"
                               "[    1.234567] test_perf_pmu test_perf_pmu.0: registered\n"), [])

    def test_each_kind_is_caught(self):
        for line in [
            "BUG: KASAN: slab-use-after-free in perf_pmu_disable+0x2a/0x80",
            "WARNING: CPU: 1 PID: 77 at kernel/events/core.c:2344 x+0x1/0x2",
            "UBSAN: array-index-out-of-bounds in kernel/events/core.c:10",
            "general protection fault, probably for non-canonical address",
            "Oops: 0000 [#1] PREEMPT SMP KASAN",
            "WARNING: possible circular locking dependency detected",
            "rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:",
            "refcount_t: underflow; use-after-free.",
            "list_del corruption. prev->next should be ffff888",
            "INFO: task perf:123 blocked for more than 60 seconds.",
            "ODEBUG: free active (active state 0) object: ffff8880 object type: hrtimer",
            "BUG: sleeping function called from invalid context at kernel/locking/mutex.c:585",
        ]:
            with self.subTest(line=line):
                self.assertEqual(len(found(f"[   12.345678] {line}\n")), 1)

    def test_user_output_is_not_a_splat(self):
        # Lines without a printk timestamp come from the payload, not the kernel.
        self.assertEqual(found("WARNING: this is the test's own output\nBUG: nope\n"), [])

    def test_recorded_logs(self):
        # <name>.splat.log must show a splat, <name>.clean.log must not.
        logs = sorted(DATA.glob("*.log"))
        for log in logs:
            with self.subTest(log=log.name):
                lines = log.read_text(errors="replace").splitlines()
                if ".splat." in log.name:
                    self.assertTrue(found("\n".join(lines)))
                else:
                    self.assertEqual(found("\n".join(lines)), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
