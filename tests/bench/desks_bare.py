"""The floor of bench/desks.py: a bare Textual app that answers F1 as the desk does,
with the same words (the queue's footer word, the help's title)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Label

from tests.bench.desks import CLOSED, OPENED


class Help(ModalScreen[None]):
    BINDINGS = [Binding("f1", "app.pop_screen")]

    def compose(self) -> ComposeResult:
        yield Label(OPENED.decode())


class Bare(App[None]):
    BINDINGS = [Binding("f1", "help"), Binding("ctrl+q", "quit", priority=True)]

    def compose(self) -> ComposeResult:
        yield Label(CLOSED.decode())

    def action_help(self) -> None:
        self.push_screen(Help())


if __name__ == "__main__":
    Bare().run()
