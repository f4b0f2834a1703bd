"""The PTV import benchmark (tests/bench/ptv_import.py) runs at a tiny size: it
finishes, both imports did their work (the benchmark checks what each printed), and
it prints the PTV row beside the HSDS row and the floor (the values are the
benchmark's to judge, not a test's)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_ptv_import_benchmark_finishes_and_prints_its_figures() -> None:
    env = {**os.environ, "OHJAAJA_BENCH_IMPORT_SERVICES": "30"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.ptv_import"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    number = r"[\d,]+(\.\d+)?"
    row = rf"{number} +{number} +{number} +{number}"
    assert re.search(rf"floor: parse, one row each +{row}\n", done.stdout), done.stdout
    for label in ("HSDS JSON", re.escape("PTV JSON (folder)")):
        pattern = rf"{label} +{row} +\| +{number}x the floor's time, +{number}x its memory"
        assert re.search(pattern, done.stdout), done.stdout
