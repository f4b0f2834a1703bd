"""F2 on every screen of test_screens.py: switched to the next language, the screen
reads as the same screen opened in that language (titles, columns, statuses, a
form's errors, the choices of its lists)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot

from ohjaaja.i18n import LANGUAGES
from ohjaaja.shell.settings import Settings
from tests.app.helpers import settle
from tests.snapshots.redraw import SCREENS, fresh_fixtures, redraw


def following(settings: Settings) -> Settings:
    """The language F2 switches to."""
    after = LANGUAGES[(LANGUAGES.index(settings.language) + 1) % len(LANGUAGES)]
    return replace(settings, language=after)


async def quiet(pilot: Pilot) -> None:
    """The toasts gone (F2 says which language it switched to)."""
    await settle(pilot)
    pilot.app.clear_notifications()
    await settle(pilot)


async def switch(pilot: Pilot) -> None:
    await pilot.press("f2")
    await quiet(pilot)


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_f2_reads_as_the_screen_opened_in_that_language(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    test = SCREENS[name]
    with fresh_fixtures(test, tmp_path / "opened", monkeypatch) as fixtures:
        opened = redraw(test, fixtures, settings=following, then=quiet)
    with fresh_fixtures(test, tmp_path / "switched", monkeypatch) as fixtures:
        switched = redraw(test, fixtures, then=switch)
    differ = [
        f"line {n:2}:\n  opened:   {a}\n  switched: {b}"
        for n, (a, b) in enumerate(
            zip(opened.text.splitlines(), switched.text.splitlines(), strict=True), start=1
        )
        if a != b
    ]
    assert not differ, "\n".join(differ)
