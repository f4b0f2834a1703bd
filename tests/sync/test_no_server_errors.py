"""No input or race gives a 500 (issue 12, findings 5 and 6): the cases found
answer 4xx with a reason; crossing claims never deadlock; one identity code is
registered once however many server processes race for it."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from ohjaaja.db.ids import worker_id

from tests.sync.conftest import AT, Server, push_body, start_server, stop

CONTACT = {"channel": "phone", "line": "mipa", "municipality_code": "853"}


def receive(contact_id: Any, **changes: Any) -> dict[str, Any]:
    row = {"id": contact_id, "channel": "phone", "line_code": "mipa", "received_at": AT,
           "created_at": AT, "updated_at": AT}  # fmt: skip
    return {**row, **changes}


def post(client: httpx.Client, path: str, body: Any) -> httpx.Response:
    """JSON with escapes (\\ud800), as a hostile client sends what UTF-8 cannot carry."""
    content = json.dumps(body).encode()
    return client.post(path, content=content, headers={"content-type": "application/json"})


def one(name: str, args: Any, **envelope: Any) -> dict[str, Any]:
    return {"seq": 1, "mutation_id": "m1", "name": name, "worker": "w1", "args": args, **envelope}


BAD_PUSHES: list[tuple[str, dict[str, Any]]] = [
    ("surrogate in desk_id", {**push_body("desk-1", []), "desk_id": "desk-\ud800"}),
    ("NUL in desk_id", {**push_body("desk-1", []), "desk_id": "desk\x00"}),
    ("surrogate in mutation_id", push_body("desk-1", [one("contact.receive", receive("c"),
                                                          mutation_id="m\udfff")])),
    ("NUL in mutation_id", push_body("desk-1", [one("contact.receive", receive("c"),
                                                    mutation_id="m\x00")])),
    ("the same mutation_id twice", push_body("desk-1", [
        one("contact.receive", receive("c1")),
        {**one("contact.receive", receive("c2")), "seq": 2}])),
    ("seq past 64 bits", push_body("desk-1", [one("contact.receive", receive("c"), seq=2**64)])),
    ("args as a list", push_body("desk-1", [one("contact.receive", [1, 2])])),
]  # fmt: skip
BAD_MUTATIONS: list[tuple[str, str, Any]] = [
    ("surrogate in a row id", "contact.receive", receive("c\ud800")),
    ("NUL in a row id", "contact.receive", receive("c\x00")),
    ("id as an object", "contact.receive", receive({"a": 1})),
    ("id as a list", "contact.receive", receive([1])),
    ("id as a number", "contact.receive", receive(5)),
    ("version as text", "contact.receive", receive("c", version="abc")),
    ("version as a list", "contact.receive", receive("c", version=[1])),
    ("version past 64 bits", "contact.receive", receive("c", version=2**70)),
    ("a surrogate as a key", "contact.receive", {**receive("c"), "\ud800": 1}),
    ("nested row as text", "client.create", {"client": "x"}),
    ("abandoned at no time", "contact.abandon", {"id": "c", "worker_id": "w", "at": "soon"}),
    ("abandoned with a status", "contact.abandon", {"id": "c", "worker_id": "w", "at": AT,
                                                    "status": "closed"}),
]  # fmt: skip


@pytest.mark.parametrize(("case", "body"), BAD_PUSHES, ids=[c for c, _ in BAD_PUSHES])
def test_a_bad_push_is_answered_4xx(server: Server, case: str, body: dict) -> None:
    token = server.token("desk", "desk-1", ("w1",))
    response = post(server.client(token), "/v1/push", body)
    assert 400 <= response.status_code < 500, (case, response.status_code, response.text)


def test_a_bad_mutation_is_refused_with_a_reason(server: Server) -> None:
    token = server.token("desk", "desk-1", ("w1",))
    items = [
        {**one(name, args), "seq": n, "mutation_id": f"m{n}"}
        for n, (_case, name, args) in enumerate(BAD_MUTATIONS, start=1)
    ]
    response = post(server.client(token), "/v1/push", push_body("desk-1", items))
    assert response.status_code == 200, response.text
    answers = response.json()["results"]
    assert [(a["status"], a["result"]["code"]) for a in answers] == [("rejected", 422)] * len(
        BAD_MUTATIONS
    )
    intake = server.client(server.token("integration", "pbx"))
    for phone in ("040\x00548", "040\ud800"):
        answer = post(intake, "/v1/contacts", {**CONTACT, "phone": phone})
        assert answer.status_code == 422, answer.text


def test_crossing_claim_batches_never_deadlock(postgres_url: str) -> None:
    """[A, B] against [B, A] through two server processes: before, 22 of 80 pushes
    got 500 (deadlock)."""
    store = ["--database-url", postgres_url]
    servers = [start_server(store), start_server(store)]
    try:
        tokens = servers[0].desk_tokens(8)
        intake = servers[0].client(servers[0].token("integration", "pbx"))
        pairs = [
            [intake.post("/v1/contacts", json=CONTACT).json()["id"] for _ in range(2)]
            for _ in range(10)
        ]

        def push(n: int) -> list[int]:
            client = servers[n % 2].client(tokens[n])
            codes = []
            for seq, pair in enumerate(pairs, start=1):
                order = pair if n % 2 else pair[::-1]
                claims = [
                    {"seq": seq * 2 - 1 + i, "mutation_id": f"d{n}-{seq}-{i}",
                     "name": "contact.claim", "worker": f"w{n}",
                     "args": {"id": cid, "worker_id": worker_id(f"w{n}"), "at": AT}}
                    for i, cid in enumerate(order)
                ]  # fmt: skip
                codes.append(
                    client.post("/v1/push", json=push_body(f"desk-{n}", claims)).status_code
                )
            return codes

        with ThreadPoolExecutor(8) as pool:
            codes = [code for answer in pool.map(push, range(8)) for code in answer]
        assert len(codes) == 80 and set(codes) == {200}
    finally:
        for server in servers:
            stop(server)


def valid_hetu(n: int) -> str:
    """A valid code of someone born 1.1.1950 + n days (checked by the server's stdnum)."""
    from datetime import date, timedelta

    from ohjaaja.domain.identity import CHECK_CHARS

    born = date(1950, 1, 1) + timedelta(days=n)
    digits = f"{born:%d%m%y}{200 + n:03d}"
    return f"{born:%d%m%y}-{200 + n:03d}{CHECK_CHARS[int(digits) % 31]}"


def test_one_identity_code_is_registered_once_across_processes(postgres_url: str) -> None:
    """Two desks register the same person at the same moment through two server
    processes: before, both were applied in 29 of 40 rounds."""
    store = ["--database-url", postgres_url]
    servers = [start_server(store), start_server(store)]
    try:
        tokens = servers[0].desk_tokens(2)
        clients = [servers[n].client(tokens[n]) for n in range(2)]
        applied_per_round = []
        for round_ in range(40):
            hetu = valid_hetu(round_)
            start = threading.Barrier(2)

            def register(n: int, hetu: str = hetu, round_: int = round_, start: Any = start) -> str:
                client = {"id": f"k{round_}-{n}", "last_name": "Mäkinen", "first_names": "Aino",
                          "hetu": hetu, "created_at": AT, "updated_at": AT}  # fmt: skip
                body = push_body(f"desk-{n}", [{"seq": round_ + 1, "mutation_id": f"r{round_}-{n}",
                                                "name": "client.create", "worker": f"w{n}",
                                                "args": {"client": client}}])  # fmt: skip
                start.wait()
                answer = clients[n].post("/v1/push", json=body)
                assert answer.status_code == 200, answer.text
                return str(answer.json()["results"][0]["status"])

            with ThreadPoolExecutor(2) as pool:
                statuses = list(pool.map(register, range(2)))
            applied_per_round.append(statuses.count("applied"))
        assert applied_per_round == [1] * 40
    finally:
        for server in servers:
            stop(server)
