"""The keys as a worker meets them: every screen and dialog of the desk walked at 80x24
with its footer whole, one key for one action (the keymap in screens/kit/bindings.py),
one meaning per key on screens that open one another, and taking a contact only on
purpose."""

from __future__ import annotations

import importlib
import itertools
import pkgutil
from pathlib import Path

from ohjaaja.screens.kit.bindings import KEYMAP, meaning, translate_bindings
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from ohjaaja import screens as screens_package
from ohjaaja.domain.clock import FixedClock
from ohjaaja.i18n import set_language
from ohjaaja.usecases.desk import Desk
from ohjaaja.usecases.handovers import HandoverForm
from tests.app.helpers import app_for, keys, settle
from tests.app.test_lost_claim import lose
from tests.conftest import AINO

WIDTH = 80
TEAMS = ("assessment:853", "child_welfare:853")
BASES = {"DeskScreen", "DeskModal", "CardScreen"}  # made into screens, never shown as such


def every_screen() -> set[str]:
    """Every screen and dialog class of the desk, from the screens package."""
    found = set()
    for module in pkgutil.walk_packages(screens_package.__path__, "ohjaaja.screens."):
        loaded = importlib.import_module(module.name)
        for name, value in vars(loaded).items():
            if (
                isinstance(value, type)
                and issubclass(value, Screen)
                and value.__module__ == loaded.__name__
                and name not in BASES
            ):
                found.add(name)
    return found


def footer_problems(pilot: Pilot) -> list[str]:
    """Each key of the screen's footer that does not show whole within 80 columns."""
    screen = pilot.app.screen
    footer = screen.query_one(Footer)
    right = footer.region.right
    problems = []
    for key in footer.query(FooterKey):
        label = f"{key.key_display} {key.description}".strip()
        if key.region.width == 0 or key.region.right > right:
            problems.append(f"{type(screen).__name__}: '{label}' cut ({key.region})")
        elif key.region.width < len(label):
            problems.append(f"{type(screen).__name__}: '{label}' cut to {key.region.width}")
    return problems


class Walk:
    """Presses keys, and after each step notes the screen on top, which screen opened
    it, and what its footer cut."""

    def __init__(self, pilot: Pilot) -> None:
        self.pilot = pilot
        self.seen: set[str] = set()
        self.opened: set[tuple[type, type]] = set()  # (beneath, on top)
        self.problems: list[str] = []
        self.footers: set[tuple[type, tuple[str, ...]]] = set()

    async def look(self) -> None:
        stack = [
            s
            for s in self.pilot.app.screen_stack
            if type(s).__module__.startswith("ohjaaja.screens")
        ]
        for beneath, on_top in itertools.pairwise(stack):
            self.opened.add((type(beneath), type(on_top)))
        self.problems += footer_problems(self.pilot)
        screen = self.pilot.app.screen
        self.seen.add(type(screen).__name__)
        shown = (type(screen), tuple(k.action for k in screen.query(FooterKey)))
        if shown not in self.footers:  # a footer met first: in sv and en too
            self.footers.add(shown)
            # Only the footer's words change: cheaper than F2 redrawing every screen.
            for language in ("sv", "en", "fi"):
                set_language(language)
                translate_bindings(screen)
                await self.pilot.pause()
                self.problems += footer_problems(self.pilot)

    async def __call__(self, *steps: tuple[str, ...]) -> None:
        for pressed in steps:
            await keys(self.pilot, *pressed)

            await self.look()


def a_day_s_work(admin: Desk) -> tuple[Desk, str]:
    """A desk with a contact waiting, a client, a handover to its team and a colleague's
    shift handover: every screen has something to show."""
    client_id = admin.clients.create_client(AINO).client_id
    contact_id = admin.contacts.receive("phone", "ikaihmiset", "853", "fi", "+358405485906")
    colleague = Desk(admin.database, admin.clock, "Kollega")
    colleague.handovers.create_handover(
        HandoverForm(client_id=client_id, to_team="assessment:853", note="Soita illalla")
    )
    colleague.handovers.hand_over_shift("Yö oli rauhallinen")
    colleague.close()
    roles = ("guidance", "admin")
    return Desk(admin.database, admin.clock, "Ylläpitäjä", roles=roles, teams=TEAMS), contact_id


ALL_SCREENS = (
    ("f1",),
    ("escape",),  # help
    ("ctrl+s",),
    ("f10",),
    ("x",),
    ("escape",),  # the reports mode: its list, a report, to a file
    ("escape",),
    ("escape",),
    ("h",),
    ("u",),
    ("i",),
    ("enter",),  # the handover's detail
    ("f6",),
    ("escape",),  # its client's card
    ("f9",),
    ("escape",),  # returning asks why
    ("escape",),
    ("escape",),  # handovers
    ("s",),
    ("tab",),
    ("escape",),  # shift handover, its list
    ("l",),
    ("escape",),  # logging a contact
    ("p",),
    ("escape",),  # marking a caller who hung up asks again
    ("f7",),
    ("f4",),
    ("f4",),
    ("escape",),  # a new organisation
    ("escape",),
    ("escape",),  # catalogue, service form
    ("t",),  # the contact
    ("f7", *"koti"),
    ("enter", "enter"),
    ("escape",),  # catalogue for it, a service
    ("ctrl+g",),
    ("escape",),  # unmet need
    ("ctrl+r",),
    ("escape",),  # the summary for the client
    ("escape",),
    ("f5", *"makinen"),
    ("enter", "enter"),  # search, card
    ("r",),
    ("escape",),  # revealing the code asks why
    ("e",),
    ("escape",),  # editing the client
    ("f4",),
    ("escape",),  # a relative
    ("k",),
    ("escape",),  # the access log
    ("ctrl+t",),
    ("escape",),  # a handover from the card
    ("ctrl+n",),
    ("escape",),  # a notification from the card
    ("escape",),
    ("escape",),
    ("f4",),
    ("escape",),  # new client
    ("f8",),
    ("escape",),  # callback
    ("ctrl+t",),
    ("escape",),  # handover form
    ("ctrl+n",),
    ("escape",),  # notification form
)


