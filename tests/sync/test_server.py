"""The shared server as integrations and desks meet it: real processes, both stores."""

from __future__ import annotations

import subprocess
import sys

from ohjaaja.db.ids import worker_id

from tests.sync.conftest import Server, cli, push_body

CONTACT = {
    "channel": "phone",
    "line": "sosiaalipaivystys",
    "municipality_code": "853",
    "phone": "+358405485906",
    "language": "fi",
}


def head(server: Server, token: str) -> int:
    return server.client(token).get("/v1/changes", params={"cursor": 0}).json()["head"]


def test_openapi_is_published(server: Server) -> None:
    document = server.client(None).get("/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {"/v1/contacts", "/v1/push", "/v1/changes"} <= set(document["paths"])


def test_intake_creates_a_contact(server: Server) -> None:
    integration = server.token("integration", "phone-system")
    desk = server.token("desk", "desk-1")
    response = server.client(integration).post("/v1/contacts", json=CONTACT)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["phone"] == "+358405485906" and created["line"] == "sosiaalipaivystys"
    changes = server.client(desk).get("/v1/changes").json()["changes"]
    assert [(c["table"], c["id"]) for c in changes] == [("contact", created["id"])]
    assert changes[0]["data"]["status"] == "waiting"


def test_bad_intake_is_refused_with_a_reason_and_stores_nothing(server: Server) -> None:
    integration = server.client(server.token("integration", "chat"))
    desk_token = server.token("desk", "desk-1")
    cases = [
        ({**CONTACT, "municipality_code": "999"}, 422, "municipality_code"),
        ({**CONTACT, "phone": "12"}, 422, "phone"),
        ({**CONTACT, "line": "nonsense"}, 422, "line"),
        ({**CONTACT, "channel": 5}, 422, "channel"),
        ({**CONTACT, "extra": "x"}, 422, "extra"),
        ({k: v for k, v in CONTACT.items() if k != "channel"}, 422, "channel"),
    ]
    for body, status, field in cases:
        response = integration.post("/v1/contacts", json=body)
        assert response.status_code == status, (body, response.text)
        assert field in response.text
    malformed = integration.post(
        "/v1/contacts", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 422
    huge = integration.post("/v1/contacts", content=b"x" * (5 * 1024 * 1024))
    assert huge.status_code == 413
    assert head(server, desk_token) == 0


def test_tokens_are_required_and_revocable(server: Server) -> None:
    assert server.client(None).post("/v1/contacts", json=CONTACT).status_code == 401
    assert server.client("forged").post("/v1/contacts", json=CONTACT).status_code == 401
    token = server.token("integration", "eform")
    assert server.client(token).post("/v1/contacts", json=CONTACT).status_code == 201
    assert cli("server", "token", "revoke", *server.store_args, "--name", "eform").startswith(
        "revoked 1"
    )
    assert server.client(token).post("/v1/contacts", json=CONTACT).status_code == 401
    desk = server.token("desk", "desk-1")
    assert server.client(desk).post("/v1/contacts", json=CONTACT).status_code == 403


def contact_args(contact_id: str) -> dict:
    return {
        "id": contact_id,
        "channel": "phone",
        "line_code": "ikaihmiset",
        "municipality_code": "853",
        "language": "fi",
        "priority": 3,
        "status": "waiting",
        "received_at": "2026-11-23T08:00:00.000000Z",
        "created_at": "2026-11-23T08:00:00.000000Z",
        "updated_at": "2026-11-23T08:00:00.000000Z",
    }


def batch(desk: str, *items: tuple[int, str, dict], worker: str = "w1") -> dict:
    return push_body(
        desk,
        [
            {"seq": seq, "mutation_id": f"{desk}-{seq}", "name": name, "worker": worker,
             "args": args}
            for seq, name, args in items
        ],
    )  # fmt: skip


def test_push_is_idempotent_and_stops_at_a_gap(server: Server) -> None:
    client = server.client(server.token("desk", "desk-1", ("w1",)))
    first = batch(
        "desk-1",
        (1, "contact.receive", contact_args("c1")),
        (2, "contact.receive", contact_args("c2")),
    )
    response = client.post("/v1/push", json=first)
    assert response.status_code == 200, response.text
    assert [r["status"] for r in response.json()["results"]] == ["applied", "applied"]
    before = head(server, server.token("desk", "desk-1"))
    replay = client.post("/v1/push", json=first).json()
    assert replay["results"] == response.json()["results"] and replay["last_seq"] == 2
    assert head(server, server.token("desk", "desk-1")) == before
    gap = client.post("/v1/push", json=batch("desk-1", (4, "contact.receive", contact_args("c4"))))
    assert gap.json()["gap_at"] == 3 and gap.json()["results"] == []
    reordered = batch(
        "desk-1",
        (4, "contact.receive", contact_args("c4")),
        (3, "contact.receive", contact_args("c3")),
    )
    assert client.post("/v1/push", json=reordered).json()["last_seq"] == 4


def test_a_bad_mutation_is_refused_alone_with_its_field(server: Server) -> None:
    token = server.token("desk", "desk-1", ("w1",))
    client = server.client(token)
    pushed = batch(
        "desk-1",
        (1, "contact.explode", {}),
        (2, "contact.claim", {"id": "c1"}),
        (3, "contact.receive", contact_args("c3")),
    )
    answers = client.post("/v1/push", json=pushed).json()["results"]
    assert [(a["status"], a["result"]["code"]) for a in answers[:2]] == [("rejected", 422)] * 2
    assert "unknown mutation" in answers[0]["result"]["message"]
    assert answers[1]["result"]["field"] == "args.worker_id"
    assert answers[2]["status"] == "applied"  # what came after is not held up
    other = client.post("/v1/push", json=batch("desk-2", (1, "contact.receive", contact_args("x"))))
    assert other.status_code == 403
    wrong_type = client.post("/v1/push", json={**batch("desk-1"), "mutations": "no"})
    assert wrong_type.status_code == 422
    assert head(server, token) == 2  # the worker and c3


def test_exactly_one_desk_wins_a_claim(server: Server) -> None:
    one = server.client(server.token("desk", "desk-1", ("w1",)))
    two = server.client(server.token("desk", "desk-2", ("w2",)))
    one.post("/v1/push", json=batch("desk-1", (1, "contact.receive", contact_args("c1"))))
    claim = {"id": "c1", "at": "2026-11-23T08:00:10.000000Z", "version": 2}
    won = one.post(
        "/v1/push",
        json=batch("desk-1", (2, "contact.claim", {**claim, "worker_id": worker_id("w1")})),
    )
    lost = two.post(
        "/v1/push",
        json=batch(
            "desk-2", (1, "contact.claim", {**claim, "worker_id": worker_id("w2")}), worker="w2"
        ),
    )
    assert won.json()["results"][0]["status"] == "applied"
    answer = lost.json()["results"][0]
    assert answer["status"] == "rejected"
    assert answer["result"]["reason"] == "taken"
    assert answer["result"]["taken_by"] == worker_id("w1")
    # The loser gets the server's row back, to return to.
    assert [row["data"]["taken_by"] for row in answer["result"]["current"]] == [worker_id("w1")]


def test_pull_pages_in_sequence_order(server: Server) -> None:
    token = server.token("desk", "desk-1", ("w1",))
    client = server.client(token)
    items = [(i, "contact.receive", contact_args(f"c{i}")) for i in range(1, 8)]
    client.post("/v1/push", json=batch("desk-1", *items))
    seen, cursor = [], 0
    while True:
        page = client.get("/v1/changes", params={"cursor": cursor, "limit": 3}).json()
        if not page["changes"]:
            break
        seen += [c["data"].get("name") or c["id"] for c in page["changes"]]
        cursor = page["next_cursor"]
    assert seen == ["w1", *(f"c{i}" for i in range(1, 8))]
    assert cursor == page["head"]


def test_training_data_never_reaches_a_production_store(server: Server) -> None:
    client = server.client(server.token("desk", "trainer-desk", ("w1",)))
    from_training = {
        **batch("trainer-desk", (1, "contact.receive", contact_args("t1"))),
        "training": True,
    }
    response = client.post("/v1/push", json=from_training)
    assert response.status_code == 403 and "training" in response.text
    flagged = batch(
        "trainer-desk", (1, "contact.receive", {**contact_args("t2"), "is_training": 1})
    )
    (answer,) = client.post("/v1/push", json=flagged).json()["results"]
    assert answer["status"] == "rejected" and answer["result"]["field"] == "args.is_training"
    assert head(server, server.token("desk", "reader")) == 1  # the worker only
    refused = subprocess.run(
        [sys.executable, "-m", "ohjaaja.shell.cli", "server", *server.store_args, "--training"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert refused.returncode == 2 and "production store" in refused.stderr
