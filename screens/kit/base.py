"""What every screen is made of, once: its database work, its keys and texts in the
worker's language, and which of its keys apply now.

**Database work** never runs on the UI thread and always runs one way: in a method
decorated with `@db_work("what", group=...)`. Calling the method starts a thread
worker (`exit_on_error=False`) and returns at once; the method hands its results
back with `self.app.call_from_thread(...)`. When it raises, the desk keeps
running: the traceback goes to `ohjaaja-errors.log` beside the database
(ohjaaja.usecases.failures), and the worker is told in their language what failed
(`work.failed`, naming `work.<what>`). The app's own work (opening a contact, the
sync round, the demo's arrivals) runs the same way; tests/unit/test_layers.py
checks that nothing else starts a worker.

**Screens** are DeskScreen (a dialog: DeskModal). The base translates the key
bindings and steadies the cursors when the screen is mounted and retranslates
its bindings and every widget of screens/kit/widgets.py that writes its text
again (RETRANSLATED: labels, title bar, what it has told the worker, lists of
choices, tick boxes) when the language changes; a screen says what it adds
through hooks, not by overriding these:

- `mounted()`: once its widgets exist (focus, the first load);
- `retranslated()`: its own texts after a language switch (columns, placeholders,
  what it shows);
- `desk_changed()`: something was written, by this desk or another process on the
  file: reload what it shows (the app calls it at once for the screens in view, and
  on return for those beneath);
- `sync_changed()`: a sync round brought rows from the server (a colleague's
  work); by default what `desk_changed()` does (the app calls it at once after
  the round, for the screens in view; those beneath reload on return);
- `clock_ticked(now)`: every second while in view (the title's clock; a screen
  with running times moves them, redrawing only those);
- `ONLY_WHEN`: a key that applies only in some state, as {action: attribute}: the
  key shows and works while the attribute (a dotted path, e.g. "desk.is_admin")
  is true.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from functools import wraps
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, Concatenate, ParamSpec, TypeVar, cast

from ohjaaja.screens.kit.bindings import translate_bindings
from ohjaaja.screens.kit.overlays import watch_lists
from ohjaaja.screens.kit.plain import DataTable
from ohjaaja.screens.kit.widgets import (
    RETRANSLATED,
    TitleBar,
    TrainingBanner,
    desk_of,
    steady_cursors,
)
from textual._context import NoActiveAppError
from textual.app import App
from textual.css.query import NoMatches
from textual.screen import ModalScreen, Screen, ScreenResultType
from textual.widget import Widget
from textual.widgets._select import SelectOverlay
from textual.worker import Worker

from ohjaaja.i18n import t
from ohjaaja.usecases.desk import Desk
from ohjaaja.usecases.failures import Failure

if TYPE_CHECKING:
    _Base = Screen[Any]
else:
    _Base = object

P = ParamSpec("P")
Node = TypeVar("Node")
FAILURE_SECONDS = 20  # long enough to read a path aloud to support


def db_work(
    what: str, *, group: str, exclusive: bool = False
) -> Callable[[Callable[Concatenate[Node, P], None]], Callable[Concatenate[Node, P], Worker[None]]]:
    """Run the decorated method of a screen (or of the app) in a thread worker that
    catches what it raises. `what` names the work for the worker (work.<what>);
    `group` and `exclusive` are Textual's: an exclusive worker cancels its group's
    running one. The node has `desk`, whose failure log is written."""

    def decorate(
        method: Callable[Concatenate[Node, P], None],
    ) -> Callable[Concatenate[Node, P], Worker[None]]:
        @wraps(method)
        def start(node: Node, *args: P.args, **kwargs: P.kwargs) -> Worker[None]:
            # Found as the work starts: a screen closed while it runs no longer leads
            # to its app.
            app: App[Any] = node if isinstance(node, App) else node.app  # type: ignore[attr-defined]

            def run() -> None:
                try:
                    method(node, *args, **kwargs)
                except Exception as error:  # the desk goes on; the failure is kept and told
                    if not _closed(app, node, error):
                        report_failure(app, node, what, error)

            return node.run_worker(  # type: ignore[attr-defined]
                run, name=method.__name__, group=group, description=f"{what}: {method.__name__}",
                exit_on_error=False, exclusive=exclusive, thread=True,
            )  # fmt: skip

        # functools.wraps types its result as its own wrapper, not as `start`'s signature.
        return cast("Callable[Concatenate[Node, P], Worker[None]]", start)

    return decorate


def _closed(app: App[Any], node: Any, error: Exception) -> bool:
    """The work's answer had nowhere to go, and nothing failed: the desk was quit while
    it ran (Textual refuses the answer with a RuntimeError), or the work's screen was
    closed (a worker pressed Esc before the search answered: its widgets are gone, so
    a query finds nothing, and the screen no longer leads to the app)."""
    if not app.is_running:
        return isinstance(error, RuntimeError)
    gone = node is not app and not node.is_attached
    return gone and isinstance(error, (NoMatches, NoActiveAppError))


def report_failure(app: App[Any], node: Any, what: str, error: Exception) -> None:
    """In the worker's thread: written to the desk's error log, then told on the UI
    thread (once a minute for the same failure)."""
    desk: Desk = node.desk
    failure = desk.failures.record(what, desk.worker_name, error)
    if failure is None:
        return
    with suppress(RuntimeError):  # the app is closing: nobody to tell
        app.call_from_thread(tell_failure, app, failure)


def tell_failure(app: App[Any], failure: Failure) -> None:
    what = t(f"work.{failure.what}")
    if failure.log is None:
        message = t("work.failed_unlogged", what=what)
    else:
        message = t("work.failed", what=what, log=str(failure.log))
    app.notify(message, severity="error", timeout=FAILURE_SECONDS, markup=False)


class _DeskScreen(_Base):
    desk: Desk
    ONLY_WHEN: ClassVar[dict[str, str]] = {}
    stale = False  # written to while under another screen: reloaded when shown again

    def on_mount(self) -> None:
        translate_bindings(self)
        for overlay in self.query(SelectOverlay):  # Textual's: an open list's Esc
            translate_bindings(overlay)
        steady_cursors(self)
        watch_lists(self)
        self._training_banner()
        self.mounted()

    def _training_banner(self) -> None:
        """Every screen of a training desk says so: a screen without a title bar (a
        dialog, the help) gets the banner docked over the one beneath."""
        desk = desk_of(self)
        if desk is None or not desk.training or self.query(TitleBar):
            return
        self.mount(TrainingBanner(desk.worker_name))

    def mounted(self) -> None:
        """What the screen does once its widgets exist: focus, the first load."""

    def watch_focused(self, focused: Widget | None) -> None:
        """The field row holding the focus is marked (-focused: its label drawn in
        reverse, seen without colour); every other row is not."""
        rows = set() if focused is None else set(focused.ancestors_with_self)
        for row in self.query(".field"):
            row.set_class(row in rows, "-focused")

    def desk_changed(self) -> None:
        """Something was written (by this desk, or another process on the file): a
        screen that shows data reloads it, in its @db_work method."""

    def sync_changed(self) -> None:
        """A sync round changed rows this desk shows: by default a write's reload."""
        self.desk_changed()

    def clock_ticked(self, now: datetime) -> None:
        """Every second while in view: the title's clock moves; a screen showing
        times that run (a wait, a handling time) moves them, redrawing only those."""
        for bar in self.query(TitleBar):
            bar.tick(now)

    def on_screen_resume(self) -> None:
        if self.stale:
            self.stale = False
            self.desk_changed()

    def retranslate(self) -> None:
        """After a language switch (F2): called by the app for every open screen."""
        translate_bindings(self)
        for overlay in self.query(SelectOverlay):
            translate_bindings(overlay)
        for kind in RETRANSLATED:
            for widget in self.query(kind):
                widget.retranslate()
        self.retranslated()

    def retranslated(self) -> None:
        """The screen's own texts in the new language: columns, placeholders, data shown."""

    def chosen_row(self, table: DataTable[Any]) -> str | None:
        """The key of the row the worker chose on `table` for a key that acts on it;
        None if there is none, or if a reload took the chosen row from the list (a
        colleague was first): then the worker is told, and the next key acts."""
        had = table.gone
        key = table.chosen_key()
        if key is None and had is not None:
            self.notify(t("list.row_gone"), severity="warning", markup=False)
        return key

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        attribute = self.ONLY_WHEN.get(action)
        return True if attribute is None else bool(attrgetter(attribute)(self))


class DeskScreen(_DeskScreen, Screen[ScreenResultType]):
    """A full screen of the desk."""


class DeskModal(_DeskScreen, ModalScreen[ScreenResultType]):
    """A dialog over the screen beneath."""
