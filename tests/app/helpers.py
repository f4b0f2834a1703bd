"""Driving the app in tests: wait for workers by their events, never by sleeping."""

from __future__ import annotations

import contextlib

from textual.pilot import Pilot
from textual.widgets import Select
from textual.worker import WorkerCancelled

from ohjaaja.shell.app import OhjaajaApp, make_app
from ohjaaja.shell.settings import Settings
from ohjaaja.usecases.desk import Desk


def app_for(desk: Desk, language: str = "fi") -> OhjaajaApp:
    return make_app(
        desk, Settings(database=desk.database, worker_name=desk.worker_name, language=language)
    )  # type: ignore[arg-type]


async def settle(pilot: Pilot) -> None:
    """Until no worker is running and the message queues are drained. A worker
    cancelled because a newer one of its group replaced it (exclusive) is done; a
    failed one still fails the test."""
    for _ in range(4):
        for worker in list(pilot.app.workers):
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()
        await pilot.pause()


async def choose(pilot: Pilot, selector: str, value: str) -> None:
    """Pick a Select option with the keyboard, as a worker would."""
    select = pilot.app.screen.query_one(selector, Select)
    select.focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    values = [v for _, v in select._options]
    current = values.index(select.value) if select.value in values else 0
    target = values.index(value)
    step = "down" if target > current else "up"
    await pilot.press(*[step] * abs(target - current), "enter")
    await settle(pilot)
    assert select.value == value


async def keys(pilot: Pilot, *pressed: str) -> None:
    """Press keys as a worker would, then wait until the app has done their work."""
    await pilot.press(*pressed)
    await settle(pilot)
