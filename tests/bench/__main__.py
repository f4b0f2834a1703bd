"""ohjaaja's benchmarks. Run: `python3 dev.py bench` (or `python -m tests.bench`).

Each figure is printed next to its floor, measured in the same run, because
absolute times on shared machines are noisy. Targets (issue 2): start-up within
2x a bare Textual app, peak RSS under 100 MB, queue refresh under 20 ms with
1,000 waiting contacts.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ohjaaja.demo.build import build_demo, load_clients
from ohjaaja.demo.synthetic import generate_clients
from ohjaaja.domain.clock import FixedClock, SystemClock
from ohjaaja.usecases.desk import Desk
from tests.bench import sized

ROOT = Path(__file__).resolve().parents[2]
CHILD = [sys.executable, "-m", "tests.bench.startup_child"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed_start(args: list[str]) -> tuple[float, int]:
    started = time.time()
    out = subprocess.run([*CHILD, *args], capture_output=True, text=True, cwd=ROOT, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["drawn_at"] - started, result["peak_rss_kib"]


def bench_startup(workdir: Path, runs: int = sized("STARTUP_RUNS", 7)) -> None:
    database = workdir / "demo.sqlite"
    build_demo(database, SystemClock())
    timed_start(["bare"])  # warm the file cache for both
    timed_start(["desk", str(database)])
    bare, desk, rss = [], [], []
    for _ in range(runs):  # interleaved, so drift hits both alike
        bare.append(timed_start(["bare"])[0])
        seconds, peak = timed_start(["desk", str(database)])
        desk.append(seconds)
        rss.append(peak)
    b, d = statistics.median(bare), statistics.median(desk)
    print("start-up to first drawn screen, median of", runs, "runs (80x24, headless)")
    print(f"  bare Textual app, one label : {b * 1000:7.0f} ms")
    print(f"  ohjaaja, queue drawn (demo) : {d * 1000:7.0f} ms   ratio {d / b:.2f}x (target < 2x)")
    print(f"  peak RSS, ohjaaja           : {max(rss) / 1024:7.1f} MB   (target < 100 MB)")


def bench_refresh(
    workdir: Path,
    waiting: int = sized("REFRESH_WAITING", 1000),
    rounds: int = sized("REFRESH_ROUNDS", 60),
) -> None:
    from ohjaaja.screens.queue.queue import QueueData, QueueScreen

    from ohjaaja.shell.app import make_app
    from ohjaaja.shell.settings import Settings

    database = workdir / "refresh.sqlite"
    clock = FixedClock(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    desk = Desk(database, clock, "Bench")
    start = clock.now() - timedelta(hours=2)
    channels = ["phone", "chat", "email", "callback", "walk_in", "eform"]
    lines = ["ikaihmiset", "lapsiperheet", "tyoikaiset", "mipa", "sosiaalipaivystys"]
    for i in range(waiting):
        desk.contacts.receive(
            channels[i % 6], lines[i % 5], "853", received_at=start + timedelta(seconds=7 * i)
        )
    fetch_ms, draw_ms, sql_ms = [], [], []

    def fetch() -> QueueData:
        return QueueData(
            entries=desk.contacts.queue(None, 200),
            figures=desk.contacts.figures(None),
            my_open=len(desk.contacts.my_open_contacts()),
            attention=desk.handovers.attention(),
        )

    async def run() -> None:
        app = make_app(desk, Settings(database=database, worker_name="Bench"))
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            for _ in range(rounds):
                t0 = time.perf_counter()
                data = fetch()
                t1 = time.perf_counter()
                screen._apply(data)
                t2 = time.perf_counter()
                fetch_ms.append((t1 - t0) * 1000)
                draw_ms.append((t2 - t1) * 1000)
                t3 = time.perf_counter()
                desk.conn.execute(
                    "SELECT * FROM contact WHERE status='waiting' "
                    "ORDER BY priority, received_at, id LIMIT 200"
                ).fetchall()
                sql_ms.append((time.perf_counter() - t3) * 1000)
                await pilot.pause()

    asyncio.run(run())
    desk.close()
    total = [f + d for f, d in zip(fetch_ms, draw_ms, strict=True)]
    print(f"queue refresh with {waiting} waiting contacts (page of 200 drawn), {rounds} rounds")
    for label, values in (
        ("raw SQL page query (floor)", sql_ms),
        ("fetch (queue + figures)", fetch_ms),
        ("table update", draw_ms),
        ("refresh total (target < 20 ms)", total),
    ):
        print(f"  {label:31}: p50 {pct(values, 0.5):6.2f} ms  p95 {pct(values, 0.95):6.2f} ms")


def bench_generator(workdir: Path) -> None:
    for count in (sized("GENERATOR_SMALL", 2_000), sized("GENERATOR_LARGE", 500_000)):
        database = workdir / f"clients-{count}.sqlite"
        desk = Desk(database, SystemClock(), "Bench")
        t0 = time.perf_counter()
        loaded = load_clients(desk.conn, generate_clients(count))
        seconds = time.perf_counter() - t0
        desk.close()
        print(f"synthetic register: {loaded:7d} clients generated and loaded in {seconds:5.1f} s")


# `python3 dev.py bench NAME [ARGS]`: the module whose main() runs it (chaos takes ARGS).
NAMED = {
    "sync": "tests.bench.sync",
    "catalogue": "tests.bench.catalogue",
    "catalogue-import": "tests.bench.catalogue_import",
    "ptv-import": "tests.bench.ptv_import",
    "chaos": "tests.bench.chaos",
    "scope": "tests.bench.scope",
    "debrief": "tests.bench.debrief",
    "training": "tests.bench.training",
    "reports": "tests.bench.reports",
    "report-cases": "tests.bench.report_cases",
    "hsds": "tests.bench.hsds_api",
    "search": "tests.bench.search_scale",
    "clients": "tests.bench.clients",
    "desks": "tests.bench.desks",
    "intake": "tests.bench.intake",
    "scale": "tests.bench.scale",
    "idle": "tests.bench.idle",
    "start": "tests.bench.start_many",
    "import-sizes": "tests.bench.import_sizes",
}
TAKES_ARGS = {"chaos", "scale"}


def main() -> None:
    name, rest = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else (None, [])
    if name is not None:
        if name not in NAMED or (rest and name not in TAKES_ARGS):
            sys.exit(f"bench: one of {', '.join(NAMED)} (or none: start-up, refresh, generator)")
        module = importlib.import_module(NAMED[name])
        module.main(rest) if name in TAKES_ARGS else module.main()
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        bench_startup(workdir)
        bench_refresh(workdir)
        bench_generator(workdir)


if __name__ == "__main__":
    main()
