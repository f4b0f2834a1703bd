"""Text widgets that show what they are given as written.

Textual reads square brackets in a string as markup; a note, a name or a reason
from another desk may hold them ('[kiireellinen]', or worse, '[/b]' that raises
and ends the app). These widgets never read markup: the screens use them, not
Textual's (tests/unit/test_layers.py checks).
"""

from __future__ import annotations

import textwrap
from typing import Any, Self

from rich.text import Text
from textual import widgets
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.widgets.data_table import CellType, ColumnKey, RowKey


class Static(widgets.Static):
    """Plain text; given again what it shows, it draws nothing (the heartbeat writes
    a screen's lines every second, and a thin terminal's link pays for each draw)."""

    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(content, **kwargs)

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        in_place = isinstance(content, Text) and content is self.content  # changed since?
        if same_text(self.content, content) and not in_place:
            return
        super().update(content, layout=layout)


class Label(widgets.Label):
    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(content, **kwargs)


class OptionList(widgets.OptionList):
    def __init__(self, *content: Any, **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(*content, **kwargs)


class DataTable(widgets.DataTable[CellType]):
    """Cells given as strings are plain text, folded to their column.

    A column of a fixed width takes `lines=` (1 unless told): a text longer than
    the column folds at words onto that many lines, and what still does not fit
    ends at a word in '…'. A row is as tall as its tallest cell, so a table
    decides per column what gives way, and nothing runs past its column unseen.
    """

    _one_cell = False  # in update_cell: the table's own refresh is left out

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lines: dict[ColumnKey, int] = {}

    def add_column(
        self, label: Any, *, width: int | None = None, lines: int = 1, **kwargs: Any
    ) -> ColumnKey:
        key = super().add_column(label, width=width, **kwargs)
        self._lines[key] = lines
        return key

    def add_row(self, *cells: CellType, **kwargs: Any) -> RowKey:
        plain: list[Any] = []
        for column, cell in zip(self.ordered_columns, cells, strict=False):
            if isinstance(cell, str) and not column.auto_width:
                plain.append(Text(fold(cell, column.width, self._lines.get(column.key, 1))))
            else:
                plain.append(Text(cell) if isinstance(cell, str) else cell)
        plain += [Text(c) if isinstance(c, str) else c for c in cells[len(plain) :]]
        kwargs.setdefault(
            "height",
            max((len(c.plain.split("\n")) for c in plain if isinstance(c, Text)), default=1),
        )
        return super().add_row(*plain, **kwargs)

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: CellType,
        *,
        update_width: bool = False,
    ) -> None:
        """The cell takes the value as `add_row` would write it; only that cell is
        drawn again, and nothing if it shows that already. (Textual's update_cell
        redraws the whole table: every row written to the terminal each second.)"""
        column_index = self.get_column_index(column_key)
        column = self.ordered_columns[column_index]
        if isinstance(value, str):
            value = Text(  # type: ignore[assignment]
                fold(value, column.width, self._lines.get(column.key, 1))
                if not column.auto_width
                else value
            )
        if same_text(self.get_cell(row_key, column_key), value):
            return
        self._one_cell = not update_width
        try:
            super().update_cell(row_key, column_key, value, update_width=update_width)
        finally:
            self._one_cell = False
        if not update_width:
            self.refresh_coordinate(Coordinate(self.get_row_index(row_key), column_index))

    def refresh(self, *regions: Region, **options: Any) -> Self:
        if self._one_cell:  # update_cell's whole-table refresh: its cell's follows
            return self
        return super().refresh(*regions, **options)

    def clear(self, columns: bool = False) -> Self:
        if columns:
            self._lines.clear()
        return super().clear(columns)


def same_text(shown: Any, given: Any) -> bool:
    """Would `given` draw what `shown` draws? Strings and rich Texts compared with
    their styles; anything else is never taken as the same."""
    if isinstance(shown, str) and isinstance(given, str):
        return shown == given
    if isinstance(shown, Text) and isinstance(given, Text):
        return (
            shown.plain == given.plain
            and shown.spans == given.spans
            and shown.style == given.style
            and (shown.justify, shown.overflow, shown.no_wrap, shown.end)
            == (given.justify, given.overflow, given.no_wrap, given.end)
        )
    return False


def fold(text: str, width: int, lines: int = 1) -> str:
    """The text on at most `lines` lines of `width`, folded at words; what does not
    fit is cut at a word and ends in '…'."""
    flat = " ".join(text.split())
    if len(flat) <= width or width < 2:
        return flat
    wrapped = textwrap.wrap(flat, width)
    if len(wrapped) <= lines:
        return "\n".join(wrapped)
    kept = wrapped[: lines - 1]
    rest = " ".join(wrapped[lines - 1 :])
    last = textwrap.wrap(rest, width - 1)[0]
    return "\n".join([*kept, last.rstrip(" ,;:·-") + "…"])
