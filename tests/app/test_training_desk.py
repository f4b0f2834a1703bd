"""A training desk as a trainee meets it: TRAINING on every screen, where it cannot
be missed (the top line, in reverse), with the shift's clock paused or its speed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from ohjaaja.screens.kit.widgets import TitleBar
from textual.pilot import Pilot

from ohjaaja.domain.clock import FixedClock
from ohjaaja.usecases.desk import Desk
from tests.app.helpers import app_for, keys, settle
from tests.conftest import AINO


@pytest.fixture
def trainee(tmp_path: Path, clock: FixedClock) -> Iterator[Desk]:
    desk = Desk(tmp_path / "training.sqlite", clock, "Harjoittelija Hanna", training=True)
    yield desk
    desk.close()


def banner_text(pilot: Pilot) -> str:
    """The top line of the screen in view, if it is a training banner."""
    screen = pilot.app.screen
    bars = [bar for bar in screen.query(TitleBar) if bar.region.y == 0 and bar.region.height]
    assert bars, f"{type(screen).__name__}: no title line at the top"
    bar = bars[-1]
    assert bar.has_class("-training"), f"{type(screen).__name__}: not marked training"
    return str(bar.render())


async def test_every_screen_of_a_training_desk_says_training(
    trainee: Desk, clock: FixedClock
) -> None:
    trainee.clients.create_client({**AINO, "municipality_code": "853"})
    trainee.contacts.receive("phone", "ikaihmiset", "853", "fi", "+358405485906")
    app = app_for(trainee)
    seen = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for pressed in (
            (),  # the queue
            ("f1",),  # help, a dialog
            ("escape", "h"),  # handovers
            ("escape", "s"),  # shift handover
            ("escape", "l"),  # logging a contact, a dialog
            ("escape", "f7"),  # catalogue
            ("escape", "n"),  # a contact
            ("f8",),  # callback, a dialog
            ("escape", "ctrl+t"),  # handover form
            ("escape", "ctrl+n"),  # notification form
            ("escape", "f5", *"makinen"),  # client search
            ("down", "enter"),  # the card
        ):
            await keys(pilot, *pressed)
            text = banner_text(pilot)
            assert text.startswith(" KOULUTUS"), f"{type(app.screen).__name__}: {text!r}"
            seen.append(type(app.screen).__name__)
    assert len(set(seen)) == 12, " ".join(seen)


async def test_the_banner_is_in_the_worker_s_language(trainee: Desk) -> None:
    app = app_for(trainee, "sv")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert banner_text(pilot).startswith(" ÖVNING")
        await keys(pilot, "f2")
        assert banner_text(pilot).startswith(" TRAINING")


async def test_a_desk_of_client_data_has_no_banner(desk: Desk) -> None:
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(TitleBar)
        assert not bar.has_class("-training")
        assert "KOULUTUS" not in str(bar.render())


@pytest.mark.parametrize("no_color", [False, True])
async def test_the_banner_shows_in_16_colours_and_without_colour(
    trainee: Desk, monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    """--ansi and NO_COLOR: TRAINING is drawn in reverse (a text style, not a colour)
    on the first line, so it stands out where no colour does."""
    from dataclasses import replace

    from ohjaaja.shell.app import make_app
    from tests.snapshots.redraw import drawn

    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(trainee)
    app = make_app(trainee, replace(app.settings, ansi=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = drawn(app)
    first = screen.ansi.split("\n")[0]
    assert screen.text.split("\n")[0].startswith(" KOULUTUS")
    before = first[: first.index("KOULUTUS")]
    assert re.search(r"\x1b\[[0-9;]*\b7\b[0-9;]*m", before), repr(before)


async def test_the_palette_finds_training_by_any_word(desk: Desk) -> None:
    """On any desk, in any interface language: on one that plays no shift, the
    entry says how to start one."""
    from textual.command import CommandList

    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for word in ("simul", "koulut", "harjoit", "training", "Övning"):
            await keys(pilot, "ctrl+p", *word)
            await pilot.pause(0.3)
            found = app.screen.query_one(CommandList)
            prompts = [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]
            assert any("Koulutusvuoro" in p for p in prompts), (word, prompts)
            await keys(pilot, "escape")
        await keys(pilot, "ctrl+p", *"koulut")
        await pilot.pause(0.3)
        await keys(pilot, "enter")
        assert "train solo" in " ".join(str(n.message) for n in app._notifications)
