"""The mutations' rules, without a server: a store in a dict."""

from __future__ import annotations

from typing import Any

import pytest

from ohjaaja.domain.queue import answer_event_id
from ohjaaja.sync.mutations import DEFINITIONS, Actor, Invalid, Rejection, Write, check
from ohjaaja.sync.rows import normalise

AT = "2026-11-23T08:00:00.000000Z"
W1 = Actor("w1", "Anna", frozenset({"guidance"}), ("assessment:853",))
W2 = Actor("w2", "Bertta", frozenset({"guidance"}), ())
ADMIN = Actor("w9", "Ylläpito", frozenset({"guidance", "admin"}), ())


class DictStore:
    training = False

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], dict[str, Any]] = {}
        self.workers = {a.id: a for a in (W1, W2, ADMIN)}
        self.hetus: dict[str, str] = {}
        self.aliases: dict[str, str] = {}

    def get(self, table: str, row_id: str) -> dict[str, Any] | None:
        return self.rows.get((table, row_id))

    def worker(self, worker_id: str) -> Actor | None:
        return self.workers.get(worker_id)

    def claim_hetu(self, hetu: str, client_id: str) -> str:
        return self.hetus.setdefault(hetu, client_id)

    def free_hetu(self, hetu: str, client_id: str) -> None:
        if self.hetus.get(hetu) == client_id:
            del self.hetus[hetu]

    def client_alias(self, client_id: str) -> str | None:
        return self.aliases.get(client_id)

    def add_client_alias(self, alias: str, client_id: str) -> None:
        self.aliases.setdefault(alias, client_id)

    def write(self, outcome: list[Write] | Rejection) -> list[Write] | Rejection:
        writes = outcome.writes if isinstance(outcome, Rejection) else outcome
        for w in writes:
            self.rows[(w.table, w.id)] = w.data
        return outcome


def run(store: DictStore, name: str, args: dict[str, Any], actor: Actor = W1) -> Any:
    definition = DEFINITIONS[name]
    return store.write(definition.apply(definition.parse(args), store, actor))


def contact(contact_id: str = "c1", **changes: Any) -> dict[str, Any]:
    row = {"id": contact_id, "channel": "phone", "line_code": "mipa", "received_at": AT,
           "created_at": AT, "updated_at": AT}  # fmt: skip
    return {**row, **changes}


def receive(store: DictStore, contact_id: str = "c1") -> None:
    assert run(store, "contact.receive", contact(contact_id))


def test_claim_is_compare_and_set_and_the_loser_gets_the_row_back() -> None:
    store = DictStore()
    receive(store)
    write, event = run(store, "contact.claim", {"id": "c1", "worker_id": "w1", "at": AT})
    assert write.data["status"] == "taken" and write.data["version"] == 2
    # How it was answered is kept, under the id the desk gave its own event.
    assert (event.table, event.id) == ("contact_event", answer_event_id("c1", "taken", AT, "w1"))
    assert (event.data["kind"], event.data["at"], event.data["worker_id"]) == ("taken", AT, "w1")
    lost = run(store, "contact.claim", {"id": "c1", "worker_id": "w2", "at": AT}, W2)
    assert lost.reason == "taken" and lost.detail["taken_by"] == "w1"
    assert lost.current == (("contact", "c1"),)
    # The winner's claim sent again is nothing new, not a loss.
    assert run(store, "contact.claim", {"id": "c1", "worker_id": "w1", "at": AT}) == []


def test_only_the_holder_releases_closes_identifies_or_calls_back() -> None:
    store = DictStore()
    receive(store)
    run(store, "contact.claim", {"id": "c1", "worker_id": "w1", "at": AT})
    close = {"id": "c1", "worker_id": "w2", "status": "closed", "closed_at": AT,
             "outcome": "resolved", "note": "toisen nimissä"}  # fmt: skip
    for name, args in [
        ("contact.release", {"id": "c1", "worker_id": "w2"}),
        ("contact.close", close),
        ("contact.identify", {"id": "c1", "worker_id": "w2", "client_id": None}),
        ("contact.callback", {"id": "c1", "worker_id": "w2", "callback_at": AT}),
    ]:
        refused = run(store, name, args, W2)
        assert isinstance(refused, Rejection) and refused.reason == "not_yours", name
    (write,) = run(store, "contact.close", {**close, "worker_id": "w1"})
    assert write.data["note"] == "toisen nimissä" and write.data["taken_by"] == "w1"


