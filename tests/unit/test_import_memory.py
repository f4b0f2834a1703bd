"""The imports read their files a record at a time: ten times the file takes about
the memory of one (Python's own allocations, tracemalloc's peak, each import in a
process of its own). Not a timing test: the figures are counts of bytes, the same on
a busy machine."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bench.clients import legacy_register

ROOT = Path(__file__).resolve().parents[2]


def traced_peak_kib(args: list[str], batch: int) -> tuple[int, str]:
    child = [sys.executable, "-m", "tests.bench.import_child", "--traced", "--batch", str(batch)]
    done = subprocess.run(
        [*child, *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=600
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 0, (result, done.stderr[-2000:])
    return result["traced_peak_kib"], result["out"]


def clients_file(folder: Path, size: int) -> Path:
    return legacy_register(folder / f"register-{size}.csv", size)


@pytest.mark.parametrize(
    ("command", "make", "size", "said"),
    [(["clients", "import"], clients_file, 400, "imported {n}, unchanged 0, rejected 0")],
    ids=["clients"],
)
def test_ten_times_the_file_takes_about_the_memory_of_one(
    tmp_path: Path,
    command: list[str],
    make: Callable[[Path, int], Path],
    size: int,
    said: str,
) -> None:
    peaks = {}
    for n in (size, size * 10):
        path = make(tmp_path, n)
        database = tmp_path / f"desk-{n}.sqlite"
        peaks[n], out = traced_peak_kib([*command, "--database", str(database), str(path)], 100)
        assert said.format(n=n) in out, out
    # A tenth more, not ten times: what grows is the bookkeeping of a few counters.
    assert peaks[size * 10] < peaks[size] * 1.3, peaks
