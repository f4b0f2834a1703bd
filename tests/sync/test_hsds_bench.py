"""The HSDS API benchmark at a tiny size (tests/bench/hsds_api.py), on both stores:
its figures are checked, never its times: a walk of every page gives every service
once, and every line has its floors."""

from __future__ import annotations

from pathlib import Path

from tests.bench.hsds_api import PER_PAGE, measure


def test_the_benchmark_runs_and_walks_every_service_once(
    store_args: list[str], tmp_path: Path
) -> None:
    where = store_args[1]
    url = where if store_args[0] == "--database-url" else f"sqlite:///{where}"
    found = measure(tmp_path, store_args, url, count=PER_PAGE * 2 + 7, runs=1)
    assert found.pages == 3
    assert found.total_items == found.services == len(found.walked) == len(set(found.walked))
    assert found.walked == sorted(found.walked)
    assert len(found.timings) == 5
    assert all(seconds > 0 and floor > 0 and health > 0
               for seconds, floor, health in found.timings.values())  # fmt: skip
    assert found.store == ("postgresql" if store_args[0] == "--database-url" else "sqlite")