def test_an_intake_cannot_arrive_taken_or_with_a_note() -> None:
    for extra in ({"taken_by": "w1"}, {"note": "valmiiksi"}, {"status": "closed"}):
        with pytest.raises(Invalid):
            check("contact.receive", contact(**extra))


def test_append_only_rows_refuse_a_second_write_of_an_id() -> None:
    store = DictStore()
    receive(store)
    run(store, "contact.claim", {"id": "c1", "worker_id": "w1", "at": AT})
    event = {"id": "e1", "contact_id": "c1", "kind": "callback_missed", "at": AT,
             "worker_id": "w1", "data": "{}"}  # fmt: skip
    args = {"id": "c1", "worker_id": "w1", "callback_at": AT, "event": event}
    assert run(store, "contact.callback", args)
    run(store, "contact.claim", {"id": "c1", "worker_id": "w1", "at": "2026-11-23T09:00:00Z"})
    changed = {**args, "event": {**event, "data": '{"x": 1}'}}
    refused = run(store, "contact.callback", changed)
    assert refused.reason == "exists"
    assert store.get("contact_event", "e1")["data"] == "{}"
    audit = {"id": "a1", "at": AT, "worker_id": "w1", "action": "view", "detail": "{}"}
    assert run(store, "audit.append", audit)
    assert run(store, "audit.append", audit) == []  # the same row again: a resend
    assert run(store, "audit.append", {**audit, "reason": "toinen"}).reason == "exists"


def client(client_id: str, hetu: str | None = "131052-308T") -> dict[str, Any]:
    return {"id": client_id, "last_name": "Mäkinen", "first_names": "Aino", "hetu": hetu,
            "created_at": AT, "updated_at": AT}  # fmt: skip


def test_a_second_holder_of_a_code_is_merged_into_the_first() -> None:
    store = DictStore()
    assert run(store, "client.create", {"client": client("k1")})
    phone = {"id": "p2", "client_id": "k2", "e164": "+358405485906", "created_at": AT,
             "updated_at": AT}  # fmt: skip
    refused = run(store, "client.create", {"client": client("k2"), "phone": phone})
    assert refused.reason == "hetu_taken" and refused.detail["existing"] == "k1"
    assert store.get("client", "k2") is None
    assert store.get("client_phone", "p2")["client_id"] == "k1"  # the number is kept
    # What hangs on the refused client lands on the existing one.
    (audit,) = run(store, "audit.append", {"id": "a1", "at": AT, "worker_id": "w1",
                                           "client_id": "k2", "action": "create"})  # fmt: skip
    assert audit.data["client_id"] == "k1"


def test_client_edits_merge_field_by_field_and_keep_codes_unique() -> None:
    store = DictStore()
    run(store, "client.create", {"client": client("k1")})
    run(store, "client.create", {"client": client("k2", None)})
    (email,) = run(store, "client.update",
                   {"id": "k1", "worker_id": "w1", "changes": {"email": "a@b.fi"}})  # fmt: skip
    assert email.data["email"] == "a@b.fi" and email.data["version"] == 2
    taken = run(store, "client.update",
                {"id": "k2", "worker_id": "w1", "changes": {"hetu": "131052-308T"}})  # fmt: skip
    assert taken.reason == "hetu_taken" and taken.current == (("client", "k2"),)
    cleared = run(store, "client.update", {"id": "k1", "worker_id": "w1",
                                           "changes": {"hetu": None}})  # fmt: skip
    assert cleared.reason == "forbidden"  # only an admin clears a code
    run(store, "client.update", {"id": "k1", "worker_id": "w9", "changes": {"hetu": None}}, ADMIN)
    assert run(store, "client.update",
               {"id": "k2", "worker_id": "w1", "changes": {"hetu": "131052-308T"}})  # fmt: skip
    with pytest.raises(Invalid, match="unknown field"):
        check("client.update", {"id": "k1", "worker_id": "w1", "changes": {"version": 99}})


