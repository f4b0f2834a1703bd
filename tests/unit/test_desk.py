"""Use cases on a real SQLite file: transactions, outbox, audit, claims, drafts."""

import json
import sqlite3
from datetime import timedelta

import pytest

from ohjaaja.domain.queue import ordered
from ohjaaja.usecases.contacts import ContactForm
from ohjaaja.usecases.desk import Desk, DeskModeError
from tests.conftest import AINO


def outbox_names(desk: Desk) -> list[str]:
    return [row[0] for row in desk.conn.execute("SELECT name FROM outbox ORDER BY seq")]


def test_receive_writes_the_contact_and_its_mutation_together(desk: Desk) -> None:
    contact_id = desk.contacts.receive("phone", "ikaihmiset", "853", "fi", "+358405485906")
    assert [e.id for e in desk.contacts.queue()] == [contact_id]
    assert outbox_names(desk) == ["contact.receive"]  # workers come from the register
    args = json.loads(
        desk.conn.execute("SELECT args FROM outbox WHERE name = 'contact.receive'").fetchone()[0]
    )
    assert args["id"] == contact_id and args["v"] == 1


def test_outbox_sequence_is_gapless(desk: Desk) -> None:
    for _ in range(5):
        desk.contacts.receive("chat", "mipa", "853")
    seqs = [row[0] for row in desk.conn.execute("SELECT seq FROM outbox ORDER BY seq")]
    assert seqs == list(range(1, 6))


def test_a_failed_change_leaves_no_outbox_row(desk: Desk) -> None:
    before = desk.pending_changes()
    with pytest.raises(sqlite3.IntegrityError):  # the foreign key refuses municipality 999
        desk.contacts.receive("phone", "ikaihmiset", "999")
    with pytest.raises(ValueError, match="unknown line"):
        desk.contacts.receive("phone", "no-such-line", "853")
    assert desk.pending_changes() == before
    assert desk.contacts.queue() == []


def test_after_hours_routing_keeps_the_original_line(desk: Desk, clock) -> None:
    clock.advance(hours=4)  # 14:00: the working-age line closed at 12
    desk.contacts.receive("phone", "tyoikaiset", "853")
    (entry,) = desk.contacts.queue()
    assert entry.line_code == "sosiaalipaivystys"
    assert entry.original_line_code == "tyoikaiset"
    assert entry.priority == 1


def test_after_hours_email_and_callback_wait_behind_calls(desk: Desk, clock) -> None:
    clock.advance(hours=4)  # 14:00: the working-age line closed at 12
    email = desk.contacts.receive("email", "tyoikaiset", "853")
    callback = desk.contacts.receive("callback", "tyoikaiset", "853")
    call = desk.contacts.receive("phone", "tyoikaiset", "853")
    queue = desk.contacts.queue()
    assert {entry.line_code for entry in queue} == {"sosiaalipaivystys"}
    priority = {entry.id: entry.priority for entry in queue}
    assert priority[call] == 1
    assert priority[callback] == 4 and priority[email] == 5
    assert [entry.id for entry in queue] == [call, callback, email]


def test_sql_queue_order_is_the_domain_order(desk: Desk, clock) -> None:
    channels = ["phone", "email", "walk_in", "chat", "callback", "eform"]
    for index in range(30):
        clock.advance(seconds=7)
        desk.contacts.receive(
            channels[index % 6], ["ikaihmiset", "sosiaalipaivystys"][index % 5 == 0], "853"
        )
    queue = desk.contacts.queue()
    assert [e.id for e in queue] == [e.id for e in ordered(queue)]


def test_line_filter(desk: Desk) -> None:
    desk.contacts.receive("phone", "ikaihmiset", "853")
    desk.contacts.receive("phone", "lapsiperheet", "853")
    assert {e.line_code for e in desk.contacts.queue(["lapsiperheet"])} == {"lapsiperheet"}


