"""One timed start: `bare` draws a label; `desk DB` draws the queue from a database.

Prints JSON with the wall-clock time of the first complete draw (to compare with
the parent's time before it started the process) and the peak RSS in KiB.
"""

from __future__ import annotations

import json
import resource
import sys
import time


def report(kind: str) -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"kind": kind, "drawn_at": time.time(), "peak_rss_kib": peak}), flush=True)


def bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Label("ohjaaja")

        def on_mount(self) -> None:
            self.call_after_refresh(self.done)

        def done(self) -> None:
            report("bare")
            self.exit()

    Bare().run(headless=True, size=(80, 24))


def desk(database: str) -> None:
    from ohjaaja.screens.queue.queue import QueueScreen

    from ohjaaja.domain.clock import SystemClock
    from ohjaaja.shell.app import make_app
    from ohjaaja.shell.settings import Settings
    from ohjaaja.usecases.desk import Desk

    original = QueueScreen._apply

    def apply_then_stop(self: QueueScreen, data: object) -> None:
        original(self, data)  # type: ignore[arg-type]

        def done() -> None:
            report("desk")
            self.app.exit()

        self.call_after_refresh(done)

    QueueScreen._apply = apply_then_stop  # type: ignore[method-assign]
    the_desk = Desk(database, SystemClock(), "Bench")
    app = make_app(the_desk, Settings(database=database, worker_name="Bench"))  # type: ignore[arg-type]
    app.run(headless=True, size=(80, 24))


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        bare()
    else:
        desk(sys.argv[2])
