"""Benchmarks: `python3 dev.py bench`. They print figures; they never pass or fail.

Each size can be set from the environment (`sized`), so the suite runs every
benchmark tiny (tests/unit/test_bench_smoke.py) and an API change that breaks one
fails there rather than rotting until someone next measures."""

from __future__ import annotations

import os


def sized(name: str, default: int) -> int:
    """$OHJAAJA_BENCH_<NAME> if set, else the benchmark's own size."""
    return int(os.environ.get(f"OHJAAJA_BENCH_{name}", default))