def test_exactly_one_of_two_desk_processes_wins_a_claim(db_path, clock) -> None:
    first = Desk(db_path, clock, "Eka")
    second = Desk(db_path, clock, "Toka")
    contact_id = first.contacts.receive("phone", "ikaihmiset", "853")
    assert first.contacts.take(contact_id) is not None
    assert second.contacts.take(contact_id) is None
    assert outbox_names(first).count("contact.claim") == 1
    first.close()
    second.close()


def test_take_next_skips_what_another_desk_took(db_path, clock) -> None:
    first = Desk(db_path, clock, "Eka")
    second = Desk(db_path, clock, "Toka")
    a = first.contacts.receive("phone", "ikaihmiset", "853")
    clock.advance(seconds=1)
    b = first.contacts.receive("phone", "ikaihmiset", "853")
    assert second.contacts.take(a) is not None
    taken = first.contacts.take_next()
    assert taken is not None and taken.id == b
    assert first.contacts.take_next() is None
    first.close()
    second.close()


def test_answer_and_handling_times_are_stored(desk: Desk, clock) -> None:
    contact_id = desk.contacts.receive("phone", "ikaihmiset", "853")
    clock.advance(seconds=42)
    desk.contacts.take(contact_id)
    clock.advance(minutes=5)
    errors = desk.contacts.close_contact(
        contact_id, "Neuvottu kotihoidosta.", ContactForm("client", None, ["kotihoito"], "resolved")
    )
    assert errors == []
    row = desk.conn.execute(
        "SELECT received_at, taken_at, closed_at, outcome, note, status FROM contact"
    ).fetchone()
    assert row["outcome"] == "resolved" and row["status"] == "closed"
    assert row["note"] == "Neuvottu kotihoidosta."
    figures = desk.contacts.figures()
    assert figures.answered == 1
    assert figures.average_speed_of_answer == 42
    assert figures.first_contact_resolution == 1.0
    view = desk.contacts.contact(contact_id)
    assert view.taken_at is not None
    assert view.taken_at - view.received_at == timedelta(seconds=42)


def test_closing_needs_caller_and_outcome_and_known_reasons(desk: Desk) -> None:
    contact_id = desk.contacts.receive("phone", "ikaihmiset", "853")
    desk.contacts.take(contact_id)
    errors = desk.contacts.close_contact(
        contact_id, "", ContactForm(None, None, ["nonsense"], None)
    )
    assert {e.field for e in errors} == {"caller_kind", "outcome", "reasons"}
    assert desk.contacts.contact(contact_id).status == "taken"


def test_drafts_keep_the_newest_revision(desk: Desk) -> None:
    contact_id = desk.contacts.receive("phone", "ikaihmiset", "853")
    desk.contacts.take(contact_id)
    assert desk.contacts.save_draft(
        contact_id, "uusin", ContactForm(outcome="resolved"), revision=2
    )
    assert not desk.contacts.save_draft(contact_id, "vanha", ContactForm(), revision=1)
    text, form = desk.contacts.load_draft(contact_id)
    assert text == "uusin" and form.outcome == "resolved"


def test_drafts_survive_a_new_desk_process(db_path, clock) -> None:
    first = Desk(db_path, clock, "Eka")
    contact_id = first.contacts.receive("phone", "ikaihmiset", "853")
    first.contacts.take(contact_id)
    first.contacts.save_draft(contact_id, "kesken", ContactForm(caller_kind="relative"), revision=1)
    first.close()
    again = Desk(db_path, clock, "Eka")
    assert [c.id for c in again.contacts.my_open_contacts()] == [contact_id]
    assert again.contacts.load_draft(contact_id)[0] == "kesken"
    again.close()


def test_creating_a_client_validates_and_audits(desk: Desk) -> None:
    saved = desk.clients.create_client(AINO)
    assert saved.errors == [] and saved.client_id
    again = desk.clients.create_client(AINO, allow_duplicate=True)
    assert again.client_id is None and [e.key for e in again.errors] == ["error.hetu_taken"]
    actions = [row[0] for row in desk.conn.execute("SELECT action FROM audit")]
    assert actions == ["create"]
    assert "client.create" in outbox_names(desk)


