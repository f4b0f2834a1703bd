"""No desk acts for another (issue 12, finding 2): the server checks the acting
worker of every mutation against its register and the desk's token, and
enforces the rules itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from ohjaaja.db.ids import worker_id

from ohjaaja.domain.clock import FixedClock
from tests.conftest import AINO
from tests.sync.conftest import AT, Server, Site, cli, push_body

WA, WB = worker_id("worker-a"), worker_id("worker-b")


def test_a_desk_token_cannot_act_as_anyone(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    a, b = Site(server, tmp_path, "a", clock), Site(server, tmp_path, "b", clock)
    client_id = a.desk.clients.create_client(AINO).client_id
    contact = a.desk.contacts.take(a.desk.contacts.receive("phone", "ikaihmiset", "853"))
    assert client_id and contact
    a.desk.handovers.schedule_callback(contact.id, clock.now(), missed=True)
    contact = a.desk.contacts.take(contact.id)
    assert contact is not None
    event_id = a.desk.conn.execute(
        "SELECT id FROM contact_event WHERE kind = 'callback_missed'"
    ).fetchone()[0]
    assert a.sync.sync_once().rejected == 0
    b.sync.sync_once()
    before = _rows(server, a.token)

    close = {"id": contact.id, "worker_id": WA, "status": "closed", "closed_at": AT,
             "outcome": "resolved", "note": "suljettu toisen nimissä"}  # fmt: skip
    audit = {"id": "fake-audit", "at": AT, "worker_id": WA, "client_id": client_id,
             "action": "view"}  # fmt: skip
    event = {"id": event_id, "contact_id": contact.id, "kind": "callback_missed", "at": AT,
             "worker_id": WB, "data": '{"overwritten": true}'}  # fmt: skip
    service = {"id": "svc", "organization_id": "org", "name": '{"fi": "Palvelu"}',
               "created_at": AT, "updated_at": AT}  # fmt: skip
    organization = {"id": "org", "name": '{"fi": "Järjestö"}', "created_at": AT, "updated_at": AT}
    attempts: list[tuple[str, str, dict[str, Any], str]] = [
        # (acting worker named in the push, mutation, arguments, the reason expected)
        ("worker-b", "contact.release", {"id": contact.id, "worker_id": WB}, "not_yours"),
        ("worker-a", "contact.release", {"id": contact.id, "worker_id": WA}, "not_your_worker"),
        ("worker-a", "contact.claim", {"id": contact.id, "worker_id": WA, "at": AT},
         "not_your_worker"),
        ("worker-b", "contact.close", close, "acts_for_another"),
        ("worker-a", "contact.close", close, "not_your_worker"),
        ("worker-b", "audit.append", audit, "acts_for_another"),
        ("worker-b", "client.update", {"id": client_id, "worker_id": WB,
                                       "changes": {"hetu": None}}, "forbidden"),
        ("worker-b", "catalogue.put", {"worker_id": WB, "rows": {
            "organization": [organization], "service": [service]}}, "role"),
        ("worker-b", "contact.receive", {"id": "arrives-closed", "channel": "phone",
                                         "line_code": "mipa", "status": "closed",
                                         "note": "valmis", "received_at": AT, "created_at": AT,
                                         "updated_at": AT}, "invalid"),
        ("worker-b", "contact.callback", {"id": contact.id, "worker_id": WB,
                                          "callback_at": AT, "event": event}, "not_yours"),
        ("worker-b", "contact.note", {"id": event_id, "contact_id": contact.id,
                                      "worker_id": WB, "at": AT, "text": "päälle"}, "exists"),
        # Nobody hangs up a caller in another's name, nor one a colleague answered.
        ("worker-b", "contact.abandon", {"id": contact.id, "worker_id": WA, "at": AT},
         "acts_for_another"),
        ("worker-b", "contact.abandon", {"id": contact.id, "worker_id": WB, "at": AT}, "taken"),
    ]  # fmt: skip
    items = [
        {"seq": n, "mutation_id": f"hostile-{n}", "name": name, "worker": worker, "args": args}
        for n, (worker, name, args, _reason) in enumerate(attempts, start=1)
    ]
    answers = server.client(b.token).post("/v1/push", json=push_body("b", items, "hostile"))
    reasons = [r["result"].get("reason") for r in answers.json()["results"]]
    assert reasons == [reason for *_, reason in attempts]
    assert _rows(server, a.token) == before  # nothing of desk A's changed
    a.close()
    b.close()


def test_a_trainer_puts_no_catalogue_on_a_client_data_store(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    """Only a training store takes the catalogue from the trainer role (README)."""
    from ohjaaja.demo.catalogue import demo_catalogue
    from ohjaaja.usecases.catalogue import write_catalogue

    site = Site(server, tmp_path, "t", clock, roles=("guidance", "trainer"))
    organizations, services = demo_catalogue()
    with site.desk.writing() as conn:
        write_catalogue(conn, organizations[:1], services[:1], AT, by=site.desk.worker_id)
    assert site.sync.sync_once().rejected > 0
    found = site.desk.conn.execute(
        "SELECT status, json_extract(result, '$.reason') FROM outbox WHERE name = 'catalogue.put'"
    ).fetchall()
    assert found and {tuple(r) for r in found} == {("rejected", "role")}
    site.close()


def test_a_team_handover_is_accepted_only_by_a_member_the_register_names(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    """The desk's --teams says what a worker sees; the server's register decides."""
    from ohjaaja.usecases.handovers import HandoverForm

    a = Site(server, tmp_path, "a", clock)
    b = Site(server, tmp_path, "b", clock, teams=("assessment:853",))  # on the desk only
    admin = server.admin()
    admin.add_worker("worker-b", ["guidance"], [], AT)  # the register says otherwise
    admin.close()
    made, errors = a.desk.handovers.create_handover(
        HandoverForm(to_team="assessment:853", note="arvio", situation="yksin kotona")
    )
    assert made and not errors
    a.sync.sync_once()
    b.sync.sync_once()
    assert b.desk.handovers.move_handover(made, "accept") is None  # the desk's quick answer
    report = b.sync.sync_once()
    assert report.refusals == [("handover.move", "handover.not_addressed")]
    assert b.desk.handovers.handover(made).state == "sent"  # back to the server's word
    a.close()
    b.close()


def test_tokens_act_only_for_the_workers_they_name(server: Server) -> None:
    server.worker("Anna")
    token = server.token("desk", "host-1", ("Anna",))
    claim = {"id": "c", "worker_id": worker_id("Bertta"), "at": AT}
    body = push_body("host-1", [{"seq": 1, "mutation_id": "m1", "name": "contact.claim",
                                 "worker": "Bertta", "args": claim}])  # fmt: skip
    (answer,) = server.client(token).post("/v1/push", json=body).json()["results"]
    assert answer["result"]["reason"] == "unknown_worker"
    server.worker("Bertta")
    body["mutations"][0]["mutation_id"] = "m2"
    body["mutations"][0]["seq"] = 2
    (answer,) = server.client(token).post("/v1/push", json=body).json()["results"]
    assert answer["result"]["reason"] == "not_your_worker"


def _rows(server: Server, token: str) -> list[tuple[str, str, int]]:
    changes = server.client(token).get("/v1/changes", params={"limit": 5000}).json()["changes"]
    return sorted((c["table"], c["id"], c["version"]) for c in changes)


def test_a_token_that_does_not_act_for_the_worker_holds_the_work_back(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    """Anna's desk run with Bertta's token: her changes are not sent to be refused (and
    lost, and shown as a lost claim); they wait, the desk says why, and go once an
    admin adds her to the token."""
    import pytest

    from ohjaaja.sync.client import SyncClient, SyncError
    from ohjaaja.usecases.desk import Desk

    server.worker("anna")
    token = server.token("desk", "desk-b", ("bertta",))
    path = tmp_path / "anna.sqlite"
    desk = Desk(path, clock, "anna")
    taken = desk.contacts.take(desk.contacts.receive("phone", "mipa", "853"))
    assert taken is not None
    sync = SyncClient(path, server.url, token, clock)
    with pytest.raises(SyncError, match="does not act for worker anna"):
        sync.sync_once()
    assert desk.pending_changes() == 2 and desk.contacts.lost_claims() == []
    cli("server", "token", "workers", *server.store_args, "--name", "desk-b",
        "--workers", "bertta,anna")  # fmt: skip
    sync.close()
    sync = SyncClient(path, server.url, token, clock)
    assert sync.sync_once().pushed == 2 and desk.pending_changes() == 0
    sync.close()
    desk.close()


def test_the_register_and_tokens_from_the_shell(server: Server) -> None:
    store = server.store_args
    assert cli("server", "worker", "add", "anna", *store, "--roles", "guidance,admin",
               "--teams", "emergency").startswith("added: anna")  # fmt: skip
    again = cli("server", "worker", "add", "anna", *store, "--teams", "assessment:853")
    assert again == "changed: anna  roles admin,guidance  teams assessment:853"  # roles kept
    assert cli("server", "worker", "add", "anna", *store).startswith("unchanged")
    server.token("integration", "pbx")
    refused = subprocess.run(
        [sys.executable, "-m", "ohjaaja.shell.cli", "server", "token", "workers", *store,
         "--name", "pbx", "--workers", "anna"], capture_output=True, text=True,
    )  # fmt: skip
    assert refused.returncode == 1 and "only desk tokens act for workers" in refused.stderr
    server.token("desk", "desk-1", ("anna",))
    listed = subprocess.run(
        [sys.executable, "-m", "ohjaaja.shell.cli", "server", "token", "list", *store],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "desk-1\tdesk\tanna\t" in listed and "pbx\tintegration\t-\t" in listed
    assert "ohj_" not in listed  # secrets are never shown again
