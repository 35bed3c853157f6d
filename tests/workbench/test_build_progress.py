#!/usr/bin/env python3
"""Tests of scripts/build-progress: it passes the command's status through,
counts the objects the command writes against the expected number, prints
periodic lines when not on a terminal, and records the count of a finished
build for the next cold build of that variant."""
import os
import pathlib
import subprocess
import sys
import tempfile
import time
import unittest

TOP = pathlib.Path(__file__).resolve().parents[2]
PROG = TOP / "scripts" / "build-progress"


def run(out: pathlib.Path, script: str, every: str = "1") -> subprocess.CompletedProcess:
    env = dict(os.environ, PMU_PROGRESS_EVERY=every)
    return subprocess.run([sys.executable, str(PROG), "testvariant", str(out), "--",
                           "sh", "-c", script], capture_output=True, text=True, env=env)


class BuildProgress(unittest.TestCase):
    def test_counts_and_records(self):
        with tempfile.TemporaryDirectory() as d:
            out = pathlib.Path(d)
            (out / ".objects").write_text("6\n")
            r = run(out, f"mkdir -p {d}/a/b; for i in 1 2 3; do touch {d}/a/b/$i.o; "
                         "sleep 0.6; done; touch " + f"{d}/vmlinux")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("cold build", r.stderr)
            self.assertIn("about 6 objects", r.stderr)
            # at least one periodic line with a count against the expected
            self.assertRegex(r.stderr, r"build testvariant: [0-9]/~6 objects \([0-9]+%\)")
            self.assertIn("done, 3 objects compiled, 3 in the tree", r.stderr)
            self.assertEqual((out / ".objects").read_text().strip(), "3")
            # now incremental (vmlinux exists): counts only rebuilt objects
            time.sleep(1.1)
            r = run(out, f"touch {d}/a/b/1.o")
            self.assertIn("incremental build", r.stderr)
            self.assertIn("done, 1 objects compiled, 3 in the tree", r.stderr)

    def test_failure_status_passes_through(self):
        with tempfile.TemporaryDirectory() as d:
            r = run(pathlib.Path(d), "exit 7")
            self.assertEqual(r.returncode, 7)
            self.assertIn("FAILED (exit 7)", r.stderr)
            self.assertFalse((pathlib.Path(d) / ".objects").exists())


if __name__ == "__main__":
    unittest.main()
