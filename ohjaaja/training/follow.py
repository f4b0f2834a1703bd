"""A training desk's clock follows its shift.

A training desk runs on a SimClock. Until a shift runs on its file it keeps real
time; once the trainer's shift is there (written by the trainer's desk on the same
file, or pulled from a training store: mutation training.shift) the desk takes the
shift's clock state whenever the row changes (and, the first time, the catalogue
the shift's scenario names, read from the row's copy of its text; the register
comes from the store, put there by the trainer's desk).
The desk finds out as it finds every other process's writes (Desk.has_changed:
PRAGMA data_version), so a pause stops every desk's waits and clocks within a
heartbeat.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ohjaaja.db import training as rows
from ohjaaja.domain.clock import Clock, to_iso
from ohjaaja.training import catalogues
from ohjaaja.training.clock import ClockState, SimClock
from ohjaaja.usecases.desk import Desk


def desk_clock(training: bool, system: Clock, real: Callable[[], float] = time.time) -> Clock:
    """The clock to open a desk on: a training desk's runs on, at real time, until it
    follows a shift."""
    if not training:
        return system
    return SimClock(ClockState(system.now(), real(), 1.0, False), real)


def follow_shift(desk: Desk) -> bool:
    """Take the clock of the shift running on the desk's file (or of the one that
    ended last, paused where it ended); True if the desk's clock changed."""
    clock = desk.clock
    if not desk.training or not isinstance(clock, SimClock):
        return False
    with desk.ctx.reading() as conn:
        found = rows.running_shift(conn)
        if found is None:
            ended = rows.shifts(conn)
            found = ended[0] if ended else None
    if found is None:
        return False
    try:
        state = ClockState.from_json(found.clock)
    except (KeyError, TypeError, ValueError):
        return False  # a row the store checked cannot be malformed; keep the clock
    if state == clock.state:
        return False
    clock.follow(state)
    with desk.ctx.lock:  # a trainee's desk: the catalogue the trainees offer from
        if not catalogues.held(desk.conn):
            # The scenario's, as the shift's text names it (the store's copy, if the
            # trainer put it, has the same ids); one this version lacks comes by sync.
            name = catalogues.named_in(found.source)
            if name in catalogues.names():
                catalogues.load(desk.conn, name, to_iso(clock.now()))
    return True
