"""The server's mutation rules, without a server."""

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