def test_a_team_handover_is_accepted_only_by_a_member() -> None:
    store = DictStore()
    handover = {"id": "h1", "from_worker_id": "w2", "to_team": "assessment:853", "note": "n",
                "created_at": AT, "updated_at": AT,
                "event": {"id": "e1", "handover_id": "h1", "kind": "sent", "at": AT,
                          "worker_id": "w2"}}  # fmt: skip
    assert run(store, "handover.create", handover, W2)

    def accept(actor: Actor, event_id: str) -> Any:
        event = {"id": event_id, "handover_id": "h1", "kind": "accept", "at": AT,
                 "worker_id": actor.id}  # fmt: skip
        args = {"id": "h1", "action": "accept", "worker_id": actor.id, "at": AT, "event": event}
        return run(store, "handover.move", args, actor)

    assert accept(W2, "e2").reason == "handover.not_addressed"
    (moved, _event) = accept(W1, "e3")
    assert moved.data["state"] == "accepted" and moved.data["accepted_by"] == "w1"
    assert accept(W1, "e3") == []  # the same move sent again


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"id": "c1", "worker_id": "w1", "at": "yesterday"}, "args.at"),
        ({"id": {"x": 1}, "worker_id": "w1", "at": AT}, "args.id"),
        ({"id": "/../../tmp/x", "worker_id": "w1", "at": AT}, "args.id"),
        ({"id": "c\x00", "worker_id": "w1", "at": AT}, "args.id"),
        ({"id": "c1", "worker_id": "w1", "at": AT, "extra": 1}, "args.extra"),
    ],
)
def test_malformed_arguments_name_their_field(args: dict[str, Any], field: str) -> None:
    with pytest.raises(Invalid) as caught:
        check("contact.claim", args)
    assert caught.value.field == field


def test_a_row_the_server_accepts_has_every_column_a_desk_needs() -> None:
    with pytest.raises(Invalid, match="created_at: required"):
        normalise("client", {"id": "C1", "last_name": "A", "first_names": "B"}, "client")
    row = normalise("client", client("k1"), "client")
    assert row["alerts"] == "" and row["language"] == "fi" and row["version"] == 1
    with pytest.raises(Invalid, match="received_at"):
        normalise("contact", contact(received_at="yesterday"), "contact")
    with pytest.raises(Invalid, match="unpaired surrogate"):
        normalise("contact", contact(note="\ud800"), "contact")
    with pytest.raises(Invalid, match="whole number"):
        normalise("contact", contact(priority="3"), "contact")


def test_a_source_stamp_is_a_real_time_stored_one_way() -> None:
    """A catalogue record's source stamp (PTV's `modified`) is compared to decide which
    copy is newer, so it is kept as the desk keeps times: any ISO 8601 time a desk
    sends (no offset: UTC) is stored in UTC with a Z, and text that is no time is
    refused, naming the field."""
    org = {"id": "o1", "name": '{"fi": "Turku"}', "version": 1, "deleted": 0,
           "created_at": AT, "updated_at": AT}  # fmt: skip
    for given, stored in (
        ("2026-10-05T07:00:00", "2026-10-05T07:00:00.000000Z"),
        ("2026-10-05T10:00:00.5+03:00", "2026-10-05T07:00:00.500000Z"),
        (None, None),
    ):
        row = normalise("organization", {**org, "source_modified_at": given}, "organization")
        assert row["source_modified_at"] == stored
    for junk in ("yesterday", "9999", "2026-13-01T00:00:00", 20261005):
        with pytest.raises(Invalid, match="source_modified_at"):
            normalise("organization", {**org, "source_modified_at": junk}, "organization")


