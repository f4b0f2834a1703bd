"""The catalogue import benchmarks (tests/bench/catalogue_import.py, and ptv_import.py
beside it) run at a tiny size: each finishes, every import did its work (the
benchmark checks what each printed), and each row is printed beside the floor (the
values are the benchmark's to judge, not a test's)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("module", "sizes", "labels"),
    [
        ("tests.bench.catalogue_import", {"OHJAAJA_BENCH_IMPORT_RUNS": "1"},
         ("HSDS JSON", re.escape("HSDS datapackage (CSV)"))),
        ("tests.bench.ptv_import", {}, ("HSDS JSON", re.escape("PTV JSON (folder)"))),
    ],
    ids=["hsds", "ptv"],
)  # fmt: skip
def test_an_import_benchmark_finishes_and_prints_its_figures(
    module: str, sizes: dict[str, str], labels: tuple[str, ...]
) -> None:
    env = {**os.environ, "OHJAAJA_BENCH_IMPORT_SERVICES": "30", **sizes}
    done = subprocess.run(
        [sys.executable, "-m", module],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    number = r"[\d,]+(\.\d+)?"
    row = rf"{number} +{number} +{number} +{number}"
    assert re.search(rf"floor: parse, one row each +{row}\n", done.stdout), done.stdout
    for label in labels:
        pattern = rf"{label} +{row} +\| +{number}x the floor's time, +{number}x its memory"
        assert re.search(pattern, done.stdout), done.stdout
