"""Small widgets shared by the screens."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ohjaaja.screens.kit.plain import DataTable, Label, OptionList, Static
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Footer, Input, Select, SelectionList
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist

from ohjaaja.domain.clock import local
from ohjaaja.i18n import t

# Forms: up and down move between fields as in the web forms workers know (a
# list, once opened, keeps its own up and down).
FORM_KEYS = [
    Binding("down", "app.focus_next", show=False),
    Binding("up", "app.focus_previous", show=False),
]

WEEKDAYS = ("day.mon", "day.tue", "day.wed", "day.thu", "day.fri", "day.sat", "day.sun")


class T(Label):
    """A label whose text is a message key, re-rendered when the language changes."""

    def __init__(self, key: str, **kwargs: object) -> None:
        super().__init__(t(key), **kwargs)
        self.key = key

    def retranslate(self) -> None:
        self.update(t(self.key))


class TitleBar(Static):
    """One line: the screen's title on the left, worker and local time on the right."""

    DEFAULT_CSS = """
    TitleBar { height: 1; background: $primary; color: $text; text-style: bold; }
    """

    def __init__(self, title_key: str, worker: str, **kwargs: object) -> None:
        super().__init__("", **kwargs)
        self.title_key = title_key
        self.worker = worker
        self.extra = ""
        self.now: datetime | None = None

    def show(self, now: datetime, extra: str | None = None) -> None:
        self.now = now
        if extra is not None:
            self.extra = extra
        self.retranslate()

    def tick(self, now: datetime) -> None:
        """The clock moves: drawn again only when the minute shown changes."""
        if self.now is None or local(now).strftime("%d%H%M") != local(self.now).strftime("%d%H%M"):
            self.show(now)

    def retranslate(self) -> None:
        width = max(self.size.width, 80)
        # What gives way when it is long: the program's name, then the worker's
        # first names, then the weekday; the title and what it is about stay.
        for short_name, short_worker, weekday in (
            (False, False, True),
            (True, False, True),
            (True, True, True),
            (True, True, False),
        ):
            left = f" {t(self.title_key)}" if short_name else f" ohjaaja · {t(self.title_key)}"
            if self.extra:
                left += f" · {self.extra}"
            right = self.worker.split()[0] if short_worker and self.worker else self.worker
            if self.now is not None:
                moment = local(self.now)
                day = f"{t(WEEKDAYS[moment.weekday()])} " if weekday else ""
                right += f" · {day}{moment:%d.%m. %H.%M} "
            if len(left) + len(right) + 1 <= width:
                break
        room = width - len(right) - 1
        if len(left) > room:
            left = left[: room - 1] + "…"
        text = Text(left)
        text.append(" " * max(1, width - len(left) - len(right)))
        text.append(right)
        self.update(text)


class SearchBox(Input):
    """A search-as-you-type box: Down (like Enter) moves into its results, so the
    arrows alone walk from typing to choosing."""

    BINDINGS = [Binding("down", "to_results", show=False)]

    def __init__(self, results: str, **kwargs: Any) -> None:
        super().__init__(compact=True, **kwargs)
        self.results = results

    def action_to_results(self) -> None:
        target = self.screen.query_one(f"#{self.results}")
        rows = target.row_count if isinstance(target, DataTable) else None
        if isinstance(target, OptionList):
            rows = target.option_count
        if rows:
            target.focus()


def when(moment: datetime | None) -> str:
    """A moment as a worker reads it on a list: '23.11. 10.05'."""
    return "—" if moment is None else f"{local(moment):%d.%m. %H.%M}"


def desk_footer() -> Footer:
    """The footer at 80 columns: compact, the palette key listed with the others."""
    return Footer(compact=True, show_command_palette=False)


def steady_cursors(node: Widget) -> None:
    """No blinking cursors: on a slow SSH link every blink is a screen update."""
    for widget in node.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]


class TickList(SelectionList[str]):
    """A SelectionList whose boxes read [x] and [ ] without colour (16 colours, NO_COLOR)."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if len(segments) < 3 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip
        plain = segments[3].style if len(segments) > 3 else segments[0].style
        mark = "x" if option.value in self._selected else " "
        segments[0] = Segment("[", plain)
        segments[1] = Segment(mark, (plain or Style()) + Style(bold=True))
        segments[2] = Segment("]", plain)
        return Strip(segments, strip.cell_length)


class FieldError(Static):
    """A field's error on its own line below the field, as long as the message
    needs (it wraps, never cut); no line at all while there is no error."""

    DEFAULT_CSS = """
    FieldError { display: none; height: auto; }
    """

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        super().update(content, layout=layout)
        self.display = bool(str(content))


class FieldLine(Vertical):
    """A field's row and its error line: focusing the field brings both into view,
    so the error of the field the worker is on is never scrolled away."""

    def on_descendant_focus(self) -> None:
        self.call_after_refresh(self.scroll_visible, animate=False)


def field_row(
    label_key: str, widget: Widget, error_id: str | None = None, *, tall: bool = False
) -> Widget:
    """One form line: a translated label and the input the rest of the line wide,
    and below it the line where its error is shown (`tall`: a list of several lines)."""
    classes = "field tall" if tall else "field"
    row = Horizontal(T(label_key, classes="label"), widget, classes=classes)
    if error_id is None:
        return row
    return FieldLine(row, FieldError("", id=error_id, classes="error"), classes="field-block")


def field_line(widget: Widget) -> Widget:
    """The whole form line of a field made by field_row: its row and its error line."""
    for line in widget.ancestors_with_self:
        if isinstance(line, Widget) and line.has_class("field-block"):
            return line
    return widget.parent if isinstance(widget.parent, Widget) else widget


def choice(options: list[tuple[str, str]], widget_id: str, value: str | None = None) -> Select:
    """A compact Select; with a value it cannot be left blank."""
    return Select(
        options,
        value=value if value else Select.NULL,
        id=widget_id,
        compact=True,
        allow_blank=value is None,
        prompt="—",
    )


def show_field_errors(screen: Widget, fields: Sequence[str], errors: Mapping[str, str]) -> bool:
    """Each field's error (already in the worker's language) beside it, or nothing;
    with any, the count on the form's status line and the focus on the first bad
    field as the form shows them (`fields` in screen order), so that what is typed
    next goes where the worker looks. True when there were errors."""
    for name in fields:
        message = errors.get(name)
        screen.query_one(f"#error-{name}", Static).update(f"⚠ {message}" if message else "")
    if not errors:
        return False
    screen.query_one("#form-status", Static).update(t("form.fix_fields", count=len(errors)))
    first = next((name for name in fields if name in errors), None)
    if first is not None:
        screen.query_one(f"#{first}").focus()
    return True
