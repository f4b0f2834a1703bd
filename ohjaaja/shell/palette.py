"""Textual's command palette in the worker's language: its prompt and its "no matches".

Textual writes both in English. The palette takes its prompt as an argument; its
"no matches" is written inside one method, redone here as Textual 8 does it with the
text translated (tests/app/test_contact_flow.py says when a new Textual moves it).
It is Textual's screen, not a desk screen: the app opens it (Ctrl+P).
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from ohjaaja.i18n import t


class DeskPalette(CommandPalette):
    def __init__(self) -> None:
        super().__init__(placeholder=t("palette.search"), id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(t("palette.no_matches"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:  # nothing typed: the palette was listing what it has, not searching
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
