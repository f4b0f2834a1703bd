"""Starting over without loss (issue 12, findings 3, 8 and 9): a desk whose numbering
starts again, a truncated desk file, a server restored from a backup, a server
stopped with SIGTERM, a token revoked while its stream is open."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest

from ohjaaja.domain.clock import FixedClock
from ohjaaja.sync.client import SyncClient, SyncError
from ohjaaja.usecases.contacts import ContactForm
from ohjaaja.usecases.desk import Desk, DeskFileError
from tests.sync.conftest import Server, Site, cli, start_server, stop

INTAKE = {"channel": "phone", "line": "sosiaalipaivystys", "municipality_code": "853"}


def backup(source: Path, target: Path) -> None:
    """SQLite's online backup, as the README's procedure does it."""
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)


def restore(copy: Path, target: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(copy, target)


def on_server(server: Server, token: str, table: str = "contact") -> dict[str, dict]:
    changes = server.client(token).get("/v1/changes", params={"limit": 5000}).json()["changes"]
    return {c["id"]: c["data"] for c in changes if c["table"] == table}


def test_a_desk_restored_from_its_own_backup_loses_nothing(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    a = Site(server, tmp_path, "a", clock)
    for _ in range(2):
        a.desk.contacts.receive("chat", "mipa", "853")
    a.sync.sync_once()
    backup(a.path, tmp_path / "desk-backup.sqlite")
    for _ in range(3):
        a.desk.contacts.receive("chat", "mipa", "853")
    a.sync.sync_once()
    a.sync.close()
    a.desk.close()
    restore(tmp_path / "desk-backup.sqlite", a.path)  # numbering goes back to 3
    a.desk = Desk(a.path, clock, a.worker)
    a.sync = SyncClient(a.path, server.url, a.token, clock)
    new = {a.desk.contacts.receive("phone", "ikaihmiset", "853") for _ in range(4)}
    report = a.sync.sync_once()
    assert report.new_incarnation and report.pushed == 4
    assert new <= set(on_server(server, a.token))  # before: 4 marked sent, 0 arrived
    assert len(on_server(server, a.token)) == 9
    assert a.desk.pending_changes() == 0
    a.close()


def test_a_desk_database_made_again_with_the_same_token_loses_nothing(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    a = Site(server, tmp_path, "a", clock)
    for _ in range(6):
        a.desk.contacts.receive("chat", "mipa", "853")
    a.sync.sync_once()
    a.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{a.path}{suffix}").unlink(missing_ok=True)
    a.desk = Desk(a.path, clock, a.worker)
    a.sync = SyncClient(a.path, server.url, a.token, clock)
    new = {a.desk.contacts.receive("walk_in", "tyoikaiset", "853") for _ in range(6)}
    assert a.sync.sync_once().pushed == 6
    assert new <= set(on_server(server, a.token))  # before: 6 of 6 lost
    a.close()


def test_a_truncated_desk_file_is_never_made_anew(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    a = Site(server, tmp_path, "a", clock)
    a.desk.contacts.receive("chat", "mipa", "853")
    a.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{a.path}{suffix}").unlink(missing_ok=True)
    a.path.write_bytes(b"")
    with pytest.raises(DeskFileError, match="empty"):
        Desk(a.path, clock, a.worker)
    for command in (["sync", "--once", "--server", server.url], ["queue"]):
        result = subprocess.run(
            [sys.executable, "-m", "ohjaaja.shell.cli", *command, "--database", str(a.path)],
            capture_output=True, text=True, timeout=60,
            env={**os.environ, "OHJAAJA_TOKEN": a.token},
        )  # fmt: skip
        assert result.returncode == 2 and str(a.path) in result.stderr, result.stderr
        assert "Restore it from a backup" in result.stderr
    assert a.path.stat().st_size == 0  # untouched: nothing was made over it
    a.path.write_bytes(b"not a database, and longer than a header")
    with pytest.raises(DeskFileError, match="not an SQLite database"):
        Desk(a.path, clock, a.worker)


def test_a_server_restored_from_a_backup_gets_back_what_it_lost(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Rows posted after the backup come back from the desks that pulled them; a
    contested contact keeps its winner (and the winner's close and note); a token
    revoked after the backup stays revoked."""
    store = tmp_path / "server.sqlite"
    server = start_server(["--database", str(store)])
    a, b = Site(server, tmp_path, "a", clock), Site(server, tmp_path, "b", clock)
    intake_token = server.token("integration", "phone-system")
    doomed = server.token("integration", "old-pbx")
    intake = server.client(intake_token)
    before = intake.post("/v1/contacts", json=INTAKE).json()["id"]
    for site in (a, b):
        site.sync.sync_once()
    backup(store, tmp_path / "server-backup.sqlite")

    after = intake.post("/v1/contacts", json=INTAKE).json()["id"]
    contested = intake.post("/v1/contacts", json=INTAKE).json()["id"]
    for site in (a, b):
        site.sync.sync_once()
    assert a.desk.contacts.take(contested) and b.desk.contacts.take(contested)  # both, offline
    a.sync.sync_once()  # a wins
    a.desk.contacts.close_contact(
        contested, "a:n muistiinpano", ContactForm("client", None, [], "resolved")
    )
    a.sync.sync_once()
    assert b.sync.sync_once().lost_claims == (contested,)
    cli("server", "token", "revoke", "--database", str(store), "--name", "old-pbx")
    stop(server)

    restore(tmp_path / "server-backup.sqlite", store)  # the disk failed
    cli("server", "new-epoch", "--database", str(store))
    server = start_server(["--database", str(store)])
    for site in (b, a):  # the loser first: its refused claim must not win now
        site.use(server)
        assert site.sync.sync_once().epoch_changed
    for site in (a, b):
        site.sync.sync_once()
    contacts = on_server(server, a.token)
    assert {before, after, contested} <= set(contacts)
    won = contacts[contested]
    assert won["taken_by"] == a.desk.worker_id and won["status"] == "closed"
    assert won["note"] == "a:n muistiinpano"
    for site in (a, b):
        row = site.desk.contacts.contact(contested)
        assert (row.status, row.note) == ("closed", "a:n muistiinpano")
    assert server.client(doomed).post("/v1/contacts", json=INTAKE).status_code == 401
    assert server.client(intake_token).post("/v1/contacts", json=INTAKE).status_code == 201
    stop(server)
    a.close()
    b.close()


