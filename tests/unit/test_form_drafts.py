"""Drafts of the longer forms: the newest change wins, each worker has their own,
and sending discards the draft in the same transaction (never sent and restored)."""

from __future__ import annotations

from pathlib import Path

from ohjaaja.domain.clock import FixedClock
from ohjaaja.usecases.desk import Desk
from ohjaaja.usecases.handovers import HandoverForm


def test_the_newest_change_wins_and_survives_a_new_process(
    db_path: Path, clock: FixedClock
) -> None:
    first = Desk(db_path, clock, "Eka")
    assert first.drafts.save("handover", "c1", {"note": "uusin"}, revision=20)
    assert not first.drafts.save("handover", "c1", {"note": "vanha"}, revision=10)
    first.close()
    again = Desk(db_path, clock, "Eka")
    draft = again.drafts.load("handover", "c1")
    assert draft is not None and draft.fields == {"note": "uusin"}
    assert draft.updated_at == clock.now()
    assert again.drafts.load("handover", "c2") is None
    again.close()


def test_each_worker_on_a_shared_file_has_their_own(db_path: Path, clock: FixedClock) -> None:
    one, other = Desk(db_path, clock, "Yksi"), Desk(db_path, clock, "Toinen")
    one.drafts.save("shift", "", {"note": "Yhden vuoro"}, revision=1)
    assert other.drafts.load("shift", "") is None
    one.close()
    other.close()


def test_sending_discards_the_draft_and_a_late_save_cannot_bring_it_back(desk: Desk) -> None:
    contact = desk.contacts.receive("phone", "ikaihmiset", "853")
    desk.drafts.save("handover", contact, {"note": "kesken"}, revision=1)
    sent, errors = desk.handovers.create_handover(
        HandoverForm(contact_id=contact, to_team="assessment:853", note="valmis")
    )
    assert sent and errors == []
    assert desk.drafts.load("handover", contact) is None
    # A save of a change made before sending, finishing after it, is refused.
    assert not desk.drafts.save("handover", contact, {"note": "kesken"}, revision=2)
    assert desk.drafts.load("handover", contact) is None


def test_a_refused_send_keeps_the_draft(desk: Desk) -> None:
    desk.drafts.save("handover", "c1", {"note": ""}, revision=1)
    sent, errors = desk.handovers.create_handover(
        HandoverForm(contact_id="c1", to_team="assessment:853")
    )
    assert sent is None and errors
    assert desk.drafts.load("handover", "c1") is not None


def test_notifications_and_shifts_discard_theirs(desk: Desk) -> None:
    contact = desk.contacts.receive("phone", "lapsiperheet", "853")
    desk.drafts.save("notification", contact, {"concern": "huoli"}, revision=1)
    desk.drafts.save("shift", "", {"note": "vuoro"}, revision=1)
    fields = {"subject": "Lapsi", "concern": "huoli"}
    made, errors = desk.handovers.create_notification("child_welfare", fields, contact, None, "853")
    assert made and errors == []
    shift, errors = desk.handovers.hand_over_shift("vuoro")
    assert shift and errors == []
    assert desk.drafts.load("notification", contact) is None
    assert desk.drafts.load("shift", "") is None
