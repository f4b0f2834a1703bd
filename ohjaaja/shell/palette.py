"""Textual's command palette in the worker's language: its prompt and its "no matches".

Textual writes both in English. The palette takes its prompt as an argument; its
"no matches" is written inside one method, redone here as Textual 8 does it with the
text translated (tests/app/test_contact_flow.py says when a new Textual moves it).
It is Textual's screen, not a desk screen: the app opens it (Ctrl+P).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, Hit, Hits, Provider
from textual.widgets.option_list import Option

from ohjaaja.i18n import LANGUAGES, t, t_in


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


class AnyLanguageCommand(Provider):
    """An app-wide action in the palette whatever word a worker tries, in any of the
    three languages (its `words` message and its title in each). Found by searching
    only: the list the palette opens with stays the screen's own keys."""

    action = ""
    words = ""

    def _command(self) -> tuple[str, str, Callable[[], object]]:
        app, name = self.app, self.action
        return (t(f"action.{name}"), t(f"help.{name}"), lambda: app.run_action(name))

    async def search(self, query: str) -> Hits:
        words = fold(query).split()
        haystack = fold(
            " ".join(
                [t_in(language, self.words) for language in LANGUAGES]
                + [t_in(language, f"action.{self.action}") for language in LANGUAGES]
            )
        )
        if words and all(word in haystack for word in words):
            title, help_text, run = self._command()
            yield Hit(1.0, title, run, help=help_text)


class TrainingCommands(AnyLanguageCommand):
    """Training ('simul', 'koulut', 'harjoit', 'training', 'övning'): the shift's
    console on a desk that plays one, else how to start a training shift."""

    action = "training_console"
    words = "palette.training_words"


class ReportsCommands(AnyLanguageCommand):
    """The reports mode ('raportit', 'rapporter', 'reports', 'tilastot', 'statistik')."""

    action = "reports"
    words = "palette.reports_words"


def fold(text: str) -> str:
    return text.casefold()
