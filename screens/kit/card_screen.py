"""A read-only page of one thing (a service, a handover): the title, the card that
scrolls with the arrows, and a status line; the subclass says what loads it."""

from __future__ import annotations

from typing import ClassVar

from ohjaaja.screens.kit.base import DeskScreen
from ohjaaja.screens.kit.plain import Static
from ohjaaja.screens.kit.widgets import Said, TitleBar, desk_footer
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ScreenResultType


class CardScreen(DeskScreen[ScreenResultType]):
    TITLE_KEY: ClassVar[str]

    def compose(self) -> ComposeResult:
        yield TitleBar(self.TITLE_KEY, self.desk.worker_name, id="title")
        with VerticalScroll(id="card-scroll"):
            yield Static("", id="card")
        yield Said("", id="status")
        yield desk_footer()

    def mounted(self) -> None:
        self.query_one("#title", TitleBar).show(self.desk.clock.now())
        self.query_one("#card-scroll").focus()
        self.load()

    def load(self) -> object:
        """Fill #card (in a thread worker: it reads the database). Subclasses decorate
        it with @work, so it returns the worker; callers do not use it."""
        raise NotImplementedError

    def reload(self, _result: object = None) -> None:
        """load() as the callback of a screen pushed from this one."""
        self.load()
