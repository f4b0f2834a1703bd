"""The scale benchmark (tests/bench/scale.py) at a tiny size: two server processes on
PostgreSQL, a few followers that each see every change; intake and push beside
their floors on both stores."""

from __future__ import annotations

from tests.bench.scale import run


def test_the_scale_benchmark_runs(postgres_url: str) -> None:  # the URL: PostgreSQL is there
    figures = run(["--followers", "4", "--changes", "3", "--intake", "40", "--push", "100"])
    assert figures["propagation 4"]["missing"] == 0
    for name in ("intake SQLite", "intake PostgreSQL", "push SQLite", "push PostgreSQL"):
        assert figures[name] > 0
