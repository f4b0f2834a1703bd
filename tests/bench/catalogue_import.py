"""Catalogue imports of a large generated set: services per second and peak memory,
each beside a floor measured in the same run (parse the same JSON and write one row
a service into SQLite, in a process of its own).

Run: `python3 dev.py bench catalogue-import` (OHJAAJA_BENCH_IMPORT_SERVICES, default
5,000). Each import runs as `ohjaaja ARGS... --database DB PATH` in a fresh process
(tests/bench/import_child.py), so its peak RSS is its own. Another importer (PTV's)
joins the table with one more `measure(...)` call: give it its command and a folder
it generated.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from datetime import date, time
from pathlib import Path

from ohjaaja.demo.catalogue import demo_catalogue
from ohjaaja.domain.catalogue import Service, ServiceArea
from ohjaaja.domain.schedules import ExceptionalHours
from ohjaaja.exchange.hsds import derived_id, organization_object, service_object
from ohjaaja.exchange.hsds_files import write_json, write_package
from tests.bench.catalogue import synthetic_catalogue

ROOT = Path(__file__).resolve().parents[2]
CHILD = [sys.executable, "-m", "tests.bench.import_child"]


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float


@dataclass(frozen=True)
class Figures:
    label: str
    services: int
    first: Run  # into an empty database
    again: Run  # the same file again: nothing changes
    said: tuple[str, str] = ("", "")  # what the command printed, first and again

    @property
    def per_second(self) -> float:
        return self.services / self.first.seconds


def child(args: list[str]) -> tuple[Run, str]:
    done = subprocess.run([*CHILD, *args], capture_output=True, text=True, cwd=ROOT, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        raise RuntimeError(f"{args}: exit {result['code']}: {done.stderr[-2000:]}")
    return Run(result["seconds"], result["peak_rss_kib"] / 1024), result["out"]


def measure(label: str, command: list[str], path: Path, services: int, workdir: Path) -> Figures:
    """`ohjaaja COMMAND --database DB PATH` twice into a new database: the first import
    and the same again (nothing to change). COMMAND is e.g. ["catalogue", "import"]."""
    database = workdir / f"{label.replace(' ', '-')}.sqlite"
    first, said_first = child([*command, "--database", str(database), str(path)])
    again, said_again = child([*command, "--database", str(database), str(path)])
    return Figures(label, services, first, again, (said_first, said_again))


def floor(path: Path, services: int, workdir: Path) -> Figures:
    database = workdir / "floor.sqlite"
    first, _ = child(["floor", str(path), str(database)])
    again, _ = child(["floor", str(path), str(database)])
    return Figures("floor: parse, one row each", services, first, again)


def print_table(rows: list[Figures], base: Figures) -> None:
    print(f"catalogue import, {base.services:,} generated services, each in a fresh process:")
    print(f"  {'':30} {'services/s':>10} {'first s':>8} {'again s':>8} {'peak MB':>8}")
    for row in [base, *rows]:
        ratio = (
            ""
            if row is base
            else f"  | {row.first.seconds / base.first.seconds:5.1f}x the floor's time,"
            f" {row.first.peak_mb / base.first.peak_mb:4.1f}x its memory"
        )
        print(
            f"  {row.label:30} {row.per_second:10,.0f} {row.first.seconds:8.2f}"
            f" {row.again.seconds:8.2f} {row.first.peak_mb:8.1f}{ratio}"
        )


def generated_hsds(folder: Path, count: int, seed: int = 5) -> tuple[Path, Path]:
    """The demo catalogue grown to COUNT services, every fifth with an area outside
    the region and every third with exceptional hours, as HSDS JSON and as a
    datapackage: (services.json, the package folder)."""
    organizations, _ = demo_catalogue()
    services = [
        _varied(s, n) for n, s in enumerate(synthetic_catalogue(count, random.Random(seed)))
    ]
    by_id = {o.id: o for o in organizations}
    objects = [service_object(s, by_id[s.organization_id]) for s in services]
    orgs = [organization_object(o) for o in organizations]
    write_json(folder / "json", objects, orgs)
    write_package(folder / "csv", objects, orgs)
    return folder / "json" / "services.json", folder / "csv"


def _varied(service: Service, number: int) -> Service:
    if number % 5 == 0:
        area = ServiceArea(
            derived_id("bench-area", service.id), "Helsinki", uri="http://uri.suomi.fi/"
            "codelist/jhs/kunta_1_20240101/code/091", description={"fi": "Helsingin asukkaat"},
        )  # fmt: skip
        service = replace(service, other_areas=(area,))
    if number % 3 == 0:
        closed = ExceptionalHours(
            derived_id("bench-closed", service.id), date(2026, 12, 24), date(2026, 12, 26)
        )
        summer = ExceptionalHours(
            derived_id("bench-summer", service.id), date(2026, 7, 1), date(2026, 7, 31),
            time(9), time(12), (0, 1, 2, 3),
        )  # fmt: skip
        service = replace(service, exceptional_hours=(closed, summer))
    return service


def main() -> None:
    count = int(os.environ.get("OHJAAJA_BENCH_IMPORT_SERVICES", "5000"))
    with tempfile.TemporaryDirectory(prefix="ohjaaja-bench-") as tmp:
        workdir = Path(tmp)
        services_json, package = generated_hsds(workdir / "hsds", count)
        base = floor(services_json, count, workdir)
        rows = [
            measure("HSDS JSON", ["catalogue", "import"], services_json, count, workdir),
            measure("HSDS datapackage (CSV)", ["catalogue", "import"], package, count, workdir),
        ]
        for row in rows:  # the figures count only if the import did the work
            assert f"new {count}, updated 0, unchanged 0" in row.said[0], row.said
            assert f"new 0, updated 0, unchanged {count}" in row.said[1], row.said
        print_table(rows, base)


if __name__ == "__main__":
    main()
