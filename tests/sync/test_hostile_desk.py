"""What a hostile desk tried in review, each refused: values that once poisoned
every desk's pull, answers forged to write the server's log, rows given back to
undo new work, another client's phone numbers, a closed contact rewritten."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from ohjaaja.db.ids import worker_id
from ohjaaja.db.server.store import Writer

from ohjaaja.domain.clock import FixedClock
from ohjaaja.usecases.contacts import ContactForm
from tests.sync.conftest import AT, Server, Site, push_body

WA = worker_id("worker-a")


def post(client: httpx.Client, path: str, body: Any) -> httpx.Response:
    """JSON with escapes, as a hostile client sends what UTF-8 cannot carry."""
    content = json.dumps(body).encode()
    return client.post(path, content=content, headers={"content-type": "application/json"})


def push(server: Server, site: Site, items: list[dict[str, Any]], incarnation: str) -> list[dict]:
    answer = post(server.client(site.token), "/v1/push", push_body("a", items, incarnation))
    assert answer.status_code == 200, answer.text
    return list(answer.json()["results"])


def one(seq: int, name: str, args: dict[str, Any], worker: str = "worker-a", **more: Any) -> dict:
    return {"seq": seq, "mutation_id": f"h{seq}", "name": name, "worker": worker, "args": args,
            **more}  # fmt: skip


def client_args(client_id: str, **changes: Any) -> dict[str, Any]:
    row = {"id": client_id, "last_name": "A", "first_names": "B", "created_at": AT,
           "updated_at": AT}  # fmt: skip
    return {"client": {**row, **changes}}


def test_values_that_poisoned_every_pull_are_refused(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    a = Site(server, tmp_path, "a", clock, roles=("guidance", "admin"))
    organization = {"id": "org", "name": '{"fi": "Järjestö"}', "created_at": AT, "updated_at": AT}
    service = {"id": "svc", "organization_id": "org", "created_at": AT, "updated_at": AT}
    cases = [
        ("client.create", client_args("k1", birth_date="2026-11-23\ud800"), "birth_date"),
        ("client.create", client_args("k2", birth_date="1990-01-01 (arvio)"), "birth_date"),
        ("catalogue.put", {"worker_id": WA, "rows": {"organization": [organization],
                           "service": [{**service, "name": '{"fi": 5}'}]}}, "name"),
        ("catalogue.put", {"worker_id": WA, "rows": {"organization": [organization],
                           "service": [{**service, "name": '{"fi": NaN}'}]}}, "name"),
        ("catalogue.put", {"worker_id": WA, "rows": {"organization": [organization],
                           "service": [{**service, "name": '{"fi": "x \\ud800"}'}]}}, "name"),
        ("contact.receive", {"id": "c1", "channel": "phone", "line_code": "mipa",
                             "caller_phone": "+3٥٨٤٠٥٤٨٥٩٠٦", "received_at": AT,
                             "created_at": AT, "updated_at": AT}, "caller_phone"),
        ("client.create", {**client_args("k3"), "extra": {"\ud800": 1}}, "args"),
    ]  # fmt: skip
    answers = push(server, a, [one(n, name, args) for n, (name, args, _) in
                               enumerate(cases, start=1)], "raw")  # fmt: skip
    for answer, (name, _args, field) in zip(answers, cases, strict=True):
        assert answer["status"] == "rejected", (name, answer)
        assert answer["result"]["code"] == 422 and field in answer["result"]["field"], answer
    a.close()


def test_a_row_that_got_in_anyway_neither_fails_the_feed_nor_stops_a_desk(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    """A surrogate in a stored row once made /v1/changes answer 500 for good; a service
    name SQLite's JSON cannot fold once failed every desk's page in a trigger."""
    a = Site(server, tmp_path, "a", clock)
    admin = server.admin()

    def smuggle(writer: Writer) -> None:
        writer.put("contact", "bad", {"id": "bad", "channel": "phone", "line_code": "mipa",
                                      "note": "x\ud800", "received_at": AT})  # fmt: skip
        writer.put(
            "organization",
            "org",
            {
                "id": "org",
                "name": '{"fi": "Järjestö"}',
                "description": "{}",
                "sector": "public",
                "website": None,
                "email": None,
                "version": 1,
                "deleted": 0,
                "created_at": AT,
                "updated_at": AT,
            },
        )
        writer.put(
            "service",
            "svc",
            {
                "id": "svc",
                "organization_id": "org",
                "name": '{"fi": 5}',
                "created_at": AT,
                "updated_at": AT,
            },
        )

    admin.transaction(smuggle)
    admin.close()
    assert server.client(a.token).get("/v1/changes").status_code == 200
    report = a.sync.sync_once()
    assert report.quarantined == 2  # the contact and the service, each with its reason
    good = a.desk.contacts.receive("chat", "mipa", "853")
    assert a.sync.sync_once().pushed == 1 and good in [e.id for e in a.desk.contacts.queue()]
    a.close()


def test_a_forged_answer_writes_nothing_in_the_log(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    a, b = Site(server, tmp_path, "a", clock), Site(server, tmp_path, "b", clock)
    contact = b.desk.contacts.take(b.desk.contacts.receive("phone", "mipa", "853"))
    assert contact is not None
    b.sync.sync_once()
    close = {"id": contact.id, "worker_id": worker_id("worker-b"), "status": "closed",
             "closed_at": AT, "note": "väärennetty"}  # fmt: skip
    forged = one(1, "contact.close", close, worker="worker-b",
                 replay={"status": "applied", "result": {"rows": [], "sig": "0" * 32}})  # fmt: skip
    (answer,) = push(server, a, [forged], "forger")
    assert answer["result"]["reason"] == "not_your_worker"  # judged as any mutation
    unknown = one(2, "contact.claim", {"id": contact.id, "worker_id": WA, "at": AT},
                  replay={"status": "applied", "result": {"rows": []}})  # fmt: skip
    (answer,) = push(server, a, [unknown], "forger")
    assert answer["result"]["reason"] == "taken"
    a.close()
    b.close()


def test_numbers_of_another_client_cannot_be_taken(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    a = Site(server, tmp_path, "a", clock)
    fields = {
        "last_name": "A",
        "first_names": "B",
        "birth_date": "1.1.1950",
        "phone": "040 548 5906",
    }
    first = a.desk.clients.create_client(fields).client_id
    assert first
    a.sync.sync_once()
    phone = dict(a.desk.conn.execute("SELECT * FROM client_phone").fetchone())
    stolen = {**phone, "client_id": "k-new", "version": 1}
    answers = push(server, a, [
        one(1, "client.create", {**client_args("k-new"), "phones": [stolen]}),
        one(2, "client.update", {"id": "k-new", "worker_id": WA,
                                 "phones": [{**phone, "client_id": "k-new", "deleted": 1}]}),
    ], "raw")  # fmt: skip
    assert answers[0]["result"]["reason"] == "exists"
    assert answers[1]["result"]["reason"] in ("invalid", "unknown")
    on_server = server.client(a.token).get("/v1/changes").json()["changes"]
    (kept,) = [c["data"] for c in on_server if c["table"] == "client_phone"]
    assert kept["client_id"] == first and kept["deleted"] == 0
    a.close()


def test_a_closed_contact_is_not_rewritten(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    a = Site(server, tmp_path, "a", clock)
    contact = a.desk.contacts.take(a.desk.contacts.receive("phone", "mipa", "853"))
    assert contact is not None
    a.desk.contacts.close_contact(
        contact.id, "alkuperäinen", ContactForm("client", None, [], "resolved")
    )
    a.sync.sync_once()
    again = {"id": contact.id, "worker_id": WA, "status": "closed",
             "closed_at": "2020-01-01T00:00:00Z", "note": "muutettu jälkikäteen"}  # fmt: skip
    (answer,) = push(server, a, [one(1, "contact.close", again)], "raw")
    assert answer["result"]["reason"] == "closed"
    changes = server.client(a.token).get("/v1/changes").json()["changes"]
    (row,) = [c["data"] for c in changes if c["id"] == contact.id]
    assert row["note"] == "alkuperäinen"
    a.close()


def test_events_name_who_made_them(server: Server, tmp_path: Path, clock: FixedClock) -> None:
    a = Site(server, tmp_path, "a", clock)
    handover = {"id": "h1", "from_worker_id": WA, "to_team": "emergency", "note": "n",
                "created_at": AT, "updated_at": AT,
                "event": {"id": "e1", "handover_id": "h1", "kind": "sent", "at": AT}}  # fmt: skip
    (answer,) = push(server, a, [one(1, "handover.create", handover)], "raw")
    assert answer["result"]["field"] == "args.event.worker_id"
    a.close()


def test_rows_given_back_only_after_a_restore_and_never_over_new_work(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    """Outside a restore nothing is taken back; after one, a row changed here since
    the restore stays as it is here, and a code held here keeps its holder."""
    a = Site(server, tmp_path, "a", clock)
    a.desk.contacts.receive("phone", "mipa", "853")
    a.sync.sync_once()
    changes = server.client(a.token).get("/v1/changes").json()["changes"]
    signed = [{k: c[k] for k in ("table", "id", "version", "seq", "data", "sig")}
              for c in changes]  # fmt: skip
    older = [{**c, "data": {**c["data"], "note": "vanha"}} for c in signed]
    answer = server.client(a.token).post("/v1/restore", json={"rows": signed + older})
    assert answer.json()["restored"] == 0  # no restore happened: nothing is taken back
    bad_sig = server.client(a.token).post(
        "/v1/restore", json={"rows": [{**signed[0], "sig": "ä" * 32}]}
    )
    assert bad_sig.status_code == 422
    a.close()
