"""screens/kit/textual_fixes.py reaches into Textual's internals: these tests fail
when the Textual installed changes under a workaround, either way: the bug is
fixed (drop the workaround) or what the workaround relies on moved."""

from __future__ import annotations

from typing import Any

from ohjaaja.screens.handovers.shift import ShiftScreen
from ohjaaja.screens.kit.textual_fixes import (
    TEXTUAL_RENDER_SEGMENTS,
    TEXTUAL_SHOW_TOASTS,
    WATCHERS,
    Footer,
    KeysAsTyped,
    _render_only_the_spans,
    _show_without_empty_holders,
    forget_watchers_of_removed,
)
from rich.console import Console
from rich.control import Control
from rich.segment import Segment
from textual import widgets
from textual._compositor import ChopsUpdate
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.notifications import Notifications
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast, ToastHolder, ToastRack

from ohjaaja.usecases.desk import Desk
from tests.app.helpers import app_for, burst, keys, settle


class Other(Screen[None]):
    BINDINGS = [Binding("x", "nothing", "Nothing")]

    def compose(self) -> ComposeResult:
        yield widgets.Label("other")


def footer_app(footer: type[TextualFooter]) -> App[None]:
    class FooterApp(App[None]):
        BINDINGS = [Binding("a", "one", "A"), Binding("b", "two", "B")]

        def compose(self) -> ComposeResult:
            yield footer(compact=True, show_command_palette=False)

    return FooterApp()


