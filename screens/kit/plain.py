"""Text widgets that show what they are given as written.

Textual reads square brackets in a string as markup; a note, a name or a reason
from another desk may hold them ('[kiireellinen]', or worse, '[/b]' that raises
and ends the app). These widgets never read markup: the screens use them, not
Textual's (tests/unit/test_layers.py checks).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import widgets
from textual.widgets.data_table import CellType, RowKey


class Static(widgets.Static):
    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(content, **kwargs)


class Label(widgets.Label):
    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(content, **kwargs)


class OptionList(widgets.OptionList):
    def __init__(self, *content: Any, **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(*content, **kwargs)


class DataTable(widgets.DataTable[CellType]):
    """Cells given as strings are plain text."""

    def add_row(self, *cells: CellType, **kwargs: Any) -> RowKey:
        plain = [Text(cell) if isinstance(cell, str) else cell for cell in cells]
        return super().add_row(*plain, **kwargs)  # type: ignore[arg-type]
