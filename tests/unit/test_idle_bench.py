"""The idle benchmark (tests/bench/idle.py) at a tiny size: it starts the demo desk
and its floors in pseudo-terminals, measures, runs a short soak of screen visits,
and prints each figure (the values are the benchmark's to judge, not a test's)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_idle_benchmark_finishes_and_prints_its_figures() -> None:
    env = {
        **os.environ,
        "OHJAAJA_BENCH_SETTLE_SECONDS": "6",
        "OHJAAJA_BENCH_IDLE_SECONDS": "2",
        "OHJAAJA_BENCH_SOAK_MINUTES": "0.05",
        "OHJAAJA_BENCH_SOAK_REPORT_MINUTES": "0.05",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench", "idle"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    number = r"\d+(\.\d+)?"
    figures = rf" +{number} +{number} +{number}"
    ratio = rf"({number}x|-)"  # '-' beside a floor of 0 (a 2 s window may see no tick)
    ratios = rf"CPU +{ratio} +bytes +{ratio} +RSS +{ratio}"
    assert re.search(rf"ohjaaja demo, queue{figures} +{ratios}\n", done.stdout), done.stdout
    assert re.search(rf"bare Textual app, clock{figures}\n", done.stdout), done.stdout
    assert re.search(rf"at start +RSS +{number} MB", done.stdout), done.stdout
    assert re.search(rf"after +{number} min +RSS +{number} MB", done.stdout), done.stdout
