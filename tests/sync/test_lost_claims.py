"""A lost claim stays lost until its worker has seen it (issue 12, finding 7); the
loser's close, refused, does not show as closed, and their text is kept as their
note on the contact."""

from __future__ import annotations

from pathlib import Path

from ohjaaja.domain.clock import FixedClock
from ohjaaja.usecases.contacts import ContactForm
from tests.sync.conftest import Server, Site


def test_the_losers_close_is_refused_and_its_text_kept(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    a, b = Site(server, tmp_path, "a", clock), Site(server, tmp_path, "b", clock)
    contact_id = a.desk.contacts.receive("phone", "ikaihmiset", "853")
    a.sync.sync_once()
    b.sync.sync_once()
    assert a.desk.contacts.take(contact_id) and b.desk.contacts.take(contact_id)  # both offline
    form = ContactForm("client", None, [], "resolved")
    assert b.desk.contacts.close_contact(contact_id, "b:n muistiinpano", form) == []
    a.sync.sync_once()  # a wins
    report = b.sync.sync_once()
    assert report.lost_claims == (contact_id,) and report.kept_notes == 1
    assert ("contact.close", "not_yours") in report.refusals
    for _ in range(2):  # before: pending -> lost -> confirmed within one sync
        view = b.desk.contacts.contact(contact_id)
        assert (view.status, view.claim_state, view.note) == ("taken", "lost", "")
        b.sync.sync_once()
    (lost,) = b.desk.contacts.lost_claims()
    assert lost.holder_name == "worker-a" and lost.kept == ("b:n muistiinpano",)
    a.sync.sync_once()
    on_a = a.desk.conn.execute(
        "SELECT worker_id, data FROM contact_event WHERE kind = 'note' AND contact_id = ?",
        (contact_id,),
    ).fetchall()
    assert [(r[0], "b:n muistiinpano" in r[1]) for r in on_a] == [(b.desk.worker_id, True)]
    assert a.desk.contacts.contact(contact_id).status == "taken"  # a still holds it, unclosed
    b.desk.contacts.acknowledge_lost(contact_id)
    assert (
        b.desk.contacts.lost_claims() == []
        and b.desk.contacts.contact(contact_id).claim_state is None
    )
    a.close()
    b.close()


def test_what_the_loser_was_typing_is_kept_once_seen(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    a, b = Site(server, tmp_path, "a", clock), Site(server, tmp_path, "b", clock)
    contact_id = a.desk.contacts.receive("phone", "ikaihmiset", "853")
    for site in (a, b):
        site.sync.sync_once()
    assert a.desk.contacts.take(contact_id) and b.desk.contacts.take(contact_id)
    b.desk.contacts.save_draft(contact_id, "kesken jäänyt", ContactForm(), 1)
    a.sync.sync_once()
    b.sync.sync_once()
    (lost,) = b.desk.contacts.lost_claims()
    assert lost.kept == ("kesken jäänyt",)
    b.desk.contacts.acknowledge_lost(contact_id)
    assert b.sync.sync_once().rejected == 0
    a.sync.sync_once()
    texts = [r[0] for r in a.desk.conn.execute(
        "SELECT data FROM contact_event WHERE kind = 'note'")]  # fmt: skip
    assert len(texts) == 1 and "kesken jäänyt" in texts[0]
    a.close()
    b.close()