def test_sigterm_checkpoints_the_store_so_a_plain_copy_is_whole(
    tmp_path: Path, clock: FixedClock
) -> None:
    store = tmp_path / "server.sqlite"
    server = start_server(["--database", str(store)])
    a = Site(server, tmp_path, "a", clock)
    ids = {a.desk.contacts.receive("chat", "mipa", "853") for _ in range(20)}
    a.sync.sync_once()
    stop(server)  # SIGTERM
    copy = tmp_path / "copied.sqlite"
    shutil.copy(store, copy)  # the file alone, as a careless backup takes it
    with closing(sqlite3.connect(copy)) as conn:
        found = {r[0] for r in conn.execute("SELECT id FROM row_state WHERE tbl = 'contact'")}
    assert found == ids
    a.close()


def test_a_revoked_tokens_open_stream_ends(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    a = Site(server, tmp_path, "a", clock)
    ended = threading.Event()
    failure: list[Exception] = []

    def follow() -> None:
        listener = SyncClient(a.path, server.url, a.token, clock)
        try:
            listener.follow(lambda _head: None, lambda: False)
        except SyncError as exc:
            failure.append(exc)
        finally:
            listener.close()
            ended.set()

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    cli("server", "token", "revoke", *server.store_args, "--name", "a")
    assert ended.wait(timeout=10), "the stream stayed open after the revocation"
    assert failure and "revoked" in str(failure[0])
    a.close()


def test_rows_given_back_never_undo_work_done_since_the_restore(
    tmp_path: Path, clock: FixedClock
) -> None:
    """A closed a contact after the backup; the store is lost; in the new history B
    takes the contact. A's closed version comes back refused (B's claim stands), A's
    close is applied again and refused, and A's note is kept as A's note."""
    store = tmp_path / "server.sqlite"
    server = start_server(["--database", str(store)])
    a, b = Site(server, tmp_path, "a", clock), Site(server, tmp_path, "b", clock)
    contact_id = a.desk.contacts.receive("phone", "ikaihmiset", "853")
    for site in (a, b):
        site.sync.sync_once()
    backup(store, tmp_path / "server-backup.sqlite")
    assert a.desk.contacts.take(contact_id)
    a.desk.contacts.close_contact(
        contact_id, "a:n muistiinpano", ContactForm("client", None, [], "resolved")
    )
    a.sync.sync_once()
    stop(server)
    restore(tmp_path / "server-backup.sqlite", store)
    cli("server", "new-epoch", "--database", str(store))
    server = start_server(["--database", str(store)])
    b.use(server)
    b.sync.sync_once()  # b sees the restored (waiting) contact
    assert b.desk.contacts.take(contact_id)
    b.sync.sync_once()  # b's claim: new work in the new history
    a.use(server)
    report = a.sync.sync_once()
    assert report.epoch_changed and report.kept_notes == 1
    won = on_server(server, a.token)[contact_id]
    assert (won["status"], won["taken_by"]) == ("taken", b.desk.worker_id)
    notes = [c["data"] for c in server.client(a.token).get("/v1/changes").json()["changes"]
             if c["table"] == "contact_event"]  # fmt: skip
    assert any("a:n muistiinpano" in n["data"] for n in notes)
    stop(server)
    a.close()
    b.close()
