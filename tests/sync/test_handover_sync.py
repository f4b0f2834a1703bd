"""Handovers across desks: two accept at once and one wins; notifications, missed
callbacks and shift handovers reach the others."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from ohjaaja.domain.clock import FixedClock
from ohjaaja.usecases.handovers import HandoverForm
from tests.conftest import AINO
from tests.sync.conftest import Server, Site

TEAM = ("assessment:853",)


def test_two_desks_accept_the_same_handover_and_one_wins(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    sender = Site(server, tmp_path, "sender", clock)
    b = Site(server, tmp_path, "b", clock, teams=TEAM)
    c = Site(server, tmp_path, "c", clock, teams=TEAM)
    made, _ = sender.desk.handovers.create_handover(HandoverForm(to_team=TEAM[0], note="Arvio"))
    sender.sync.sync_once()
    for site in (b, c):
        site.sync.sync_once()
        assert [v.id for v in site.desk.handovers.inbox()] == [made]
    # Both accept on their own desks before either has pushed.
    assert b.desk.handovers.move_handover(made, "accept") is None
    assert c.desk.handovers.move_handover(made, "accept") is None
    assert b.sync.sync_once().rejected == 0
    assert c.sync.sync_once().rejected == 1  # the server refused c's accept
    for site in (sender, b, c):
        site.sync.sync_once()
    for site in (sender, b, c):
        view = site.desk.handovers.handover(made)
        assert view is not None and (view.state, view.accepted_name) == ("accepted", "worker-b")
    # The loser can no longer move it; the winner completes it, and everyone sees the steps.
    assert c.desk.handovers.move_handover(made, "complete", "Tehty") == "handover.not_yours"
    assert b.desk.handovers.move_handover(made, "complete", "Arvio tehty") is None
    b.sync.sync_once()
    sender.sync.sync_once()
    steps = [(e.kind, e.worker_name, e.reason) for e in sender.desk.handovers.handover_events(made)]
    assert steps == [
        ("sent", "worker-sender", None),
        ("accept", "worker-b", None),
        ("complete", "worker-b", "Arvio tehty"),  # the note reaches the sender
    ]
    for site in (sender, b, c):
        site.close()


def test_notifications_callbacks_and_shifts_sync(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    a = Site(server, tmp_path, "a", clock)
    night = Site(server, tmp_path, "night", clock, teams=("emergency", "child_welfare:853"))
    client_id = a.desk.clients.create_client(AINO).client_id
    contact = a.desk.contacts.receive("phone", "lapsiperheet", "853", "fi", "+358405485906")
    a.desk.contacts.take(contact)
    a.desk.contacts.attach_client(contact, client_id)
    fields = {"subject": "Lapsi", "concern": "Yksin kotona"}
    notification, _ = a.desk.handovers.create_notification(
        "child_welfare", fields, contact, client_id, "853"
    )
    for _ in range(2):  # two callbacks that did not reach the client
        a.desk.handovers.schedule_callback(contact, clock.now() + timedelta(minutes=5), missed=True)
        clock.advance(seconds=600)
        a.desk.contacts.take(contact)
    shift, _ = a.desk.handovers.hand_over_shift("Lapsen asia päivystykselle")
    assert a.sync.sync_once().rejected == 0
    night.sync.sync_once()
    (handover,) = night.desk.handovers.inbox()
    assert handover.notification_id == notification
    view = night.desk.handovers.notification(notification)  # type: ignore[arg-type]
    assert view is not None and view.fields == fields and len(view.clocks) == 2
    assert "flag.missed_callbacks" in night.desk.clients.client_card(client_id, "search").flags
    (pending,) = night.desk.handovers.pending_shift_handovers()
    assert pending.id == shift and night.desk.handovers.acknowledge_shift(shift)
    night.sync.sync_once()
    a.sync.sync_once()
    assert a.desk.handovers.recent_shift_handovers()[0].acknowledged_name == "worker-night"
    a.close()
    night.close()
