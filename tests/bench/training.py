"""Training benchmarks (issue 16): `python3 dev.py bench training`.

1. A full 8-hour shift with the region's volume played headless: seconds per
   simulated shift, beside the floor measured in the same run (the same contacts
   received, taken and closed through one Desk, with no simulation around them).
2. At 60x with 10 trainee desks, each a process of its own (tests/bench/
   training_desk.py) following a real training server store (`ohjaaja server
   --training`) as the app does, answering contacts: the trainer's desk plays
   the shift and syncs as the app does; the lag between the shift's simulated
   clock and each desk's view: its clock, and a contact's arrival to the desk's
   queue showing it (simulated seconds, p50/p95/max). The floor, in the same run:
   a change of the trainer's pushed at once, to the desks' clocks.
3. The console's rescoring (scoring.score_shift) on a 2,000-contact shift: time
   per rescoring beside reading its rows, and its share of a core at 60x.

Sizes from the environment, so a test runs it small (tests/unit/
test_bench_smoke.py): OHJAAJA_BENCH_TRAINING_HOURS (1; 0 skips 2),
_DESKS (10), _RESCORE (2000 contacts; 0 skips 3), _HEADLESS_HOURS (8; 0 skips 1),
OHJAAJA_BENCH_PORT (0: any free port).

Volume: the sources count only the older people's line, about 2,000 calls a month
(KomPAssi); no source counts the other four lines, so each is taken as busy as
the older people's line: 5 x 2,000 = 10,000 contacts a month, about 476 on each of
21 weekdays, all in the 8 hours, with a morning peak (8-10 twice the afternoon).
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ohjaaja.domain.clock import FixedClock, from_iso
from ohjaaja.shell.app import HEARTBEAT_SECONDS, SYNC_EVERY_SECONDS
from ohjaaja.sync.client import SyncClient
from ohjaaja.training.arrivals import plan
from ohjaaja.training.clock import ClockState, SimClock
from ohjaaja.training.engine import POINTS_EVERY, Shift
from ohjaaja.training.headless import Handling, play
from ohjaaja.training.scenario import Patience, Scenario, Stream
from ohjaaja.training.scoring import score_shift
from ohjaaja.usecases.contacts import ContactForm
from ohjaaja.usecases.desk import Desk
from tests.bench.__main__ import ROOT, pct
from tests.sync.conftest import AT, start_server, stop

START = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # Thursday 8:00 in Helsinki
LINES = ("ikaihmiset", "lapsiperheet", "tyoikaiset", "mipa", "sosiaalipaivystys")
MONTHLY = 5 * 2000
WORKDAYS = 21
PEAK = {8: 2.0, 9: 2.0, 10: 1.25, 11: 1.0, 12: 0.75, 13: 1.0, 14: 1.0, 15: 1.0}
TRAINEES = 10
DESKS = int(os.environ.get("OHJAAJA_BENCH_TRAINING_DESKS", "10"))
SPEED = 60.0
HANDLING_MEAN = timedelta(minutes=6)
FLOOR_ROUNDS = 5
RESCORE_CONTACTS = int(os.environ.get("OHJAAJA_BENCH_TRAINING_RESCORE", "2000"))
BENCH_PORT = int(os.environ.get("OHJAAJA_BENCH_PORT", "0"))


def region_scenario(hours: float = 8, per_day: float = MONTHLY / WORKDAYS) -> Scenario:
    weight = sum(PEAK.values())
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


def bench_headless(workdir: Path, runs: int = 3, hours: float = 8) -> None:
    scenario = region_scenario(hours)
    handling = Handling(timedelta(minutes=6), "lognormal")
    played, floors = [], []
    result = None
    (workdir / "warm").mkdir()  # lazy imports (holidays, the schema) out of the timing
    floor(region_scenario(hours=min(hours, 1)), workdir / "warm")
    play(
        region_scenario(hours=min(hours, 1)),
        1,
        2,
        "oldest",
        handling,
        workdir / "warm" / "played.sqlite",
    )
    for run in range(runs):  # interleaved, so drift hits both alike
        (workdir / f"floor-{run}").mkdir()
        seconds, _ = floor(scenario, workdir / f"floor-{run}")
        floors.append(seconds)
        t0 = time.perf_counter()
        result = play(scenario, 1, TRAINEES, "oldest", handling, workdir / f"played-{run}.sqlite")
        played.append(time.perf_counter() - t0)
    assert result is not None
    p, f = statistics.median(played), statistics.median(floors)
    print(f"headless {hours:g}-hour shift, region's volume ({MONTHLY} a month on 5 lines), "
          f"{TRAINEES} trainees, median of {runs}")  # fmt: skip
    r = result
    print(f"  contacts {r.contacts}, answered {r.answered}, abandoned {r.abandoned}, "
          f"ASA {r.asa or 0:.1f} s, longest queue {r.max_queue}")  # fmt: skip
    print(f"  floor: receive+take+close, one desk : {f:6.2f} s")
    print(f"  headless shift, {TRAINEES} trainee desks   : {p:6.2f} s   ratio {p / f:.2f}x")
    print(f"  simulated seconds per real second    : {hours * 3600 / p:8.0f}")


def _desk_process(config: dict) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.bench.training_desk", json.dumps(config)], cwd=ROOT
    )


def _wait_for(paths: list[Path], timeout: float) -> None:
    deadline = time.time() + timeout
    while not all(p.exists() for p in paths):
        if time.time() > deadline:
            raise RuntimeError(f"desks not ready: {[p.name for p in paths if not p.exists()]}")
        time.sleep(0.05)


def bench_desks(
    workdir: Path, hours: float, desks: int = DESKS, answer: bool = True, at_once: bool = False
) -> None:
    """60x, `desks` trainee desks, each a process of its own following the training
    server store (a real `ohjaaja server --training`); see the module's notes.
    `at_once`: every desk also syncs right after its own writes (the trainer's
    arrivals, a trainee's claim and close), which the app does not do today."""
    scenario = replace(region_scenario(), duration=timedelta(hours=hours))
    server = start_server(
        ["--database", str(workdir / "store.sqlite"), "--training"], port=BENCH_PORT, quiet=True
    )
    processes: list[subprocess.Popen[bytes]] = []
    try:
        admin = server.admin()
        admin.add_worker("kouluttaja", ["guidance", "trainer"], [], AT)
        tokens = {"kouluttaja": admin.create_token("trainer", "desk", AT, ["kouluttaja"])}
        for n in range(desks):
            admin.add_worker(f"trainee-{n}", ["guidance"], [], AT)
            tokens[f"trainee-{n}"] = admin.create_token(f"t{n}", "desk", AT, [f"trainee-{n}"])
        admin.close()
        path = workdir / "trainer.sqlite"
        trainer_clock = SimClock.starting(START, 1.0)
        trainer = Desk(path, trainer_clock, "kouluttaja", ("guidance", "trainer"), training=True)
        sync = SyncClient(path, server.url, tokens["kouluttaja"], trainer_clock)
        shift = Shift.start(trainer, scenario, "{}", "json", seed=1)
        shift.set_speed(SPEED)
        sync.sync_once()  # the register, the catalogue, the shift: paused at its start
        stop_file = workdir / "stop"
        configs = [
            {"url": server.url, "token": tokens[f"trainee-{n}"], "worker": f"trainee-{n}",
             "path": str(workdir / f"trainee-{n}.sqlite"), "stop": str(stop_file),
             "ready": str(workdir / f"ready-{n}"), "out": str(workdir / f"desk-{n}.json"),
             "seed": n, "answer": answer, "handling_s": HANDLING_MEAN.total_seconds(),
             "at_once": at_once}
            for n in range(desks)
        ]  # fmt: skip
        processes = [_desk_process(c) for c in configs]
        _wait_for([Path(c["ready"]) for c in configs], timeout=60 + 10 * desks)
        poked = threading.Event()
        threading.Thread(
            target=_follow, args=(path, server.url, tokens["kouluttaja"], poked), daemon=True
        ).start()
        # The floor: a change of the trainer's pushed at once (a step of the paused
        # clock), to the desks' clocks: push, poke, pull, follow, nothing else.
        floor_writes: list[tuple[float, float]] = []  # (real, the state's sim anchor)
        for _ in range(FLOOR_ROUNDS):
            shift.step(timedelta(seconds=1))
            floor_writes.append((time.time(), trainer_clock.state.sim_at.timestamp()))
            sync.sync_once()
            time.sleep(2 * HEARTBEAT_SECONDS)
        # The shift: the trainer's app, as shell/app.py runs it: the engine advances
        # every heartbeat and the console reads the status (scoring the points when
        # the contacts changed or every 3 s); a sync round on a poke or every
        # SYNC_EVERY_SECONDS.
        shift.resume()
        sync.sync_once()
        running = trainer_clock.state
        last_round = time.time()
        status_seconds: list[float] = []
        while trainer_clock.now() < scenario.end:
            beat = time.time()
            wrote = shift.advance()
            t0 = time.perf_counter()
            shift.status()
            status_seconds.append(time.perf_counter() - t0)
            due = time.time() - last_round >= SYNC_EVERY_SECONDS
            if poked.is_set() or due or (at_once and wrote):
                poked.clear()
                last_round = time.time()
                sync.sync_once()
            poked.wait(max(0.0, beat + HEARTBEAT_SECONDS - time.time()))
        end_real = time.time()
        shift.advance()
        sync.sync_once()
        time.sleep(3 * HEARTBEAT_SECONDS)  # the desks' last rounds
        stop_file.touch()
        for process in processes:
            process.wait(timeout=120)
        sync.sync_once()
        received = {
            str(cid): from_iso(at).timestamp()
            for cid, at in trainer.conn.execute(
                "SELECT c.id, c.received_at FROM contact AS c JOIN training_contact AS t "
                "ON t.contact_id = c.id"
            )
        }
        statuses = dict(
            trainer.conn.execute(
                "SELECT c.status, count(*) FROM contact AS c JOIN training_contact AS t "
                "ON t.contact_id = c.id GROUP BY c.status"
            ).fetchall()
        )
        sync.close()
        trainer.close()
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        stop(server)
    results = [json.loads(Path(c["out"]).read_text(encoding="utf-8")) for c in configs]
    _report_desks(scenario, hours, desks, answer, at_once, running, end_real, received,
                  statuses, floor_writes, results, status_seconds)  # fmt: skip


def _follow(path: Path, url: str, token: str, poked: threading.Event) -> None:
    client = SyncClient(path, url, token, SimClock.starting(START, 1.0))
    try:
        client.follow(lambda _head: poked.set(), lambda: False)
    except Exception:  # the bench ends the stream by stopping the server
        pass
    finally:
        client.close()


def _p(values: list[float], q: float) -> float:
    return pct(values, q) if values else math.nan  # a tiny run may see nothing


def _top(values: list[float]) -> float:
    return max(values) if values else math.nan


def _report_desks(
    scenario: Scenario,
    hours: float,
    desks: int,
    answer: bool,
    at_once: bool,
    running: ClockState,
    end_real: float,
    received: dict[str, float],
    statuses: dict[str, int],
    floor_writes: list[tuple[float, float]],
    results: list[dict],
    status_seconds: list[float],
) -> None:
    floors: list[float] = []  # simulated s at SPEED: the pipeline alone
    for real, anchor in floor_writes:
        for r in results:
            took = [t for t, sim in r["states"] if abs(sim - anchor) < 1e-6]
            if took:
                floors.append((took[0] - real) * SPEED)
    every_view: list[float] = []
    every_lag: list[float] = []
    print(f"{desks} trainee desk processes at {SPEED:g}x on a training server store, "
          f"{hours:g} simulated hour(s), {len(received)} contacts "
          f"({', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}); "
          f"trainees {'answering' if answer else 'watching'}")  # fmt: skip
    print(f"  engine and desks every {HEARTBEAT_SECONDS:g} s; sync rounds on a poke, every "
          f"{SYNC_EVERY_SECONDS:g} s" + (" and after each desk's own writes" if at_once else
          " (as the app runs today)") + "; simulated seconds below")  # fmt: skip
    print(f"  floor (a trainer's change pushed at once -> desk's clock), {len(floors)} "
          f"samples: p50 {_p(floors, 0.5):6.1f}  p95 {_p(floors, 0.95):6.1f}  "
          f"max {_top(floors):6.1f}")  # fmt: skip
    floor = _p(floors, 0.5) or 1e-9
    for n, r in enumerate(results):
        # The desk's clock against the shift's at the same real instant.
        view = [running.at(real).timestamp() - sim for real, sim in r["views"]
                if running.real_at <= real <= end_real]  # fmt: skip
        # A contact's arrival (simulated) to the shift's time when it showed on the desk.
        lags = [running.at(r["seen"][c]).timestamp() - at
                for c, at in received.items() if c in r["seen"]]  # fmt: skip
        every_view += view
        every_lag += lags
        claims = r["claims"]
        print(f"  desk {n + 1:2}: clock behind p50 {_p(view, 0.5):6.1f} max {_top(view):6.1f} | "
              f"arrival->queue p50 {_p(lags, 0.5):6.1f} p95 {_p(lags, 0.95):6.1f} "
              f"max {_top(lags):6.1f} seen {len(lags)} | claims won {claims.get('applied', 0)} "
              f"lost {claims.get('rejected', 0)}, closed {r['closed']}, "
              f"rounds {r['rounds']}")  # fmt: skip
    print(f"  all     : clock behind p50 {_p(every_view, 0.5):6.1f} p95 "
          f"{_p(every_view, 0.95):6.1f} max {_top(every_view):6.1f}")  # fmt: skip
    print(f"  all     : arrival->queue p50 {_p(every_lag, 0.5):6.1f} p95 "
          f"{_p(every_lag, 0.95):6.1f} max {_top(every_lag):6.1f}   ratio to the floor's "
          f"p50: p50 {_p(every_lag, 0.5) / floor:.1f}x, "
          f"p95 {_p(every_lag, 0.95) / floor:.1f}x")  # fmt: skip
    print(
        f"  trainer's console status (with its rescoring): p50 "
        f"{_p(status_seconds, 0.5) * 1000:.1f} ms  max {_top(status_seconds) * 1000:.1f} ms"
    )


def bench_rescoring(workdir: Path, contacts: int = RESCORE_CONTACTS, runs: int = 5) -> None:
    """The console's rescoring (scoring.score_shift) on a shift of `contacts`
    contacts, its end reached: time per rescoring beside the floor (reading the
    rows it scores, nothing computed), and how many the console makes at 60x
    (every heartbeat whose simulated minute changed the contacts, else every 3 s),
    as a share of one core."""
    per_day = float(contacts)  # callers calling again add about 1 % (8 % when few answer)
    scenario = region_scenario(per_day=per_day)
    trainees = max(2, round(per_day / 8 * HANDLING_MEAN.total_seconds() / 3600 / 0.85))
    database = workdir / "rescore.sqlite"
    result = play(scenario, 1, trainees, "oldest", Handling(HANDLING_MEAN, "lognormal"), database)
    desk = Desk(database, FixedClock(scenario.end), "Kouluttaja", ("trainer",), training=True)
    (shift_id,) = [r[0] for r in desk.conn.execute("SELECT id FROM training_shift")]
    score_shift(desk, scenario, shift_id, scenario.end)  # warm
    scored, floors = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        for table in ("contact", "contact_event", "training_contact", "training_event"):
            desk.conn.execute(f"SELECT * FROM {table}").fetchall()
        floors.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        score_shift(desk, scenario, shift_id, scenario.end)
        scored.append(time.perf_counter() - t0)
    moments = sorted(
        from_iso(at).timestamp()
        for row in desk.conn.execute("SELECT received_at, taken_at, closed_at FROM contact")
        for at in row
        if at
    )
    desk.close()
    start, end = scenario.start.timestamp(), scenario.end.timestamp()
    ticks = int((end - start) / SPEED / HEARTBEAT_SECONDS)
    rescorings, last, i = 0, -1e9, 0
    for tick in range(ticks):  # each heartbeat covers SPEED simulated seconds
        upto = start + (tick + 1) * SPEED * HEARTBEAT_SECONDS
        changed = False
        while i < len(moments) and moments[i] <= upto:
            changed, i = True, i + 1
        if changed or tick * HEARTBEAT_SECONDS - last >= POINTS_EVERY:
            rescorings, last = rescorings + 1, tick * HEARTBEAT_SECONDS
    s, f = statistics.median(scored), statistics.median(floors)
    real_seconds = ticks * HEARTBEAT_SECONDS
    print(f"rescoring the console's points, a shift of {result.contacts} contacts "
          f"({trainees} simulated trainees), median of {runs}")  # fmt: skip
    print(f"  floor: reading the rows it scores : {f * 1000:8.1f} ms")
    print(f"  scoring.score_shift once          : {s * 1000:8.1f} ms   ratio {s / f:.1f}x")
    print(f"  at {SPEED:g}x: {rescorings} rescorings in {real_seconds:.0f} real s "
          f"({rescorings / real_seconds:.2f}/s): {rescorings * s / real_seconds * 100:.1f} % "
          f"of one core")  # fmt: skip


def main() -> None:
    hours = float(os.environ.get("OHJAAJA_BENCH_TRAINING_HOURS", "1"))
    headless = float(os.environ.get("OHJAAJA_BENCH_TRAINING_HEADLESS_HOURS", "8"))
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if headless > 0:
            bench_headless(workdir, runs=3 if headless >= 8 else 1, hours=headless)
        if hours > 0:
            for at_once in (False, True):
                (workdir / f"desks-{at_once}").mkdir()
                bench_desks(workdir / f"desks-{at_once}", hours, DESKS, at_once=at_once)
        if RESCORE_CONTACTS > 0:
            bench_rescoring(workdir, RESCORE_CONTACTS)


if __name__ == "__main__":
    main()
