"""Every screen of test_screens.py drawn again, another way.

Each snapshot test there sets up its data and says how to reach its screen, then
hands an app to `snap_compare`. Here the same test is called with a stand-in for
`snap_compare` that makes the app again from the same desk with other settings
(another language, --ansi; NO_COLOR is the environment's), drives it the same way,
and keeps what the terminal would be sent. So a new screen's snapshot is drawn
here too, with nothing more to write.
"""

from __future__ import annotations

import inspect
import io
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot

from ohjaaja.domain.clock import FixedClock
from ohjaaja.i18n import DEFAULT_LANGUAGE, set_language
from ohjaaja.shell.app import OhjaajaApp, make_app
from ohjaaja.shell.settings import Settings
from tests.app.helpers import settle
from tests.conftest import MONDAY_MORNING, open_admin, open_desk
from tests.snapshots import test_screens

ScreenTest = Callable[..., None]
SCREENS: dict[str, ScreenTest] = {
    name.removeprefix("test_"): test
    for name, test in vars(test_screens).items()
    if name.startswith("test_") and callable(test)
}


@dataclass(frozen=True)
class Drawn:
    ansi: str  # what the terminal is sent: text and escape codes
    text: str  # what the worker reads


def drawn(app: OhjaajaApp) -> Drawn:
    """The whole screen as a terminal of 16 million colours would be sent it (so any
    colour that is not the terminal's own shows as one), and as plain text."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True,
        color_system="truecolor", no_color=False, record=True, legacy_windows=False,
        safe_box=False, _environ={},  # NO_COLOR is the app's to honour, not this record's
    )  # fmt: skip
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    text = console.export_text(styles=False)
    assert isinstance(console.file, io.StringIO)
    return Drawn(console.file.getvalue(), text)


def redraw(
    test: ScreenTest,
    fixtures: dict[str, Any],
    settings: Callable[[Settings], Settings] = lambda same: same,
    then: Callable[[Pilot], Awaitable[None]] | None = None,
) -> Drawn:
    """Run a snapshot test with the fixtures given; the app it would compare is made
    again with `settings` changed, driven as the test says, then by `then`."""
    found: list[Drawn] = []

    def compare(
        app: OhjaajaApp,
        press: tuple[str, ...] = (),
        terminal_size: tuple[int, int] = (80, 24),
        run_before: Callable[[Pilot], Awaitable[None]] | None = None,
    ) -> bool:
        again = make_app(app.desk, settings(app.settings), app.simulator)

        async def drive(pilot: Pilot) -> None:
            if run_before is not None:
                await run_before(pilot)
            await pilot.press(*press)
            if then is not None:
                await then(pilot)
            await settle(pilot)
            found.append(drawn(pilot.app))
            pilot.app.exit()

        again.run(headless=True, size=terminal_size, auto_pilot=drive)
        return True

    test(compare, **fixtures)
    assert len(found) == 1, "the test drew no screen"
    return found[0]


def fixture_names(test: ScreenTest) -> list[str]:
    return [name for name in inspect.signature(test).parameters if name != "snap_compare"]


@contextmanager
def fresh_fixtures(
    test: ScreenTest, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Any]]:
    """The fixtures a snapshot test asks for, made anew (as tests/conftest.py makes
    them) in a folder of their own, in Finnish (tests/conftest.py's `finnish`): a
    test run twice starts from the same data."""
    set_language(DEFAULT_LANGUAGE)  # the data a test makes may be written in it
    folder.mkdir()
    clock = FixedClock(MONDAY_MORNING)
    made: dict[str, Any] = {"clock": clock, "monkeypatch": monkeypatch}
    path = folder / "desk.sqlite"
    opened = []
    for name in fixture_names(test):
        if name in ("desk", "admin"):
            desk = (open_desk if name == "desk" else open_admin)(path, clock)
            opened.append(desk)
            made[name] = desk
    try:
        yield {name: made[name] for name in fixture_names(test)}
    finally:
        for desk in opened:
            desk.close()


def in_language(language: str) -> Callable[[Settings], Settings]:
    return lambda settings: replace(settings, language=language)
