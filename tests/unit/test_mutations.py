"""The server's mutation rules, without a server."""

import json
import re

import pytest

from ohjaaja.mutations import BadArguments, Rejection, Write, apply

WAITING = {"id": "c1", "status": "waiting", "version": 1, "line_code": "mipa"}


def store(*rows: tuple[str, str, dict]) -> dict:
    return {(table, row_id): data for table, row_id, data in rows}


def getter(state: dict):
    return lambda table, row_id: state.get((table, row_id))


def test_claim_is_compare_and_set() -> None:
    state = store(("contact", "c1", WAITING))
    (write,) = apply("contact.claim", {"id": "c1", "worker_id": "w1", "at": "t"}, getter(state))
    assert write.data["status"] == "taken" and write.data["version"] == 2
    state[("contact", "c1")] = write.data
    lost = apply("contact.claim", {"id": "c1", "worker_id": "w2", "at": "t"}, getter(state))
    assert lost == Rejection("taken", {"id": "c1", "taken_by": "w1"})


def test_only_the_claim_winner_closes() -> None:
    taken = {**WAITING, "status": "taken", "taken_by": "w1"}
    state = store(("contact", "c1", taken))
    close = {"id": "c1", "status": "closed", "outcome": "resolved"}
    assert apply("contact.close", {**close, "worker_id": "w2"}, getter(state)).reason == "not_yours"
    (write,) = apply("contact.close", {**close, "worker_id": "w1"}, getter(state))
    assert write.data["outcome"] == "resolved" and write.data["taken_by"] == "w1"


def test_release_puts_it_back() -> None:
    taken = {**WAITING, "status": "taken", "taken_by": "w1", "taken_at": "t"}
    (write,) = apply("contact.release", {"id": "c1"}, getter(store(("contact", "c1", taken))))
    assert write.data["status"] == "waiting" and write.data["taken_by"] is None


def test_identity_codes_are_unique_across_the_region() -> None:
    client = {"id": "k1", "last_name": "M", "first_names": "A", "hetu": "131052-308T"}
    writes = apply("client.create", {"client": client}, getter({}))
    assert [w.table for w in writes] == ["client", "client_hetu"]
    state = {(w.table, w.id): w.data for w in writes}
    again = apply("client.create", {"client": {**client, "id": "k2"}}, getter(state))
    assert again.reason == "hetu_taken"


def test_audit_rows_merge_by_id() -> None:
    row = {"id": "a1", "at": "t", "action": "view"}
    assert apply("audit.append", row, getter({})) == [Write("audit", "a1", row)]
    assert apply("audit.append", row, getter(store(("audit", "a1", row)))) == []


def test_client_edits_merge_field_by_field_and_keep_codes_unique() -> None:
    client = {"id": "k1", "last_name": "M", "first_names": "A", "hetu": "131052-308T"}
    state = {
        (w.table, w.id): w.data for w in apply("client.create", {"client": client}, getter({}))
    }
    state[("client", "k2")] = {"id": "k2", "last_name": "K", "first_names": "B", "version": 1}
    email = apply("client.update", {"id": "k1", "changes": {"email": "a@b.fi"}}, getter(state))
    assert [(w.table, w.data["email"], w.data["version"]) for w in email] == [
        ("client", "a@b.fi", 2)
    ]
    taken = apply("client.update", {"id": "k2", "changes": {"hetu": "131052-308T"}}, getter(state))
    assert taken == Rejection("hetu_taken", {"hetu": "131052-308T"})
    # k1 gives its code up: the index row is freed, and k2 may then take it.
    moved = apply("client.update", {"id": "k1", "changes": {"hetu": None}}, getter(state))
    state.update({(w.table, w.id): w.data for w in moved})
    assert state[("client_hetu", "131052-308T")] == {"client_id": None}
    assert apply("client.update", {"id": "k2", "changes": {"hetu": "131052-308T"}}, getter(state))
    with pytest.raises(BadArguments, match="unknown field"):
        apply("client.update", {"id": "k1", "changes": {"version": 99}}, getter(state))


def test_relatives_and_phones_carry_the_next_version() -> None:
    state = store(("client", "k1", {"id": "k1"}))
    relative = {"id": "r1", "client_id": "k1", "name": "P", "relation": "child"}
    (write,) = apply("relative.put", relative, getter(state))
    assert write.data["version"] == 1
    state[("relative", "r1")] = write.data
    (again,) = apply("relative.put", {**relative, "deleted": 1}, getter(state))
    assert (again.data["version"], again.data["deleted"]) == (2, 1)
    orphan = apply("relative.put", {**relative, "client_id": "nobody"}, getter(state))
    assert orphan.reason == "unknown"
    phone = {"id": "p1", "client_id": "k2", "e164": "+358405485906"}
    with pytest.raises(BadArguments, match="another client"):
        apply("client.update", {"id": "k1", "phones": [phone]}, getter(state))


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("contact.explode", {}, "unknown mutation"),
        ("contact.claim", {"id": "c1"}, "worker_id"),
        ("client.create", {"client": "x"}, "client"),
        ("contact.receive", [], "args"),
    ],
)
def test_malformed_mutations_name_the_field(name: str, args, message: str) -> None:
    with pytest.raises(BadArguments, match=message):
        apply(name, args, getter({}))


