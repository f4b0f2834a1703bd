"""The app shell: the only module of the core that imports Textual.

`make_app` receives its services (the desk with its database and clock, the
settings, and for the demo an arrival simulator), so tests and the demo inject
their own.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec

from textual.app import App, SystemCommand
from textual.command import Provider
from textual.message import Message
from textual.screen import ModalScreen, Screen

from ohjaaja.i18n import LANGUAGES, get_language, set_language, t
from ohjaaja.screens import kit
from ohjaaja.screens.kit.base import db_work
from ohjaaja.screens.kit.bindings import action, help_text, translate_bindings
from ohjaaja.screens.kit.textual_fixes import (
    KeysAsTyped,
    forget_watchers_of_removed,
    show_toasts_without_empty_holders,
    write_only_the_dirty_spans,
)
from ohjaaja.shell.settings import Settings, remember_language
from ohjaaja.usecases.contacts import ContactView, LostClaim
from ohjaaja.usecases.desk import Desk

SYNC_EVERY_SECONDS = 10.0  # the safety net; live pokes bring changes at once
# While the event stream is live it carries the changes: the safety round runs once
# a minute (each round is two requests; a region's 1,000 desks made 200 a second).
SYNC_WHILE_FOLLOWING_SECONDS = 60.0
HEARTBEAT_SECONDS = 1.0
_NOT_LISTED = (
    "palette",
    "training_console",
    "reports",
)  # clocks and wait times move; other processes' writes are seen
FOLLOW_RETRY_SECONDS = 60.0

if TYPE_CHECKING:
    from ohjaaja.demo.simulator import ArrivalSimulator, Callers
    from ohjaaja.sync.client import SyncClient, SyncModeError, SyncReport, SyncStatus
    from ohjaaja.training.engine import Shift
    from ohjaaja.training.scenario import Scenario


P = ParamSpec("P")


def while_running(
    method: Callable[Concatenate[OhjaajaApp, P], None],
) -> Callable[Concatenate[OhjaajaApp, P], None]:
    """A method that a worker hands to the UI thread (call_from_thread) when its work
    ends: skipped once the app is closing. Textual takes every screen down before it
    stops taking calls from threads, so a sync round or a load that ends while the
    worker quits would find no screen (ScreenStackError, into the error log) or push
    one onto an app being taken down."""

    def call(app: OhjaajaApp, *args: P.args, **kwargs: P.kwargs) -> None:
        if app.is_running:
            method(app, *args, **kwargs)

    return wraps(method)(call)  # type: ignore[return-value]


CSS = Path(kit.__file__).resolve().parent / "ohjaaja.tcss"


class DeskWritten(Message):
    """This desk committed a write (posted from the writing thread)."""


def _training_commands() -> type[Provider]:
    from ohjaaja.shell.palette import TrainingCommands

    return TrainingCommands


def _reports_commands() -> type[Provider]:
    from ohjaaja.shell.palette import ReportsCommands

    return ReportsCommands


class OhjaajaApp(KeysAsTyped):
    CSS_PATH = CSS
    TITLE = "ohjaaja"
    COMMANDS = App.COMMANDS | {_training_commands, _reports_commands}
    BINDINGS = [
        action("help", "f1", "help", priority=True),
        # The footer at 80 columns holds a screen's own keys and F1; the keys that work
        # everywhere are listed in F1 and the palette (tests/app/test_keys.py).
        action("language", "f2", "cycle_language", priority=True, show=False),
        action("client_search", "f5", "client_search", priority=True, show=False),
        action("catalogue", "f7", "catalogue", priority=True, show=False),
        action("palette", "ctrl+p", "command_palette", show=False),
        # A desk that plays a shift (the trainer's, a trainee's alone): its console.
        action("training_console", "f11", "training_console", priority=True, show=False),
        # The reports mode (S for statistics in all three languages): the organiser's figures.
        action("reports", "ctrl+s", "reports", priority=True, show=False),
        action("quit", "ctrl+q", "quit", priority=True, show=False),
    ]

    def __init__(
        self,
        desk: Desk,
        settings: Settings,
        simulator: ArrivalSimulator | None = None,
        shift: Shift | None = None,
    ) -> None:
        # NO_COLOR (set at all, as Textual reads it): the terminal's own colours, then
        # none of them (Textual's NoColor filter; with RGB colours it would grey them).
        no_color = os.environ.get("NO_COLOR") is not None
        super().__init__(ansi_color=settings.ansi or no_color)
        if settings.ansi or no_color:
            from ohjaaja.screens.kit.colours import ANSI, PLAIN

            theme = PLAIN if no_color else ANSI
            self.register_theme(theme)
            self.theme = theme.name
        # No animations: a thin terminal's SSH link pays for every frame.
        self.animation_level = "none"
        write_only_the_dirty_spans()  # nor for cells that did not change
        show_toasts_without_empty_holders()
        self.desk = desk
        self.settings = settings
        self.simulator = simulator
        self.callers: Callers | None = None  # the demo's phone callers, each with a patience
        if simulator is not None:
            from ohjaaja.demo.simulator import Callers

            self.callers = Callers()
        self.shift = shift  # the training shift this desk plays (the trainer's console)
        self._advancing = False
        self.sync_status: SyncStatus | None = None
        self._sync: SyncClient | None = None
        self._sync_running = False
        self._sync_again = False
        self._mode_told = False  # a desk and a server of other modes: said once, not every round
        # The event stream opens after the first good round: opened beside it, its
        # pages from the same cursor would be the same rows sent twice.
        self._following = False
        self._stream_live = False  # the stream is open (a head came in it)
        self._last_round = 0.0  # time.monotonic() at the end of the last round
        self._preferences_lock = threading.Lock()
        set_language(settings.language)
        if settings.keymap:
            self.set_keymap(settings.keymap)
        desk.on_write(self._desk_wrote)

    def on_mount(self) -> None:
        from ohjaaja.screens.queue.queue import QueueScreen

        translate_bindings(self)
        self.push_screen(QueueScreen(self.desk, self.settings.lines))
        for key, params in self.settings.notices:
            self.notify(t(key, **params), timeout=20, markup=False)
        self.resume_open_contact()
        if self.shift is not None:
            self.action_training_console()
        self.set_interval(HEARTBEAT_SECONDS, self.heartbeat)
        if self.simulator is not None:
            self._schedule_arrival()
        if self.settings.server and self.settings.token:
            self.sync_round()
            self.set_interval(SYNC_EVERY_SECONDS, self.periodic_round)

    def on_app_focus(self) -> None:
        """In a browser (`ohjaaja serve`) the desk is focused when a tab connects to it,
        also a tab that comes back to it after a reload with a new, blank terminal:
        the whole screen is drawn again."""
        if self.is_web:
            self.screen.refresh()

    def on_unmount(self) -> None:
        if self._sync is not None:
            self._sync.close()

    # -- every write shows at once on every screen ---------------------------
    def _desk_wrote(self) -> None:
        """In the thread that wrote: the screens reload on the UI thread."""
        if self.is_running:
            self.post_message(DeskWritten())  # thread-safe

    def on_desk_written(self, _message: DeskWritten) -> None:
        self.desk_changed()
        if self.settings.server and self.settings.token:
            # Sent at once, not at the next periodic round: a colleague sees the claim,
            # a trainee the trainer's arrival, before the caller gives up. A burst of
            # writes makes one round and one more after it (sync_round).
            self.sync_round()

    def heartbeat(self) -> None:
        """Every second: the visible screens' clocks and wait times move (each redraws
        only what changed), and another process's writes are looked for. Not while
        the app closes: Textual takes the screens' widgets down while this timer can
        still fire."""
        if not self.is_running:
            return
        if self.shift is not None and not self._advancing:
            self._advancing = True  # one advance at a time: a slow one is not stacked
            self.advance_shift()
        now = self.desk.clock.now()
        if self.callers is not None:
            gone = self.callers.given_up(now)
            if gone:
                self._give_up(gone)
        for screen in self.visible_screens():
            ticked = getattr(screen, "clock_ticked", None)
            if ticked is not None:
                ticked(now)
        # Each TextArea watches the app's theme, which never changes here: Textual
        # would keep every note field of every form closed this shift (issue 6666).
        forget_watchers_of_removed(self)
        self._look_for_changes()

    @db_work("training_advance", group="training-shift")
    def advance_shift(self) -> None:
        """Every arrival and abandonment due by the shift's clock, in a worker: a
        failure is logged and told, and the next heartbeat tries again; the desk
        goes on."""
        assert self.shift is not None
        try:
            self.shift.advance()
        finally:
            with contextlib.suppress(RuntimeError):  # the app is closing
                self.call_from_thread(self._advanced)

    @while_running
    def _advanced(self) -> None:
        self._advancing = False
        for screen in self.visible_screens():
            advanced = getattr(screen, "shift_advanced", None)
            if advanced is not None:
                advanced()

    def action_training_console(self) -> None:
        """The shift's console, or back from it to the desk (F11). On a desk that plays
        no shift: how to start one."""
        from ohjaaja.screens.training.console import ConsoleScreen

        if self.shift is None:
            self.notify(t("training.how_to_start"), timeout=20, markup=False)
        elif isinstance(self.screen, ConsoleScreen):
            self.pop_screen()
        else:
            self.push_screen(ConsoleScreen(self.desk, self.shift))

    def _look_for_changes(self) -> None:
        """Another process's writes, looked for here when the connection is free (a
        worker thread for it every second was a fifth of an idle desk's CPU); in a
        worker when it is busy, or when a change must be read (a training shift's)."""
        changed = self.desk.changed_if_free()
        if changed is None or (changed and self.desk.training and self.shift is None):
            self._look_in_worker(changed)
        elif changed:
            self.desk_changed()

    @db_work("refresh", group="data-version", exclusive=True)
    def _look_in_worker(self, changed: bool | None) -> None:
        if changed or (changed is None and self.desk.has_changed()):
            if self.desk.training and self.shift is None:
                # A shift's clock changed (the trainer's pause, speed, step) or arrived.
                # Not on the desk that plays the shift: its clock is the source, and a
                # row read just before the trainer's key would put the old clock back.
                from ohjaaja.training.follow import follow_shift

                follow_shift(self.desk)
            self.call_from_thread(self.desk_changed)

    def visible_screens(self) -> list[Screen]:
        """The top screen, and beneath a dialog the screens it shows through to."""
        visible: list[Screen] = []
        for screen in reversed(self.screen_stack):
            if screen.is_mounted:  # one pushed a moment ago has no widgets yet
                visible.append(screen)
            if not isinstance(screen, ModalScreen):
                break
        return visible

    def desk_changed(self) -> None:
        """Something was written: the screens in view reload what they show, the
        others when they are shown again (DeskScreen.on_screen_resume)."""
        self._tell_screens("desk_changed")

    def sync_changed(self) -> None:
        """A sync round brought rows from the server (a colleague's work): told at
        once, not left to the heartbeat's look at PRAGMA data_version."""
        self._tell_screens("sync_changed")

    def _tell_screens(self, hook: str) -> None:
        if not self.is_running:
            return
        visible = self.visible_screens()
        for screen in self.screen_stack:
            if screen in visible:
                reload = getattr(screen, hook, None)
                if reload is not None:
                    reload()
            elif hasattr(screen, "stale"):
                screen.stale = True

    # -- navigation used by the screens ----------------------------------------
    def open_contact(self, contact_id: str) -> None:
        self._open_contact(contact_id)

    @db_work("open_contact", group="open-contact")
    def _open_contact(self, contact_id: str) -> None:
        contact = self.desk.contacts.contact(contact_id)
        self.call_from_thread(self.show_contact, contact)

    @while_running
    def show_contact(self, contact: ContactView, typed: str = "") -> None:
        """The contact's screen; `typed`, what the worker typed while it was on its
        way, is put in its first field."""
        from ohjaaja.screens.contact.contact import ContactScreen

        self.push_screen(ContactScreen(self.desk, contact, typed))

    def open_client_card(
        self, client_id: str, reason: str, done: Callable[[str | None], None] | None = None
    ) -> None:
        """The client's card for a screen that cannot import it without a cycle (the
        handover detail: the card opens the handover forms). The look is logged with
        `reason`."""
        from ohjaaja.screens.clients.client_card import ClientCardScreen

        self.push_screen(ClientCardScreen(self.desk, client_id, reason), done)

    @db_work("my_open", group="open-contact")
    def resume_open_contact(self) -> None:
        """After a restart (or with 'o'): first a contact another desk won that this
        worker has not yet seen, else back to the contact this worker left open."""
        lost = self.desk.contacts.lost_claims()
        if lost:
            self.call_from_thread(self._push_lost, lost[0])
            return
        open_contacts = self.desk.contacts.my_open_contacts()
        if open_contacts:
            self.call_from_thread(self.show_contact, open_contacts[0])

    @while_running
    def _push_lost(self, lost: LostClaim) -> None:
        from ohjaaja.screens.contact.contact import ContactScreen
        from ohjaaja.screens.queue.lost_claim import LostClaimScreen

        if isinstance(self.screen, ContactScreen) and self.screen.contact.id == lost.contact.id:
            self.pop_screen()  # the contact is another worker's now
        self.push_screen(LostClaimScreen(self.desk, lost), self._after_lost)

    def _after_lost(self, _seen: None) -> None:
        refresh = getattr(self.screen, "refresh_queue", None)
        if refresh is not None:  # the count of lost claims went down
            refresh()

    def open_debrief(self, shift_id: str, scenario: Scenario) -> None:
        """The after-action report of a training shift, with its replay."""
        from ohjaaja.screens.training.debrief import DebriefScreen

        self.push_screen(DebriefScreen(self.desk, shift_id, scenario))

    def log_contact(self) -> None:
        from ohjaaja.screens.queue.log_contact import LogContactScreen

        def opened(contact_id: str | None) -> None:
            if contact_id:
                self.open_contact(contact_id)

        self.push_screen(LogContactScreen(self.desk, self.settings.lines), opened)

    # -- app-wide actions --------------------------------------------------
    def action_help(self) -> None:
        from ohjaaja.screens.kit.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen(self.screen))

    def action_client_search(self) -> None:
        """F5 from anywhere; a screen with a better idea (the contact) overrides it."""
        from ohjaaja.screens.clients.client_search import ClientSearchScreen

        handler = getattr(self.screen, "action_client_search", None)
        if handler is not None:
            handler()
        elif not isinstance(self.screen, ClientSearchScreen):
            self.push_screen(ClientSearchScreen(self.desk))

    def action_catalogue(self) -> None:
        """F7 from anywhere; from a contact, the catalogue offers to that contact."""
        from ohjaaja.screens.catalogue.catalogue import CatalogueScreen

        handler = getattr(self.screen, "action_catalogue", None)
        if handler is not None:
            handler()
        elif not isinstance(self.screen, CatalogueScreen):
            self.push_screen(CatalogueScreen(self.desk))

    def action_reports(self) -> None:
        """The reports mode from anywhere; within it, back to its list of reports."""
        from ohjaaja.screens.reports.reports import ReportsScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, ReportsScreen):
                while self.screen is not screen:
                    self.pop_screen()
                return
        self.push_screen(ReportsScreen(self.desk))

    def action_cycle_language(self) -> None:
        following = LANGUAGES[(LANGUAGES.index(get_language()) + 1) % len(LANGUAGES)]
        self.switch_language(following)

    def switch_language(self, language: str) -> None:
        set_language(language)
        translate_bindings(self)
        for screen in self.screen_stack:
            retranslate = getattr(screen, "retranslate", None)
            if retranslate is not None:
                retranslate()
        self.notify(t("language.switched"))
        if self.settings.preferences is not None:
            self._remember_language(self.settings.preferences)

    @db_work("remember_language", group="preferences")
    def _remember_language(self, path: Path) -> None:
        """For the next start (a file in the home folder: not on the UI thread). The
        language as it is when the file is written: of quick switches, the last."""
        with self._preferences_lock:
            remember_language(path, self.settings.worker_name, get_language())

    def action_command_palette(self) -> None:
        """Textual's palette, its own words in the worker's language."""
        from ohjaaja.shell.palette import DeskPalette

        if self.use_command_palette and not isinstance(self.screen, DeskPalette):
            self.push_screen(DeskPalette())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action with an id in the command palette, in the current language."""
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            # The console is the palette's by TrainingCommands, found by any training word.
            if binding.id is None or binding.id in seen or binding.id in _NOT_LISTED:
                continue
            seen.add(binding.id)
            node = active.node
            yield SystemCommand(
                t(f"action.{binding.id}"),
                help_text(binding),
                lambda node=node, name=binding.action: self.run_action(name, node),
            )

    # -- sync with the shared server -----------------------------------------
    def periodic_round(self) -> None:
        """The safety round: every tick, or once a minute while the stream is live
        and the last round went through with nothing left to send (the stream tells
        of the server's changes, never whether this desk's got there)."""
        status = self.sync_status
        healthy = status is not None and status.online and not status.pending
        if (
            healthy
            and self._stream_live
            and time.monotonic() - self._last_round < SYNC_WHILE_FOLLOWING_SECONDS
        ):
            return
        self.sync_round()

    def sync_round(self) -> None:
        """Start a round, or, if one is running, one more right after it: a poke
        that arrives mid-round is never lost and rounds never overlap."""
        if self._sync_running:
            self._sync_again = True
            return
        self._sync_running = True
        self._sync_in_thread()

    @db_work("sync", group="sync")
    def _sync_in_thread(self) -> None:
        """Push and pull in the background; offline is a state, not an error. A fault
        of the desk's own (its database) is told and logged, and the next round runs."""
        try:
            status, report = self._sync_once()
        except Exception:
            self.call_from_thread(self._sync_done, self.sync_status, None)
            raise
        self.call_from_thread(self._sync_done, status, report)

    def _sync_once(self) -> tuple[SyncStatus, SyncReport | None]:
        from ohjaaja.sync.client import SyncClient, SyncModeError, SyncStatus

        assert self.settings.server and self.settings.token
        if self._sync is None:
            self._sync = SyncClient(
                self.desk.database, self.settings.server, self.settings.token, self.desk.clock
            )
        previous = self.sync_status
        report = None
        try:
            report = self._sync.sync_once()
        except Exception as exc:  # offline, refused, or a fault: a state, never the desk's end
            if isinstance(exc, SyncModeError) and not self._mode_told:
                self._mode_told = True
                self.call_from_thread(
                    self.notify, mode_notice(exc), severity="error", timeout=30, markup=False
                )
            status = SyncStatus(
                online=False,
                last_ok=previous.last_ok if previous else None,
                pending=self.desk.pending_changes(),
                error=str(exc),
                quarantined=previous.quarantined if previous else 0,
            )
        else:
            status = SyncStatus(
                True, self.desk.clock.now(), self.desk.pending_changes(),
                quarantined=report.quarantined,
            )  # fmt: skip
        return status, report

    def follow_server(self) -> None:
        """Live pokes: a sync round as soon as the server's head moves. The stream
        is read in a daemon thread (not a worker), so quitting never waits on it."""
        threading.Thread(target=self._follow, name="ohjaaja-follow", daemon=True).start()

    def _follow(self) -> None:
        from ohjaaja.sync.client import SyncClient

        assert self.settings.server and self.settings.token
        client = SyncClient(
            self.desk.database, self.settings.server, self.settings.token, self.desk.clock
        )

        def moved(head: int) -> None:
            self._stream_live = True
            # Desks on one file (a thin-terminal host's) all hear the head move; the
            # first round there pulls it for every one of them.
            if not client.pulled_to(head):
                self.call_from_thread(self.sync_round)

        def carried(page: dict[str, Any]) -> None:
            # The changes came in the stream: no request. A page not taken (another
            # process's turn, another cursor, a fault here) leaves it to the head.
            try:
                report = client.take_page(page)
            except Exception:
                return
            if report is not None:
                self.call_from_thread(self._stream_took, report.changed_rows)

        try:
            client.follow(moved, lambda: False, carried)
        except Exception:  # offline, closing, or a fault: never the end of following
            pass  # for the shift; the periodic round covers the gap, then follow again
        finally:
            self._stream_live = False  # the round every tick again
            client.close()
        if not self.is_running:  # closing: a call into a closed loop leaves a coroutine
            return
        with contextlib.suppress(RuntimeError):  # the app may be gone even so
            self.call_from_thread(self.set_timer, FOLLOW_RETRY_SECONDS, self.follow_server)

    @while_running
    def _stream_took(self, changed: bool) -> None:
        """A page from the stream was taken: the desk is as current as a round would
        make it (the status line's time says so), and the screens reload if it
        brought rows."""
        status = self.sync_status
        if status is not None and status.online:
            self.sync_status = replace(status, last_ok=self.desk.clock.now())
            self._show_sync_state()
        if changed:
            self.sync_changed()

    @while_running
    def _sync_done(self, status: SyncStatus | None, report: SyncReport | None) -> None:
        self.sync_status = status
        self._sync_running = False
        self._last_round = time.monotonic()
        if status is not None and status.online and not self._following:
            self._following = True
            self.follow_server()
        if self._sync_again:
            self._sync_again = False
            self.sync_round()
        if report is not None:
            for message in sync_notices(report):
                self.notify(message, severity="warning", timeout=15, markup=False)
            if report.lost_claims:
                self.resume_open_contact()  # shown at once: the worker may be on it
            if report.changed_rows:
                self.sync_changed()
        self._show_sync_state()

    def _show_sync_state(self) -> None:
        refresh = getattr(self.screen, "show_sync_state", None)  # in its status line
        if refresh is not None:
            refresh()

    # -- the demo's arrivals ---------------------------------------------------
    @while_running
    def _schedule_arrival(self) -> None:
        assert self.simulator is not None
        gap = self.simulator.gap_after(self.desk.clock.now())
        self.set_timer(gap.total_seconds(), self._arrive)

    @db_work("demo_arrival", group="simulator")
    def _arrive(self) -> None:
        assert self.simulator is not None
        arrival = self.simulator.arrival(self.desk.clock.now())
        contact_id = self.desk.contacts.receive(
            arrival.channel,
            arrival.line,
            arrival.municipality_code,
            arrival.language,
            arrival.caller_phone,
            received_at=arrival.received_at,
        )
        assert self.callers is not None
        self.callers.waiting(contact_id, arrival)
        self.call_from_thread(self._schedule_arrival)

    @db_work("demo_give_up", group="simulator-callers")
    def _give_up(self, gone: list[tuple[str, datetime]]) -> None:
        """Callers whose patience ran out hang up: abandoned, unless someone took them."""
        for contact_id, at in gone:
            self.desk.contacts.abandon(contact_id, at)


