"""The idle benchmark's floor: a bare Textual app showing a label and a clock that
ticks every second (what any live screen costs at the least)."""

from __future__ import annotations

import time

from textual.app import App, ComposeResult
from textual.widgets import Label


class ClockApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("ohjaaja")
        yield Label(time.strftime("%H:%M:%S"), id="clock")

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        self.query_one("#clock", Label).update(time.strftime("%H:%M:%S"))


if __name__ == "__main__":
    ClockApp().run()