async def visits(footer: type[TextualFooter]) -> tuple[int, int]:
    """(watchers of the footer's `compact`, its keys now) after ten screen visits."""
    app = footer_app(footer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(10):
            await app.push_screen(Other())
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
        await pilot.pause()
        shown = app.screen.query_one(TextualFooter)
        watchers = getattr(shown, WATCHERS)["compact"]
        return len(watchers), len(shown.query(FooterKey))


async def test_textual_s_footer_still_keeps_its_old_keys() -> None:
    """Textual issue 6666. When this fails, Textual frees them itself: remove
    textual_fixes.Footer and use Textual's."""
    watchers, keys = await visits(TextualFooter)
    assert keys == 2
    assert watchers > keys


async def test_the_desk_s_footer_keeps_only_its_keys() -> None:
    watchers, keys = await visits(Footer)
    assert keys == 2
    assert watchers == keys


def a_chops_update() -> ChopsUpdate:
    """One line of ten cells in one chop from x=0; cells 6 to 8 are dirty."""
    return ChopsUpdate([{0: Strip([Segment("abcdefghij")])}], [(0, 6, 8)], [[10]])


def test_textual_still_writes_a_dirty_span_from_its_chop_s_start() -> None:
    """When this fails, Textual crops to the span itself: drop _render_only_the_spans."""
    written = TEXTUAL_RENDER_SEGMENTS(a_chops_update(), Console())
    assert "abcdefgh" in written


def test_only_the_dirty_span_is_written() -> None:
    written = _render_only_the_spans(a_chops_update(), Console())
    assert written == Control.move_to(6, 0).segment.text + "gh"
    assert "render_segments" in vars(ChopsUpdate)  # what write_only_the_dirty_spans replaces


async def test_the_data_table_caches_are_keyed_as_plain_datatable_forgets_them() -> None:
    """plain.DataTable._forget_drawn drops cached renderings by the places of the row
    and column keys in Textual's cache keys; if Textual changes them, this fails."""
    from ohjaaja.screens.kit.plain import DataTable
    from textual.widgets.data_table import ColumnKey, RowKey

    class TableApp(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

    app = TableApp()
    async with app.run_test(size=(40, 5)) as pilot:
        table = app.query_one(DataTable)
        table.add_column("a", width=4, key="a")
        table.add_row("x", key="r")
        await pilot.pause()
        cells = list(table._cell_render_cache.keys())
        assert any(k[0] == RowKey("r") and k[1] == ColumnKey("a") for k in cells), cells
        rows = list(table._row_render_cache.keys())
        assert any(k[0] == RowKey("r") for k in rows), rows
        renderables = list(table._row_renderable_cache.keys())
        assert any(k[1] == 0 for k in renderables), renderables
        lines = list(table._line_cache.keys())
        assert {k[0] for k in lines} >= {0, 1}, lines  # the header's line, the row's
        assert table._data[RowKey("r")][ColumnKey("a")] is not None


class Note(Screen[None]):
    def compose(self) -> ComposeResult:
        yield widgets.TextArea("")


async def text_areas_kept(prune: bool) -> int:
    """The app's watchers of its `theme` (one each TextArea) after ten visits of a
    screen with a TextArea; `prune`: as the desk's heartbeat does."""
    app = App[None]()
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(10):
            await app.push_screen(Note())
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
            if prune:
                forget_watchers_of_removed(app)
        return len(getattr(app, WATCHERS).get("theme", []))


async def test_textual_still_keeps_every_closed_text_area_by_the_app_s_theme() -> None:
    """Textual issue 6666 again: a TextArea watches the app's theme, which a desk never
    changes. When this fails, drop the desk's pruning of the app's watchers."""
    assert await text_areas_kept(prune=False) == 10


async def test_the_desk_keeps_no_closed_text_area() -> None:
    assert await text_areas_kept(prune=True) <= 1


async def test_a_desk_that_opens_the_shift_handover_all_shift_keeps_one_note(
    desk: Desk,
) -> None:
    """The soak's leak: each visit of the shift handover (s, Esc) left its note's
    TextArea in memory for good; the heartbeat lets them go."""
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(5):
            await keys(pilot, "s")
            assert isinstance(app.screen, ShiftScreen)
            await keys(pilot, "escape")
        app.heartbeat()
        await settle(pilot)
        assert len(getattr(app, WATCHERS).get("theme", [])) <= 1


async def empty_toast_holders(show: Any) -> int:
    """Empty holders left in a screen's rack once its toast's notice is gone (it timed
    out on the screen laid over this one), by ToastRack.show as `show`."""
    app = App[None]()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.notify("hello", timeout=60)
        await pilot.pause()
        rack = app.screen.get_child_by_type(ToastRack)
        assert len(rack.query(Toast)) == 1
        show(rack, Notifications())  # as when this screen is shown again
        await pilot.pause()
        return sum(1 for holder in rack.query(ToastHolder) if not holder.query(Toast))


async def test_textual_still_leaves_an_empty_holder_for_each_stale_toast() -> None:
    """When this fails, Textual removes the holder itself: drop
    show_toasts_without_empty_holders."""
    assert await empty_toast_holders(TEXTUAL_SHOW_TOASTS) == 1


async def test_the_desk_leaves_no_empty_toast_holder() -> None:
    assert await empty_toast_holders(_show_without_empty_holders) == 0


async def saved_after_a_burst(base: type[App[None]]) -> str:
    """What a priority F10 finds in the field when a note and F10 come in one burst
    (as keys reach the app from a slow link: all read at once, each posted)."""
    saved: list[str] = []

    class Form(base):  # type: ignore[misc,valid-type]
        BINDINGS = [Binding("f10", "save", "Save", priority=True)]

        def compose(self) -> ComposeResult:
            yield widgets.Input(id="note")

        def action_save(self) -> None:
            saved.append(self.query_one("#note", widgets.Input).value)

    app = Form()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(app, *"kesken", "f10")
        await pilot.pause()
        await pilot.pause()
    return saved[0]


async def test_textual_still_runs_a_priority_key_before_the_keys_typed_first() -> None:
    """When this fails, Textual keeps the order itself: remove KeysAsTyped."""
    assert await saved_after_a_burst(App) != "kesken"


async def test_the_desk_s_priority_keys_act_on_what_was_typed_before_them() -> None:
    assert await saved_after_a_burst(KeysAsTyped) == "kesken"


async def test_opening_a_screen_composes_its_footer_once(desk: Desk, monkeypatch: Any) -> None:
    """Textual composed the keys anew for each signal (six times for the shift
    handover); the same keys are not composed again, changed ones are (the list's
    key as the focus comes to it, F2's language)."""
    composed: list[str] = []
    textual_recompose = Footer.recompose

    async def counted(self: Footer) -> None:
        composed.append(type(self.screen).__name__)
        await textual_recompose(self)

    monkeypatch.setattr(Footer, "recompose", counted)
    desk.handovers.hand_over_shift("Yö oli rauhallinen")
    night = Desk(desk.database, desk.clock, "Yövuoro")
    app = app_for(night)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert composed == ["QueueScreen"]
        await keys(pilot, "s")
        assert composed[1:] == ["ShiftScreen"]
        footer = app.screen.query_one(Footer)
        assert "Kuittaa" not in " ".join(str(k.description) for k in footer.query(FooterKey))
        await keys(pilot, "tab")  # on the list: `a` acknowledges, and the footer says so
        assert "Kuittaa" in " ".join(str(k.description) for k in footer.query(FooterKey))
        composed.clear()
        await keys(pilot, "escape")
        assert composed == []  # the queue's keys are as they were
        await keys(pilot, "f2")
        footer = app.screen.query_one(Footer)
        assert "Nästa" in " ".join(str(k.description) for k in footer.query(FooterKey))
        assert composed == ["QueueScreen"]
    night.close()


async def acted_on_the_screen_opened(base: type[App[None]]) -> list[str]:
    """What a burst of `o` (opens a screen) and `x` (bound on that screen) does there:
    `x` was typed on the first screen, before the second was in front."""
    done: list[str] = []

    class Second(Screen[None]):
        BINDINGS = [Binding("x", "mark", "Mark")]

        def compose(self) -> ComposeResult:
            yield widgets.Label("second")

        def action_mark(self) -> None:
            done.append("x")

    class Opener(base):  # type: ignore[misc,valid-type]
        BINDINGS = [Binding("o", "open", "Open")]

        def compose(self) -> ComposeResult:
            yield widgets.Input(id="first")  # focused: keys go through it

        def action_open(self) -> None:
            self.push_screen(Second())

    app = Opener()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.set_focus(None)
        burst(app, *"ox")
        await pilot.pause()
        await pilot.pause()
        done.append(type(app.screen).__name__)
    return done


async def test_textual_still_runs_a_key_s_binding_on_a_screen_opened_after_it() -> None:
    """When this fails, Textual keeps a key to its screen: drop that part of KeysAsTyped."""
    assert await acted_on_the_screen_opened(App) == ["x", "Second"]


async def test_the_desk_s_keys_act_only_on_the_screen_they_were_typed_on() -> None:
    assert await acted_on_the_screen_opened(KeysAsTyped) == ["Second"]
