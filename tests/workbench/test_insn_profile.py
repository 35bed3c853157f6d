#!/usr/bin/env python3
"""Unit tests of scripts/insn-profile's report on synthetic traces."""
import importlib.machinery
import importlib.util
import pathlib
import tempfile
import unittest

TOP = pathlib.Path(__file__).resolve().parents[2]
loader = importlib.machinery.SourceFileLoader("insn_profile", str(TOP / "scripts" / "insn-profile"))
spec = importlib.util.spec_from_loader("insn_profile", loader)
prof = importlib.util.module_from_spec(spec)
loader.exec_module(prof)

MOD = prof.KERNEL_MODULES	# module PCs need no vmlinux: they count as [module]
NOELF = pathlib.Path("/nonexistent/vmlinux")


def trace(text: str) -> dict:
    with tempfile.TemporaryDirectory() as d:
        p = pathlib.Path(d) / "t"
        p.write_text(text)
        return prof.read_trace(p)


def lines(sc: str, it: int, n: int) -> str:
    return "".join(f"{sc}.{it} {MOD + i:x}\n" for i in range(n))


class InsnProfile(unittest.TestCase):
    def test_read_trace_keeps_calls_and_iterations_apart(self):
        t = trace(lines("perf_event_open", 0, 3) + lines("close", 0, 2) + lines("close", 1, 4))
        self.assertEqual(sorted((k, len(v)) for k, v in t.items()),
                         [(("close", 0), 2), (("close", 1), 4), (("perf_event_open", 0), 3)])

    def test_difference_is_per_call_and_in_total(self):
        before = trace(lines("perf_event_open", 0, 10) + lines("close", 0, 7))
        after = trace(lines("perf_event_open", 0, 12) + lines("close", 0, 7))
        out = prof.report(before, after, NOELF, NOELF, 2)
        self.assertIn("perf_event_open: base 10 series 12 instructions (+2)", out[0])
        self.assertIn("     +2     10 ->    12  [module]", out)
        self.assertIn("close: base 7 series 7 instructions (+0)", "\n".join(out))
        self.assertEqual(out[-1], "total: base 17 series 19 (+2)")

    def test_an_odd_iteration_is_shown_but_not_counted(self):
        before = trace(lines("close", 0, 7) + lines("close", 1, 30) + lines("close", 2, 7))
        after = trace(lines("close", 0, 8) + lines("close", 1, 8) + lines("close", 2, 8))
        out = prof.report(before, after, NOELF, NOELF, 2)
        self.assertIn("close: base 7 series 8 instructions (+1); "
                      "per-iteration counts base [7, 30], series [8]", out[0])

    def test_a_call_missing_from_one_trace_is_reported(self):
        out = prof.report(trace(lines("close", 0, 7)), trace(lines("read", 0, 7)),
                          NOELF, NOELF, 2)
        self.assertIn("close: missing in one kernel's trace", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
