"""The training benchmark (tests/bench/training.py) runs at a tiny size: it
finishes and prints each of its figures (their values are the benchmark's to
judge, not a test's)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_training_benchmark_finishes_and_prints_its_figures() -> None:
    env = {
        **os.environ,
        "OHJAAJA_BENCH_TRAINING_HOURS": "0.1",  # 6 simulated minutes: 6 s at 60x
        "OHJAAJA_BENCH_TRAINING_DESKS": "2",
        "OHJAAJA_BENCH_TRAINING_RESCORE": "60",
        "OHJAAJA_BENCH_TRAINING_HEADLESS_HOURS": "0.1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.training"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    number = r"-?\d+(\.\d+)?"
    for pattern in (
        rf"headless shift, 10 trainee desks +: +{number} s +ratio {number}x",
        r"2 trainee desk processes at 60x on a training server store",
        r"\(as the app runs today\)",
        rf"floor \(a trainer's change pushed at once -> desk's clock\), 10 samples: p50 +{number}",
        rf"desk +2: clock behind p50 +{number} max +{number} \| arrival->queue p50 +{number}",
        rf"arrival->queue p50 +{number} p95 +{number} max +{number} +ratio to the floor's p50",
        r"after each desk's own writes",
        rf"scoring.score_shift once +: +{number} ms +ratio {number}x",
        rf"at 60x: \d+ rescorings in \d+ real s \({number}/s\): {number} % of one core",
    ):
        assert re.search(pattern, out), (pattern, out)
