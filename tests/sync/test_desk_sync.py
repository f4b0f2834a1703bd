"""Desks syncing through a real server process, on both stores."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from ohjaaja.domain.clock import FixedClock
from ohjaaja.sync.client import SyncClient
from ohjaaja.usecases.contacts import ContactForm
from ohjaaja.usecases.desk import Desk
from tests.sync.conftest import Server, Site, start_server, stop


def checksum(desk: Desk) -> list[tuple]:
    return [
        tuple(row)
        for row in desk.conn.execute(
            "SELECT id, status, taken_by, client_id, outcome, note, version "
            "FROM contact ORDER BY id"
        )
    ]


def test_a_contact_reaches_the_other_desk_and_one_claim_wins(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    a, b = Site(server, tmp_path, "a", clock), Site(server, tmp_path, "b", clock)
    contact_id = a.desk.contacts.receive("phone", "ikaihmiset", "853", "fi", "+358405485906")
    assert a.sync.sync_once().pushed == 1  # the contact (workers come from the register)
    b.sync.sync_once()
    assert [e.id for e in b.desk.contacts.queue()] == [contact_id]
    # Both take it while neither has synced: each local claim is pending.
    assert a.desk.contacts.take(contact_id) is not None
    assert b.desk.contacts.take(contact_id) is not None
    b.desk.contacts.save_draft(contact_id, "b:n muistiinpano", ContactForm(), 1)
    assert a.sync.sync_once().lost_claims == ()
    report = b.sync.sync_once()
    assert report.lost_claims == (contact_id,)
    # The loser is told, and keeps its draft; the server's winner shows on both desks.
    assert b.desk.contacts.load_draft(contact_id)[0] == "b:n muistiinpano"
    claim_state = b.desk.conn.execute(
        "SELECT status, result FROM outbox WHERE name = 'contact.claim'"
    ).fetchone()
    assert claim_state["status"] == "rejected" and "taken" in claim_state["result"]
    a.sync.sync_once()
    b.sync.sync_once()
    assert checksum(a.desk) == checksum(b.desk)
    assert b.desk.contacts.contact(contact_id).status == "taken"
    a.close()
    b.close()


def test_offline_work_on_both_sides_converges(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    a, b = Site(server, tmp_path, "a", clock), Site(server, tmp_path, "b", clock)
    for _ in range(300):
        a.desk.contacts.receive("chat", "mipa", "853")
        b.desk.contacts.receive("email", "tyoikaiset", "202")
    taken = a.desk.contacts.take_next()
    assert taken is not None
    a.desk.contacts.close_contact(taken.id, "hoidettu", ContactForm("client", None, [], "resolved"))
    for site in (a, b, a, b):
        site.sync.sync_once()
    assert len(checksum(a.desk)) == 600
    assert checksum(a.desk) == checksum(b.desk)
    assert a.desk.pending_changes() == 0 and b.desk.pending_changes() == 0
    rows = server.client(a.token).get("/v1/changes", params={"limit": 5000}).json()["changes"]
    on_server = sorted(
        (r["id"], r["data"]["status"], r["data"].get("taken_by"), r["version"])
        for r in rows
        if r["table"] == "contact"
    )
    on_desk = [(cid, status, by, version) for cid, status, by, _, _, _, version in checksum(a.desk)]
    assert on_server == on_desk  # every desk equal to the server once quiet
    a.close()
    b.close()


def test_replayed_rounds_push_nothing_twice(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    a = Site(server, tmp_path, "a", clock)
    a.desk.contacts.receive("phone", "ikaihmiset", "853")
    first = a.sync.sync_once()
    a.desk.conn.execute("UPDATE outbox SET acked_at = NULL")  # as if the answer was lost
    again = a.sync.sync_once()
    assert first.pushed == 1 and again.pushed == 1  # the server's stored answers
    head = server.client(a.token).get("/v1/changes").json()["head"]
    assert head == 2  # the worker (from the register) and the contact, once each
    a.close()


def test_cli_sync_once(server: Server, tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "cli.sqlite"
    desk = Desk(path, clock, "cli-worker")
    desk.contacts.receive("walk_in", "ikaihmiset", "853")
    desk.close()
    token_file = tmp_path / "token"  # as a desk keeps it: off the command line
    token_file.write_text(server.token("desk", "cli-desk", ("cli-worker",)) + "\n")
    token_file.chmod(0o600)
    result = subprocess.run(
        [sys.executable, "-m", "ohjaaja.shell.cli", "sync", "--once", "--database", str(path),
         "--server", server.url, "--token-file", str(token_file)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0 and not result.stderr, result.stderr
    assert result.stdout.strip().startswith("pushed 1, rejected 0, pulled")


def test_a_restored_server_gets_back_what_it_lost(tmp_path: Path, clock: FixedClock) -> None:
    store = tmp_path / "server.sqlite"
    server = start_server(["--database", str(store)])
    a = Site(server, tmp_path, "a", clock)
    a.desk.contacts.receive("phone", "ikaihmiset", "853")
    a.sync.sync_once()
    stop(server)
    backup = tmp_path / "backup.sqlite"
    with sqlite3.connect(store) as source, sqlite3.connect(backup) as target:
        source.backup(target)  # SQLite's online backup: the WAL's contents included
    server = start_server(["--database", str(store)])
    a.use(server)
    later = a.desk.contacts.receive("chat", "mipa", "853")
    a.sync.sync_once()
    stop(server)
    for suffix in ("-wal", "-shm"):  # the disk failed; restored from last night's backup
        Path(str(store) + suffix).unlink(missing_ok=True)
    shutil.copy(backup, store)
    subprocess.run(  # the restore procedure's last step
        [
            sys.executable,
            "-m",
            "ohjaaja.shell.cli",
            "server",
            "new-epoch",
            "--database",
            str(store),
        ],
        check=True,
        capture_output=True,
    )
    server = start_server(["--database", str(store)])
    a.use(server)
    report = a.sync.sync_once()
    assert report.epoch_changed
    ids = [c["id"] for c in server.client(a.token).get("/v1/changes").json()["changes"]]
    assert later in ids
    stop(server)
    a.close()


def test_processes_sharing_one_desk_database_take_turns(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    a = Site(server, tmp_path, "a", clock)
    a.desk.contacts.receive("phone", "ikaihmiset", "853")
    other_process = SyncClient(a.path, server.url, a.token, clock)
    with a.sync._turn() as mine:  # one process is in the middle of a round
        assert mine
        assert other_process.sync_once().skipped
    assert a.sync.sync_once().pushed == 1
    assert other_process.sync_once().pushed == 0  # nothing left to send, nothing twice
    assert server.client(a.token).get("/v1/changes").json()["head"] == 2
    other_process.close()
    a.close()


def test_server_killed_during_a_push_loses_and_doubles_nothing(
    tmp_path: Path, clock: FixedClock
) -> None:
    store = ["--database", str(tmp_path / "server.sqlite")]
    server = start_server(store)
    a = Site(server, tmp_path, "a", clock)
    ids = {a.desk.contacts.receive("chat", "mipa", "853") for _ in range(2000)}

    def push() -> None:
        with contextlib.suppress(Exception):  # the server dies under it
            a.sync.sync_once()

    pusher = threading.Thread(target=push)
    pusher.start()
    health = server.client(None)
    for _ in range(10_000):  # until the first of the four batches has committed
        if health.get("/v1/health").json()["head"] > 0:
            break
    server.process.kill()  # SIGKILL in the middle of the push
    pusher.join()
    server = start_server(store)
    a.use(server)
    a.sync.sync_once()
    rows = server.client(a.token).get("/v1/changes", params={"limit": 5000}).json()["changes"]
    contact_ids = [r["id"] for r in rows if r["table"] == "contact"]
    assert sorted(contact_ids) == sorted(ids)  # none lost, none twice
    assert a.desk.pending_changes() == 0
    stop(server)
    a.close()


def test_a_desk_killed_between_its_commit_and_its_push(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "desk.sqlite"
    script = (
        "import os, signal, sys\n"
        "from ohjaaja.domain.clock import SystemClock\n"
        "from ohjaaja.usecases.desk import Desk\n"
        f"desk = Desk({str(path)!r}, SystemClock(), 'Anna')\n"
        "print(desk.contacts.receive('phone', 'sosiaalipaivystys', '853'), flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)  # before any push\n"
    )
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert killed.returncode == -9
    contact_id = killed.stdout.strip()
    token = server.token("desk", "desk-a", ("Anna",))
    again = SyncClient(path, server.url, token, clock)
    assert again.sync_once().pushed == 1
    rows = server.client(token).get("/v1/changes").json()["changes"]
    assert contact_id in [r["id"] for r in rows]
    again.close()


@pytest.mark.parametrize("fault", ["push-before-commit", "push-after-commit"])
def test_server_dies_before_or_after_its_commit(
    fault: str, store_args: list[str], tmp_path: Path, clock: FixedClock
) -> None:
    server = start_server(store_args, fault=fault)
    a = Site(server, tmp_path, "a", clock)
    ids = {a.desk.contacts.receive("phone", "ikaihmiset", "853") for _ in range(50)}
    with pytest.raises(httpx.HTTPError):  # the connection drops: no answer at all
        a.sync.sync_once()
    assert server.process.wait(timeout=30) == 9
    assert a.desk.pending_changes() == 50  # nothing acknowledged, nothing lost
    server = start_server(store_args)
    a.use(server)
    report = a.sync.sync_once()
    assert report.pushed == 50 and a.desk.pending_changes() == 0
    rows = server.client(a.token).get("/v1/changes", params={"limit": 5000}).json()["changes"]
    assert sorted(r["id"] for r in rows if r["table"] == "contact") == sorted(ids)
    expected_head = 51  # the worker, then each contact once, committed on the first try or not
    assert max(r["seq"] for r in rows) == expected_head
    stop(server)
    a.close()
