"""Many desk processes started at once on one desk file: `python3 dev.py bench start`.

A thin-terminal host at shift change (issue 20): N processes (100) wait at a barrier,
then each opens a Desk on the same file, writes a contact (it works, not only
opens) and closes. First on a file that does not exist yet (the first start makes
the schema: migrations once, under a lock), then again on the file now made.
Printed: how many started and wrote, how many failed and why, and the time from
the barrier until the last finished beside the same for one process alone (the
floor: what each process costs without the others).

Size from the environment: OHJAAJA_BENCH_START_PROCESSES (100).
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
import traceback
from collections import Counter
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any


def _desk(path: str, barrier: Barrier, outcomes: Any) -> None:
    from ohjaaja.domain.clock import SystemClock
    from ohjaaja.usecases.desk import Desk

    barrier.wait()
    started = time.perf_counter()
    try:
        desk = Desk(path, SystemClock(), f"Worker {os.getpid()}")
        try:
            desk.contacts.receive("phone", "ikaihmiset", "853")
        finally:
            desk.close()
        outcomes.put(("ok", time.perf_counter() - started, time.time()))
    except Exception as exc:  # counted and named, with where: the figure is how many fail
        where = traceback.extract_tb(exc.__traceback__)[-3:]
        at = " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(where))
        seconds = time.perf_counter() - started
        outcomes.put((f"{type(exc).__name__}: {exc} ({at})", seconds, time.time()))


def start_at_once(path: Path, processes: int) -> tuple[Counter[str], float, float]:
    """(outcomes counted, seconds from the barrier to the last done, slowest one's
    own seconds)."""
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(processes + 1)
    outcomes = spawn.Queue()
    started = [spawn.Process(target=_desk, args=(str(path), barrier, outcomes))
               for _ in range(processes)]  # fmt: skip
    for process in started:
        process.start()
    barrier.wait()  # every process imported and waiting: the start is "at once"
    released = time.time()
    seen = [outcomes.get(timeout=600) for _ in started]
    for process in started:
        process.join(timeout=60)
    counted = Counter(outcome for outcome, _, _ in seen)
    return counted, max(done for _, _, done in seen) - released, max(s for _, s, _ in seen)


def main() -> None:
    processes = int(os.environ.get("OHJAAJA_BENCH_START_PROCESSES", "100"))
    with tempfile.TemporaryDirectory() as tmp:
        alone, alone_seconds, _ = start_at_once(Path(tmp) / "alone.sqlite", 1)
        assert alone == Counter({"ok": 1}), alone
        print(f"{processes} desk processes at once on one file (each opens, writes a contact, "
              f"closes); floor: one alone on a new file {alone_seconds * 1000:.0f} ms")  # fmt: skip
        path = Path(tmp) / "desk.sqlite"
        for label in ("a new file", "the file made"):
            counted, seconds, slowest = start_at_once(path, processes)
            failed = processes - counted["ok"]
            ratio = seconds / alone_seconds
            print(f"  {label:<13}: {counted['ok']}/{processes} started and wrote, {failed} failed; "
                  f"all done {seconds * 1000:.0f} ms after the start ({ratio:.1f}x one alone), "
                  f"slowest {slowest * 1000:.0f} ms")  # fmt: skip
            for outcome, count in counted.items():
                if outcome != "ok":
                    print(f"    {count} x {outcome}")


if __name__ == "__main__":
    main()
