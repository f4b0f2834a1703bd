"""Driving the app in tests: wait for workers by their events, never by sleeping."""

from __future__ import annotations

import asyncio
from typing import Any

from textual import events
from textual.app import App
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
    """Until no worker is running and the message queues are drained. A worker that
    a newer one of its exclusive group cancelled (the queue's refresh, every second)
    is not an error; any other that failed is raised."""
    for _ in range(4):
        workers = list(pilot.app.workers)
        ended = await asyncio.gather(*(w.wait() for w in workers), return_exceptions=True)
        for outcome in ended:
            if isinstance(outcome, Exception) and not isinstance(outcome, WorkerCancelled):
                raise outcome
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


def burst(app: App[Any], *pressed: str) -> None:
    """Post keys all at once, as a terminal's burst arrives (a fast typist, an SSH
    link): each is on its way through the widgets before the one before it has acted.
    Pilot's press waits between keys. A key is a name ("f10") or one character."""
    for key in pressed:
        if len(key) == 1:
            app.post_message(events.Key("space" if key == " " else key, key))
        else:
            app.post_message(events.Key(key, None))
