"""The adversary-and-fault harness (tests/sync/chaos.py) on fixed seeds, both
stores. `python3 dev.py bench chaos --runs N` runs many more."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sync.chaos import run

SEEDS = (1, 2, 3)


@pytest.mark.parametrize("seed", SEEDS)
def test_chaos_breaks_no_invariant(seed: int, store_args: list[str], tmp_path: Path) -> None:
    outcome = run(seed, store_args, tmp_path, steps=120)
    assert outcome.violations == [], outcome.violations[:10]
    assert outcome.counts["sync rounds"] > 10  # the run did sync work, not only faults
