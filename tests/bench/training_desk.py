"""One trainee's desk as a process of its own, for tests/bench/training.py.

It works as the app does with a server (ohjaaja/shell/app.py), without the screens:
a sync round when the server's event stream pokes it (its head moved) and every
SYNC_EVERY_SECONDS, never stacked (with "at_once", also right after its own
writes); every HEARTBEAT_SECONDS (and after each round) the desk follows the
shift's clock (training/follow.py) and reads its queue. What it records, in real
time.time() and in its own simulated time: when its clock took each new state of
the shift, when each contact first showed in its queue, and its clock each beat.
Answering, it takes the first contact of its queue and closes it after a handling
time drawn in simulated time, as a trainee would.

Run: python -m tests.bench.training_desk CONFIG_JSON (written by training.py).
"""

from __future__ import annotations

import contextlib
import json
import random
import sys
import threading
import time
from pathlib import Path

from ohjaaja.domain.clock import SystemClock
from ohjaaja.shell.app import HEARTBEAT_SECONDS, SYNC_EVERY_SECONDS
from ohjaaja.sync.client import SyncClient
from ohjaaja.training.clock import SimClock
from ohjaaja.training.follow import desk_clock, follow_shift
from ohjaaja.usecases.contacts import ContactForm
from ohjaaja.usecases.desk import Desk

FORM = ContactForm(caller_kind="anonymous", outcome="resolved")


def run(config: dict) -> dict:
    path = Path(config["path"])
    stop_file = Path(config["stop"])
    desk = Desk(path, desk_clock(True, SystemClock()), config["worker"], ("guidance",),
                training=True)  # fmt: skip
    clock = desk.clock
    assert isinstance(clock, SimClock)
    sync = SyncClient(path, config["url"], config["token"], clock)
    poked = threading.Event()
    done = threading.Event()

    def follow() -> None:  # the app's live pokes, in a thread of their own
        client = SyncClient(path, config["url"], config["token"], clock)
        try:
            client.follow(lambda _head: poked.set(), done.is_set)
        except Exception:  # the bench ends the stream by stopping the server
            pass
        finally:
            client.close()

    threading.Thread(target=follow, daemon=True).start()
    rng = random.Random(config["seed"])
    mean = config["handling_s"]
    states: list[tuple[float, float]] = []  # (real, the state's sim anchor) as taken
    seen: dict[str, float] = {}  # contact -> real time first in the queue
    views: list[tuple[float, float]] = []  # (real, the desk's simulated now)
    handling: tuple[str, float] | None = None  # (contact, sim time to close it)
    rounds = lost = 0
    last_round = 0.0
    ready_told = False
    wrote = False
    while not stop_file.exists():
        now = time.time()
        due = now - last_round >= SYNC_EVERY_SECONDS
        if poked.is_set() or due or (config["at_once"] and wrote):
            wrote = False
            poked.clear()
            last_round = now
            try:
                report = sync.sync_once()
                rounds += 1
                if handling is not None and handling[0] in report.lost_claims:
                    lost += 1
                    handling = None  # another trainee's claim reached the store first
            except Exception:  # offline is a state; the next round tries
                pass
        if follow_shift(desk):
            states.append((time.time(), clock.state.sim_at.timestamp()))
        real = time.time()
        sim = clock.now()
        views.append((real, sim.timestamp()))
        for entry in desk.contacts.queue(None, 500):
            seen.setdefault(entry.id, real)
        if not ready_told and states:
            Path(config["ready"]).touch()  # following the shift: the trainer may start
            ready_told = True
        if config["answer"] and states and not clock.state.paused:
            if handling is not None and sim.timestamp() >= handling[1]:
                desk.contacts.close_contact(handling[0], "", FORM)
                handling, wrote = None, True
            if handling is None:
                taken = desk.contacts.take_next()
                if taken is not None:
                    handling = (taken.id, sim.timestamp() + rng.expovariate(1 / mean))
                    wrote = True
        if not wrote:
            poked.wait(max(0.0, now + HEARTBEAT_SECONDS - time.time()))
    done.set()
    with contextlib.suppress(Exception):
        sync.sync_once()  # what it did last, up to the store
    claims = dict(
        desk.conn.execute(
            "SELECT status, count(*) FROM outbox WHERE name = 'contact.claim' GROUP BY status"
        ).fetchall()
    )
    closed = desk.conn.execute(
        "SELECT count(*) FROM contact WHERE status = 'closed' AND taken_by = ?",
        (desk.worker_id,),
    ).fetchone()[0]
    sync.close()
    desk.close()
    return {"states": states, "seen": seen, "views": views, "rounds": rounds, "lost": lost,
            "claims": claims, "closed": closed}  # fmt: skip


def main() -> None:
    config = json.loads(sys.argv[1])
    result = run(config)
    Path(config["out"]).write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
