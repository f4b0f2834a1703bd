"""Many desks claiming the same contacts at once through two server processes on
one PostgreSQL: every contact is claimed exactly once."""

from __future__ import annotations

import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ohjaaja.db.ids import worker_id

from ohjaaja.domain.clock import SystemClock
from ohjaaja.sync.client import SyncClient
from ohjaaja.usecases.desk import Desk
from tests.sync.conftest import AT, push_body, start_server, stop

DESKS = 12
CONTACTS = 30


def test_no_double_claims_across_server_processes(postgres_url: str) -> None:
    store = ["--database-url", postgres_url]
    servers = [start_server(store), start_server(store)]
    try:
        intake = servers[0].client(servers[0].token("integration", "phone-system"))
        ids = [
            intake.post(
                "/v1/contacts",
                json={"channel": "phone", "line": "sosiaalipaivystys", "municipality_code": "853"},
            ).json()["id"]
            for _ in range(CONTACTS)
        ]
        tokens = servers[0].desk_tokens(DESKS)

        def claim_all(n: int) -> list[str]:
            server = servers[n % 2]
            client = server.client(tokens[n])
            order = ids[n % CONTACTS :] + ids[: n % CONTACTS]  # desks start at different contacts
            won = []
            for seq, contact_id in enumerate(order, start=1):
                claim = {"id": contact_id, "worker_id": worker_id(f"w{n}"), "at": AT}
                body = push_body(f"desk-{n}", [{
                    "seq": seq, "mutation_id": f"d{n}-{seq}", "name": "contact.claim",
                    "worker": f"w{n}", "args": claim,
                }])  # fmt: skip
                result = client.post("/v1/push", json=body).json()["results"][0]
                if result["status"] == "applied":
                    won.append(contact_id)
            return won

        with ThreadPoolExecutor(DESKS) as pool:
            wins = [c for won in pool.map(claim_all, range(DESKS)) for c in won]
        assert sorted(wins) == sorted(ids)  # each contact won once, none twice
        reader = servers[1].client(tokens[0])
        rows = reader.get("/v1/changes", params={"limit": 5000}).json()["changes"]
        final = {r["id"]: r["data"]["taken_by"] for r in rows if r["table"] == "contact"}
        assert len(final) == CONTACTS and all(final.values())
    finally:
        for server in servers:
            stop(server)


def test_a_change_through_one_process_pokes_desks_on_the_other(postgres_url: str) -> None:

    store = ["--database-url", postgres_url]
    first, second = start_server(store), start_server(store)
    try:
        token = first.token("desk", "listener", ("Anna",))
        poked = threading.Event()
        heads: list[int] = []

        def on_head(head: int) -> None:
            heads.append(head)
            if head > 0:
                poked.set()

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "desk.sqlite"
            Desk(path, SystemClock(), "Anna").close()
            listener = SyncClient(path, second.url, token, SystemClock())
            thread = threading.Thread(
                target=lambda: listener.follow(on_head, poked.is_set), daemon=True
            )
            thread.start()
            intake = first.client(first.token("integration", "pbx"))
            body = {"channel": "chat", "line": "sosiaalipaivystys", "municipality_code": "853"}
            assert intake.post("/v1/contacts", json=body).status_code == 201
            assert poked.wait(timeout=10), f"no poke through the other process: {heads}"
            listener.close()
    finally:
        for server in (first, second):
            stop(server)