def test_catalogue_rows_are_put_whole_with_the_next_version() -> None:
    state = store(("service", "s1", {"id": "s1", "name": "{}", "version": 3}))
    rows = {
        "service": [{"id": "s1", "name": '{"fi": "Uusi"}', "version": 1}],
        "catalogue_phone": [{"id": "p1", "service_id": "s1", "number": "+35822626000"}],
    }
    writes = apply("catalogue.put", {"rows": rows}, getter(state))
    assert [(w.table, w.id, w.data["version"]) for w in writes] == [
        ("service", "s1", 4),
        ("catalogue_phone", "p1", 1),
    ]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ({}, "rows: required"),
        ({"rows": {"client": [{"id": "c1"}]}}, "not a catalogue table"),
        ({"rows": {"service": {"id": "s1"}}}, "must be a list"),
        ({"rows": {"service": [{"name": "x"}]}}, "needs an id"),
    ],
)
def test_bad_catalogue_rows_are_refused_whole(args: dict, says: str) -> None:
    with pytest.raises(BadArguments, match=says):
        apply("catalogue.put", args, getter({}))


def test_an_offer_is_appended_once_and_needs_a_service_or_a_need() -> None:
    offer = {"id": "o1", "contact_id": "c1", "service_id": "s1", "created_at": "t"}
    (write,) = apply("offer.create", offer, getter({}))
    assert write == Write("offer", "o1", offer)
    assert apply("offer.create", offer, getter(store(("offer", "o1", offer)))) == []
    with pytest.raises(BadArguments, match="unmet need"):
        apply("offer.create", {**offer, "service_id": None}, getter({}))


def _handover(state: str = "sent", accepted_by: str | None = None) -> dict:
    return {"id": "h1", "to_team": "assessment:853", "state": state, "version": 1,
            "accepted_by": accepted_by}  # fmt: skip


def _move(action: str, worker: str, event_id: str = "e1") -> dict:
    event = {"id": event_id, "handover_id": "h1", "kind": action, "at": "t"}
    return {"id": "h1", "action": action, "worker_id": worker, "at": "t", "event": event}


def test_of_two_accepts_the_server_takes_one() -> None:
    state = store(("handover", "h1", _handover()))
    writes = apply("handover.move", _move("accept", "w1"), getter(state))
    assert isinstance(writes, list)
    handover, event = writes
    assert handover.data["state"] == "accepted" and handover.data["accepted_by"] == "w1"
    assert event.table == "handover_event"
    state[("handover", "h1")] = handover.data
    lost = apply("handover.move", _move("accept", "w2", "e2"), getter(state))
    assert lost == Rejection(
        "handover.illegal", {"id": "h1", "state": "accepted", "accepted_by": "w1"}
    )
    assert apply("handover.move", _move("complete", "w2", "e3"), getter(state)) == Rejection(
        "handover.not_yours", {"id": "h1", "state": "accepted", "accepted_by": "w1"}
    )


@pytest.mark.parametrize("state", ["returned", "completed"])
def test_an_ended_handover_does_not_move(state: str) -> None:
    ended = store(("handover", "h1", _handover(state, "w1")))
    for action in ("accept", "return", "complete"):
        refused = apply("handover.move", _move(action, "w1"), getter(ended))
        assert isinstance(refused, Rejection) and refused.reason == "handover.illegal"


def test_a_handover_needs_a_receiver_and_an_event() -> None:
    base = {"id": "h1", "note": "n", "from_worker_id": "w1"}
    with pytest.raises(BadArguments, match="worker or a team"):
        apply("handover.create", base, getter({}))
    with pytest.raises(BadArguments, match="event"):
        apply("handover.create", {**base, "to_team": "emergency"}, getter({}))
    with pytest.raises(BadArguments, match="to_team: not a team"):
        apply("handover.create", {**base, "to_team": "assessment:999"}, getter({}))
    with pytest.raises(BadArguments, match="urgency"):
        apply("handover.create", {**base, "to_team": "emergency", "urgency": "asap"}, getter({}))


@pytest.mark.parametrize(
    ("kind", "fields", "says"),
    [
        ("child_welfare", {"subject": "Lapsi"}, "concern (error.required)"),
        ("gossip", {"subject": "x", "concern": "y"}, "kind"),
        ("social_care_need", {"subject": "x", "concern": "y", "consent": "maybe"}, "consent"),
        ("child_welfare", "[1, 2]", "not a JSON object"),
    ],
)
def test_the_server_checks_a_notification_as_the_form_does(
    kind: str, fields: object, says: str
) -> None:
    text = fields if isinstance(fields, str) else json.dumps(fields)
    notification = {"id": "n1", "kind": kind, "routed_to": "emergency", "fields": text}
    with pytest.raises(BadArguments, match=re.escape(says)):
        apply("notification.create", {"notification": notification}, getter({}))


def test_a_shift_handover_is_acknowledged_once() -> None:
    row = {"id": "s1", "from_worker_id": "w1", "note": "n", "version": 1}
    state = store(("shift_handover", "s1", row))
    (write,) = apply("shift.acknowledge", {"id": "s1", "worker_id": "w2", "at": "t"}, getter(state))
    state[("shift_handover", "s1")] = write.data
    again = apply("shift.acknowledge", {"id": "s1", "worker_id": "w3", "at": "t"}, getter(state))
    assert again == Rejection("acknowledged", {"id": "s1", "by": "w2"})


def test_a_callback_puts_the_contact_back_with_its_missed_attempt() -> None:
    taken = {**WAITING, "status": "taken", "taken_by": "w1"}
    state = store(("contact", "c1", taken))
    event = {"id": "ev", "contact_id": "c1", "kind": "callback_missed", "at": "t"}
    args = {"id": "c1", "worker_id": "w1", "callback_at": "later", "event": event}
    contact, missed = apply("contact.callback", args, getter(state))  # type: ignore[misc]
    assert contact.data["status"] == "waiting" and contact.data["callback_at"] == "later"
    assert missed.table == "contact_event"
    assert apply("contact.callback", {**args, "worker_id": "w2"}, getter(state)) == Rejection(
        "not_yours", {"id": "c1", "taken_by": "w1"}
    )
