"""Intake keeps the tokens it has seen (the token check was a third of its time), and
still stores nothing for a token revoked while kept: the write's own transaction
checks the token again whenever the token revision has moved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from ohjaaja.db.server.store import Store, token_hash
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


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
