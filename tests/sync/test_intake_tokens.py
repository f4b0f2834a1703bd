"""Intake keeps the tokens it has seen (the token check was a third of its time), and
still stores nothing for a token revoked while kept: the write's own transaction
checks the token again whenever the token revision has moved."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from ohjaaja.db.server.store import Store, Writer, token_hash
from ohjaaja.db.server.tables import row_state
from sqlalchemy import func, select

from ohjaaja.sync.server import create_app
from tests.sync.conftest import AT, Server, cli

CONTACT = {"channel": "phone", "line": "ikaihmiset", "municipality_code": "853"}


def contacts(store: Store) -> int:
    with store.reading() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(row_state).where(row_state.c.tbl == "contact")
            ).scalar_one()
        )


def test_intake_asks_the_store_for_a_token_once(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'server.sqlite'}")
    token = store.create_token("pbx", "integration", AT)
    asked: list[str] = []
    for name in ("authenticate", "vouch"):
        method = getattr(store, name)

        def counted(secret: str, method: Any = method, name: str = name) -> Any:
            asked.append(name)
            return method(secret)

        setattr(store, name, counted)
    with TestClient(create_app(store)) as client:
        for _ in range(10):
            answer = client.post("/v1/contacts", json=CONTACT, headers=_bearer(token))
            assert answer.status_code == 201, answer.text
    assert len(asked) == 1
    assert contacts(store) == 10


def test_a_token_revoked_while_kept_stores_nothing(server: Server) -> None:
    token = server.token("integration", "pbx")
    client = server.client(token)
    assert client.post("/v1/contacts", json=CONTACT).status_code == 201  # now kept
    assert cli("server", "token", "revoke", *server.store_args, "--name", "pbx").startswith(
        "revoked 1"
    )
    refused = client.post("/v1/contacts", json=CONTACT)
    assert refused.status_code == 401, refused.text
    assert refused.json()["detail"] == "unknown or revoked token"
    assert client.post("/v1/contacts", json=CONTACT).status_code == 401  # and forgotten
    store = server.admin()
    try:
        assert contacts(store) == 1
    finally:
        store.close()


def test_another_tokens_change_does_not_refuse_a_kept_one(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'server.sqlite'}")
    token = store.create_token("pbx", "integration", AT)
    store.create_token("eform", "integration", AT)
    app = create_app(store)
    with TestClient(app) as client:
        assert client.post("/v1/contacts", json=CONTACT, headers=_bearer(token)).status_code == 201
        before = app.state.tokens.get(token_hash(token)).revision
        store.revoke_token("eform", AT)
        assert client.post("/v1/contacts", json=CONTACT, headers=_bearer(token)).status_code == 201
        # It held at the new revision: kept at it, so the next write need not read it.
        assert app.state.tokens.get(token_hash(token)).revision == before + 1
    assert contacts(store) == 2


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite'}"
    return str(request.getfixturevalue("postgres_url"))


def test_a_revocation_done_during_the_write_is_not_overtaken(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A revocation that commits while a group commit's transaction is open (after it
    read the token revision) waits for that write on both stores: `token revoke`
    never says "revoked" while a write that trusted the token can still commit.
    (On PostgreSQL it took no lock a writer takes, and the write stored the contact.)"""
    store = Store(url)
    token = store.create_token("pbx", "integration", AT)
    other = Store(url)  # the CLI: another process, another connection
    app = create_app(store)
    checked, go_on = threading.Event(), threading.Event()
    holds = Writer.token_holds

    def pausing(self: Writer, voucher: Any) -> int:
        revision = holds(self, voucher)
        if not go_on.is_set():  # the second post only
            checked.set()
            assert go_on.wait(30)
        return revision

    headers = {"Authorization": f"Bearer {token}"}
    answers: list[int] = []
    with TestClient(app) as client:
        go_on.set()
        assert client.post("/v1/contacts", json=CONTACT, headers=headers).status_code == 201
        go_on.clear()  # the token is kept now
        monkeypatch.setattr(Writer, "token_holds", pausing)
        post = threading.Thread(
            target=lambda: answers.append(
                client.post("/v1/contacts", json=CONTACT, headers=headers).status_code
            )
        )
        post.start()
        assert checked.wait(30)  # the write's transaction is open and has checked the token
        revoked: list[int] = []
        revoke = threading.Thread(target=lambda: revoked.append(other.revoke_token("pbx", AT)))
        revoke.start()
        revoke.join(3)  # a revocation that waits for the write is as good as after it
        revoke_done_first = not revoke.is_alive()
        go_on.set()
        post.join(30)
        revoke.join(60)
    assert revoked == [1]
    stored = contacts(other)
    other.close()
    store.close()
    if revoke_done_first:
        # `token revoke` had answered "revoked 1" before the post was answered: the
        # post must store nothing and be told 401.
        assert answers == [401], f"answered {answers} after the revocation was done"
        assert stored == 1, f"{stored - 1} contact(s) stored after the revocation was done"
    else:
        assert answers == [201] and stored == 2


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
