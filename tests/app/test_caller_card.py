"""A trainee takes a scripted contact, opens the caller card (Ctrl+K), asks about a
hidden fact: the answer shows and the question is recorded for the trainer (its
outbox mutation beside it). A contact nobody scripted has no card; a desk of
client data has no key for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ohjaaja.db import training as rows
from ohjaaja.screens.training.caller_card import CallerCardScreen
from textual.widgets import Static

from ohjaaja.domain.clock import FixedClock, to_iso
from ohjaaja.training.clock import ClockState
from ohjaaja.training.files import find_scenario
from ohjaaja.usecases.desk import Desk
from tests.app.helpers import app_for, keys, settle

SHIFT = "0190aaaa-0000-7000-8000-000000000001"


@pytest.fixture
def trainee(tmp_path: Path, clock: FixedClock) -> Iterator[Desk]:
    desk = Desk(tmp_path / "training.sqlite", clock, "Harjoittelija Hanna", training=True)
    yield desk
    desk.close()


def scripted(desk: Desk, script_id: str | None = "aino-muisti") -> str:
    """A shift of the bundled morning scenario and one contact of it in the queue,
    as the engine (or a pull from the training store) leaves them."""
    scenario, source, fmt = find_scenario("aamu-ikaihmiset")
    now = desk.clock.now()
    with desk.writing() as conn:
        clock = ClockState(now, 0.0).to_json()
        rows.insert_shift(conn, SHIFT, scenario.name, source, fmt, 12, clock, to_iso(now))
    contact_id = desk.contacts.receive("phone", "ikaihmiset", "853", "fi", "+358401234567")
    with desk.writing() as conn:
        rows.add_contact(conn, contact_id, SHIFT, script_id)
    return contact_id


def topics(app) -> list[str]:  # type: ignore[no-untyped-def]
    listing = app.screen.query_one("#topics")
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


async def test_a_trainee_asks_a_scripted_caller_a_hidden_fact(trainee: Desk) -> None:
    contact_id = scripted(trainee)
    app = app_for(trainee)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n")  # the scripted contact
        await keys(pilot, "ctrl+k")
        assert isinstance(app.screen, CallerCardScreen)
        caller = str(app.screen.query_one("#caller", Static).render())
        assert caller == "Soittaja: Läheinen · Leena Virtanen (tytär)"
        assert "soitan äitini puolesta" in str(app.screen.query_one("#opening").render())
        assert topics(app)[:2] == ["? Asuuko äiti yksin?", "? Syökö äiti?"]
        assert "isä kuoli" not in " ".join(topics(app))  # hidden until asked
        await keys(pilot, "down", "enter")
        assert topics(app)[1] == (
            "? Syökö äiti?\n  → “Jääkaapissa oli viime viikolla pilaantunutta ruokaa, "
            "ja hän on laihtunut.”"
        )
        assert "isä kuoli" not in topics(app)[0]
        reactions = str(app.screen.query_one("#reactions").render())
        assert "olen soittanut jo kolmeen paikkaan" in reactions
        await keys(pilot, "enter")  # asked again: shown, not recorded twice
        await keys(pilot, "escape")
        assert type(app.screen).__name__ == "ContactScreen"
    asked = [
        (kind, contact, worker, data)
        for _at, kind, contact, worker, data in rows.events(trainee.conn, SHIFT)
    ]
    assert asked == [("fact_asked", contact_id, trainee.worker_id, {"topic": "Syökö äiti?"})]
    sent = trainee.conn.execute(
        "SELECT count(*) FROM outbox WHERE name = 'training.event'"
    ).fetchone()[0]
    assert sent == 1


async def test_a_contact_nobody_scripted_has_no_card(trainee: Desk) -> None:
    scripted(trainee, script_id=None)  # a stream's background contact
    app = app_for(trainee)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n", "ctrl+k")
        assert type(app.screen).__name__ == "ContactScreen"


async def test_a_desk_of_client_data_has_no_caller_card_key(desk: Desk) -> None:
    desk.contacts.receive("phone", "ikaihmiset", "853", "fi", None)
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n", "ctrl+k")
        assert type(app.screen).__name__ == "ContactScreen"
        assert "caller_card" not in {
            b.binding.id for b in app.screen.active_bindings.values() if b.binding.show
        } or not app.screen.check_action("caller_card", ())
