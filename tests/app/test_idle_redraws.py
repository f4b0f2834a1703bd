"""Pilot tests: an idle desk redraws only what changed. Every second the heartbeat
moves the clock; a thin terminal's link pays for every cell written, so a tick
redraws the wait times that changed (each its own cell), the title's clock once a
minute, and nothing when nothing changed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ohjaaja.screens.kit.plain import DataTable, Static
from ohjaaja.screens.kit.widgets import TitleBar
from ohjaaja.screens.queue.queue import QueueScreen
from rich.text import Text
from textual.renderables.styled import Styled
from textual.widget import Widget
from textual.worker import Worker
from textual.worker_manager import WorkerManager

from ohjaaja.domain.clock import FixedClock
from ohjaaja.usecases.desk import Desk
from tests.app.helpers import app_for, settle

Refreshes = dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]]


@contextmanager
def refreshes_of(widgets: dict[str, Widget]) -> Iterator[Refreshes]:
    """Every refresh that reaches Textual's Widget.refresh for each widget while in
    the block: (regions, options)."""
    seen: Refreshes = {name: [] for name in widgets}
    names = {id(widget): name for name, widget in widgets.items()}
    original = Widget.refresh

    def refresh(self: Widget, *regions: Any, **options: Any) -> Any:
        if id(self) in names:
            seen[names[id(self)]].append((regions, options))
        return original(self, *regions, **options)

    Widget.refresh = refresh  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        Widget.refresh = original  # type: ignore[method-assign]


def queue_widgets(screen: QueueScreen) -> dict[str, Widget]:
    return {
        "table": screen.query_one("#queue", DataTable),
        "title": screen.query_one("#title", TitleBar),
        "figures": screen.query_one("#figures", Static),
        "lines": screen.query_one("#lines", Static),
        "status": screen.query_one("#status", Static),
    }


async def test_a_tick_redraws_only_the_wait_cells_that_changed(
    desk: Desk, clock: FixedClock
) -> None:
    for line in ("ikaihmiset", "lapsiperheet", "mipa"):
        desk.contacts.receive("phone", line, "853")
        clock.advance(seconds=20)
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        with refreshes_of(queue_widgets(screen)) as seen:
            clock.advance(seconds=1)
            screen.clock_ticked(clock.now())
            await pilot.pause()
        # Three waits moved by a second: three regions, each the one character that
        # changed (1:00 -> 1:01); never the whole table, a row or a whole cell.
        assert len(seen["table"]) == 3, seen["table"]
        for regions, options in seen["table"]:
            assert len(regions) == 1 and not options.get("layout"), (regions, options)
            assert (regions[0].height, regions[0].width) == (1, 1), regions
        # The longest wait: its last character, without a layout of the screen.
        [(regions, options)] = seen["figures"]
        assert len(regions) == 1 and regions[0].width == 1 and not options.get("layout")
        assert seen["title"] == seen["lines"] == seen["status"] == []


async def test_a_tick_draws_again_only_the_cells_that_changed(
    desk: Desk, clock: FixedClock
) -> None:
    """The table's other cells come from its cache (a tick used to render every cell
    of every ticking row), and the rows drawn show the new waits beside the rest."""
    for line in ("ikaihmiset", "lapsiperheet", "mipa"):
        desk.contacts.receive("phone", line, "853")
        clock.advance(seconds=20)
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        table = screen.query_one("#queue", DataTable)
        before = [table.render_line(y).text for y in range(1, 4)]
        assert [line.split()[-1] for line in before] == ["1:00", "0:40", "0:20"]
        console = app.console
        rendered: list[Any] = []
        render_lines = console.render_lines

        def counted(*args: Any, **kwargs: Any) -> Any:
            if isinstance(args[0], Styled):  # a cell (its content is rendered within)
                rendered.append(args[0])
            return render_lines(*args, **kwargs)

        console.render_lines = counted  # type: ignore[method-assign]
        try:
            clock.advance(seconds=1)
            screen.clock_ticked(clock.now())
            await pilot.pause()
            after = [table.render_line(y).text for y in range(1, 4)]
        finally:
            console.render_lines = render_lines  # type: ignore[method-assign]
        assert len(rendered) == 3  # the three wait cells, each once
        assert after == [
            line.replace(old, new)
            for line, old, new in zip(
                before, ("1:00", "0:40", "0:20"), ("1:01", "0:41", "0:21"), strict=True
            )
        ]


async def test_a_tick_with_nothing_changed_redraws_nothing(desk: Desk, clock: FixedClock) -> None:
    desk.contacts.receive("phone", "ikaihmiset", "853")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        with refreshes_of(queue_widgets(screen)) as seen:
            screen.clock_ticked(clock.now())  # the same second again
            screen.show_data()  # the same data drawn again (the minute's reload)
            await pilot.pause()
        assert seen == {name: [] for name in seen}


async def test_the_minute_reload_with_the_same_queue_redraws_no_row(
    desk: Desk, clock: FixedClock
) -> None:
    for line in ("ikaihmiset", "lapsiperheet"):
        desk.contacts.receive("phone", line, "853")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        table = screen.query_one("#queue", DataTable)
        table.move_cursor(row=1)
        with refreshes_of(queue_widgets(screen)) as seen:
            screen.refresh_queue()  # what the timer does every minute
            await settle(pilot)
        assert seen["table"] == []
        assert table.cursor_row == 1
        # A new contact is a changed queue: drawn, the cursor on the same contact.
        desk.contacts.receive("phone", "ikaihmiset", "853")
        await settle(pilot)
        assert table.row_count == 3 and table.cursor_row == 1


async def test_the_title_clock_moves_once_a_minute(desk: Desk, clock: FixedClock) -> None:
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        title = screen.query_one("#title", TitleBar)
        with refreshes_of({"title": title}) as seen:
            for _ in range(59):
                clock.advance(seconds=1)
                screen.clock_ticked(clock.now())
            assert seen["title"] == []  # 10.00.59: still 10.00
            clock.advance(seconds=1)
            screen.clock_ticked(clock.now())
            assert len(seen["title"]) == 1  # 10.01


async def test_a_centred_or_right_aligned_text_is_drawn_whole() -> None:
    """Only a text drawn from its left edge has its characters where they are in the
    text: one centred or aligned right is redrawn whole (a narrow region there would
    leave the terminal showing the old characters)."""
    from textual.app import App, ComposeResult

    class Aligned(App[None]):
        CSS = "#centre { text-align: center; } #right { content-align: right top; }"

        def compose(self) -> ComposeResult:
            yield Static(Text("10:00"), id="left")
            yield Static(Text("10:00"), id="centre")
            yield Static(Text("10:00"), id="right")

    app = Aligned()
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.pause()
        widgets = {name: app.query_one(f"#{name}", Static) for name in ("left", "centre", "right")}
        with refreshes_of(dict(widgets)) as seen:
            for widget in widgets.values():
                widget.update(Text("10:01"))
        [(regions, _)] = seen["left"]
        assert regions and regions[0].width == 1
        for name in ("centre", "right"):
            assert all(not regions for regions, _ in seen[name]), seen[name]


async def test_an_idle_heartbeat_starts_no_worker_and_still_sees_another_s_write(
    desk: Desk, clock: FixedClock, monkeypatch: Any
) -> None:
    """The look for other processes' writes each second asks PRAGMA data_version on the
    UI thread when the connection is free: a worker thread for it every second was a
    fifth of an idle desk's CPU. A write by another connection is still told."""
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        app.heartbeat()  # the first look reloads once: writes since the desk opened
        await settle(pilot)
        started: list[str] = []
        add_worker = WorkerManager.add_worker

        def counted(self: WorkerManager, worker: Worker[Any], *args: Any, **kwargs: Any) -> None:
            started.append(worker.group)
            add_worker(self, worker, *args, **kwargs)

        monkeypatch.setattr(WorkerManager, "add_worker", counted)
        for _ in range(3):
            app.heartbeat()
            await settle(pilot)
        assert started == []
        other = Desk(desk.database, clock, "Toinen")
        other.contacts.receive("phone", "ikaihmiset", "853")
        app.heartbeat()
        await settle(pilot)
        assert queue.query_one("#queue", DataTable).row_count == 1
        other.close()
