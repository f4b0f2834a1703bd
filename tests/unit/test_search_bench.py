"""The search-at-scale benchmark (tests/bench/search_scale.py) runs at a tiny size:
it finishes and prints each kind's figures and their growth."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_search_benchmark_finishes_and_prints_its_figures() -> None:
    env = {
        **os.environ,
        "OHJAAJA_BENCH_SEARCH_SIZES": "300,600",
        "OHJAAJA_BENCH_SEARCH_QUERIES": "5",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench", "search"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "growth of a page's steps (p95) from 300 to 600 clients:" in done.stdout
    for kind in ("birth date", "both begun", "last, unknown given", "floor: one identity code"):
        assert done.stdout.count(kind) == 3, (kind, done.stdout)
