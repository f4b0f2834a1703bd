"""The server's store: numbered migrations upgrade an old store in place, on both
stores; admin changes are journalled and replayed after a restore."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from ohjaaja.db.server.journal import Journal
from ohjaaja.db.server.migrations import LATEST, upgrade, version
from ohjaaja.db.server.store import (
    Store,
    StoreFileError,
    Writer,
    make_engine,
    row_signature,
    sign,
)
from sqlalchemy import inspect, text

from ohjaaja.sync.server.scoping import scope_row
from tests.sync.conftest import AT


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite'}"
    return str(request.getfixturevalue("postgres_url"))


def test_a_store_made_at_version_1_is_upgraded_with_its_data(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine, target=1)  # as the first server made it, with create_all
    with engine.begin() as conn:
        for key, value in (("mode", "production"), ("epoch", "e1")):
            conn.execute(text("INSERT INTO server_meta VALUES (:k, :v)"), {"k": key, "v": value})
        conn.execute(text("INSERT INTO counter VALUES ('seq', 3)"))
        conn.execute(
            text(
                "INSERT INTO token (id, name, role, secret_hash, created_at) "
                "VALUES ('t1', 'desk-1', 'desk', :h, :at)"
            ),
            {"h": hashlib.sha256(b"ohj_old").hexdigest(), "at": AT},
        )
        rows = [("client", "k1", {"id": "k1", "hetu": "131052-308T"}),
                ("client_hetu", "131052-308T", {"client_id": "k1"}),
                ("contact", "c1", {"id": "c1"})]  # fmt: skip
        for seq, (table, row_id, data) in enumerate(rows, start=1):
            conn.execute(
                text("INSERT INTO row_state VALUES (:t, :i, 1, :s, :d)"),
                {"t": table, "i": row_id, "s": seq, "d": json.dumps(data)},
            )
        conn.execute(text("INSERT INTO desk_cursor VALUES ('desk-1', 2)"))
        conn.execute(
            text(
                "INSERT INTO mutation_log VALUES ('desk-1', 2, 'm2', 'contact.receive', "
                "'applied', :r)"
            ),
            {"r": json.dumps({"rows": [["contact", "c1"]]})},
        )
    engine.dispose()

    store = Store(url)
    with store.engine.connect() as conn:
        assert version(conn) == LATEST
        assert conn.execute(text("SELECT client_id FROM client_identity")).scalar() == "k1"
        tables = {r[0] for r in conn.execute(text("SELECT tbl FROM row_state"))}
        assert tables == {"client", "contact"}  # codes are no longer served to desks
        log = conn.execute(text("SELECT incarnation, seq, mutation_id FROM pushed_mutation"))
        assert [tuple(r) for r in log] == [("", 2, "m2")]
    assert store.authenticate("ohj_old") is not None
    assert store.changes(0, 10)[0] == []  # not served until scoped by the rules above the store
    store.close()
    store = Store(url, scoper=scope_row)
    served = store.changes(0, 10)[0]
    assert [(c["id"], c["subject"]) for c in served] == [("k1", "k1"), ("c1", None)]
    assert all(c["sig"] for c in served)  # old rows are signed when served
    store.close()
    assert Store(url).epoch == "e1"  # opening again changes nothing


def test_a_push_reads_its_rows_by_id_through_an_index_on_an_upgraded_store(url: str) -> None:
    """Version 5 indexes rows by id alone: a push asks for every row its batch names,
    whatever the table, and by the primary key (table, id) that was one lookup for
    each of the 20 tables. The rows of another table with that id are not taken."""
    engine = make_engine(url)
    upgrade(engine, target=4)
    with engine.begin() as conn:
        for seq, table in enumerate(("contact", "service"), start=1):
            conn.execute(
                text("INSERT INTO row_state (tbl, id, version, seq, data) "
                     "VALUES (:t, 'x1', 1, :s, :d)"),
                {"t": table, "s": seq, "d": json.dumps({"id": "x1", "table": table})},
            )  # fmt: skip
    engine.dispose()
    store = Store(url)
    assert "row_state_id" in {i["name"] for i in inspect(store.engine).get_indexes("row_state")}

    def read(writer: Writer) -> tuple[Any, Any]:
        writer.prefetch(["contact", "client"], ["x1", "x2"])
        return writer.get("contact", "x1"), writer.get("service", "x1")

    contact, service = store.transaction(read)
    assert contact == {"id": "x1", "table": "contact"}
    assert service == {"id": "x1", "table": "service"}  # read on its own, not mixed in
    if url.startswith("sqlite"):
        with store.engine.connect() as conn:
            plan = conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT tbl FROM row_state WHERE id IN ('x1', 'x2')"
            ).all()
        assert "row_state_id" in str(plan)
    store.close()


def test_the_reports_keys_are_copied_from_the_documents_of_an_old_store(url: str) -> None:
    """Version 4 copies the fields a report selects on (a contact's received_at, a
    case's created_at, an event's contact or handover) into indexed columns, for the
    rows already stored; every row written after keeps them."""
    engine = make_engine(url)
    upgrade(engine, target=3)
    rows = [("contact", "c1", {"id": "c1", "received_at": AT}),
            ("contact_event", "e1", {"id": "e1", "contact_id": "c1", "at": AT}),
            ("handover", "h1", {"id": "h1", "created_at": AT, "notification_id": "n1"}),
            ("handover_event", "he1", {"id": "he1", "handover_id": "h1"}),
            ("client", "k1", {"id": "k1", "created_at": AT})]  # fmt: skip
    with engine.begin() as conn:
        for seq, (table, row_id, data) in enumerate(rows, start=1):
            conn.execute(
                text("INSERT INTO row_state (tbl, id, version, seq, data) "
                     "VALUES (:t, :i, 1, :s, :d)"),
                {"t": table, "i": row_id, "s": seq, "d": json.dumps(data)},
            )  # fmt: skip
    assert upgrade(engine) == LATEST
    query = text("SELECT tbl, at, parent FROM row_state ORDER BY seq")
    expected = [("contact", AT, None), ("contact_event", None, "c1"), ("handover", AT, "n1"),
                ("handover_event", None, "h1"), ("client", None, None)]  # fmt: skip
    with engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(query)] == expected
    engine.dispose()
    store = Store(url)
    later = "2026-11-24T08:00:00.000000Z"
    store.transaction(
        lambda writer: writer.put("contact", "c1", {"id": "c1", "received_at": later})
    )
    with store.engine.connect() as conn:
        found = conn.execute(text("SELECT at FROM row_state WHERE id = 'c1'")).scalar()
    assert found == later
    store.close()


def test_a_restore_replays_the_admin_journal(tmp_path: Path) -> None:
    """A token revoked or a worker removed after the backup stays so; a token issued
    after it still works."""
    path = tmp_path / "server.sqlite"
    journal = Journal(tmp_path / "admin.log")
    store = Store(f"sqlite:///{path}", journal=journal)
    store.add_worker("Anna", ["guidance"], [], AT)
    old = store.create_token("desk-1", "desk", AT, ["Anna"])
    store.close()
    backup = path.read_bytes()
    store = Store(f"sqlite:///{path}", journal=journal)
    store.revoke_token("desk-1", AT)
    store.add_worker("Bertta", ["guidance"], [], AT)
    new = store.create_token("desk-2", "desk", AT, ["Bertta"])
    store.remove_worker("Anna", AT)
    store.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(backup)
    store = Store(f"sqlite:///{path}", journal=journal)
    assert store.authenticate(old) is not None  # the backup's state, before the replay
    store.new_epoch()
    assert store.authenticate(old) is None
    assert store.authenticate(new) is not None
    assert {w.name: w.active for w in store.workers()} == {"Anna": False, "Bertta": True}
    store.close()


def test_an_empty_store_file_is_never_made_anew(tmp_path: Path) -> None:
    path = tmp_path / "server.sqlite"
    path.write_bytes(b"")
    with pytest.raises(StoreFileError, match="empty"):
        Store(f"sqlite:///{path}")


def test_a_signature_is_what_the_stores_already_hold() -> None:
    """Desks hold signed rows and answers and give them back after a restore: a
    signature made another way would refuse every one (canonical JSON, sorted keys,
    escaped non-ASCII, HMAC-SHA256, 32 hex digits)."""
    parts = ("row", "e1", "contact", "c1", 1, 7, {"b": "ö", "a": [1, None, 2.5, True]})
    assert sign(b"k" * 32, *parts) == "5fa84952e33d3d7f3c2742704d542fd0"


@pytest.mark.parametrize("data", [
    {"b": "ö", "a": [1, None, 2.5, True]}, {}, {"x": {"y": [{}, []], "z": "\u2028]"}},
])  # fmt: skip
def test_a_row_signed_from_its_stored_json_is_signed_alike(data: dict[str, Any]) -> None:
    """A pushed row's JSON is made once, stored as it is signed, and spliced into
    the signed parts: the same bytes as signing the parts whole."""
    encoded = json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    expected = sign(b"k" * 32, "row", "e1", "contact", "c1", 1, 7, data)
    assert row_signature(b"k" * 32, "e1", "contact", "c1", 1, 7, encoded) == expected


def test_a_row_is_stored_as_the_json_it_was_signed_in(tmp_path: Path) -> None:
    """What a pull serves (the row read back, its signature checked) is the row
    put, whatever its characters."""
    store = Store(f"sqlite:///{tmp_path / 'server.sqlite'}")
    data = {"id": "c1", "version": 1, "name": 'Åsa "Öberg"', "n": [1, 2.5, None]}
    store.transaction(lambda w: w.put("contact", "c1", data, new=True))

    def read_back(w: Writer) -> tuple[Any, str]:
        change = w.change("contact", "c1")
        assert change is not None
        return change, sign(w.row_key, "row", w.epoch, "contact", "c1", 1, change["seq"], data)

    change, expected = store.transaction(read_back)
    assert change["data"] == data and change["sig"] == expected
    store.close()
