"""Training and client data never meet: a training flag anywhere in a mutation is
refused by a client-data store, a training store marks what it takes, a desk file's
mode is fixed by whoever writes it first (the server's mode for `sync --once`), a
desk never syncs with a store of the other mode, and a demo never with client data."""

from __future__ import annotations

import copy
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ohjaaja.db import outbox
from ohjaaja.db.ids import worker_id
from ohjaaja.db.server.store import Store

from ohjaaja.demo.build import build_demo
from ohjaaja.domain.clock import FixedClock
from ohjaaja.sync.client import SyncClient, SyncError
from ohjaaja.usecases.desk import Desk, DeskModeError
from tests.sync.conftest import Server, Site, push_body

AINO_FIELDS = {"last_name": "Mäkinen", "first_names": "Aino Maria", "hetu": "131052-308T",
               "phone": "040 548 5906", "municipality_code": "853", "language": "fi"}  # fmt: skip


def head(server: Server) -> int:
    reader = server.client(server.token("desk", "reader"))
    return int(reader.get("/v1/changes", params={"cursor": 0}).json()["head"])


def mode_of(path: Path) -> str | None:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'mode'").fetchone()
    finally:
        conn.close()
    return None if row is None else str(row[0])


def sync_once(path: Path, server: Server, token: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ohjaaja.shell.cli", "sync", "--once", "--database", str(path),
         "--server", server.url, "--token", token],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def made_by_a_desk(site: Site) -> dict[str, dict[str, Any]]:
    """A client and a child-welfare notification as a desk records them."""
    assert site.desk.clients.create_client(AINO_FIELDS).client_id
    fields = {"subject": "Lapsi", "concern": "Yksin kotona"}
    notification, errors = site.desk.handovers.create_notification(
        "child_welfare", fields, None, None, "853"
    )
    assert notification and not errors
    return {row["name"]: json.loads(row["args"]) for row in outbox.pending(site.desk.conn)}


