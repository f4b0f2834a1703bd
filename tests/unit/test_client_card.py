"""The client card, edits, relatives and the access log at the desk."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from ohjaaja.db.ids import new_id

from ohjaaja.domain.clients import client_flags
from ohjaaja.domain.clock import FixedClock, to_iso
from ohjaaja.usecases.contacts import ContactForm
from ohjaaja.usecases.desk import Desk
from tests.conftest import AINO


def outbox_names(desk: Desk) -> list[str]:
    return [row[0] for row in desk.conn.execute("SELECT name FROM outbox ORDER BY seq")]


def audit(desk: Desk) -> list[tuple[str, str | None]]:
    return [tuple(r) for r in desk.conn.execute("SELECT action, reason FROM audit ORDER BY rowid")]


@pytest.fixture
def aino(desk: Desk) -> str:
    client_id = desk.clients.create_client({**AINO, "alerts": "Kuulee huonosti"}).client_id
    assert client_id
    return client_id


def closed_contact(desk: Desk, client_id: str, note: str = "") -> str:
    contact_id = desk.contacts.log_contact("phone", "ikaihmiset", "853")
    desk.contacts.attach_client(contact_id, client_id)
    form = ContactForm(caller_kind="client", client_id=client_id, outcome="resolved")
    assert desk.contacts.close_contact(contact_id, note, form) == []
    return contact_id


def test_the_card_masks_the_code_and_its_look_is_logged(desk: Desk, aino: str) -> None:
    closed_contact(desk, aino, "Kysyi kotihoidosta.")
    card = desk.clients.client_card(aino, "search")
    assert card.hetu_masked == "131052-****" and "308T" not in repr(card)
    assert [p.e164 for p in card.phones] == ["+358405485906"]
    assert card.alerts == "Kuulee huonosti"
    assert [(e.outcome, e.note) for e in card.timeline] == [("resolved", "Kysyi kotihoidosta.")]
    assert audit(desk)[-1] == ("view", "search")


def test_revealing_needs_a_reason_and_is_logged(desk: Desk, aino: str) -> None:
    with pytest.raises(ValueError):
        desk.clients.reveal_hetu(aino, "  ")
    assert desk.clients.reveal_hetu(aino, "Kela-asia") == "131052-308T"
    assert audit(desk)[-1] == ("reveal", "Kela-asia")
    assert outbox_names(desk)[-1] == "audit.append"


def test_flags_from_the_history(desk: Desk, clock: FixedClock, aino: str) -> None:
    for _ in range(9):
        closed_contact(desk, aino)
    assert desk.clients.client_card(aino, "t").flags == []
    contact_id = closed_contact(desk, aino)
    assert desk.clients.client_card(aino, "t").flags == ["flag.frequent_contact"]
    now = to_iso(clock.now())
    for _ in range(2):
        desk.conn.execute(
            "INSERT INTO contact_event (id, contact_id, kind, at) VALUES (?, ?, ?, ?)",
            (new_id(), contact_id, "callback_missed", now),
        )
    desk.conn.execute(
        "INSERT INTO notification (id, kind, client_id, created_at, updated_at) "
        "VALUES (?, 'elderly_services', ?, ?, ?)",
        (new_id(), aino, now, now),
    )
    card = desk.clients.client_card(aino, "t")
    assert card.flags == [
        "flag.frequent_contact",
        "flag.missed_callbacks",
        "flag.recent_notification",
    ]
    assert [n.kind for n in card.notifications] == ["elderly_services"]


def test_flags_count_only_recent_history(clock: FixedClock) -> None:
    now = clock.now()
    old = [now - timedelta(days=400)] * 20
    assert client_flags(old, old, old, now) == []
    recent = [now - timedelta(days=10)] * 10
    assert client_flags(recent, recent[:2], recent[:1], now) == [
        "flag.frequent_contact",
        "flag.missed_callbacks",
        "flag.recent_notification",
    ]


def test_edit_validates_like_creation_and_logs_what_changed(desk: Desk, aino: str) -> None:
    values = desk.clients.client_card(aino, "t").form_values()
    assert values["hetu"] == "" and values["birth_date"] == "13.10.1952"
    bad = desk.clients.update_client(
        aino, {**values, "email": "aino@", "phone": "040 548 5906, 12"}
    )
    assert {e.field for e in bad.errors} == {"email", "phone"}
    saved = desk.clients.update_client(
        aino, {**values, "email": "aino@example.fi", "phone": "02 262 6000, 040 548 5906"}
    )
    assert saved.client_id == aino and saved.errors == []
    card = desk.clients.client_card(aino, "t")
    assert card.email == "aino@example.fi" and card.hetu_masked == "131052-****"
    assert sorted(p.e164 for p in card.phones) == ["+35822626000", "+358405485906"]
    update = json.loads(
        desk.conn.execute(
            "SELECT detail FROM audit WHERE action = 'update' ORDER BY rowid DESC"
        ).fetchone()[0]
    )
    assert update == {"fields": ["email", "phone"]}
    assert "client.update" in outbox_names(desk)


def test_a_removed_number_is_a_tombstone_that_syncs(desk: Desk, aino: str) -> None:
    values = desk.clients.client_card(aino, "t").form_values()
    assert desk.clients.update_client(aino, {**values, "phone": "02 262 6000"}).errors == []
    rows = desk.conn.execute("SELECT e164, deleted FROM client_phone ORDER BY e164").fetchall()
    assert [tuple(r) for r in rows] == [("+35822626000", 0), ("+358405485906", 1)]
    args = json.loads(
        desk.conn.execute("SELECT args FROM outbox WHERE name = 'client.update'").fetchone()[0]
    )
    assert sorted((p["e164"], p["deleted"]) for p in args["phones"]) == rows_as_pairs(rows)
    assert desk.clients.find_clients("040 548 5906") == []


def rows_as_pairs(rows: list) -> list[tuple[str, int]]:
    return sorted((r[0], r[1]) for r in rows)


def test_one_identity_code_is_never_two_clients(desk: Desk, aino: str) -> None:
    other = desk.clients.create_client(
        {**AINO, "last_name": "Koski", "hetu": "010150-123A"}
    ).client_id
    values = {
        **desk.clients.client_card(other, "t").form_values(),
        "hetu": "131052-308T",
        "birth_date": "",
    }
    taken = desk.clients.update_client(other, values)
    assert taken.client_id is None and [e.key for e in taken.errors] == ["error.hetu_taken"]


def test_same_name_and_birth_date_warns_and_offers_the_existing(desk: Desk, aino: str) -> None:
    twin = {**AINO, "hetu": "", "birth_date": "13.10.1952", "phone": ""}
    offered = desk.clients.create_client(twin)
    assert offered.client_id is None and offered.duplicate and offered.duplicate.id == aino
    assert desk.clients.create_client(twin, allow_duplicate=True).client_id


def test_relatives_are_added_and_removed(desk: Desk, aino: str) -> None:
    errors = desk.clients.save_relative(aino, "", "cousin", "12")
    assert {e.field for e in errors} == {"relative_name", "relation", "relative_phone"}
    assert desk.clients.save_relative(aino, "Mäkinen Pekka", "child", "050 123 4567") == []
    (relative,) = desk.clients.client_card(aino, "t").relatives
    assert (relative.relation, relative.phone) == ("child", "+358501234567")
    desk.clients.remove_relative(aino, relative.id)
    assert desk.clients.client_card(aino, "t").relatives == []
    assert outbox_names(desk).count("relative.put") == 2


def test_the_access_log_and_its_export(desk: Desk, aino: str) -> None:
    desk.clients.client_card(aino, "search")
    desk.clients.reveal_hetu(aino, "Kela-asia")
    text = desk.clients.export_access_log(aino, "asiakkaan tietopyyntö")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["action"] for r in rows] == ["create", "view", "reveal", "export"]
    assert rows[2]["reason"] == "Kela-asia" and rows[0]["worker"] == desk.worker_name
    assert [e.action for e in desk.clients.access_log(aino)][-1] == "export"
