"""Training benchmarks (issue 16): `python3 dev.py bench training`.

1. A full 8-hour shift with the region's volume played headless: seconds per
   simulated shift, beside the floor measured in the same run (the same contacts
   received, taken and closed through one Desk, with no simulation around them).
2. At 60x with 10 trainee desks (Desk objects, each in its own thread and its own
   connection, on one training file): a trainer's loop receives each contact when
   the shift's simulated clock reaches it; each desk follows the shift's clock from
   the file (training_shift.clock) and looks for changes as a desk does, every
   HEARTBEAT_SECONDS; the lag is the simulated time between a contact's arrival and
   a desk seeing it in its queue (p50/p95/max per desk).

Volume: the sources count only the older people's line, about 2,000 calls a month
(KomPAssi); no source counts the other four lines, so each is taken as busy as
the older people's line: 5 x 2,000 = 10,000 contacts a month, about 476 on each of
21 weekdays, all in the 8 hours, with a morning peak (8-10 twice the afternoon).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ohjaaja.db import training as rows

from ohjaaja.domain.clock import FixedClock, from_iso
from ohjaaja.shell.app import HEARTBEAT_SECONDS
from ohjaaja.training.arrivals import plan
from ohjaaja.training.clock import ClockState, SimClock
from ohjaaja.training.engine import Shift
from ohjaaja.training.headless import Handling, play
from ohjaaja.training.scenario import Patience, Scenario, Stream
from ohjaaja.usecases.contacts import ContactForm
from ohjaaja.usecases.desk import Desk
from tests.bench.__main__ import pct

START = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # Thursday 8:00 in Helsinki
LINES = ("ikaihmiset", "lapsiperheet", "tyoikaiset", "mipa", "sosiaalipaivystys")
MONTHLY = 5 * 2000
WORKDAYS = 21
PEAK = {8: 2.0, 9: 2.0, 10: 1.25, 11: 1.0, 12: 0.75, 13: 1.0, 14: 1.0, 15: 1.0}
TRAINEES = 10
DESKS = 10
SPEED = 60.0
TICK = 0.25  # the trainer's console advancing the shift (real seconds)


def region_scenario(hours: int = 8) -> Scenario:
    weight = sum(PEAK.values())
    per_day = MONTHLY / WORKDAYS
    per_hour = {h: per_day * w / weight for h, w in PEAK.items()}
    stream = Stream(
        "region",
        base_per_hour=per_day / 8,
        per_hour=per_hour,
        channels={"phone": 0.8, "chat": 0.1, "email": 0.05, "eform": 0.05},
        lines={line: 1.0 for line in LINES},
        municipalities={"853": 0.5, "202": 0.2, "529": 0.15, "680": 0.15},
        languages={"fi": 0.93, "sv": 0.07},
        patience=Patience(timedelta(minutes=3), 0.3, timedelta(minutes=10)),
    )
    return Scenario("Region", "fi", START, timedelta(hours=hours), streams=(stream,), name="region")


def floor(scenario: Scenario, workdir: Path) -> tuple[float, int]:
    """The same contacts through one desk: received, taken, closed, nothing else."""
    arrivals = plan(scenario, 1)
    clock = FixedClock(START)
    desk = Desk(workdir / "floor.sqlite", clock, "Floor", training=True)
    form = ContactForm(caller_kind="anonymous", outcome="resolved")
    t0 = time.perf_counter()
    for a in arrivals:
        contact_id = desk.contacts.receive(
            a.channel, a.line, a.municipality, a.language, received_at=a.at
        )
        desk.contacts.take(contact_id)
        desk.contacts.close_contact(contact_id, "", form)
    seconds = time.perf_counter() - t0
    desk.close()
    return seconds, len(arrivals)


def bench_headless(workdir: Path, runs: int = 3) -> None:
    scenario = region_scenario()
    handling = Handling(timedelta(minutes=6), "lognormal")
    played, floors = [], []
    result = None
    (workdir / "warm").mkdir()  # lazy imports (holidays, the schema) out of the timing
    floor(region_scenario(hours=1), workdir / "warm")
    play(region_scenario(hours=1), 1, 2, "oldest", handling, workdir / "warm" / "played.sqlite")
    for run in range(runs):  # interleaved, so drift hits both alike
        (workdir / f"floor-{run}").mkdir()
        seconds, _ = floor(scenario, workdir / f"floor-{run}")
        floors.append(seconds)
        t0 = time.perf_counter()
        result = play(scenario, 1, TRAINEES, "oldest", handling, workdir / f"played-{run}.sqlite")
        played.append(time.perf_counter() - t0)
    assert result is not None
    p, f = statistics.median(played), statistics.median(floors)
    print(f"headless 8-hour shift, region's volume ({MONTHLY} a month on 5 lines), "
          f"{TRAINEES} trainees, median of {runs}")  # fmt: skip
    r = result
    print(f"  contacts {r.contacts}, answered {r.answered}, abandoned {r.abandoned}, "
          f"ASA {r.asa or 0:.1f} s, longest queue {r.max_queue}")  # fmt: skip
    print(f"  floor: receive+take+close, one desk : {f:6.2f} s")
    print(f"  headless shift, {TRAINEES} trainee desks   : {p:6.2f} s   ratio {p / f:.2f}x")
    print(f"  simulated seconds per real second    : {8 * 3600 / p:8.0f}")


def bench_desks(workdir: Path, hours: float) -> None:
    """60x, 10 desks following one training file; see the module's notes."""
    scenario = replace(region_scenario(), duration=timedelta(hours=hours))
    database = workdir / "class.sqlite"
    trainer_clock = SimClock.starting(START, 1.0)
    trainer = Desk(database, trainer_clock, "Trainer", training=True)
    shift = Shift.start(trainer, scenario, "", "json", seed=1)
    shift.set_speed(SPEED)
    seen: list[dict[str, datetime]] = [{} for _ in range(DESKS)]
    skew: list[list[float]] = [[] for _ in range(DESKS)]
    stop = threading.Event()
    ready = threading.Barrier(DESKS + 1)

    def desk_loop(n: int) -> None:
        clock = SimClock(trainer_clock.state)
        desk = Desk(database, clock, f"Trainee {n + 1}", training=True)
        ready.wait()
        while not stop.is_set():
            if desk.has_changed():
                row = rows.shift_row(desk.conn, shift.id)
                if row is not None:  # the desk follows the shift's clock from the file
                    clock.follow(ClockState.from_json(json.loads(row["clock"])))
                now = clock.now()
                for entry in desk.contacts.queue(None, 500):
                    seen[n].setdefault(entry.id, now)
            # The desk's view of the shift's clock against the trainer's, same instant.
            skew[n].append(abs((clock.now() - trainer_clock.now()).total_seconds()))
            stop.wait(HEARTBEAT_SECONDS)
        desk.close()

    threads = [threading.Thread(target=desk_loop, args=(n,)) for n in range(DESKS)]
    for thread in threads:
        thread.start()
    ready.wait()
    shift.resume()
    while trainer_clock.now() < scenario.end:  # the trainer's console: advance every tick
        shift.advance()
        time.sleep(TICK)
    shift.advance()
    time.sleep(2 * HEARTBEAT_SECONDS)
    stop.set()
    for thread in threads:
        thread.join()
    received = {
        str(cid): from_iso(at)
        for cid, at in trainer.conn.execute("SELECT id, received_at FROM contact")
    }
    trainer.close()
    print(f"{DESKS} trainee desks at {SPEED:g}x, {hours:g} simulated hour(s), "
          f"{len(received)} contacts; the engine advances every {TICK:g} s, "
          f"each desk looks every {HEARTBEAT_SECONDS:g} s")  # fmt: skip
    print("  a desk's clock against the trainer's at the same instant (simulated s), and")
    print("  the lag from a contact's arrival to the desk's queue showing it (simulated s)")
    print(f"  floor: the tick + one heartbeat at {SPEED:g}x = "
          f"{(TICK + HEARTBEAT_SECONDS) * SPEED:.0f} simulated s at most")  # fmt: skip
    every = []
    for n in range(DESKS):
        lags = [(seen[n][c] - at).total_seconds() for c, at in received.items() if c in seen[n]]
        missed = len(received) - len(lags)
        every.extend(lags)
        print(f"  desk {n + 1:2}: clock max {max(skew[n]):5.2f}  lag p50 {pct(lags, 0.5):5.1f}  "
              f"p95 {pct(lags, 0.95):5.1f}  max {max(lags):5.1f}  unseen {missed}")  # fmt: skip
    print(f"  all    : lag p50 {pct(every, 0.5):5.1f}  p95 {pct(every, 0.95):5.1f}  "
          f"max {max(every):5.1f}")  # fmt: skip


def main() -> None:
    hours = float(os.environ.get("OHJAAJA_BENCH_TRAINING_HOURS", "1"))
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        bench_headless(workdir)
        if hours > 0:
            bench_desks(workdir, hours)


if __name__ == "__main__":
    main()
