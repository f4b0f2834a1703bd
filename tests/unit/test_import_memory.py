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

from tests.bench.catalogue_import import generated_hsds
from tests.bench.clients import legacy_register
from tests.bench.ptv_import import generated_ptv

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


def hsds_json(folder: Path, size: int) -> Path:
    return generated_hsds(folder / f"hsds-{size}", size)[0]


def hsds_package(folder: Path, size: int) -> Path:
    return generated_hsds(folder / f"hsds-{size}", size)[1]


def ptv_folder(folder: Path, size: int) -> Path:
    return generated_ptv(folder / f"ptv-{size}", size)


NEW = "services: new {n}, updated 0, unchanged 0"


@pytest.mark.parametrize(
    ("command", "make", "size", "said"),
    [
        (["clients", "import"], clients_file, 400, "imported {n}, unchanged 0, rejected 0"),
        (["catalogue", "import"], hsds_json, 40, NEW),
        (["catalogue", "import"], hsds_package, 40, NEW),
        (["catalogue", "import-ptv"], ptv_folder, 40, NEW),
    ],
    ids=["clients", "hsds-json", "hsds-datapackage", "ptv-folder"],
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
        batch = size // 4
        peaks[n], out = traced_peak_kib([*command, "--database", str(database), str(path)], batch)
        assert said.format(n=n) in out, out
    # A tenth more, not ten times: what grows is the bookkeeping of a few counters.
    assert peaks[size * 10] < peaks[size] * 1.3, peaks
