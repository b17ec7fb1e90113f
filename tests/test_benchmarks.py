"""The benchmarks still run and end with their ratio (run small: their figures are read by
hand, in the README, never asserted here)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT


@pytest.mark.parametrize("script, args", [
    ("engine.py", ["--incidents", "300", "--repeats", "1"]),
    ("batch.py", ["--runs", "20", "--rounds", "1"]),
])
def test_a_benchmark_says_how_the_engine_ran_and_ends_with_its_ratio(script, args):
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("the engine runs ")
    assert re.fullmatch(r"ratio: \d+\.\d\d", lines[-1]), lines[-1]
    assert float(lines[-1].split()[1]) > 0
