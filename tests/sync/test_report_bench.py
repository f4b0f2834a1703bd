"""The reports benchmark at a tiny size (tests/bench/reports.py): it generates a year,
loads it into a desk and a store, and measures; here its figures are checked, never
its times: the server's report equals the desk's, and both floors count the month."""

from __future__ import annotations

from pathlib import Path

from tests.bench.reports import LINES, measure


def test_the_benchmark_runs_and_both_sides_agree(store_args: list[str], tmp_path: Path) -> None:
    where = store_args[1]
    url = where if store_args[0] == "--database-url" else f"sqlite:///{where}"
    found = measure(tmp_path, store_args, url, per_line=40, runs=1)
    assert found.contacts == 40 * len(LINES)
    assert 0 < found.month < found.contacts  # a month of the year
    assert found.same
    # The store's readers of cases find the month's rows the desk holds.
    assert all(held == read for held, read in found.cases.values()), found.cases
    assert sum(read for _, read in found.cases.values()) > 0
    assert found.store == ("postgresql" if store_args[0] == "--database-url" else "sqlite")