def test_a_training_flag_anywhere_in_a_mutation_is_refused_by_a_client_data_store(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    site = Site(server, tmp_path, "a", clock)
    made = made_by_a_desk(site)
    client, notification = made["client.create"], made["notification.create"]

    def flagged(args: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
        args = copy.deepcopy(args)
        where = args
        for step in path[:-1]:
            where = where[step]
        where[path[-1]] = value
        return args

    cases = [
        ("client.create", flagged(client, ["client", "is_training"], 1),
         "args.client.is_training"),
        ("notification.create", flagged(notification, ["notification", "is_training"], True),
         "args.notification.is_training"),
        ("notification.create", flagged(notification, ["handover", "is_training"], "yes"),
         "args.handover.is_training"),
        ("notification.create",
         flagged(notification, ["handover", "event", "is_training"], 1),
         "args.handover.event.is_training"),
        ("client.create",
         flagged(client, ["phones"], [{"note": {"made_up": [{"is_training": 1}]}}]),
         "args.phones[0].note.made_up[0].is_training"),
    ]  # fmt: skip
    before = head(server)
    items = [
        {"seq": n, "mutation_id": f"flagged-{n}", "name": name, "worker": site.worker,
         "args": args}
        for n, (name, args, _) in enumerate(cases, start=1)
    ]  # fmt: skip
    answer = server.client(site.token).post("/v1/push", json=push_body("a", items))
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert len(results) == len(cases)
    for result, (name, _, field) in zip(results, cases, strict=True):
        assert result["status"] == "rejected", (name, result)
        assert result["result"]["code"] == 422, (name, result)
        assert result["result"]["field"] == field, (name, result)
        assert "training" in result["result"]["message"], (name, result)
    assert head(server) == before  # nothing stored
    # The same mutations unflagged (a falsy flag is no flag) are taken: only the flag was wrong.
    clean = [
        {"seq": len(cases) + n, "mutation_id": f"clean-{n}", "name": name, "worker": site.worker,
         "args": args}
        for n, (name, args) in enumerate(
            [("client.create", flagged(client, ["client", "is_training"], 0)),
             ("notification.create",
              flagged(notification, ["notification", "is_training"], False))],
            start=1,
        )
    ]  # fmt: skip
    answer = server.client(site.token).post("/v1/push", json=push_body("a", clean))
    assert [r["status"] for r in answer.json()["results"]] == ["applied", "applied"], answer.text
    site.close()


def test_a_training_store_marks_every_row_it_takes_as_training(
    training_server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "trainee.sqlite"
    admin = training_server.admin()
    admin.add_worker("trainee", ["guidance"], [], "2026-11-23T08:00:00.000000Z")
    token = admin.create_token("trainee-desk", "desk", "2026-11-23T08:00:00.000000Z", ["trainee"])
    admin.close()
    desk = Desk(path, clock, "trainee", training=True)
    desk.clients.create_client(AINO_FIELDS)
    desk.contacts.receive("phone", "ikaihmiset", "853")
    sync = SyncClient(path, training_server.url, token, clock)
    report = sync.sync_once()
    assert report.rejected == 0 and report.pushed >= 2
    integration = training_server.client(training_server.token("integration", "phone"))
    contact = {"channel": "phone", "line": "sosiaalipaivystys", "municipality_code": "853",
               "language": "fi"}  # fmt: skip
    assert integration.post("/v1/contacts", json=contact).status_code == 201
    reader = training_server.client(token)
    changes = reader.get("/v1/changes", params={"cursor": 0}).json()["changes"]
    flagged = [c for c in changes if "is_training" in c["data"]]
    assert {c["table"] for c in flagged} == {"client", "contact"} and len(flagged) == 3
    assert all(c["data"]["is_training"] == 1 for c in flagged)
    sync.sync_once()  # and the desk holds them as the store marked them
    assert (
        desk.conn.execute("SELECT count(*) FROM contact WHERE is_training = 1").fetchone()[0] == 2
    )
    assert [tuple(r) for r in desk.conn.execute("SELECT is_training FROM client")] == [(1,)]
    sync.close()
    desk.close()


def test_sync_once_fixes_a_fresh_desk_files_mode_to_the_servers(
    server: Server, training_server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    for store, mode, other in ((server, "production", True), (training_server, "training", False)):
        path = tmp_path / f"fresh-{mode}.sqlite"
        store.worker("anna")
        result = sync_once(path, store, store.token("desk", f"fresh-{mode}", ("anna",)))
        assert result.returncode == 0, result.stderr
        assert mode_of(path) == mode
        with pytest.raises(DeskModeError, match=str(path)):
            Desk(path, clock, "anna", training=other)
        Desk(path, clock, "anna", training=not other).close()


def test_a_desk_never_syncs_with_a_store_of_the_other_mode(
    server: Server, training_server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    for store, training in ((server, True), (training_server, False)):
        path = tmp_path / f"{'training' if training else 'production'}.sqlite"
        desk = Desk(path, clock, "anna", training=training)
        desk.contacts.receive("phone", "ikaihmiset", "853")
        desk.close()
        token = store.token("desk", f"desk-{training}", ("anna",))
        before = head(store)
        sync = SyncClient(path, store.url, token, clock)
        with pytest.raises(SyncError, match=str(path)) as refused:
            sync.sync_once()
        assert "training" in str(refused.value)
        sync.close()
        result = sync_once(path, store, token)
        assert result.returncode == 1 and str(path) in result.stderr
        assert head(store) == before  # nothing pushed
        assert mode_of(path) == ("training" if training else "production")


def test_a_demo_never_syncs_with_client_data_but_may_with_a_training_store(
    server: Server, training_server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    demo = tmp_path / "demo.sqlite"
    assert build_demo(demo, clock, clients=20)
    before = head(server)
    sync = SyncClient(demo, server.url, server.token("admin", "demo-host"), clock)
    with pytest.raises(SyncError, match="demo") as refused:
        sync.sync_once()
    assert str(demo) in str(refused.value)
    sync.close()
    assert head(server) == before  # no handover, no notification, no audit row
    training_demo = tmp_path / "demo-training.sqlite"
    assert build_demo(training_demo, clock, clients=20, training=True)
    refused_too = sync_once(training_demo, server, server.token("admin", "demo-host-2"))
    assert refused_too.returncode == 1 and "demo" in refused_too.stderr
    token = training_server.token("admin", "trainer")
    sync = SyncClient(training_demo, training_server.url, token, clock)
    sync.sync_once()  # taken as training data (its workers are not registered: refused alone)
    sync.close()
    assert mode_of(training_demo) == "training"


def test_every_server_subcommand_takes_its_store_and_mode_before_or_after_it(
    store_args: list[str], tmp_path: Path
) -> None:
    """`ohjaaja server --training --database X token create` once wrote into the user's
    data directory instead of X."""
    home, data = tmp_path / "home", tmp_path / "xdg-data"
    home.mkdir()
    env = {"HOME": str(home), "XDG_DATA_HOME": str(data), "OHJAAJA_DATABASE": ""}
    journal = ["--admin-log", str(tmp_path / "admin.log")]
    location = store_args if store_args[0] == "--database" else [*store_args, *journal]

    def ohjaaja(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ohjaaja.shell.cli", *args], capture_output=True, text=True,
            env={**os.environ, **env}, timeout=120,
        )  # fmt: skip

    made = ohjaaja("server", "--training", *location, "token", "create", "--role", "desk",
                   "--name", "before")  # fmt: skip
    assert made.returncode == 0, made.stderr
    after = ohjaaja("server", "token", "create", "--role", "desk", "--name", "after",
                    "--training", *location)  # fmt: skip
    assert after.returncode == 0, after.stderr
    worker = ohjaaja("server", "--training", *location, "worker", "add", "anna")
    assert worker.returncode == 0, worker.stderr
    listed = ohjaaja("server", *location, "token", "list")
    assert {"before", "after"} <= {line.split("\t")[0] for line in listed.stdout.splitlines()}
    assert not data.exists() and list(home.iterdir()) == []
    opened = Store(f"sqlite:///{location[1]}" if location[0] == "--database" else location[1])
    try:
        assert opened.training and worker_id("anna") in {w.id for w in opened.workers()}
    finally:
        opened.close()
    refused = ohjaaja("server", *location, "token", "revoke", "--name", "after",
                      "--database-url" if store_args[0] == "--database" else "--database",
                      str(tmp_path / "other.sqlite"))  # fmt: skip
    assert refused.returncode == 2 and "not both" in refused.stderr
    if store_args[0] == "--database":  # a client-data store is never made by an admin command
        missing = ohjaaja("server", "--database", str(tmp_path / "typo.sqlite"), "worker", "list")
        assert missing.returncode == 2 and "no store at" in missing.stderr
        assert not (tmp_path / "typo.sqlite").exists()
