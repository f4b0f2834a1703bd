"""Every screen of test_screens.py without colour (NO_COLOR) and in the terminal's
own 16 colours (--ansi), checked by the escape codes the terminal would be sent:
with --ansi no 256-colour or RGB code (38;5 / 48;5 / 38;2 / 48;2); with NO_COLOR no
colour at all; and tick boxes that read [x] or [ ] either way."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from rich.style import Style
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets._toggle_button import ToggleButton

from tests.snapshots.redraw import SCREENS, Drawn, fresh_fixtures, redraw

SGR = re.compile(r"\x1b\[([0-9;]*)m")
# Foreground, background, and their bright kinds; 39 and 49 are "the terminal's own".
COLOUR_CODES = {*range(30, 38), *range(40, 48), *range(90, 98), *range(100, 108)}
BOX = ToggleButton.BUTTON_LEFT + ToggleButton.BUTTON_INNER + ToggleButton.BUTTON_RIGHT


def colours(drawn: Drawn) -> Iterator[str]:
    """Each colour the screen sets, as its SGR parameters ('31', '38;5;208', '48;2;0;0;0')."""
    for match in SGR.finditer(drawn.ansi):
        params = match.group(1).split(";")
        while params:
            head = params.pop(0)
            if head in ("38", "48", "58") and params:
                size = 2 if params[0] == "5" else 4
                yield ";".join([head, *params[:size]])
                del params[:size]
            elif head.isdigit() and int(head) in COLOUR_CODES:
                yield head


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_ansi_uses_only_the_terminals_own_colours(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    test = SCREENS[name]
    with fresh_fixtures(test, tmp_path / "ansi", monkeypatch) as fixtures:
        drawn = redraw(test, fixtures, settings=lambda s: replace(s, ansi=True))
    assert not {c for c in colours(drawn) if c.split(";")[1:2] in (["5"], ["2"])}
    assert BOX not in drawn.text


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_no_color_draws_without_colour(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    test = SCREENS[name]
    monkeypatch.setenv("NO_COLOR", "1")
    with fresh_fixtures(test, tmp_path / "plain", monkeypatch) as fixtures:
        drawn = redraw(test, fixtures)
    assert not set(colours(drawn))
    assert BOX not in drawn.text


def styled(drawn: Drawn, attribute: str) -> str:
    """What is drawn with a text style (reverse, underline): where NO_COLOR shows the
    cursor and the focus."""
    text = Text.from_ansi(drawn.ansi)
    return " ".join(
        text.plain[span.start : span.end].strip()
        for span in text.spans
        if isinstance(span.style, Style) and getattr(span.style, attribute)
    )


async def palette_opened(pilot: Pilot) -> None:
    await pilot.press("ctrl+p", "down")


async def reasons_focused(pilot: Pilot) -> None:
    pilot.app.screen.query_one("#reasons").focus()


@pytest.mark.parametrize(
    ("name", "then", "attribute", "shown"),
    [
        ("queue", None, "reverse", "Puhelu"),  # the cursor row
        ("log_contact", None, "reverse", "Käynti"),  # the focused list (Textual: a 5% tint)
        ("service_form", None, "reverse", "Mielenterveysyhdistys"),
        ("catalogue_for_a_contact", None, "underline", "Kotihoito – Turku"),  # keys in the search
        ("contact", None, "underline", "Akuutti kriisi"),  # a list of ticks, resting
        ("contact", reasons_focused, "bold", "Akuutti kriisi"),  # ... with the keys
        ("queue", palette_opened, "underline", "Ikäihmiset"),  # the palette's second command
    ],
)
def test_no_color_shows_the_cursor_and_the_focus_by_the_texts_style(
    name: str,
    then: Callable[[Pilot], Awaitable[None]] | None,
    attribute: str,
    shown: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    test = SCREENS[name]
    monkeypatch.setenv("NO_COLOR", "1")
    with fresh_fixtures(test, tmp_path / "plain", monkeypatch) as fixtures:
        drawn = redraw(test, fixtures, then=then)
    assert shown in styled(drawn, attribute)