def test_same_digits_other_century_letter_is_another_person(desk: Desk) -> None:
    first = desk.clients.create_client(AINO).client_id
    other = {**AINO, "hetu": "131052Y308T"}
    offered = desk.clients.create_client(other)  # same name and birth date: offered, not saved
    assert offered.client_id is None and offered.duplicate and offered.duplicate.id == first
    assert desk.clients.create_client(other, allow_duplicate=True).client_id


def test_identify_by_phone_and_relative(desk: Desk) -> None:
    client_id = desk.clients.create_client(AINO).client_id
    desk.conn.execute(
        "INSERT INTO relative (id, client_id, name, relation, phone_e164, created_at, updated_at)"
        " VALUES ('r1', ?, 'Mäkinen Pekka', 'child', '+358501234567', 'x', 'x')",
        (client_id,),
    )
    (match,) = desk.clients.find_clients("+358 40 548 5906")
    assert match.id == client_id and match.via == "client"
    (via_relative,) = desk.clients.find_clients("050 123 4567")
    assert via_relative.id == client_id and via_relative.relative_name == "Mäkinen Pekka"
    assert [m.id for m in desk.clients.find_clients("131052")] == [client_id]
    assert [m.id for m in desk.clients.find_clients("mäkinen aino")] == [client_id]
    assert [m.id for m in desk.clients.find_clients("Aino Mäkinen")] == [client_id]


def test_attaching_a_client_is_on_the_access_log(desk: Desk) -> None:
    client_id = desk.clients.create_client(AINO).client_id
    contact_id = desk.contacts.receive("phone", "ikaihmiset", "853")
    desk.contacts.take(contact_id)
    desk.contacts.attach_client(contact_id, client_id)
    rows = desk.conn.execute("SELECT action, reason FROM audit ORDER BY at, rowid").fetchall()
    assert ("view", f"contact:{contact_id}") in [tuple(r) for r in rows]
    assert outbox_names(desk).count("audit.append") == 2


def test_logged_contact_is_taken_at_once_and_not_in_answer_times(desk: Desk) -> None:
    contact_id = desk.contacts.log_contact("walk_in", "ikaihmiset", "853")
    view = desk.contacts.contact(contact_id)
    assert view.status == "taken" and not view.via_queue
    assert desk.contacts.queue() == []
    assert desk.contacts.figures().answered == 0


def test_release_puts_it_back(desk: Desk) -> None:
    contact_id = desk.contacts.receive("phone", "ikaihmiset", "853")
    desk.contacts.take(contact_id)
    desk.contacts.release(contact_id)
    assert [e.id for e in desk.contacts.queue()] == [contact_id]


def test_has_changed_sees_other_processes(db_path, clock) -> None:
    reader = Desk(db_path, clock, "Lukija")
    writer = Desk(db_path, clock, "Kirjoittaja")
    reader.has_changed()
    assert not reader.has_changed()
    writer.contacts.receive("phone", "ikaihmiset", "853")
    assert reader.has_changed()
    reader.close()
    writer.close()


def test_the_desks_own_writes_are_told(desk: Desk) -> None:
    """PRAGMA data_version never counts a connection's own commits: the desk tells
    its listeners (the app, which refreshes its screens) after each write."""
    told: list[int] = []
    desk.on_write(lambda: told.append(1))
    desk.has_changed()
    contact_id = desk.contacts.receive("phone", "ikaihmiset", "853")
    assert not desk.has_changed()  # what the screens waited for, up to a minute
    desk.contacts.take(contact_id)
    desk.contacts.release(contact_id)
    assert len(told) == 3


def test_the_figures_follow_the_lines_asked_for(desk: Desk, clock) -> None:
    desk.contacts.take(desk.contacts.receive("phone", "ikaihmiset", "853"))
    clock.advance(seconds=30)
    desk.contacts.take(desk.contacts.receive("phone", "mipa", "853"))
    assert desk.contacts.figures().answered == 2
    assert desk.contacts.figures(["mipa"]).answered == 1
    assert desk.contacts.figures(["lapsiperheet"]).answered == 0


