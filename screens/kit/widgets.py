"""Small widgets shared by the screens."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from datetime import datetime
from typing import Any, Protocol

from ohjaaja.screens.kit.labels import channel_name, line_name, municipality_name, reason_text
from ohjaaja.screens.kit.plain import DataTable, Label, OptionList, Static
from ohjaaja.screens.kit.textual_fixes import Footer
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.strip import Strip
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, SelectionList
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist
from textual.widgets.select import InvalidSelectValueError

from ohjaaja.domain.clock import local
from ohjaaja.domain.reasons import Reason
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


class Said(Static):
    """A line that tells the worker something (a status, a field's error) and tells it
    again in the new language after F2: it keeps how the text is written (a message
    key and its parameters, or a function), not the text. DeskScreen.retranslate
    rewrites every one."""

    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self._write: Callable[[], str] | None = None

    def show(self, write: Callable[[], str] | None) -> None:
        """Show what `write` returns, now and after each switch; None: nothing."""
        super().update(write() if write is not None else "")
        self._write = write

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """Show a text as it is (data, not a message): the same in every language."""
        super().update(content, layout=layout)
        self._write = None

    def say(self, key: str, /, **params: object) -> None:
        self.show(lambda: t(key, **params))

    def warn(self, key: str, /, **params: object) -> None:
        self.show(lambda: f"⚠ {t(key, **params)}")

    def flag(self, key: str | None) -> None:
        """A field's error by its message key (None: the field is right)."""
        self.show(None if key is None else lambda: f"⚠ {t(key)}")

    def flag_why(self, why: Reason | None) -> None:
        """A field's error with its reason (None: the field is right)."""
        self.show(None if why is None else lambda: f"⚠ {reason_text(why)}")

    def clear(self) -> None:
        self.show(None)

    def retranslate(self) -> None:
        if self._write is not None:
            super().update(self._write())


class TitleBar(Static):
    """One line: the screen's title on the left, worker and local time on the right.

    On a training desk it is the training banner as well: it begins with TRAINING
    (KOULUTUS, ÖVNING) in reverse, seen at 16 colours and without colour, and says
    whether the shift's clock is paused or at what speed it runs; the time on the
    right is then the shift's simulated time (the desk's clock)."""

    DEFAULT_CSS = """
    TitleBar { height: 1; background: $primary; color: $text; text-style: bold; }
    TitleBar.-training { background: $warning; color: $background; }
    """

    def __init__(self, title_key: str | None, worker: str, **kwargs: object) -> None:
        super().__init__("", **kwargs)
        self.title_key = title_key
        self.worker = worker
        self.extra = ""
        self.now: datetime | None = None
        self._shown_clock: tuple[bool | None, float | None] = (None, None)

    def on_mount(self) -> None:
        self.set_class(self.training, "-training")

    @property
    def training(self) -> bool:
        return bool(getattr(desk_of(self), "training", False))

    def _clock_state(self) -> tuple[bool | None, float | None]:
        """(paused, speed) of a shift's clock; (None, None) for a clock of real time."""
        clock = getattr(desk_of(self), "clock", None)
        paused = getattr(clock, "paused", None)
        speed = getattr(clock, "speed", None)
        return (None if paused is None else bool(paused)), (None if speed is None else float(speed))

    def show(self, now: datetime, extra: str | None = None) -> None:
        self.now = now
        if extra is not None:
            self.extra = extra
        self.retranslate()

    def tick(self, now: datetime) -> None:
        """The clock moves: drawn again only when the minute shown (or a shift's pause
        or speed) changes."""
        state = self._clock_state() if self.training else (None, None)
        if (
            self.now is None
            or local(now).strftime("%d%H%M") != local(self.now).strftime("%d%H%M")
            or state != self._shown_clock
        ):
            self.show(now)

    def banner(self) -> str:
        """TRAINING and the shift's state: ' KOULUTUS ‖ tauko ', ' KOULUTUS ▶ 10× '
        (one-cell signs: ⏸ is two cells wide in some terminals)."""
        paused, speed = self._clock_state()
        self._shown_clock = (paused, speed)
        text = f" {t('training.banner')}"
        if paused:
            text += f" ‖ {t('training.paused')}"
        elif speed is not None:
            text += f" ▶ {speed:g}×"
        return text + " "

    def retranslate(self) -> None:
        width = max(self.size.width, 80)
        training = self.training
        self.set_class(training, "-training")
        banner = self.banner() if training else ""
        # What gives way when it is long: the program's name, then the worker's
        # first names, then the weekday; the training banner, the title and what it
        # is about stay.
        for short_name, short_worker, weekday in (
            (False, False, True),
            (True, False, True),
            (True, True, True),
            (True, True, False),
        ):
            title = t(self.title_key) if self.title_key else ""
            left = f" {title}" if short_name or banner else f" ohjaaja · {title}"
            if self.extra:
                left += f" · {self.extra}"
            right = self.worker.split()[0] if short_worker and self.worker else self.worker
            if self.now is not None:
                moment = local(self.now)
                day = f"{t(WEEKDAYS[moment.weekday()])} " if weekday else ""
                right += f" · {day}{moment:%d.%m. %H.%M} "
            if len(banner) + len(left) + len(right) + 1 <= width:
                break
        room = width - len(banner) - len(right) - 1
        if len(left) > room:
            left = left[: room - 1] + "…"
        text = Text()
        text.append(banner, style="reverse bold")
        text.append(left)
        text.append(" " * max(1, width - len(banner) - len(left) - len(right)))
        text.append(right)
        self.update(text)


def desk_of(widget: Widget) -> Any:
    """The desk of the widget's screen (a dialog without one: the app's), or None."""
    if not widget.is_attached:
        return None
    return getattr(widget.screen, "desk", None) or getattr(widget.app, "desk", None)


class TrainingBanner(TitleBar):
    """The training banner on a screen without a title bar of its own (a dialog, the
    help): docked at the top, over the title bar of the screen beneath."""

    DEFAULT_CSS = """
    TrainingBanner { dock: top; width: 100%; }
    """

    def __init__(self, worker: str) -> None:
        super().__init__(None, worker, id="training-banner")

    def on_mount(self) -> None:
        super().on_mount()
        desk = desk_of(self)
        if desk is not None:
            self.show(desk.clock.now())


class SearchBox(Input):
    """A search-as-you-type box whose Down and Up move its results' cursor while the
    focus stays here (typing on refines the search), and whose Enter picks the
    highlighted result, as Enter on the list does. Only results of the text now in
    the box are picked (the screen says which text it shows results for, `showing`);
    Enter while they are still of an earlier text moves into them instead."""

    BINDINGS = [
        Binding("down", "move_cursor(1)", show=False),
        Binding("up", "move_cursor(-1)", show=False),
    ]

    def __init__(self, results: str, **kwargs: Any) -> None:
        super().__init__(compact=True, **kwargs)
        self.results = results
        self._shown_for: str | None = None

    def showing(self, text: str) -> None:
        """The results now shown were searched for `text`."""
        self._shown_for = text

    def _target(self) -> DataTable[Any] | OptionList | None:
        """The results, when there are any."""
        target = self.screen.query_one(f"#{self.results}")
        if isinstance(target, DataTable) and target.row_count:
            return target
        if isinstance(target, OptionList) and target.option_count:
            return target
        return None

    def action_move_cursor(self, step: int) -> None:
        target = self._target()
        if isinstance(target, OptionList) and target.highlighted is None:
            target.highlighted = 0
        elif target is not None:
            target.action_cursor_down() if step > 0 else target.action_cursor_up()

    async def action_submit(self) -> None:
        target = self._target()
        if target is None or self._shown_for != self.value:
            await super().action_submit()
        elif isinstance(target, DataTable):
            target.action_select_cursor()
        else:
            target.action_select()


def when(moment: datetime | None) -> str:
    """A moment as a worker reads it on a list: '23.11. 10.05'."""
    return "—" if moment is None else f"{local(moment):%d.%m. %H.%M}"


class Summarised(Protocol):
    @property
    def line_code(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def municipality_code(self) -> str | None: ...
    @property
    def received_at(self) -> datetime: ...
    @property
    def caller_phone(self) -> str | None: ...


def contact_summary(c: Summarised) -> str:
    """Which contact, in one line: 'Ikäihmiset · Puhelu · Turku · 23.11. 10.05 · 040 ...'."""
    from ohjaaja.domain.phones import display_phone  # phonenumbers: loaded when first shown

    which = [line_name(c.line_code), channel_name(c.channel),
             municipality_name(c.municipality_code), when(c.received_at)]  # fmt: skip
    if c.caller_phone:
        which.append(display_phone(c.caller_phone))
    return " · ".join(which)


def desk_footer() -> Footer:
    """The footer at 80 columns: compact, the palette key listed with the others."""
    return Footer(compact=True, show_command_palette=False)


def steady_cursors(node: Widget) -> None:
    """No blinking cursors: on a slow SSH link every blink is a screen update."""
    for widget in node.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]


Options = Callable[[], list[tuple[str, str]]]  # (label in the worker's language, value)


def coded(prefix: str, codes: Iterable[str]) -> Options:
    """Options for codes, each labelled by its message `<prefix>.<code>`."""
    listed = tuple(codes)
    return lambda: [(t(f"{prefix}.{code}"), code) for code in listed]


class Choice(Select[str]):
    """A compact Select whose options a function writes in the worker's language,
    written again after F2 with the choice kept; without a value it may be blank
    (the prompt, a message key, names the blank)."""

    def __init__(
        self,
        options: Options,
        widget_id: str,
        value: str | None = None,
        *,
        allow_blank: bool | None = None,
        prompt_key: str | None = None,
    ) -> None:
        super().__init__(
            options(),
            value=value if value else Select.NULL,
            id=widget_id,
            compact=True,
            # "" is no value too: a blank Select that may not be blank shows its first option.
            allow_blank=not value if allow_blank is None else allow_blank,
            prompt=t(prompt_key) if prompt_key else "—",
        )
        self.write_options = options
        self.prompt_key = prompt_key

    def retranslate(self) -> None:
        chosen = self.value
        with self.prevent(Select.Changed):  # the same choice: nothing to react to
            self.set_options(self.write_options())
            if chosen is not Select.NULL:
                with suppress(InvalidSelectValueError):  # no longer offered
                    self.value = chosen
            # Shown in the new words even when unmoved (Select's reactive is generic).
            self.mutate_reactive(Select.value)  # type: ignore[misc]
        if self.prompt_key:
            self.prompt = t(self.prompt_key)


def choice(options: Options, widget_id: str, value: str | None = None) -> Choice:
    """A compact Select; with a value it cannot be left blank."""
    return Choice(options, widget_id, value)


class Tick(Checkbox):
    """A tick box whose label is a message key (said again after F2) and whose state
    is in its text, [x] or [ ], not only in a colour (16 colours, NO_COLOR)."""

    def __init__(
        self,
        label_key: str,
        value: bool = False,
        *,
        said: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(t(label_key, **(said or {})), value, compact=True, **kwargs)
        self.label_key = label_key
        self.said = said or {}  # the label's parameters (a date), kept for F2

    @property
    def _button(self) -> Content:
        return Content.assemble("[", ("x" if self.value else " ", "bold"), "]")

    def retranslate(self) -> None:
        self.label = t(self.label_key, **self.said)


class TickList(SelectionList[str]):
    """A SelectionList whose boxes read [x] and [ ] without colour (16 colours, NO_COLOR).
    With `labels` (value -> label in the worker's language) its labels are written
    again after F2, the ticks kept."""

    def __init__(
        self, *selections: Any, labels: Callable[[str], str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*selections, **kwargs)
        self.labels = labels

    def retranslate(self) -> None:
        if self.labels is None:
            return
        for index in range(self.option_count):
            label = self.labels(self.get_option_at_index(index).value)
            self.replace_option_prompt_at_index(index, label)

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


class FieldError(Said):
    """A field's error on its own line below the field, as long as the message
    needs (it wraps, never cut); no line at all while there is no error. Told
    again in the new language after F2, as every Said is."""

    DEFAULT_CSS = """
    FieldError { display: none; height: auto; }
    """

    def show(self, write: Callable[[], str] | None) -> None:
        super().show(write)
        self.display = write is not None

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
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


def show_field_errors(
    screen: Widget, fields: Sequence[str], errors: Mapping[str, str | Reason]
) -> bool:
    """Each field's error below it (a message key, or a Reason with its parameters),
    or nothing; with any, the count on the form's status line and the focus on the
    first bad field as the form shows them (`fields` in screen order), so that what
    is typed next goes where the worker looks. All of it is told again after F2.
    True when there were errors."""
    for name in fields:
        why = errors.get(name)
        line = screen.query_one(f"#error-{name}", Said)
        if isinstance(why, Reason):
            line.flag_why(why)
        else:
            line.flag(why)
    if not errors:
        return False
    screen.query_one("#form-status", Said).say("form.fix_fields", count=len(errors))
    first = next((name for name in fields if name in errors), None)
    if first is not None:
        screen.query_one(f"#{first}").focus()
    return True


# Every widget that writes its text again after F2 (DeskScreen.retranslate).
RETRANSLATED: tuple[type[Any], ...] = (T, Said, TitleBar, Choice, Tick, TickList)