TRAINER = Actor("w8", "Kouluttaja", frozenset({"trainer"}), ())


def test_a_training_caller_is_hung_up_only_by_the_trainer_on_a_training_store() -> None:
    store = DictStore()
    store.training = True
    receive(store)
    receive(store, "c2")
    args = {"id": "c1", "worker_id": "w8", "at": AT}
    contact_write, _event = run(store, "contact.abandon", args, TRAINER)
    assert contact_write.data["status"] == "abandoned" and contact_write.data["version"] == 2
    assert run(store, "contact.abandon", args, TRAINER) == []  # sent again
    # A trainee's claim reached the store first: it stands, the trainer's desk is told.
    run(store, "contact.claim", {"id": "c2", "worker_id": "w1", "at": AT})
    taken = run(store, "contact.abandon", {**args, "id": "c2"}, TRAINER)
    assert (taken.reason, taken.code, taken.current) == ("taken", 409, (("contact", "c2"),))
    unknown = run(store, "contact.abandon", {**args, "id": "nobody"}, TRAINER)
    assert (unknown.reason, unknown.code) == ("unknown", 404)
    # A trainee does not hang up the shift's callers.
    receive(store, "c3")
    refused = run(store, "contact.abandon", {"id": "c3", "worker_id": "w2", "at": AT}, W2)
    assert (refused.reason, refused.code) == ("role", 403)
    with pytest.raises(Invalid):
        DEFINITIONS["contact.abandon"].parse({"id": "c1", "worker_id": "w8", "at": "soon"})
    with pytest.raises(Invalid):
        DEFINITIONS["contact.abandon"].parse({**args, "status": "waiting"})
    with pytest.raises(Invalid, match=r"args\.id"):
        DEFINITIONS["contact.abandon"].parse({**args, "id": "../c1"})


def test_a_worker_marks_a_waiting_contact_abandoned_once_with_its_moment() -> None:
    from ohjaaja.domain.queue import abandoned_event_id

    store = DictStore()
    receive(store)
    later = "2026-11-23T08:03:10.000000Z"
    args = {"id": "c1", "worker_id": "w2", "at": later}
    contact_write, event = run(store, "contact.abandon", args, W2)
    assert (contact_write.data["status"], contact_write.data["version"]) == ("abandoned", 2)
    assert contact_write.data["taken_by"] is None and contact_write.data["closed_at"] is None
    assert (event.table, event.id, event.new) == ("contact_event", abandoned_event_id("c1"), True)
    assert (event.data["kind"], event.data["at"], event.data["worker_id"]) == (
        "abandoned", later, "w2")  # fmt: skip
    # Marked again (by anyone, at any time): nothing new, no event, no version.
    assert run(store, "contact.abandon", {**args, "at": AT}, W1) == []
    assert store.rows[("contact", "c1")]["version"] == 2
    # Nothing moves it after: it is no longer waiting to be taken.
    late = run(store, "contact.claim", {"id": "c1", "worker_id": "w1", "at": AT})
    assert (late.reason, late.code, late.current) == ("abandoned", 409, (("contact", "c1"),))


def test_an_answered_contact_is_not_abandoned_the_claim_stands() -> None:
    store = DictStore()
    receive(store)
    receive(store, "c2")
    run(store, "contact.claim", {"id": "c1", "worker_id": "w1", "at": AT})
    taken = run(store, "contact.abandon", {"id": "c1", "worker_id": "w2", "at": AT}, W2)
    assert (taken.reason, taken.code, taken.current) == ("taken", 409, (("contact", "c1"),))
    # Not even by the worker who holds it: it was answered.
    mine = run(store, "contact.abandon", {"id": "c1", "worker_id": "w1", "at": AT}, W1)
    assert mine.reason == "taken"
    run(store, "contact.claim", {"id": "c2", "worker_id": "w1", "at": AT})
    run(store, "contact.close", {"id": "c2", "worker_id": "w1", "status": "closed",
                                 "closed_at": AT, "outcome": "resolved"})  # fmt: skip
    closed = run(store, "contact.abandon", {"id": "c2", "worker_id": "w2", "at": AT}, W2)
    assert (closed.reason, closed.code) == ("closed", 409)
    assert store.rows[("contact", "c1")]["status"] == "taken"
    kinds = [row["kind"] for key, row in store.rows.items() if key[0] == "contact_event"]
    assert kinds == ["taken", "taken"]  # the two claims; no abandoning