async def test_every_screen_and_dialog_has_its_footer_whole_and_one_keymap(
    admin: Desk, clock: FixedClock
) -> None:
    """Walked in Finnish; each screen's footer is looked at in fi, sv and en (F2)."""
    desk, contact_id = a_day_s_work(admin)
    app = app_for(desk)
    async with app.run_test(size=(WIDTH, 24)) as pilot:
        await settle(pilot)
        walk = Walk(pilot)
        await walk.look()
        await walk(*ALL_SCREENS)
        lose(desk, contact_id)  # the contact open now: another desk won it
        app.resume_open_contact()
        await settle(pilot)
        await walk.look()
        await walk(("enter",))
    desk.close()
    assert walk.problems == [], "\n".join(walk.problems)
    assert every_screen() - TRAINING - walk.seen == set()
    assert key_clashes(walk, type(app)) == []


def key_clashes(walk: Walk, app_class: type) -> list[str]:
    """A key bound on two screens that open one another (or on the app) with two
    meanings: Esc aside, which is back wherever it is."""
    clashes = []
    for beneath, on_top in sorted(walk.opened, key=str):
        for one, other in ((beneath, on_top), (app_class, on_top), (app_class, beneath)):
            for key, binding_id in keys_of(other).items():
                there = keys_of(one).get(key)
                if there and key != "escape" and meaning(there) != meaning(binding_id):
                    clashes.append(
                        f"{key}: {binding_id} on {other.__name__}, {there} on {one.__name__}"
                    )
    return sorted(set(clashes))


TRAINING = {
    "ConsoleScreen",
    "AddContactScreen",
    "EndShiftScreen",
    "DebriefScreen",
    "CallerCardScreen",
}  # walked on a training desk below


async def test_the_training_screens_have_their_footers_whole_and_one_keymap(
    tmp_path: Path,
) -> None:
    """The trainer's console, its dialogs, the debrief and the caller card read from a
    trainee's row: walked as the other screens are."""
    from tests.app.test_training_console import console_app
    from tests.app.training_fakes import RealTime, trainee_beside, trainer_with_shift

    real = RealTime()
    trainer, shift = trainer_with_shift(tmp_path / "training.sqlite", real)
    shift.resume()
    real.at += 6 * 60
    shift.advance()
    trainee = trainee_beside(trainer, shift, "Harjoittelija Hanna")
    scripted = trainee.conn.execute(
        "SELECT contact_id FROM training_contact WHERE script_id = 'aino-muisti'"
    ).fetchone()[0]
    assert trainee.contacts.take(scripted) is not None
    app = console_app(trainer, shift)
    try:
        async with app.run_test(size=(WIDTH, 24)) as pilot:
            await settle(pilot)
            walk = Walk(pilot)
            await walk.look()
            await walk(("a",), ("escape",), ("e",), ("escape",), ("d",), ("escape",))
            app.screen.query_one("#trainees").focus()
            await walk(("enter",), ("escape",))
    finally:
        trainee.close()
        trainer.close()
    assert walk.problems == [], "\n".join(walk.problems)
    assert TRAINING - walk.seen == set()
    assert key_clashes(walk, type(app)) == []


def keys_of(screen_class: type) -> dict[str, str]:
    """{key: binding id} of a screen's own bindings."""
    bound = {}
    for key, bindings in screen_class._merged_bindings.key_to_bindings.items():
        for binding in bindings:
            if binding.id is not None:
                bound[key] = binding.id
    return bound


def test_one_action_has_one_key_on_every_screen() -> None:
    """An id is bound to the same key wherever it is, and the keymap's key."""
    from ohjaaja.shell.app import OhjaajaApp

    modules = [
        importlib.import_module(m.name)
        for m in pkgutil.walk_packages(screens_package.__path__, "ohjaaja.screens.")
    ]
    classes = {OhjaajaApp} | {
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, Screen) and value._merged_bindings
    }
    bound: dict[str, set[str]] = {}
    for screen_class in classes:
        for key, bindings in screen_class._merged_bindings.key_to_bindings.items():
            for binding in bindings:
                if binding.id is not None:
                    bound.setdefault(binding.id, set()).add(key)
    wrong = {}
    for binding_id, keys_bound in bound.items():
        expected = {KEYMAP[meaning(binding_id)][0]} if meaning(binding_id) in KEYMAP else None
        if len(keys_bound) > 1 or (expected is not None and keys_bound != expected):
            wrong[binding_id] = sorted(keys_bound)
    assert wrong == {}


async def test_enter_on_the_queue_does_not_take_a_contact(desk: Desk) -> None:
    contact_id = desk.contacts.receive("phone", "ikaihmiset", "853", "fi", "+358405485906")
    app = app_for(desk)
    async with app.run_test(size=(WIDTH, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "enter")
        assert type(app.screen).__name__ == "QueueScreen"
        assert [c.id for c in desk.contacts.queue()] == [contact_id]
        await keys(pilot, "t")
        assert type(app.screen).__name__ == "ContactScreen"


def test_f1_says_what_changed_in_every_language() -> None:
    from ohjaaja.i18n import t

    for language in ("fi", "sv", "en"):
        set_language(language)
        said = t("help.keys_changed")
        assert all(key in said for key in ("Ctrl+T", "Ctrl+N", "F9", "F10", "F4")), said
