"""A read-only page of one thing (a service, a handover): the title, the card that
scrolls with the arrows, and a status line; the subclass says what loads it."""

from __future__ import annotations

from typing import ClassVar

from ohjaaja.screens.kit.base import DeskScreen
from ohjaaja.screens.kit.plain import Static
from ohjaaja.screens.kit.widgets import Said, TitleBar, desk_footer
from rich.table import Table
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ScreenResultType

from ohjaaja.i18n import t


class Facts:
    """A card's lines of "label  value": the label in the worker's language, bold, in
    a column 14 wide; a line without a value is left out."""

    def __init__(self) -> None:
        self.grid = Table.grid(padding=(0, 1))
        self.grid.add_column(style="bold", no_wrap=True, width=14)
        self.grid.add_column(ratio=1)

    def row(self, key: str, value: str) -> None:
        if value:
            self.grid.add_row(t(key), value)


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

    def desk_changed(self) -> None:
        """Written meanwhile (by a colleague, through sync): show what it is now."""
        self.load()

    def reload(self, _result: object = None) -> None:
        """load() as the callback of a screen pushed from this one."""
        self.load()
