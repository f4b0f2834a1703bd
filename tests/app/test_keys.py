"""The keys as a worker meets them: every footer whole at 80 columns, one meaning per
key across the screens a contact leads to, and taking a contact only on purpose."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from ohjaaja.domain.clock import FixedClock
from ohjaaja.usecases.desk import Desk
from tests.app.helpers import app_for, keys, settle
from tests.conftest import AINO

WIDTH = 80


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
    return problems


async def walk(pilot: Pilot, *steps: tuple[str, ...]) -> list[str]:
    problems = footer_problems(pilot)
    for pressed in steps:
        await keys(pilot, *pressed)
        problems += footer_problems(pilot)
    return problems


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_every_footer_is_whole_at_80_columns(
    admin: Desk, clock: FixedClock, language: str
) -> None:
    admin.clients.create_client({**AINO, "municipality_code": "853"})
    admin.contacts.receive("phone", "ikaihmiset", "853", "fi", "+358405485906")
    app = app_for(admin, language)
    async with app.run_test(size=(WIDTH, 24)) as pilot:
        await settle(pilot)
        problems = await walk(
            pilot,
            ("f1",),
            ("escape",),  # help
            ("h",),
            ("u",),
            ("escape",),  # handovers
            ("s",),
            ("escape",),  # shift handover
            ("l",),
            ("escape",),  # logging a contact
            ("f7",),
            ("f4",),
            ("escape",),
            ("escape",),  # catalogue, service form
            ("n",),  # contact
            ("f7", *"koti"),
            ("enter", "enter"),
            ("escape",),  # catalogue for it, a service
            ("escape",),
            ("f5", *"makinen"),
            ("enter",),
            ("escape",),
            ("escape",),  # search, card
            ("f4",),
            ("escape",),  # new client
            ("f8",),
            ("escape",),  # callback
            ("ctrl+t",),
            ("escape",),  # handover form
            ("ctrl+n",),
            ("escape",),  # notification form
        )
    assert problems == []


def keys_of(screen_class: type) -> dict[str, str]:
    """{key: binding id} of a screen's own bindings."""
    bound = {}
    for key, bindings in screen_class._merged_bindings.key_to_bindings.items():
        for binding in bindings:
            if binding.id is not None:
                bound[key] = binding.id
    return bound


def same_meaning(one: str, other: str) -> bool:
    return one == other or (one.startswith("new_") and other.startswith("new_"))


def test_a_contact_s_keys_mean_the_same_on_the_screens_it_opens() -> None:
    """F10 closes the contact, F8 a callback, F6 the card, ...: on the catalogue, a
    service, the client search or card opened from it, a key the contact has means
    what it means there, or nothing (the offer took F10, the unmet need F8)."""
    from ohjaaja.screens.catalogue.catalogue import CatalogueScreen
    from ohjaaja.screens.catalogue.service_detail import ServiceDetailScreen
    from ohjaaja.screens.clients.client_card import ClientCardScreen
    from ohjaaja.screens.clients.client_search import ClientSearchScreen
    from ohjaaja.screens.contact.contact import ContactScreen

    from ohjaaja.shell.app import OhjaajaApp

    contact = keys_of(ContactScreen) | keys_of(OhjaajaApp)
    clashes = []
    for screen in (CatalogueScreen, ServiceDetailScreen, ClientSearchScreen, ClientCardScreen):
        for key, binding_id in keys_of(screen).items():
            if key in contact and key != "escape" and not same_meaning(contact[key], binding_id):
                there = contact[key]
                clashes.append(f"{screen.__name__}: {key} is {binding_id}, on a contact {there}")
    assert clashes == []


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
