"""Text widgets that show what they are given as written.

Textual reads square brackets in a string as markup; a note, a name or a reason
from another desk may hold them ('[kiireellinen]', or worse, '[/b]' that raises
and ends the app). These widgets never read markup: the screens use them, not
Textual's (tests/unit/test_layers.py checks).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Self

from rich.cells import cell_len
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

    _quiet = False  # in update: Textual's refresh of the whole widget is left out

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        in_place = isinstance(content, Text) and content is self.content  # changed since?
        if same_text(self.content, content) and not in_place:
            return
        span = None if in_place else changed_span(self.content, content)
        if span is None or not self._at_its_left(content):
            super().update(content, layout=layout)
            return
        # Only characters changed (a ticking time): no layout, and only their cells
        # are drawn again and sent to the terminal.
        self._quiet = True
        try:
            super().update(content, layout=False)
        finally:
            self._quiet = False
        start, end = span
        gutter = self.styles.gutter
        self.refresh(Region(gutter.left + start, gutter.top, end - start, 1))

    def _at_its_left(self, content: Text) -> bool:
        """Whether the text is drawn from the content's left edge on one line, so a
        character's cell is its place in the text (centred or right-aligned text
        sits elsewhere; a wrapped or vertically centred one on other lines)."""
        styles = self.styles
        return (
            styles.text_align in ("start", "left")
            and styles.content_align_horizontal == "left"
            and (styles.content_align_vertical == "top" or self.content_region.height == 1)
            and content.justify in (None, "default", "left")
            and cell_len(content.plain) <= self.content_region.width
        )

    def refresh(self, *regions: Region, **options: Any) -> Self:
        if self._quiet:
            return self
        return super().refresh(*regions, **options)


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
        shown = self.get_cell(row_key, column_key)
        if same_text(shown, value):
            return
        span = None if update_width else changed_span(shown, value)
        if span is not None and self._draw_changed_characters(row_key, column_index, value, span):
            return
        self._one_cell = not update_width
        try:
            super().update_cell(row_key, column_key, value, update_width=update_width)
        finally:
            self._one_cell = False
        if not update_width:
            self.refresh_coordinate(Coordinate(self.get_row_index(row_key), column_index))

    def _draw_changed_characters(
        self, row_key: RowKey | str, column_index: int, value: Any, span: tuple[int, int]
    ) -> bool:
        """Put `value` in the cell and draw again only the characters that changed
        (`span`, in cells from the cell's text start), keeping every other cell's
        rendering cached; False (nothing done) if the text would not sit where it did.

        Textual's update_cell counts an update that makes every cached cell, row and
        line stale: each tick rendered every cell of each row whose wait moved. Here
        only the cached renderings of this cell, its row and its lines are dropped."""
        row_key = RowKey(row_key) if isinstance(row_key, str) else row_key
        column = self.ordered_columns[column_index]
        inner = column.get_render_width(self) - 2 * self.cell_padding
        if self.rows[row_key].height != 1 or cell_len(value.plain) > inner:
            return False
        if value.justify not in (None, "default", "left"):
            return False
        self._data[row_key][column.key] = value
        row_index = self.get_row_index(row_key)
        self._forget_drawn(row_key, row_index, column.key)
        cell = self._get_cell_region(Coordinate(row_index, column_index))
        start, end = span
        self._refresh_region(Region(cell.x + self.cell_padding + start, cell.y, end - start, 1))
        return True

    def _forget_drawn(self, row_key: RowKey, row_index: int, column_key: ColumnKey) -> None:
        """Drop what Textual cached of drawing this cell: the cell, its row's renderables
        and renderings, and the table lines it is on (keys as in Textual 8's
        DataTable: tests/app/test_textual_fixes.py checks they still are)."""
        row = self._get_row_region(row_index)
        caches: tuple[tuple[Any, Callable[[Any], bool]], ...] = (
            (self._cell_render_cache, lambda k: k[0] == row_key and k[1] == column_key),
            (self._row_render_cache, lambda k: k[0] == row_key),
            (self._row_renderable_cache, lambda k: k[1] == row_index),
            (self._line_cache, lambda k: row.y <= k[0] < row.bottom),
        )
        for cache, stale in caches:
            for key in [k for k in cache.keys() if stale(k)]:  # noqa: SIM118 (not a dict)
                cache.discard(key)

    def refresh(self, *regions: Region, **options: Any) -> Self:
        if self._one_cell:  # update_cell's whole-table refresh: its cell's follows
            return self
        return super().refresh(*regions, **options)

    def clear(self, columns: bool = False) -> Self:
        if columns:
            self._lines.clear()
        self.gone = None  # another list: nothing of the last one to stand in for
        return super().clear(columns)

    # The row the cursor was on when a reload (`refill`) took it from the list, until
    # the cursor moves: the row under the cursor then is one the worker never chose.
    gone: str | None = None

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor (None in an empty table)."""
        if not self.row_count:
            return None
        row = min(max(self.cursor_row, 0), self.row_count - 1)
        return self.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value

    def refill(self, rows: Iterable[tuple[str, Sequence[CellType]]]) -> None:
        """The rows again, as a reload finds them: the cursor stays on its row wherever
        it now sorts. A row gone from the list leaves the cursor at its place (not at
        the top), with `gone` set until the worker moves it: see `chosen_key`."""
        was, index, gone = self.cursor_key, self.cursor_row, self.gone
        self.clear()
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if gone is not None and gone in self.rows:  # the worker's row is back
            was, gone = gone, None
        if was is not None and was in self.rows:
            self.move_cursor(row=self.get_row_index(was))
        elif was is not None:
            gone = gone or was
            if self.row_count:
                self.move_cursor(row=min(max(index, 0), self.row_count - 1))
        self.gone = gone  # after the moves, which forget it (watch_cursor_coordinate)

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        if old != new:
            self.gone = None  # the worker has the cursor on a row of their own again

    def chosen_key(self) -> str | None:
        """The key of the row the worker chose: the cursor's, or None when a reload took
        that row away since the cursor last moved. The loss is then forgotten, so a
        screen says so once and the next key acts on the row now shown."""
        if self.gone is not None:
            self.gone = None
            return None
        return self.cursor_key


def changed_span(shown: Any, given: Any) -> tuple[int, int] | None:
    """Where one line of text `given` differs from `shown` when only characters
    changed, as [start, end) in cells; None when more changed (the length, a style,
    a line, a wide character) or nothing did."""
    if not (isinstance(shown, Text) and isinstance(given, Text)):
        return None
    old, new = shown.plain, given.plain
    if len(old) != len(new) or "\n" in old or "\n" in new:
        return None
    if shown.spans != given.spans or shown.style != given.style:
        return None
    if (shown.justify, shown.overflow, shown.no_wrap) != (
        given.justify,
        given.overflow,
        given.no_wrap,
    ):
        return None
    if cell_len(old) != len(old) or cell_len(new) != len(new):
        return None
    differ = [index for index, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    return (differ[0], differ[-1] + 1) if differ else None


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
