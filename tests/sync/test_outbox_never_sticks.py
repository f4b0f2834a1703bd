"""An outbox never sticks (issue 12, finding 4): batches bounded in bytes, a
mutation over the limit refused alone and never in the way of the rest, the body
limit held for chunked bodies too, and the same text limits in the forms."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ohjaaja.db import outbox
from ohjaaja.db.engine import transaction

from ohjaaja.domain.clock import FixedClock
from ohjaaja.sync import protocol
from ohjaaja.usecases.contacts import ContactForm
from tests.sync.conftest import AT, Server, Site, push_body


def test_many_long_notes_closed_offline_all_arrive(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    """170 contacts closed offline with 25 KB notes (511 outbox rows): before, 413 on
    every sync, forever."""
    a = Site(server, tmp_path, "a", clock)
    note = "Soittaja kertoi tilanteestaan pitkästi. " * 640  # 25,600 characters
    closed = []
    for _ in range(170):
        taken = a.desk.contacts.take(a.desk.contacts.receive("phone", "ikaihmiset", "853"))
        assert taken is not None
        assert (
            a.desk.contacts.close_contact(
                taken.id, note, ContactForm("client", None, [], "resolved")
            )
            == []
        )
        closed.append(taken.id)
    assert a.desk.pending_changes() == 510
    report = a.sync.sync_once()
    assert (report.pushed, report.rejected, a.desk.pending_changes()) == (510, 0, 0)
    changes = server.client(a.token).get("/v1/changes", params={"limit": 5000}).json()["changes"]
    notes = {c["id"]: c["data"]["note"] for c in changes if c["table"] == "contact"}
    assert all(notes[contact_id] == note for contact_id in closed)
    a.close()


def test_a_mutation_over_the_limit_is_refused_alone_and_the_rest_go_on(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    """A 6 MB catalogue description queued by an older desk: refused with 413 and its
    reason, kept in the outbox as refused, and what came after it arrives."""
    a = Site(server, tmp_path, "a", clock)
    huge = {"worker_id": a.desk.worker_id, "rows": {"organization": [
        {"id": "org", "name": json.dumps({"fi": "Järjestö"}), "created_at": AT, "updated_at": AT,
         "description": json.dumps({"fi": "x" * 6_000_000})}]}}  # fmt: skip
    with transaction(a.desk.conn) as conn:
        outbox.record(conn, "catalogue.put", huge, AT, a.desk.worker_id)  # as an old desk did
    after = a.desk.contacts.receive("chat", "mipa", "853")
    report = a.sync.sync_once()
    assert (report.pushed, report.rejected) == (1, 1)
    assert a.desk.pending_changes() == 0
    status, result = a.desk.conn.execute(
        "SELECT status, result FROM outbox WHERE name = 'catalogue.put'"
    ).fetchone()
    assert status == "rejected"
    assert json.loads(result)["code"] == 413 and "bytes" in json.loads(result)["message"]
    changes = server.client(a.token).get("/v1/changes").json()["changes"]
    assert after in [c["id"] for c in changes]
    a.close()


def test_the_body_limit_holds_for_a_chunked_body(server: Server) -> None:
    """No Content-Length, 60 MB: before, stored and served to every desk."""
    token = server.token("desk", "desk-1", ("w1",))
    filler = {"id": "big", "at": AT, "worker_id": "x", "action": "view",
              "detail": json.dumps({"x": "y" * 1_000_000})}  # fmt: skip
    items = [{"seq": n, "mutation_id": f"m{n}", "name": "audit.append", "worker": "w1",
              "args": filler} for n in range(1, 61)]  # fmt: skip
    body = push_body("desk-1", items)
    encoded = json.dumps(body).encode()
    assert len(encoded) > 60_000_000

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(encoded), 65536):
            yield encoded[start : start + 65536]

    response = server.client(token).post(
        "/v1/push", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413 and "at most" in response.text
    assert server.client(token).get("/v1/changes").json()["head"] == 1  # the worker only


def test_forms_hold_the_same_limits(tmp_path: Path, clock: FixedClock) -> None:
    from ohjaaja.usecases.desk import Desk
    from ohjaaja.usecases.handovers import HandoverForm

    desk = Desk(tmp_path / "desk.sqlite", clock, "Anna")
    taken = desk.contacts.take(desk.contacts.receive("phone", "ikaihmiset", "853"))
    assert taken is not None
    long_note = "x" * (protocol.NOTE_MAX + 1)
    errors = desk.contacts.close_contact(
        taken.id, long_note, ContactForm("client", None, [], "resolved")
    )
    assert [(e.field, e.key) for e in errors] == [("note", "error.note_too_long")]
    _made, errors = desk.handovers.create_handover(
        HandoverForm(to_team="emergency", note="n", situation="s" * (protocol.TEXT_MAX + 1))
    )
    assert errors == [("situation", "error.text_too_long")]
    assert desk.handovers.hand_over_shift(long_note)[1] == [("note", "error.note_too_long")]
    desk.close()