def test_an_integration_reports_a_hang_up_recorded_under_its_name() -> None:
    store = DictStore()
    receive(store)
    phone_system = Actor("", "phone-system", frozenset({"integration"}), ())
    definition = DEFINITIONS["contact.abandon"]
    _contact, event = store.write(
        definition.apply({"id": "c1", "at": AT}, store, phone_system)
    )  # fmt: skip
    assert event.data["worker_id"] is None
    assert event.data["data"] == '{"integration": "phone-system"}'


def test_a_desk_cannot_take_the_id_of_a_contacts_abandoned_event() -> None:
    """The id is derived from the contact: a note made first under it would make the
    contact's abandoning unrecordable."""
    from ohjaaja.domain.queue import abandoned_event_id

    note = {"id": abandoned_event_id("c1"), "contact_id": "c1", "worker_id": "w1", "at": AT,
            "text": "ennen"}  # fmt: skip
    with pytest.raises(Invalid, match=r"args\.id"):
        DEFINITIONS["contact.note"].parse(note)


def test_only_a_trainer_makes_a_contact_under_a_shifts_derived_id() -> None:
    from ohjaaja.training.engine import contact_id as shift_contact_id

    store = DictStore()
    store.training = True
    scripted = shift_contact_id("01a24225-d094-7045-8889-6e04c40216d1", "c:daughter-0")
    refused = run(store, "contact.receive", contact(scripted), W1)
    assert (refused.reason, refused.code) == ("shift_contact", 403)
    assert store.get("contact", scripted) is None
    (made,) = run(store, "contact.receive", contact(scripted), TRAINER)
    assert made.new
    # Ordinary ids (a desk's uuid7, anything else) are anyone's, as before.
    assert run(store, "contact.receive", contact("01a24225-d094-7045-8889-6e04c40216d2"), W1)


def test_a_release_and_a_callback_are_kept_as_the_desk_wrote_them() -> None:
    """The store records when a contact went back to the queue (the reports' reopened
    contacts and callbacks), under the ids the desk gave its own events; a desk that
    does not say when records nothing, and a resend is nothing new."""
    store = DictStore()
    receive(store)
    later, after = "2026-11-23T08:05:00.000000Z", "2026-11-23T08:09:00.000000Z"
    due = "2026-11-24T08:00:00.000000Z"
    run(store, "contact.claim", {"id": "c1", "worker_id": "w1", "at": AT})
    release = {"id": "c1", "worker_id": "w1", "at": later}
    _, released = run(store, "contact.release", release)
    assert released.id == answer_event_id("c1", "released", later, "w1")
    assert released.data["kind"] == "released" and released.data["data"] == "{}"
    run(store, "contact.claim", {"id": "c1", "worker_id": "w1", "at": later})
    callback = {"id": "c1", "worker_id": "w1", "callback_at": due, "at": after}
    _, scheduled = run(store, "contact.callback", callback)
    assert scheduled.id == answer_event_id("c1", "callback_scheduled", after, "w1")
    assert scheduled.data["data"] == '{"at": "2026-11-24T08:00:00.000000Z"}'
    run(store, "contact.claim", {"id": "c1", "worker_id": "w1", "at": due})
    (quiet,) = run(store, "contact.release", {"id": "c1", "worker_id": "w1"})
    assert quiet.table == "contact"
    with pytest.raises(Invalid):
        run(store, "contact.callback", {**callback, "at": "yesterday"})
