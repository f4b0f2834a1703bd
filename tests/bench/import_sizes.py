"""Imports at 1x, 10x and 100x a file: does the peak memory stay where it is?

Run: `python3 dev.py bench import-sizes`. Each import runs in a fresh process
(tests/bench/import_child.py), so its peak RSS (VmHWM) is its own. The floor in the
same run: the same child process doing nothing (the interpreter's own memory). Each
form's 1x from the environment: OHJAAJA_BENCH_IMPORT_BASE_CLIENTS (3,000 rows),
OHJAAJA_BENCH_IMPORT_BASE_SERVICES (500 services: HSDS JSON, HSDS datapackage and a
PTV folder alike), and the multiples OHJAAJA_BENCH_IMPORT_TIMES ("1,10,100").
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.bench import sized
from tests.bench.catalogue_import import child, generated_hsds
from tests.bench.clients import legacy_register
from tests.bench.ptv_import import generated_ptv

CLIENTS = sized("IMPORT_BASE_CLIENTS", 3000)
SERVICES = sized("IMPORT_BASE_SERVICES", 500)
TIMES = [int(n) for n in os.environ.get("OHJAAJA_BENCH_IMPORT_TIMES", "1,10,100").split(",")]

# label -> (command, records at 1x, make(folder, records) -> the path to import)
FORMS: dict[str, tuple[list[str], int, Callable[[Path, int], Path]]] = {
    "clients CSV": (["clients", "import"], CLIENTS,
                    lambda d, n: legacy_register(d / "register.csv", n)),
    "HSDS JSON": (["catalogue", "import"], SERVICES, lambda d, n: generated_hsds(d, n)[0]),
    "HSDS datapackage": (["catalogue", "import"], SERVICES,
                         lambda d, n: generated_hsds(d, n)[1]),
    "PTV folder": (["catalogue", "import-ptv"], SERVICES,
                   lambda d, n: generated_ptv(d / "ptv", n)),
}  # fmt: skip


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ohjaaja-bench-") as tmp:
        workdir = Path(tmp)
        nothing, _ = child(["nothing"])
        print(f"imports at {', '.join(f'{t}x' for t in TIMES)}, each in a fresh process")
        print(f"  floor: the child process doing nothing: peak {nothing.peak_mb:.1f} MB")
        print(f"  {'':18} {'x':>4} {'records':>9} {'file MB':>8} {'seconds':>8} {'rec/s':>7}"
              f" {'peak MB':>8} {'peak - floor':>12}")  # fmt: skip
        for label, (command, base, make) in FORMS.items():
            peaks = []
            for times in TIMES:
                folder = workdir / f"{label.replace(' ', '-')}-{times}"
                folder.mkdir(parents=True)
                records = base * times
                path = make(folder, records)
                run, said = child([*command, "--database", str(folder / "desk.sqlite"), str(path)])
                if str(records) not in said:  # a figure counts only if it did the work
                    raise SystemExit(f"bench import-sizes: {label} {times}x said {said!r}")
                peaks.append(run.peak_mb)
                print(
                    f"  {label:18} {times:>3}x {records:9,} {size_mb(path):8.1f} {run.seconds:8.1f}"
                    f" {records / run.seconds:7,.0f} {run.peak_mb:8.1f}"
                    f" {run.peak_mb - nothing.peak_mb:12.1f}",
                    flush=True,
                )
                # A large file's folder goes once measured: 100x of every form at
                # once would fill a small disk.
                shutil.rmtree(folder, ignore_errors=True)
            print(f"  {label:18} peak at {TIMES[-1]}x / at {TIMES[0]}x: "
                  f"{peaks[-1] / peaks[0]:.2f}x", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
