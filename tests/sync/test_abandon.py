"""A caller who hung up: reported by an integration (POST /v1/contacts/{id}/abandon) or
marked by a worker from the queue, against a real server on both stores. Exactly one of
an abandon and a claim wins; a desk that marked offline what a colleague took returns
to the contact as taken."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import httpx

from ohjaaja.domain.clock import FixedClock
from ohjaaja.domain.queue import abandoned_event_id
from ohjaaja.sync.scope import Reach, encode
from ohjaaja.usecases.contacts import ContactForm
from tests.sync.conftest import AT, Server, Site, push_body

CALL = {"channel": "phone", "line": "sosiaalipaivystys", "municipality_code": "853",
        "language": "fi"}  # fmt: skip


def head(server: Server, token: str) -> int:
    return int(server.client(token).get("/v1/changes", params={"cursor": 0}).json()["head"])


def rows(server: Server, token: str) -> dict[tuple[str, str], dict]:
    changes = server.client(token).get("/v1/changes", params={"cursor": 0}).json()["changes"]
    return {(c["table"], c["id"]): c for c in changes}


def intake(integration: httpx.Client, **changes: str) -> str:
    response = integration.post("/v1/contacts", json={**CALL, **changes})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def integration_token(server: Server, name: str, munis: frozenset[str] | None = None) -> str:
    admin = server.admin()
    token = admin.create_token(name, "integration", AT, [], encode(munis))
    admin.close()
    return token


def at_once(*calls: Callable[[], httpx.Response]) -> list[httpx.Response]:
    """Each call on its own thread, all let go together; their answers in order."""
    start = threading.Barrier(len(calls))
    answers: list[httpx.Response | None] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait()
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(answer is not None for answer in answers)
    return [answer for answer in answers if answer is not None]


def outcomes(site: Site, name: str) -> list[tuple[str, str | None]]:
    found = site.desk.conn.execute(
        "SELECT status, result FROM outbox WHERE name = ? ORDER BY seq", (name,)
    ).fetchall()
    return [(s, json.loads(r).get("reason") if r else None) for s, r in found]


def test_an_integration_reports_a_hang_up_and_every_desk_learns_of_it(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    integration = server.client(integration_token(server, "phone-system"))
    a = Site(server, tmp_path, "a", clock)
    b = Site(server, tmp_path, "b", clock)
    gone, kept = intake(integration), intake(integration)
    for site in (a, b):
        site.sync.sync_once()
        assert {e.id for e in site.desk.contacts.queue()} == {gone, kept}
    response = integration.post(f"/v1/contacts/{gone}/abandon", json={})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["status"], answer["already"]) == ("abandoned", False)
    stored = rows(server, a.token)
    contact = stored[("contact", gone)]
    assert (contact["data"]["status"], contact["version"]) == ("abandoned", 2)
    event = stored[("contact_event", abandoned_event_id(gone))]["data"]
    assert (event["kind"], event["at"], event["worker_id"]) == (
        "abandoned", answer["abandoned_at"], None)  # fmt: skip
    assert json.loads(event["data"]) == {"integration": "phone-system"}
    assert event["at"] >= contact["data"]["received_at"]
    # Twice is nothing new: no event, no version, the first moment kept.
    before = head(server, a.token)
    again = integration.post(f"/v1/contacts/{gone}/abandon")
    assert again.status_code == 200, again.text
    assert again.json() == {**answer, "already": True}
    assert head(server, a.token) == before
    # The desks learn of it by sync: the contact leaves every queue, the moment is held.
    for site in (a, b):
        site.sync.sync_once()
        assert [e.id for e in site.desk.contacts.queue()] == [kept]
        at = site.desk.conn.execute(
            "SELECT at FROM contact_event WHERE contact_id = ? AND kind = 'abandoned'", (gone,)
        ).fetchone()[0]
        assert at == answer["abandoned_at"]
        assert not site.desk.contacts.abandon(gone)  # marked already: nothing to send
        site.close()


def test_a_hang_up_is_refused_with_a_reason_and_stores_nothing(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    regional = server.client(integration_token(server, "phone-system"))
    salo_only = server.client(integration_token(server, "salo-phones", frozenset({"734"})))
    a = Site(server, tmp_path, "a", clock)
    taken, closed = intake(regional), intake(regional)
    turku = intake(regional)  # 853: not Salo's
    a.sync.sync_once()
    assert a.desk.contacts.take(taken) is not None
    assert a.desk.contacts.take(closed) is not None
    form = ContactForm("client", None, [], "resolved")
    assert a.desk.contacts.close_contact(closed, "hoidettu", form) == []
    a.sync.sync_once()
    before = head(server, a.token)
    cases = [
        (regional, f"/v1/contacts/{taken}/abandon", {}, 409, "answered (taken)"),
        (regional, f"/v1/contacts/{closed}/abandon", {}, 409, "answered (closed)"),
        (regional, "/v1/contacts/0190a1b2-0000-7000-8000-000000000000/abandon", {}, 404,
         "no such contact"),
        (salo_only, f"/v1/contacts/{turku}/abandon", {}, 404, "no such contact"),
        (regional, f"/v1/contacts/{'x' * 65}/abandon", {}, 422, "id: an id is"),
        (regional, "/v1/contacts/a%20b;DROP/abandon", {}, 422, "id: an id is"),
        (regional, f"/v1/contacts/{turku}/abandon", {"at": "yesterday"}, 422, "at"),
        (regional, f"/v1/contacts/{turku}/abandon", {"at": "2099-01-01T00:00:00.000000Z"},
         422, "at: in the future"),
        (regional, f"/v1/contacts/{turku}/abandon", {"at": "2020-01-01T00:00:00.000000Z"},
         422, "at: before the contact was received"),
        (regional, f"/v1/contacts/{turku}/abandon", {"why": "x"}, 422, "why"),
        (server.client(a.token), f"/v1/contacts/{turku}/abandon", {}, 403, "integration"),
        (server.client(None), f"/v1/contacts/{turku}/abandon", {}, 401, "bearer"),
    ]  # fmt: skip
    for client, path, body, status, why in cases:
        response = client.post(path, json=body)
        assert response.status_code == status, (path, body, response.text)
        assert why in response.text, (path, body, response.text)
    assert head(server, a.token) == before
    a.sync.sync_once()
    assert turku in {e.id for e in a.desk.contacts.queue()}
    a.close()


def test_an_abandon_and_a_claim_at_once_exactly_one_wins(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    """The phone system's report and a worker's claim, each one request, let go at once."""
    integration = server.client(integration_token(server, "phone-system"))
    a = Site(server, tmp_path, "a", clock)
    desk = server.client(a.token)
    winners = []
    for seq in range(1, 21):
        contact_id = intake(integration)
        claim = {"seq": seq, "mutation_id": f"claim-{seq}", "name": "contact.claim",
                 "worker": a.worker, "args": {"id": contact_id, "worker_id": a.desk.worker_id,
                                              "at": AT}}  # fmt: skip
        body = push_body("a", [claim], "race")
        hung_up_answer, claim_answer = at_once(
            lambda cid=contact_id: integration.post(f"/v1/contacts/{cid}/abandon"),
            lambda push=body: desk.post("/v1/push", json=push),
        )
        answers = {"abandon": hung_up_answer, "claim": claim_answer}
        (claimed,) = answers["claim"].json()["results"]
        hung_up = answers["abandon"].status_code
        stored = rows(server, a.token)
        status = stored[("contact", contact_id)]["data"]["status"]
        event = ("contact_event", abandoned_event_id(contact_id)) in stored
        if claimed["status"] == "applied":
            assert (hung_up, status, event) == (409, "taken", False), answers["abandon"].text
            winners.append("claim")
        else:
            assert claimed["result"]["reason"] == "abandoned"
            assert (hung_up, status, event) == (200, "abandoned", True)
            winners.append("abandon")
    print(f"race winners: {winners.count('claim')} claims, {winners.count('abandon')} abandons")
    a.close()


def test_a_desk_that_marked_offline_what_a_colleague_took_shows_it_taken(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    integration = server.client(integration_token(server, "phone-system"))
    a = Site(server, tmp_path, "a", clock)
    b = Site(server, tmp_path, "b", clock)
    contact_id = intake(integration)
    a.sync.sync_once()
    b.sync.sync_once()
    # A is offline; meanwhile B takes the caller and the server hears of it.
    assert b.desk.contacts.take(contact_id) is not None
    b.sync.sync_once()
    assert a.desk.contacts.abandon(contact_id)  # A does not know yet
    report = a.sync.sync_once()
    assert outcomes(a, "contact.abandon") == [("rejected", "taken")]
    assert report.rejected == 1
    row = a.desk.conn.execute(
        "SELECT status, taken_by FROM contact WHERE id = ?", (contact_id,)
    ).fetchone()
    assert tuple(row) == ("taken", b.desk.worker_id)
    # Nor did the caller hang up unanswered: the desk's record of it is gone.
    assert (
        a.desk.conn.execute(
            "SELECT count(*) FROM contact_event WHERE kind = 'abandoned'"
        ).fetchone()[0]
        == 0
    )
    assert ("contact_event", abandoned_event_id(contact_id)) not in rows(server, a.token)
    a.close()
    b.close()


def test_a_worker_marks_a_hang_up_and_the_colleagues_queue_loses_it(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    integration = server.client(integration_token(server, "phone-system"))
    a = Site(server, tmp_path, "a", clock)
    b = Site(server, tmp_path, "b", clock, reach=Reach(frozenset({"853"})))
    contact_id = intake(integration)
    b.sync.sync_once()
    a.sync.sync_once()
    clock.advance(seconds=40)
    assert a.desk.contacts.abandon(contact_id)
    a.sync.sync_once()
    assert outcomes(a, "contact.abandon") == [("applied", None)]
    b.sync.sync_once()
    assert b.desk.contacts.queue() == []
    event = b.desk.conn.execute(
        "SELECT id, at, worker_id FROM contact_event WHERE contact_id = ? AND kind = 'abandoned'",
        (contact_id,),
    ).fetchone()
    assert tuple(event) == (abandoned_event_id(contact_id), "2026-11-23T08:00:40.000000Z",
                            a.desk.worker_id)  # fmt: skip
    # The integration's later report of the same caller is nothing new.
    late = integration.post(f"/v1/contacts/{contact_id}/abandon")
    assert late.json()["already"] is True
    assert late.json()["abandoned_at"] == "2026-11-23T08:00:40.000000Z"
    a.close()
    b.close()


def test_a_claim_made_offline_after_the_caller_hung_up_is_lost_and_said_so(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    integration = server.client(integration_token(server, "phone-system"))
    a = Site(server, tmp_path, "a", clock)
    contact_id = intake(integration)
    a.sync.sync_once()
    assert a.desk.contacts.take(contact_id) is not None  # offline: not yet sent
    assert integration.post(f"/v1/contacts/{contact_id}/abandon").status_code == 200
    a.sync.sync_once()
    assert outcomes(a, "contact.claim") == [("rejected", "abandoned")]
    (lost,) = a.desk.contacts.lost_claims()
    assert (lost.contact.id, lost.contact.status, lost.holder_name) == (
        contact_id, "abandoned", None)  # fmt: skip
    assert a.desk.contacts.my_open_contacts() == []
    a.close()


def test_an_integration_adds_contacts_only_within_its_reach(server: Server) -> None:
    """A phone system of Salo's may not put a Turku caller in the queue: its token's
    municipalities are its reach for new contacts as for hang-ups (403, nothing stored)."""
    salo_only = server.client(integration_token(server, "salo-phones", frozenset({"734"})))
    store = server.admin()
    before = store.head()
    refused = salo_only.post("/v1/contacts", json={**CALL, "municipality_code": "853"})
    assert refused.status_code == 403, refused.text
    assert "municipality_code" in refused.json()["detail"]
    assert store.head() == before
    assert intake(salo_only, municipality_code="734")  # its own municipality: taken in
    assert store.head() == before + 1
    store.close()
