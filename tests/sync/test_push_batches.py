"""A push batch read and written in sets behaves as one mutation after another:
a row made and changed in one batch, a resent batch, the same mutation twice in
one batch. Real server processes, both stores."""

from __future__ import annotations

from ohjaaja.db.ids import worker_id

from tests.sync.conftest import Server, push_body
from tests.sync.test_server import contact_args


def pull(server: Server, token: str) -> dict:
    return server.client(token).get("/v1/changes", params={"cursor": 0}).json()


def test_a_row_made_and_changed_in_one_batch_is_stored_once_at_its_last_version(
    server: Server,
) -> None:
    token = server.token("desk", "desk-1", ("w1",))
    client = server.client(token)
    claim = {"id": "c1", "worker_id": worker_id("w1"), "at": "2026-11-23T08:01:00.000000Z"}
    body = push_body("desk-1", [
        {"seq": 1, "mutation_id": "m1", "name": "contact.receive", "worker": "w1",
         "args": contact_args("c1")},
        {"seq": 2, "mutation_id": "m2", "name": "contact.claim", "worker": "w1", "args": claim},
        {"seq": 3, "mutation_id": "m3", "name": "contact.claim", "worker": "w1",
         "args": {**claim, "id": "nobody"}},
    ])  # fmt: skip
    answer = client.post("/v1/push", json=body)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    assert results[2]["result"]["code"] == 404
    rows = [c for c in pull(server, token)["changes"] if c["table"] == "contact"]
    assert len(rows) == 1
    assert rows[0]["data"]["taken_by"] == worker_id("w1")
    assert rows[0]["seq"] == results[1]["result"]["rows"][0][2]  # the claim's number
    head = pull(server, token)["head"]
    again = client.post("/v1/push", json=body).json()
    assert again["results"] == results and pull(server, token)["head"] == head


def test_one_mutation_twice_in_a_batch_is_refused_whole(server: Server) -> None:
    token = server.token("desk", "desk-1", ("w1",))
    client = server.client(token)
    one = {"mutation_id": "m1", "name": "contact.receive", "worker": "w1",
           "args": contact_args("c1")}  # fmt: skip
    body = push_body("desk-1", [{**one, "seq": 1}, {**one, "seq": 2}])
    answer = client.post("/v1/push", json=body)
    assert answer.status_code == 422 and "repeated" in answer.text
    assert [c for c in pull(server, token)["changes"] if c["table"] == "contact"] == []
