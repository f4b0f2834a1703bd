"""Client search at growing register sizes: does a page cost the rows it shows?

Run: `python3 dev.py bench search` (OHJAAJA_BENCH_SEARCH_SIZES, default
"50000,500000"; the issue's "50000,500000,2000000" takes about half an hour here,
most of it building the register). For each size and each kind of query a worker
types, the first page's time (p50/p95) and its work in SQLite virtual-machine
steps (hundreds, p50/p95), a measure that does not depend on the machine's load;
then each kind's steps at the largest size against the smallest (the growth; 1x
is a page that costs what it shows), and the same for the floor: one indexed
look-up of a whole identity code.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ohjaaja.demo.build import load_clients
from ohjaaja.demo.synthetic import generate_clients
from ohjaaja.domain.clock import SystemClock
from ohjaaja.domain.phones import display_phone
from ohjaaja.usecases.desk import Desk

QUERIES = int(os.environ.get("OHJAAJA_BENCH_SEARCH_QUERIES", "200"))
SIZES = [int(n) for n in os.environ.get("OHJAAJA_BENCH_SEARCH_SIZES", "50000,500000").split(",")]


def typed(last: str, first: str, hetu: str, born: str, e164: str) -> dict[str, str]:
    """What a worker types for one client, per kind of search."""
    given = first.split()
    year, month, day = born.split("-")
    return {
        "phone": display_phone(e164),
        "phone, begun": display_phone(e164)[:6],
        "identity code": hetu,
        "identity code's date": hetu[:6],
        "birth date": f"{int(day)}.{int(month)}.{year}",
        "last name, begun": last[:4],
        "last first": f"{last} {given[0]}",
        "first last": f"{given[0]} {last}",
        "last, later given": f"{last} {given[-1]}",
        "given, last begun": f"{given[-1]} {last[:4]}",
        "both begun": f"{last[:4]} {given[0][:3]}",
        "last, unknown given": f"{last} Zyxel",
    }


def measure(desk: Desk, run: Callable[[], object]) -> tuple[float, int]:
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0

    desk.conn.set_progress_handler(tick, 100)
    start = time.perf_counter()
    run()
    elapsed = (time.perf_counter() - start) * 1000
    desk.conn.set_progress_handler(None, 0)
    return elapsed, steps[0]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def one_size(workdir: Path, size: int) -> dict[str, list[tuple[float, int]]]:
    desk = Desk(workdir / f"register-{size}.sqlite", SystemClock(), "Bench")
    start = time.perf_counter()
    load_clients(desk.conn, generate_clients(size))
    desk.conn.execute("ANALYZE")
    print(f"register of {size:,}: built in {time.perf_counter() - start:.0f} s")
    rows = desk.conn.execute(
        "SELECT c.last_name, c.first_names, c.hetu, c.birth_date, p.e164 FROM client c "
        "JOIN client_phone p ON p.client_id = c.id ORDER BY random() LIMIT ?",
        (QUERIES,),
    ).fetchall()
    found: dict[str, list[tuple[float, int]]] = {}
    for row in rows:
        for kind, text in typed(*row).items():
            found.setdefault(kind, []).append(
                measure(desk, lambda t=text: desk.clients.search_clients(t))
            )
        found.setdefault("floor: one identity code", []).append(
            measure(
                desk,
                lambda h=row[2]: desk.conn.execute(
                    "SELECT id, last_name FROM client WHERE hetu = ?", (h,)
                ).fetchall(),
            )
        )
    for kind, values in found.items():
        ms = [v for v, _ in values]
        steps = [float(s) for _, s in values]
        print(
            f"  {kind:26} p50 {pct(ms, 0.5):7.2f} ms  p95 {pct(ms, 0.95):7.2f} ms"
            f"  steps p50 {pct(steps, 0.5):6.0f}  p95 {pct(steps, 0.95):6.0f}"
        )
    desk.close()
    return found


def main() -> None:
    random.seed(4)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            results[size] = one_size(Path(tmp), size)
            (Path(tmp) / f"register-{size}.sqlite").unlink()
    small, large = min(SIZES), max(SIZES)
    print(f"growth of a page's steps (p95) from {small:,} to {large:,} clients:")
    for kind in results[small]:
        a = pct([float(s) for _, s in results[small][kind]], 0.95)
        b = pct([float(s) for _, s in results[large][kind]], 0.95)
        print(f"  {kind:26} {a:6.0f} -> {b:6.0f} steps  {b / max(a, 1):5.1f}x")


if __name__ == "__main__":
    main()