def mode_notice(exc: SyncModeError) -> str:
    """Why this desk does not sync with its server, in the worker's language."""
    if exc.mine != exc.theirs:
        key = "sync.mode_training_desk" if exc.mine == "training" else "sync.mode_client_desk"
    else:
        key = "sync.mode_demo"
    return t(key, file=str(exc.database))


def sync_notices(report: SyncReport) -> list[str]:
    """What a worker is told after a round: what the server refused that changed
    what they see, once per kind. A lost claim opens its own dialog instead."""
    notices = [t("sync.note_kept")] if report.kept_notes else []
    notices += [t("sync.client_merged", name=name) for name in report.merged_names]
    told = {("contact.claim", "taken"), ("client.create", "hetu_taken")}
    if report.kept_notes:
        told.add(("contact.close", "not_yours"))
    counts = Counter(refusal for refusal in report.refusals if refusal not in told)
    notices += [
        t("sync.refused", what=_known(f"mutation.{name}", name), count=count,
          why=_known(f"refusal.{reason}", _known(reason, reason)))
        for (name, reason), count in counts.items()
    ]  # fmt: skip
    if report.epoch_changed:
        notices.append(t("sync.server_restored", count=report.restored))
    return notices


def _known(key: str, fallback: str) -> str:
    """The message for a key, or the fallback where there is none (a code from a
    newer server)."""
    text = t(key)
    return fallback if text == key else text


def make_app(
    desk: Desk,
    settings: Settings,
    simulator: ArrivalSimulator | None = None,
    shift: Shift | None = None,
) -> OhjaajaApp:
    return OhjaajaApp(desk, settings, simulator, shift)