def test_a_worker_marks_a_waiting_contact_abandoned_with_its_moment(desk: Desk, clock) -> None:
    from ohjaaja.domain.queue import abandoned_event_id

    gone = desk.contacts.receive("phone", "ikaihmiset", "853")
    kept = desk.contacts.receive("phone", "ikaihmiset", "853")
    clock.advance(seconds=75)
    assert desk.contacts.abandon(gone)
    assert [e.id for e in desk.contacts.queue()] == [kept]
    assert desk.contacts.figures().waiting == 1 and desk.contacts.figures().answered == 0
    row = desk.conn.execute(
        "SELECT status, taken_by, closed_at, outcome FROM contact WHERE id = ?", (gone,)
    ).fetchone()
    assert tuple(row) == ("abandoned", None, None, None)
    event = desk.conn.execute(
        "SELECT id, at, worker_id FROM contact_event WHERE contact_id = ? AND kind = 'abandoned'",
        (gone,),
    ).fetchone()
    assert tuple(event) == (abandoned_event_id(gone), "2026-11-23T08:01:15.000000Z",
                            desk.worker_id)  # fmt: skip
    (args,) = [
        json.loads(a)
        for (a,) in desk.conn.execute("SELECT args FROM outbox WHERE name = 'contact.abandon'")
    ]
    assert (args["id"], args["at"], args["worker_id"]) == (gone, event[1], desk.worker_id)
    # Not undone, not twice: the second mark changes nothing and sends nothing.
    assert not desk.contacts.abandon(gone)
    assert outbox_names(desk).count("contact.abandon") == 1


def test_a_contact_someone_took_is_not_abandoned(db_path, clock) -> None:
    first = Desk(db_path, clock, "Eka")
    second = Desk(db_path, clock, "Toka")
    contact_id = first.contacts.receive("phone", "ikaihmiset", "853")
    assert second.contacts.take(contact_id) is not None
    assert not first.contacts.abandon(contact_id)
    assert not second.contacts.abandon(contact_id)  # not even by its holder: it was answered
    assert not first.contacts.abandon("no-such-contact")
    assert outbox_names(first).count("contact.abandon") == 0
    assert (
        first.conn.execute("SELECT count(*) FROM contact_event WHERE kind = 'abandoned'")
        .fetchone()[0] == 0
    )  # fmt: skip
    first.close()
    second.close()


def test_a_database_is_for_training_or_for_client_data(db_path, clock) -> None:
    Desk(db_path, clock, "Eka").close()
    with pytest.raises(DeskModeError):
        Desk(db_path, clock, "Kouluttaja", training=True)


def test_names_fold_case_and_diacritics_and_rank_exact_first(desk: Desk) -> None:
    exact = desk.clients.create_client(AINO).client_id
    longer = desk.clients.create_client(
        {**AINO, "last_name": "Mäkinenkö", "first_names": "Åsa", "hetu": "010150-123A"}
    ).client_id
    assert [m.id for m in desk.clients.find_clients("Makinen")] == [exact, longer]
    assert [m.id for m in desk.clients.find_clients("MAKINEN asa")] == [longer]
    assert [m.id for m in desk.clients.find_clients("asa makinen")] == [longer]
    assert [m.id for m in desk.clients.find_clients("mäki mar")] == [exact]  # a later first name
    assert desk.clients.find_clients("Aino") == []  # one word is a last name


def test_a_look_for_changes_never_waits_for_the_connection(desk: Desk, clock) -> None:
    """The UI thread asks each second: while another thread holds the connection it
    is told so (None), not made to wait; free, it learns of another's write once."""
    import threading

    desk.changed_if_free()
    other = Desk(desk.database, clock, "Toinen")
    other.contacts.receive("phone", "ikaihmiset", "853")
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with desk.ctx.lock:
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(10)
    try:
        assert desk.changed_if_free() is None
    finally:
        release.set()
        thread.join()
    assert desk.changed_if_free() is True
    assert desk.changed_if_free() is False
    other.close()
