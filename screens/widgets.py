"""Small widgets shared by the screens."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Footer, Label, Static

from ohjaaja.clock import local
from ohjaaja.i18n import t

WEEKDAYS = ("day.mon", "day.tue", "day.wed", "day.thu", "day.fri", "day.sat", "day.sun")


class T(Label):
    """A label whose text is a message key, re-rendered when the language changes."""

    def __init__(self, key: str, **kwargs: object) -> None:
        super().__init__(t(key), **kwargs)  # type: ignore[arg-type]
        self.key = key

    def retranslate(self) -> None:
        self.update(t(self.key))


class TitleBar(Static):
    """One line: the screen's title on the left, worker and local time on the right."""

    DEFAULT_CSS = """
    TitleBar { height: 1; background: $primary; color: $text; text-style: bold; }
    """

    def __init__(self, title_key: str, worker: str, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.title_key = title_key
        self.worker = worker
        self.extra = ""
        self.now: datetime | None = None

    def show(self, now: datetime, extra: str | None = None) -> None:
        self.now = now
        if extra is not None:
            self.extra = extra
        self.retranslate()

    def retranslate(self) -> None:
        left = f" ohjaaja · {t(self.title_key)}"
        if self.extra:
            left += f" · {self.extra}"
        right = self.worker
        if self.now is not None:
            moment = local(self.now)
            right += f" · {t(WEEKDAYS[moment.weekday()])} {moment:%d.%m. %H.%M} "
        width = max(self.size.width, 80)
        text = Text(left)
        text.append(" " * max(1, width - len(left) - len(right)))
        text.append(right)
        self.update(text)


def desk_footer() -> Footer:
    """The footer at 80 columns: compact, the palette key listed with the others."""
    return Footer(compact=True, show_command_palette=False)


def steady_cursors(node: Widget) -> None:
    """No blinking cursors: on a slow SSH link every blink is a screen update."""
    for widget in node.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]
